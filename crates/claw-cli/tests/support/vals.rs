//! Helpers the value suites (`roundtrip.rs`, `proptest_roundtrip.rs`, `memory.rs`) share:
//! compiling Claw text into a validated component, and comparing component values exactly,
//! with NaN equal to NaN.

use claw_compiler::{OptLevel, Resolve};
use claw_runtime::Val;

pub const LEVELS: [OptLevel; 2] = super::golden::LEVELS;

/// Compiles `text` at `level` against an empty `Resolve` and checks that the component
/// validates; the error is the rendered diagnostics (code, line and column, message) or the
/// validator's message.
pub fn compile(name: &str, text: &str, level: OptLevel) -> Result<Vec<u8>, String> {
    compile_with(name, text, Resolve::new(), level)
}

/// [`compile`] with WIT packages loaded.
pub fn compile_with(
    name: &str,
    text: &str,
    resolve: Resolve,
    level: OptLevel,
) -> Result<Vec<u8>, String> {
    super::golden::compile_valid(name, text, resolve, level)
}

/// Whether `a` and `b` are the same value: floats compare by bits (so `-0.0` differs from `0.0`)
/// except that any NaN equals any NaN, since the Canonical ABI may canonicalize NaN payloads.
pub fn same(a: &Val, b: &Val) -> bool {
    fn all(a: &[Val], b: &[Val]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
    }
    fn boxed(a: &Option<Box<Val>>, b: &Option<Box<Val>>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => same(a, b),
            _ => false,
        }
    }
    match (a, b) {
        (Val::Float32(a), Val::Float32(b)) => {
            (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
        }
        (Val::Float64(a), Val::Float64(b)) => {
            (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
        }
        (Val::List(a), Val::List(b)) | (Val::Tuple(a), Val::Tuple(b)) => all(a, b),
        (Val::Record(a), Val::Record(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((na, va), (nb, vb))| na == nb && same(va, vb))
        }
        (Val::Variant(na, a), Val::Variant(nb, b)) => na == nb && boxed(a, b),
        (Val::Option(a), Val::Option(b)) => boxed(a, b),
        (Val::Result(a), Val::Result(b)) => match (a, b) {
            (Ok(a), Ok(b)) | (Err(a), Err(b)) => boxed(a, b),
            _ => false,
        },
        (Val::Flags(a), Val::Flags(b)) => a == b,
        (Val::Enum(a), Val::Enum(b)) => a == b,
        (Val::Float32(_) | Val::Float64(_), _) => false,
        _ => a == b,
    }
}

/// `Val::String` from text.
pub fn string(text: &str) -> Val {
    Val::String(text.to_owned())
}

/// `some(val)`.
pub fn some(val: Val) -> Val {
    Val::Option(Some(Box::new(val)))
}

/// `none`.
pub fn none() -> Val {
    Val::Option(None)
}
