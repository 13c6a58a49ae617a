//! A call's text taken apart: the export name, and the arguments typed against the export's
//! parameters with wasm-wave.
//!
//! wasm-wave's own call parser only accepts names in its grammar (`ns:pkg/iface.f@1.0.0`), not
//! the `ns:pkg/iface@1.0.0#f` form that `claw run` lists exports in, so the name is cut off here
//! and only the parenthesised arguments go to wasm-wave.

use std::error::Error as _;

use wasm_wave::parser::ParserError;
use wasm_wave::untyped::UntypedFuncCall;
use wasm_wave::wasm::{DisplayType, WasmType, WasmTypeKind, WasmValue};

/// Splits `call` into the export name and the argument text, `(…)` or empty when the call has no
/// parentheses (which is accepted as a call with no arguments).
pub fn split_call(call: &str) -> Result<(&str, &str), String> {
    let call = call.trim();
    let (name, args) = match call.find('(') {
        Some(open) => (call[..open].trim_end(), &call[open..]),
        None => (call, ""),
    };
    if name.is_empty() {
        return Err(format!(
            "invalid call `{call}`: expected a function name, as in `f(1, \"two\")`"
        ));
    }
    Ok((name, args))
}

/// One parameter of the function being called: its name, for messages, and its type.
pub struct Param<'a, T> {
    pub name: &'a str,
    pub ty: &'a T,
}

/// Parses `args` (from [`split_call`]) as WAVE values of the types of `params`; `func` names the
/// function in messages. Trailing `option` parameters may be left out and become `none`.
pub fn parse_args<V: WasmValue + 'static>(
    func: &str,
    args: &str,
    params: &[Param<'_, V::Type>],
) -> Result<Vec<V>, String> {
    // A dummy name makes the argument text a call wasm-wave will parse; spans in its errors are
    // shifted by the name's length.
    const NAME: &str = "f";
    let source = format!("{NAME}{}", if args.is_empty() { "()" } else { args });
    let call = UntypedFuncCall::parse(&source)
        .map_err(|err| format!("invalid call `{func}{args}`: {}", describe(&err, &source)))?;

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
        .all(|param| param.ty.kind() == WasmTypeKind::Option);
    if arg_nodes.len() > params.len() || !omitted_ok {
        let count = arg_nodes.len();
        return Err(format!(
            "`{func}` takes {} ({}), but {count} {} given",
            plural(params.len(), "argument"),
            signature(params),
            if count == 1 { "was" } else { "were" },
        ));
    }
    call.to_wasm_params::<V>(params.iter().map(|param| param.ty))
        .map_err(|err| {
            let span = err.span();
            // Name the parameter whose argument holds the error, when one does.
            let param = arg_nodes
                .iter()
                .position(|node| node.span().start <= span.start && span.end <= node.span().end)
                .and_then(|index| params.get(index));
            match param {
                Some(param) => format!(
                    "argument `{}` of `{func}` must be `{}`: {}",
                    param.name,
                    DisplayType(param.ty),
                    describe(&err, &source)
                ),
                None => format!("invalid call `{func}{args}`: {}", describe(&err, &source)),
            }
        })
}

/// `a: s32, b: s32`, for messages about arity.
pub fn signature<T: WasmType>(params: &[Param<'_, T>]) -> String {
    params
        .iter()
        .map(|param| format!("{}: {}", param.name, DisplayType(param.ty)))
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
