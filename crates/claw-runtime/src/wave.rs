//! WAVE text in and out: splitting a call like `ops.add(2, 3)` into the export name and its
//! arguments, typing the arguments against the export's parameters, and printing results.
//!
//! wasm-wave's own call parser only accepts names in its grammar (`ns:pkg/iface.f@1.0.0`), not
//! the `ns:pkg/iface@1.0.0#f` form that [`Session::exports`](crate::Session::exports) prints, so
//! the name is cut off here and only the parenthesised arguments go to wasm-wave.

use std::error::Error as _;

use wasm_wave::parser::ParserError;
use wasm_wave::untyped::UntypedFuncCall;
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

    call.to_wasm_params::<Val>(params.iter().map(|param| &param.ty))
        .map_err(|err| {
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
