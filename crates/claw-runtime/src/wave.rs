//! WAVE text in and out: splitting a call like `ops.add(2, 3)` into the export name and its
//! arguments, typing the arguments against the export's parameters, and printing results.
//!
//! wasm-wave's own call parser only accepts names in its grammar (`ns:pkg/iface.f@1.0.0`), not
//! the `ns:pkg/iface@1.0.0#f` form that [`Session::exports`](crate::Session::exports) prints, so
//! the name is cut off here and only the parenthesised arguments go to wasm-wave.

use std::error::Error as _;

use wasm_wave::parser::ParserError;
use wasm_wave::untyped::UntypedFuncCall;
use wasm_wave::value::{Type as WaveType, Value as WaveValue};
use wasm_wave::wasm::DisplayType;
use wasmtime::component::{Type, Val};

use crate::error::RunError;

mod print;

pub use print::{to_val, to_wave};

/// Splits `call` into the export name and the argument text, `(…)` or empty when the call has no
/// parentheses (which is accepted as a call with no arguments).
pub(crate) fn split_call(call: &str) -> Result<(&str, &str), RunError> {
    let call = call.trim();
    let (name, args) = match call.find('(') {
        Some(open) => (call[..open].trim_end(), &call[open..]),
        None => (call, ""),
    };
    if name.is_empty() {
        return Err(RunError::Invoke(format!(
            "invalid call `{call}`: expected a function name, as in `f(1, \"two\")`"
        )));
    }
    Ok((name, args))
}

/// One parameter of the function being called, for typing and for messages.
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) ty: Type,
}

/// Parses `args` (from [`split_call`]) as WAVE values of the types of `params`; `func` names the
/// function in messages. Trailing `option` parameters may be left out and become `none`.
pub(crate) fn parse_args(func: &str, args: &str, params: &[Param]) -> Result<Vec<Val>, RunError> {
    // A dummy name makes the argument text a call wasm-wave will parse; spans in its errors are
    // shifted by the name's length.
    const NAME: &str = "f";
    let source = format!("{NAME}{}", if args.is_empty() { "()" } else { args });
    let call = UntypedFuncCall::parse(&source).map_err(|err| {
        RunError::Invoke(format!(
            "invalid call `{func}{args}`: {}",
            describe(&err, &source)
        ))
    })?;

    let arg_nodes: Vec<_> = match call.params_node() {
        Some(node) => node
            .as_tuple()
            .map(|nodes| nodes.collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let omitted_ok = params
        .iter()
        .skip(arg_nodes.len())
        .all(|param| matches!(param.ty, Type::Option(_)));
    if arg_nodes.len() > params.len() || !omitted_ok {
        let count = arg_nodes.len();
        return Err(RunError::Invoke(format!(
            "`{func}` takes {} ({}), but {count} {} given",
            plural(params.len(), "argument"),
            signature(params),
            if count == 1 { "was" } else { "were" },
        )));
    }

    // WAVE has no map syntax, and wasmtime's WAVE types have no maps: a map is written as
    // the list of its entries, `[("a", 1)]`, parsed as that list and made a map after.
    let as_lists: Option<Vec<WaveType>> = params.iter().map(|p| entries_type(&p.ty)).collect();
    let parsed = match as_lists {
        Some(wave_types) if params.iter().any(|p| holds_map(&p.ty)) => call
            .to_wasm_params::<WaveValue>(wave_types.iter())
            .map(|values| {
                values
                    .iter()
                    .zip(params)
                    .map(|(value, param)| with_maps(to_val(value), &param.ty))
                    .collect()
            }),
        _ => call.to_wasm_params::<Val>(params.iter().map(|param| &param.ty)),
    };
    parsed.map_err(|err| {
        let span = err.span();
        // Name the parameter whose argument holds the error, when one does.
        let param = arg_nodes
            .iter()
            .position(|node| node.span().start <= span.start && span.end <= node.span().end)
            .and_then(|index| params.get(index));
        let message = match param {
            Some(param) => format!(
                "argument `{}` of `{func}` must be `{}`: {}",
                param.name,
                DisplayType(&param.ty),
                describe(&err, &source)
            ),
            None => format!("invalid call `{func}{args}`: {}", describe(&err, &source)),
        };
        RunError::Invoke(message)
    })
}

fn holds_map(ty: &Type) -> bool {
    match ty {
        Type::Map(_) => true,
        Type::List(list) => holds_map(&list.ty()),
        Type::Option(option) => holds_map(&option.ty()),
        Type::Result(result) => result.ok().iter().chain(result.err().iter()).any(holds_map),
        Type::Tuple(tuple) => tuple.types().any(|t| holds_map(&t)),
        Type::Record(record) => record.fields().any(|f| holds_map(&f.ty)),
        Type::Variant(variant) => variant
            .cases()
            .any(|c| c.ty.as_ref().is_some_and(holds_map)),
        _ => false,
    }
}

/// `ty` as a WAVE type, each map the list of its entries; `None` for what WAVE cannot write.
fn entries_type(ty: &Type) -> Option<WaveType> {
    Some(match ty {
        Type::Bool => WaveType::BOOL,
        Type::S8 => WaveType::S8,
        Type::U8 => WaveType::U8,
        Type::S16 => WaveType::S16,
        Type::U16 => WaveType::U16,
        Type::S32 => WaveType::S32,
        Type::U32 => WaveType::U32,
        Type::S64 => WaveType::S64,
        Type::U64 => WaveType::U64,
        Type::Float32 => WaveType::F32,
        Type::Float64 => WaveType::F64,
        Type::Char => WaveType::CHAR,
        Type::String => WaveType::STRING,
        Type::List(list) => WaveType::list(entries_type(&list.ty())?),
        Type::Map(map) => WaveType::list(WaveType::tuple(vec![
            entries_type(&map.key())?,
            entries_type(&map.value())?,
        ])?),
        Type::Option(option) => WaveType::option(entries_type(&option.ty())?),
        Type::Result(result) => WaveType::result(
            match result.ok() {
                Some(t) => Some(entries_type(&t)?),
                None => None,
            },
            match result.err() {
                Some(t) => Some(entries_type(&t)?),
                None => None,
            },
        ),
        Type::Tuple(tuple) => WaveType::tuple(
            tuple
                .types()
                .map(|t| entries_type(&t))
                .collect::<Option<Vec<_>>>()?,
        )?,
        Type::Record(record) => {
            let fields: Option<Vec<(String, WaveType)>> = record
                .fields()
                .map(|f| Some((f.name.to_string(), entries_type(&f.ty)?)))
                .collect();
            WaveType::record(fields?.iter().map(|(n, t)| (n.as_str(), t.clone())))?
        }
        Type::Variant(variant) => {
            let cases: Option<Vec<(String, Option<WaveType>)>> = variant
                .cases()
                .map(|c| {
                    let payload = match &c.ty {
                        Some(t) => Some(entries_type(t)?),
                        None => None,
                    };
                    Some((c.name.to_string(), payload))
                })
                .collect();
            WaveType::variant(cases?.iter().map(|(n, t)| (n.as_str(), t.clone())))?
        }
        Type::Enum(e) => WaveType::enum_ty(e.names())?,
        Type::Flags(f) => WaveType::flags(f.names())?,
        _ => return None,
    })
}

/// `val`, parsed against [`entries_type`], with the lists that are maps in `ty` made maps.
fn with_maps(val: Val, ty: &Type) -> Val {
    match (val, ty) {
        (Val::List(entries), Type::Map(map)) => Val::Map(
            entries
                .into_iter()
                .map(|entry| match entry {
                    Val::Tuple(mut kv) if kv.len() == 2 => {
                        let value = kv.pop().expect("two");
                        let key = kv.pop().expect("two");
                        (with_maps(key, &map.key()), with_maps(value, &map.value()))
                    }
                    other => (other, Val::Bool(false)),
                })
                .collect(),
        ),
        (Val::List(items), Type::List(list)) => Val::List(
            items
                .into_iter()
                .map(|v| with_maps(v, &list.ty()))
                .collect(),
        ),
        (Val::Option(Some(v)), Type::Option(option)) => {
            Val::Option(Some(Box::new(with_maps(*v, &option.ty()))))
        }
        (Val::Result(Ok(Some(v))), Type::Result(result)) => match result.ok() {
            Some(t) => Val::Result(Ok(Some(Box::new(with_maps(*v, &t))))),
            None => Val::Result(Ok(Some(v))),
        },
        (Val::Result(Err(Some(v))), Type::Result(result)) => match result.err() {
            Some(t) => Val::Result(Err(Some(Box::new(with_maps(*v, &t))))),
            None => Val::Result(Err(Some(v))),
        },
        (Val::Tuple(items), Type::Tuple(tuple)) => Val::Tuple(
            items
                .into_iter()
                .zip(tuple.types())
                .map(|(v, t)| with_maps(v, &t))
                .collect(),
        ),
        (Val::Record(fields), Type::Record(record)) => Val::Record(
            fields
                .into_iter()
                .zip(record.fields())
                .map(|((name, v), f)| (name, with_maps(v, &f.ty)))
                .collect(),
        ),
        (Val::Variant(case, Some(v)), Type::Variant(variant)) => {
            let payload = variant.cases().find(|c| c.name == case).and_then(|c| c.ty);
            match payload {
                Some(t) => Val::Variant(case, Some(Box::new(with_maps(*v, &t)))),
                None => Val::Variant(case, Some(v)),
            }
        }
        (val, _) => val,
    }
}

/// Prints results as WAVE: `None` for no results, the value for one, a tuple for several.
pub(crate) fn format_results(results: &[Val]) -> Option<String> {
    match results {
        [] => None,
        [one] => Some(print::to_wave(one)),
        many => {
            let texts: Vec<String> = many.iter().map(print::to_wave).collect();
            Some(format!("({})", texts.join(", ")))
        }
    }
}

/// `a: s32, b: s32`, for messages about arity.
pub(crate) fn signature(params: &[Param]) -> String {
    params
        .iter()
        .map(|param| format!("{}: {}", param.name, DisplayType(&param.ty)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A parser error as "what went wrong near `text`", without wasm-wave's byte ranges, which would
/// point into the rewritten source rather than what the user typed.
fn describe(err: &ParserError, source: &str) -> String {
    let mut message = err.kind().to_string();
    if let Some(detail) = err.detail() {
        message = format!("{message}: {detail}");
    }
    if let Some(cause) = err.source() {
        message = format!("{message}: {cause}");
    }
    match source.get(err.span()).map(str::trim) {
        Some(near) if !near.is_empty() => format!("{message} at `{near}`"),
        _ => message,
    }
}

fn plural(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}
