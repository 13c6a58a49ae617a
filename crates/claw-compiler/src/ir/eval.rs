//! Evaluating operators on constants, as the compiled code would at run time: integers wrap
//! at their type's width, shifts count modulo it, casts follow Rust's `as`. An operation
//! that would trap (division by zero, `MIN / -1`) or whose result the host might see
//! differently (a NaN, whose payload Wasm leaves open) is not evaluated: `None` leaves it to
//! run time.

use claw_syntax::ast::{BinaryOp, UnaryOp};

use super::Const;
use crate::types::{IntShape, TypeDef, TypeId, Types};

/// `value` wrapped into the range of `shape`, as two's complement at its width.
pub fn wrap(shape: IntShape, value: i128) -> i128 {
    let bits = shape.bits;
    let mask = (1i128 << bits) - 1;
    let low = value & mask;
    if shape.signed && low >> (bits - 1) & 1 == 1 {
        low - (1i128 << bits)
    } else {
        low
    }
}

pub fn unary(types: &Types, op: UnaryOp, ty: TypeId, value: &Const) -> Option<Const> {
    Some(match (op, value) {
        (UnaryOp::Neg, Const::Int(v)) => Const::Int(wrap(types.int_shape(ty)?, -v)),
        (UnaryOp::Neg, Const::F32(v)) if !v.is_nan() => Const::F32(-v),
        (UnaryOp::Neg, Const::F64(v)) if !v.is_nan() => Const::F64(-v),
        (UnaryOp::Not, Const::Int(v)) => Const::Int(wrap(types.int_shape(ty)?, !v)),
        (UnaryOp::Not, Const::Bool(b)) => Const::Bool(!b),
        _ => return None,
    })
}

/// `lhs op rhs`, both of type `ty` (the operands' type; comparisons give a `bool`).
pub fn binary(types: &Types, op: BinaryOp, ty: TypeId, lhs: &Const, rhs: &Const) -> Option<Const> {
    use BinaryOp::*;
    Some(match (lhs, rhs) {
        (Const::Int(a), Const::Int(b)) => {
            let shape = types.int_shape(ty)?;
            let (a, b) = (*a, *b);
            let amount = b & (shape.bits as i128 - 1);
            match op {
                Add => Const::Int(wrap(shape, a + b)),
                Sub => Const::Int(wrap(shape, a - b)),
                Mul => Const::Int(wrap(shape, a.wrapping_mul(b))),
                Div if b == 0 || shape.signed && a == shape.min() && b == -1 => return None,
                Div => Const::Int(a / b),
                Rem if b == 0 => return None,
                Rem => Const::Int(a % b),
                BitAnd => Const::Int(a & b),
                BitOr => Const::Int(a | b),
                BitXor => Const::Int(a ^ b),
                Shl => Const::Int(wrap(shape, a << amount)),
                // Arithmetic for signed values, logical for unsigned ones, which are never
                // negative here.
                Shr => Const::Int(a >> amount),
                _ => Const::Bool(compare(op, a.cmp(&b))?),
            }
        }
        (Const::F32(a), Const::F32(b)) => float(op, *a as f64, *b as f64, |v| {
            let v = v as f32;
            (!v.is_nan()).then_some(Const::F32(v))
        })?,
        (Const::F64(a), Const::F64(b)) => {
            float(op, *a, *b, |v| (!v.is_nan()).then_some(Const::F64(v)))?
        }
        (Const::Bool(a), Const::Bool(b)) => match op {
            And | BitAnd => Const::Bool(*a && *b),
            Or | BitOr => Const::Bool(*a || *b),
            BitXor | Ne => Const::Bool(a != b),
            Eq => Const::Bool(a == b),
            _ => return None,
        },
        (Const::Char(a), Const::Char(b)) => Const::Bool(compare(op, a.cmp(b))?),
        (Const::Str(a), Const::Str(b)) => match op {
            Add => Const::Str(format!("{a}{b}")),
            Eq => Const::Bool(a == b),
            Ne => Const::Bool(a != b),
            _ => return None,
        },
        _ => return None,
    })
}

fn compare(op: BinaryOp, order: std::cmp::Ordering) -> Option<bool> {
    use std::cmp::Ordering::*;
    use BinaryOp::*;
    Some(match op {
        Eq => order == Equal,
        Ne => order != Equal,
        Lt => order == Less,
        Le => order != Greater,
        Gt => order == Greater,
        Ge => order != Less,
        _ => return None,
    })
}

/// A float operation, computed in `f64` and narrowed by `make` (exact for `f32`: the `f64`
/// result of one `f32` operation rounds to the same `f32` as the operation itself).
fn float(op: BinaryOp, a: f64, b: f64, make: impl Fn(f64) -> Option<Const>) -> Option<Const> {
    use BinaryOp::*;
    match op {
        Add => make(a + b),
        Sub => make(a - b),
        Mul => make(a * b),
        Div => make(a / b),
        Eq => Some(Const::Bool(a == b)),
        Ne => Some(Const::Bool(a != b)),
        Lt => Some(Const::Bool(a < b)),
        Le => Some(Const::Bool(a <= b)),
        Gt => Some(Const::Bool(a > b)),
        Ge => Some(Const::Bool(a >= b)),
        _ => None,
    }
}

/// `value as to`, from type `from`.
pub fn cast(types: &Types, from: TypeId, to: TypeId, value: &Const) -> Option<Const> {
    if from == to {
        return Some(value.clone());
    }
    let float_to = |v: f64| match types.def(to) {
        TypeDef::F32 => Const::F32(v as f32),
        _ => Const::F64(v),
    };
    Some(match value {
        // A code point, which the `char` library tests before it casts.
        Const::Char(c) => Const::Int(*c as i128),
        Const::Int(v) if to == TypeId::CHAR => {
            Const::Char(u32::try_from(*v).ok().and_then(char::from_u32)?)
        }
        Const::Int(v) => match types.int_shape(to) {
            Some(shape) => Const::Int(wrap(shape, *v)),
            // Each conversion rounds once, to the nearest, as Wasm's does.
            None if to == TypeId::F32 => Const::F32(*v as f32),
            None => float_to(*v as f64),
        },
        Const::F32(v) if !v.is_nan() => float_cast(types, to, *v as f64)?,
        Const::F64(v) if !v.is_nan() => float_cast(types, to, *v)?,
        _ => return None,
    })
}

/// A float (not NaN) converted to `to`: saturating for integers, as Rust's `as` is.
fn float_cast(types: &Types, to: TypeId, v: f64) -> Option<Const> {
    Some(match types.int_shape(to) {
        Some(shape) => Const::Int((v.trunc() as i128).clamp(shape.min(), shape.max())),
        None if to == TypeId::F64 => Const::F64(v),
        None => Const::F32(v as f32),
    })
}
