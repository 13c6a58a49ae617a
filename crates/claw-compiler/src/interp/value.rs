//! The interpreter's values, and their conversion to and from WAVE values at the boundary.
//!
//! A value here is the language's idea of a value, not its memory form: a list is a `Vec`, a
//! case is its index and payload. Copying one is `clone`, which is what value semantics means;
//! the compiled code must behave as if it did the same.

use std::borrow::Cow;

use wasm_wave::value::{Type as WaveType, Value as WaveValue};
use wasm_wave::wasm::WasmValue;

use crate::types::{TypeDef, TypeId, Types};

#[derive(Clone, Debug)]
pub enum Value {
    Bool(bool),
    /// Any integer type, always within its type's range.
    Int(i128),
    F32(f32),
    F64(f64),
    Char(char),
    Str(String),
    List(Vec<Value>),
    /// A record's fields in declaration order, or a tuple's elements.
    Fields(Vec<Value>),
    /// A case of a variant, enum, option or result, by index, with its payload if it has one.
    Case(u32, Option<Box<Value>>),
    /// One `bool` per flag, in declaration order.
    Flags(Vec<bool>),
    /// A resource handle, by its index in the handle table of the instance.
    Handle(u32),
    /// What a call to a function without a result produces.
    Unit,
}

impl Value {
    pub fn int(&self) -> i128 {
        match self {
            Value::Int(v) => *v,
            other => unreachable!("checked: an integer, not {other:?}"),
        }
    }

    pub fn f32(&self) -> f32 {
        match self {
            Value::F32(v) => *v,
            other => unreachable!("checked: an `f32`, not {other:?}"),
        }
    }

    pub fn f64(&self) -> f64 {
        match self {
            Value::F64(v) => *v,
            other => unreachable!("checked: an `f64`, not {other:?}"),
        }
    }

    pub fn bool(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            other => unreachable!("checked: a bool, not {other:?}"),
        }
    }

    pub fn str(&self) -> &str {
        match self {
            Value::Str(s) => s,
            other => unreachable!("checked: a string, not {other:?}"),
        }
    }

    /// A map's entry as its key and value.
    pub fn pair(self) -> (Value, Value) {
        match self {
            Value::Fields(mut kv) if kv.len() == 2 => {
                let value = kv.pop().expect("two");
                (kv.pop().expect("two"), value)
            }
            other => unreachable!("checked: a map's entry, not {other:?}"),
        }
    }

    pub fn list(self) -> Vec<Value> {
        match self {
            Value::List(items) => items,
            other => unreachable!("checked: a list, not {other:?}"),
        }
    }
}

/// A map is its entries in insertion order (`Value::List` of key-value `Fields`), searched
/// one by one: the interpreter is the reference, not the fast path.
pub fn map_find(map: &[Value], key: &Value) -> Option<usize> {
    map.iter().position(|entry| match entry {
        Value::Fields(kv) => equal(&kv[0], key),
        _ => false,
    })
}

/// Sets `key` to `value`, giving back the value it had; a new key goes last.
pub fn map_insert(map: &mut Vec<Value>, (key, value): (Value, Value)) -> Option<Value> {
    match map_find(map, &key) {
        Some(at) => match &mut map[at] {
            Value::Fields(kv) => Some(std::mem::replace(&mut kv[1], value)),
            _ => unreachable!("an entry"),
        },
        None => {
            map.push(Value::Fields(vec![key, value]));
            None
        }
    }
}

/// `==` as the language defines it: structural, with IEEE equality for floats (so a list
/// holding NaN is not equal to itself, as the compiled comparison has it).
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::F32(x), Value::F32(y)) => x == y,
        (Value::F64(x), Value::F64(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Char(x), Value::Char(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y)) | (Value::Fields(x), Value::Fields(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b))
        }
        (Value::Case(i, x), Value::Case(j, y)) => {
            i == j
                && match (x, y) {
                    (Some(x), Some(y)) => equal(x, y),
                    _ => true,
                }
        }
        (Value::Flags(x), Value::Flags(y)) => x == y,
        (Value::Handle(x), Value::Handle(y)) => x == y,
        (Value::Unit, Value::Unit) => true,
        _ => false,
    }
}

/// The WAVE type of a Claw type, so arguments parse and results print exactly as `claw run`
/// does it.
pub fn wave_type(types: &Types, ty: TypeId) -> WaveType {
    let opt = |t: &Option<TypeId>| t.map(|t| wave_type(types, t));
    match types.def(ty) {
        TypeDef::Bool => WaveType::BOOL,
        TypeDef::U8 => WaveType::U8,
        TypeDef::U16 => WaveType::U16,
        TypeDef::U32 => WaveType::U32,
        TypeDef::U64 => WaveType::U64,
        TypeDef::S8 => WaveType::S8,
        TypeDef::S16 => WaveType::S16,
        TypeDef::S32 => WaveType::S32,
        TypeDef::S64 => WaveType::S64,
        TypeDef::F32 => WaveType::F32,
        TypeDef::F64 => WaveType::F64,
        TypeDef::Char => WaveType::CHAR,
        TypeDef::String => WaveType::STRING,
        TypeDef::List(elem) => WaveType::list(wave_type(types, *elem)),
        // WAVE has no maps: a map is the list of its entries, as the Canonical ABI has it.
        TypeDef::Map { entries, .. } => wave_type(types, *entries),
        TypeDef::Option(some) => WaveType::option(wave_type(types, *some)),
        TypeDef::Result { ok, err } => WaveType::result(opt(ok), opt(err)),
        TypeDef::Tuple(items) => WaveType::tuple(
            items
                .iter()
                .map(|&t| wave_type(types, t))
                .collect::<Vec<_>>(),
        )
        .expect("a tuple has elements"),
        TypeDef::Record { fields, .. } => WaveType::record(
            fields
                .iter()
                .map(|(name, t)| (name.as_str(), wave_type(types, *t))),
        )
        .expect("a record has fields"),
        TypeDef::Variant { cases, .. } => {
            WaveType::variant(cases.iter().map(|(name, t)| (name.as_str(), opt(t))))
                .expect("a variant has cases")
        }
        TypeDef::Enum { cases, .. } => {
            WaveType::enum_ty(cases.iter().map(String::as_str)).expect("an enum has cases")
        }
        TypeDef::Flags { flags, .. } => {
            WaveType::flags(flags.iter().map(String::as_str)).expect("flags have names")
        }
        // WAVE has no handles: the interpreter shows one as its index in the table.
        TypeDef::Resource { .. } | TypeDef::Borrow(_) => WaveType::U32,
        TypeDef::Unit | TypeDef::Error | TypeDef::Var(_) => unreachable!("not a value type"),
    }
}

/// A WAVE value (an argument) as an interpreter value of type `ty`.
pub fn from_wave(types: &Types, ty: TypeId, value: &WaveValue) -> Value {
    let case = |name: Cow<str>, payload: Option<Cow<WaveValue>>| {
        let cases = types.cases(ty).expect("a variant-like type");
        let index = cases
            .iter()
            .position(|c| c.0 == *name)
            .expect("WAVE checked the case name");
        let payload = payload.map(|p| {
            let payload_ty = cases[index].1.expect("a case with a payload");
            Box::new(from_wave(types, payload_ty, &p))
        });
        Value::Case(index as u32, payload)
    };
    match types.def(ty) {
        TypeDef::Bool => Value::Bool(value.unwrap_bool()),
        TypeDef::U8 => Value::Int(value.unwrap_u8().into()),
        TypeDef::U16 => Value::Int(value.unwrap_u16().into()),
        TypeDef::U32 => Value::Int(value.unwrap_u32().into()),
        TypeDef::U64 => Value::Int(value.unwrap_u64().into()),
        TypeDef::S8 => Value::Int(value.unwrap_s8().into()),
        TypeDef::S16 => Value::Int(value.unwrap_s16().into()),
        TypeDef::S32 => Value::Int(value.unwrap_s32().into()),
        TypeDef::S64 => Value::Int(value.unwrap_s64().into()),
        TypeDef::F32 => Value::F32(value.unwrap_f32()),
        TypeDef::F64 => Value::F64(value.unwrap_f64()),
        TypeDef::Char => Value::Char(value.unwrap_char()),
        TypeDef::String => Value::Str(value.unwrap_string().into_owned()),
        TypeDef::List(elem) => Value::List(
            value
                .unwrap_list()
                .map(|v| from_wave(types, *elem, &v))
                .collect(),
        ),
        // A later entry for a key replaces the value of the first, which keeps its place.
        TypeDef::Map { entries, .. } => {
            let mut map = Vec::new();
            for entry in from_wave(types, *entries, value).list() {
                map_insert(&mut map, entry.pair());
            }
            Value::List(map)
        }
        TypeDef::Option(_) => match value.unwrap_option() {
            Some(v) => case("some".into(), Some(v)),
            None => case("none".into(), None),
        },
        TypeDef::Result { .. } => match value.unwrap_result() {
            Ok(v) => case("ok".into(), v),
            Err(v) => case("err".into(), v),
        },
        TypeDef::Tuple(items) => Value::Fields(
            value
                .unwrap_tuple()
                .zip(items)
                .map(|(v, t)| from_wave(types, *t, &v))
                .collect(),
        ),
        TypeDef::Record { fields, .. } => {
            let given: Vec<_> = value.unwrap_record().collect();
            Value::Fields(
                fields
                    .iter()
                    .map(|(name, t)| {
                        let (_, v) = given
                            .iter()
                            .find(|(n, _)| n == name)
                            .expect("WAVE checked the fields");
                        from_wave(types, *t, v)
                    })
                    .collect(),
            )
        }
        TypeDef::Variant { .. } => {
            let (name, payload) = value.unwrap_variant();
            case(name, payload)
        }
        TypeDef::Enum { .. } => case(value.unwrap_enum(), None),
        TypeDef::Flags { flags, .. } => {
            let set: Vec<_> = value.unwrap_flags().collect();
            Value::Flags(flags.iter().map(|f| set.iter().any(|s| s == f)).collect())
        }
        TypeDef::Resource { .. } | TypeDef::Borrow(_) => Value::Handle(value.unwrap_u32()),
        TypeDef::Unit | TypeDef::Error | TypeDef::Var(_) => Value::Unit,
    }
}

/// An interpreter value of type `ty` as a WAVE value (a result).
pub fn to_wave(types: &Types, ty: TypeId, value: &Value) -> WaveValue {
    let wave_ty = wave_type(types, ty);
    let made = match (types.def(ty), value) {
        (TypeDef::Bool, Value::Bool(b)) => Ok(WaveValue::make_bool(*b)),
        (TypeDef::U8, Value::Int(v)) => Ok(WaveValue::make_u8(*v as u8)),
        (TypeDef::U16, Value::Int(v)) => Ok(WaveValue::make_u16(*v as u16)),
        (TypeDef::U32, Value::Int(v)) => Ok(WaveValue::make_u32(*v as u32)),
        (TypeDef::U64, Value::Int(v)) => Ok(WaveValue::make_u64(*v as u64)),
        (TypeDef::S8, Value::Int(v)) => Ok(WaveValue::make_s8(*v as i8)),
        (TypeDef::S16, Value::Int(v)) => Ok(WaveValue::make_s16(*v as i16)),
        (TypeDef::S32, Value::Int(v)) => Ok(WaveValue::make_s32(*v as i32)),
        (TypeDef::S64, Value::Int(v)) => Ok(WaveValue::make_s64(*v as i64)),
        (TypeDef::F32, Value::F32(v)) => Ok(WaveValue::make_f32(*v)),
        (TypeDef::F64, Value::F64(v)) => Ok(WaveValue::make_f64(*v)),
        (TypeDef::Char, Value::Char(c)) => Ok(WaveValue::make_char(*c)),
        (TypeDef::Resource { .. } | TypeDef::Borrow(_), Value::Handle(h)) => {
            Ok(WaveValue::make_u32(*h))
        }
        (TypeDef::String, Value::Str(s)) => Ok(WaveValue::make_string(Cow::Borrowed(s))),
        (TypeDef::List(elem), Value::List(items)) => {
            WaveValue::make_list(&wave_ty, items.iter().map(|v| to_wave(types, *elem, v)))
        }
        (TypeDef::Map { entries, .. }, _) => return to_wave(types, *entries, value),
        (TypeDef::Tuple(item_types), Value::Fields(items)) => WaveValue::make_tuple(
            &wave_ty,
            items
                .iter()
                .zip(item_types)
                .map(|(v, t)| to_wave(types, *t, v)),
        ),
        (TypeDef::Record { fields, .. }, Value::Fields(items)) => WaveValue::make_record(
            &wave_ty,
            items
                .iter()
                .zip(fields)
                .map(|(v, (name, t))| (name.as_str(), to_wave(types, *t, v))),
        ),
        (TypeDef::Flags { flags, .. }, Value::Flags(set)) => WaveValue::make_flags(
            &wave_ty,
            flags
                .iter()
                .zip(set)
                .filter(|(_, on)| **on)
                .map(|(name, _)| name.as_str()),
        ),
        (def, Value::Case(index, payload)) => {
            let cases = types.cases(ty).expect("a variant-like type");
            let (name, payload_ty) = &cases[*index as usize];
            let payload = payload
                .as_ref()
                .zip(*payload_ty)
                .map(|(v, t)| to_wave(types, t, v));
            match def {
                TypeDef::Option(_) => WaveValue::make_option(&wave_ty, payload),
                TypeDef::Result { .. } if *index == 0 => {
                    WaveValue::make_result(&wave_ty, Ok(payload))
                }
                TypeDef::Result { .. } => WaveValue::make_result(&wave_ty, Err(payload)),
                TypeDef::Enum { .. } => WaveValue::make_enum(&wave_ty, name),
                _ => WaveValue::make_variant(&wave_ty, name, payload),
            }
        }
        (_, value) => unreachable!("a value of the wrong type: {value:?}"),
    };
    made.expect("the value matches its WAVE type")
}
