//! WAVE text in and out, with wasmtime's types: `claw_invoke` takes calls apart, types their
//! arguments and prints results; this adds what only wasmtime's values have (maps).

use claw_invoke::call::Param as InvokeParam;
use wasm_wave::value::{Type as WaveType, Value as WaveValue};
use wasmtime::component::{Type, Val};

use crate::error::RunError;

mod print;

pub use print::{to_val, to_wave};

/// Splits `call` into the export name and the argument text (see [`claw_invoke::call`]).
pub(crate) fn split_call(call: &str) -> Result<(&str, &str), RunError> {
    claw_invoke::call::split_call(call).map_err(RunError::Invoke)
}

/// One parameter of the function being called, for typing and for messages.
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) ty: Type,
}

/// Parses `args` (from [`split_call`]) as WAVE values of the types of `params`; `func` names the
/// function in messages. Trailing `option` parameters may be left out and become `none`.
pub(crate) fn parse_args(func: &str, args: &str, params: &[Param]) -> Result<Vec<Val>, RunError> {
    // WAVE has no map syntax, and wasmtime's WAVE types have no maps: a map is written as
    // the list of its entries, `[("a", 1)]`, parsed as that list and made a map after.
    let as_lists: Option<Vec<WaveType>> = params.iter().map(|p| entries_type(&p.ty)).collect();
    let parsed = match as_lists {
        Some(wave_types) if params.iter().any(|p| holds_map(&p.ty)) => {
            let typed: Vec<InvokeParam<'_, WaveType>> = params
                .iter()
                .zip(&wave_types)
                .map(|(param, ty)| InvokeParam {
                    name: &param.name,
                    ty,
                })
                .collect();
            claw_invoke::call::parse_args::<WaveValue>(func, args, &typed).map(|values| {
                values
                    .iter()
                    .zip(params)
                    .map(|(value, param)| with_maps(to_val(value), &param.ty))
                    .collect()
            })
        }
        _ => claw_invoke::call::parse_args::<Val>(func, args, &invoke_params(params)),
    };
    parsed.map_err(RunError::Invoke)
}

fn invoke_params(params: &[Param]) -> Vec<InvokeParam<'_, Type>> {
    params
        .iter()
        .map(|param| InvokeParam {
            name: &param.name,
            ty: &param.ty,
        })
        .collect()
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
    claw_invoke::call::signature(&invoke_params(params))
}
