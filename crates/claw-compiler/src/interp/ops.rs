//! Operators and casts, written from the language reference: integers wrap at their width,
//! division by zero and `MIN / -1` trap, shift amounts count modulo the width, floats follow
//! IEEE 754, and `as` truncates integers and saturates floats as Rust does.
//!
//! Integers are computed in `i128`, where every operation on two values of at most 64 bits is
//! exact (or, for `*`, exact modulo 2^128), then wrapped back into their type.

use claw_syntax::ast::{BinaryOp, UnaryOp};

use super::value::{equal, Value};
use super::Trap;
use crate::program::FloatOp;
use crate::types::{IntShape, TypeDef, TypeId, Types};

/// `v` reduced into the range of `shape`, as two's complement wrapping does.
pub fn wrap(v: i128, shape: IntShape) -> i128 {
    let mask = (1i128 << shape.bits) - 1;
    let low = v & mask;
    if shape.signed && low >> (shape.bits - 1) == 1 {
        low - (1i128 << shape.bits)
    } else {
        low
    }
}

/// `a op b` for operands of type `ty`; `&&` and `||` short-circuit, so they are not here.
pub fn binary(types: &Types, op: BinaryOp, ty: TypeId, a: Value, b: Value) -> Result<Value, Trap> {
    use BinaryOp::*;
    if let Some(shape) = types.int_shape(ty) {
        let (a, b) = (a.int(), b.int());
        let bits = shape.bits as i128;
        let value = match op {
            Add => a + b,
            Sub => a - b,
            Mul => a.wrapping_mul(b),
            Div | Rem if b == 0 => return Err(Trap::new("integer divide by zero")),
            Div if shape.signed && a == shape.min() && b == -1 => {
                return Err(Trap::new("integer overflow"))
            }
            Div => a / b,
            Rem => a % b,
            BitAnd => a & b,
            BitOr => a | b,
            BitXor => a ^ b,
            Shl => a << (b & (bits - 1)),
            Shr => a >> (b & (bits - 1)),
            Eq => return Ok(Value::Bool(a == b)),
            Ne => return Ok(Value::Bool(a != b)),
            Lt => return Ok(Value::Bool(a < b)),
            Le => return Ok(Value::Bool(a <= b)),
            Gt => return Ok(Value::Bool(a > b)),
            Ge => return Ok(Value::Bool(a >= b)),
            And | Or => unreachable!("short-circuit operators are evaluated as branches"),
        };
        return Ok(Value::Int(wrap(value, shape)));
    }
    Ok(match (a, b) {
        (Value::F32(x), Value::F32(y)) => float(op, x, y, Value::F32),
        (Value::F64(x), Value::F64(y)) => float(op, x, y, Value::F64),
        (Value::Bool(x), Value::Bool(y)) => Value::Bool(match op {
            BitAnd => x & y,
            BitOr => x | y,
            BitXor => x ^ y,
            Eq => x == y,
            Ne => x != y,
            _ => unreachable!("checked: `{}` on bool", op.symbol()),
        }),
        (Value::Char(x), Value::Char(y)) => ordering(op, x.cmp(&y)),
        (Value::Str(x), Value::Str(y)) => match op {
            Add => Value::Str(x + &y),
            _ => ordering(op, x.as_bytes().cmp(y.as_bytes())),
        },
        (Value::List(mut x), Value::List(y)) if op == Add => {
            x.extend(y);
            Value::List(x)
        }
        (x, y) => match op {
            Eq => Value::Bool(equal(&x, &y)),
            Ne => Value::Bool(!equal(&x, &y)),
            _ => unreachable!("checked: `{}` on {x:?}", op.symbol()),
        },
    })
}

fn float<F>(op: BinaryOp, x: F, y: F, make: fn(F) -> Value) -> Value
where
    F: Copy + PartialOrd + std::ops::Add<Output = F> + std::ops::Sub<Output = F>,
    F: std::ops::Mul<Output = F> + std::ops::Div<Output = F>,
{
    use BinaryOp::*;
    match op {
        Add => make(x + y),
        Sub => make(x - y),
        Mul => make(x * y),
        Div => make(x / y),
        Eq => Value::Bool(x == y),
        Ne => Value::Bool(x != y),
        Lt => Value::Bool(x < y),
        Le => Value::Bool(x <= y),
        Gt => Value::Bool(x > y),
        Ge => Value::Bool(x >= y),
        _ => unreachable!("checked: `{}` on floats", op.symbol()),
    }
}

fn ordering(op: BinaryOp, order: std::cmp::Ordering) -> Value {
    use BinaryOp::*;
    Value::Bool(match op {
        Eq => order.is_eq(),
        Ne => order.is_ne(),
        Lt => order.is_lt(),
        Le => order.is_le(),
        Gt => order.is_gt(),
        Ge => order.is_ge(),
        _ => unreachable!("checked: `{}` is a comparison here", op.symbol()),
    })
}

pub fn unary(types: &Types, op: UnaryOp, ty: TypeId, v: Value) -> Value {
    match (op, v) {
        (UnaryOp::Neg, Value::Int(x)) => Value::Int(wrap(-x, shape(types, ty))),
        (UnaryOp::Neg, Value::F32(x)) => Value::F32(-x),
        (UnaryOp::Neg, Value::F64(x)) => Value::F64(-x),
        (UnaryOp::Not, Value::Int(x)) => Value::Int(wrap(!x, shape(types, ty))),
        (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
        (op, v) => unreachable!("checked: {op:?} on {v:?}"),
    }
}

fn shape(types: &Types, ty: TypeId) -> IntShape {
    types.int_shape(ty).expect("checked: an integer type")
}

/// `v as to`, between numeric types.
pub fn cast(types: &Types, v: Value, to: TypeId) -> Value {
    match (v, types.int_shape(to)) {
        // A code point, which the `char` library tests before it casts.
        (Value::Char(c), _) => Value::Int(c as i128),
        (Value::Int(x), None) if to == TypeId::CHAR => Value::Char(
            u32::try_from(x)
                .ok()
                .and_then(char::from_u32)
                .expect("the `char` library casts only code points"),
        ),
        (Value::Int(x), Some(dst)) => Value::Int(wrap(x, dst)),
        (Value::Int(x), None) if to == TypeId::F32 => Value::F32(x as f32),
        (Value::Int(x), None) => Value::F64(x as f64),
        // Rust's float-to-integer `as` truncates and saturates (NaN becomes 0); so does i128's,
        // whose range holds every Claw integer type's.
        (Value::F32(x), Some(dst)) => Value::Int((x as i128).clamp(dst.min(), dst.max())),
        (Value::F64(x), Some(dst)) => Value::Int((x as i128).clamp(dst.min(), dst.max())),
        (Value::F32(x), None) if to == TypeId::F64 => Value::F64(x.into()),
        (Value::F64(x), None) if to == TypeId::F32 => Value::F32(x as f32),
        (v, _) => v,
    }
}

/// A float method that is one Wasm instruction, as Wasm defines it: `min` and `max` are NaN
/// when either operand is, and put `-0.0` below `0.0`; `nearest` rounds ties to even.
pub fn float_method(op: FloatOp, operands: &[Value]) -> Value {
    // One body for `f32` and `f64`.
    macro_rules! apply {
        ($a:expr, $b:expr, $nan:expr) => {{
            let (a, b) = ($a, $b);
            match op {
                FloatOp::Abs => a.abs(),
                FloatOp::Sqrt => a.sqrt(),
                FloatOp::Floor => a.floor(),
                FloatOp::Ceil => a.ceil(),
                FloatOp::Trunc => a.trunc(),
                FloatOp::Nearest => a.round_ties_even(),
                FloatOp::Min | FloatOp::Max => {
                    let b = b.expect("checked: a second operand");
                    let min = op == FloatOp::Min;
                    if a.is_nan() || b.is_nan() {
                        $nan
                    } else if a == b {
                        // Only zeros are equal and different: `-0.0` is the smaller.
                        if a.is_sign_negative() == min {
                            a
                        } else {
                            b
                        }
                    } else if (a < b) == min {
                        a
                    } else {
                        b
                    }
                }
            }
        }};
    }
    let second = operands.get(1);
    match operands[0] {
        Value::F32(a) => Value::F32(apply!(a, second.map(|v| v.f32()), f32::NAN)),
        Value::F64(a) => Value::F64(apply!(a, second.map(|v| v.f64()), f64::NAN)),
        ref other => unreachable!("checked: a float operation on floats, not {other:?}"),
    }
}

/// `v.to-string()`.
pub fn to_string(v: &Value) -> String {
    match v {
        Value::Int(x) => x.to_string(),
        Value::Char(c) => c.to_string(),
        Value::Bool(b) => b.to_string(),
        // Rust's `{}` is what the float library writes (tests/float_text.rs holds them to it).
        Value::F32(x) => x.to_string(),
        Value::F64(x) => x.to_string(),
        other => unreachable!("checked: no `to-string` on {other:?}"),
    }
}

/// The value a literal of type `ty` denotes.
pub fn literal_int(types: &Types, ty: TypeId, v: u64) -> Value {
    match types.def(ty) {
        TypeDef::F32 => Value::F32(v as f32),
        TypeDef::F64 => Value::F64(v as f64),
        _ => Value::Int(wrap(v.into(), shape(types, ty))),
    }
}
