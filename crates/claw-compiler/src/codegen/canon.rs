//! The Canonical ABI's view of a type: its size and alignment in memory, where each field or
//! payload sits, and the core values it flattens to.
//!
//! Claw keeps every value in exactly this form: a value on the operand stack or in locals is
//! its flattening, and a value in memory (a list element, a return area) is its memory layout.
//! So crossing the component boundary never converts anything; it only moves flat values to or
//! from memory when the ABI says so.

use wasm_encoder::ValType;

use crate::types::{TypeDef, TypeId, Types};

/// How many flat values may cross the boundary before the ABI switches to memory.
pub const MAX_FLAT_PARAMS: usize = 16;
pub const MAX_FLAT_RESULTS: usize = 1;

pub fn align(types: &Types, ty: TypeId) -> u32 {
    match types.def(ty) {
        TypeDef::Bool | TypeDef::U8 | TypeDef::S8 => 1,
        TypeDef::U16 | TypeDef::S16 => 2,
        TypeDef::U64 | TypeDef::S64 | TypeDef::F64 => 8,
        TypeDef::String | TypeDef::List(_) | TypeDef::Map { .. } => 4,
        TypeDef::Unit | TypeDef::Error => 1,
        TypeDef::Var(_) => unreachable!("the checker resolves every type variable"),
        TypeDef::Flags { flags, .. } => flags_size(flags.len()).clamp(1, 4),
        _ => {
            if let Some(cases) = types.cases(ty) {
                let payload = cases
                    .iter()
                    .filter_map(|c| c.1)
                    .map(|t| align(types, t))
                    .max()
                    .unwrap_or(1);
                discriminant_size(cases.len()).max(payload)
            } else if let Some(fields) = types.fields(ty) {
                fields.iter().map(|f| align(types, f.1)).max().unwrap_or(1)
            } else {
                4
            }
        }
    }
}

pub fn size(types: &Types, ty: TypeId) -> u32 {
    match types.def(ty) {
        TypeDef::Bool | TypeDef::U8 | TypeDef::S8 => 1,
        TypeDef::U16 | TypeDef::S16 => 2,
        TypeDef::U32 | TypeDef::S32 | TypeDef::F32 | TypeDef::Char => 4,
        TypeDef::Resource { .. } | TypeDef::Borrow(_) => 4,
        TypeDef::U64 | TypeDef::S64 | TypeDef::F64 => 8,
        TypeDef::String | TypeDef::List(_) | TypeDef::Map { .. } => 8,
        TypeDef::Unit | TypeDef::Error => 0,
        TypeDef::Var(_) => unreachable!("the checker resolves every type variable"),
        TypeDef::Flags { flags, .. } => flags_size(flags.len()),
        _ => {
            let whole = align(types, ty);
            let end = if let Some(cases) = types.cases(ty) {
                let payload = cases
                    .iter()
                    .filter_map(|c| c.1)
                    .map(|t| size(types, t))
                    .max()
                    .unwrap_or(0);
                payload_offset(types, ty) + payload
            } else {
                let fields = types.fields(ty).unwrap_or_default();
                let mut end = 0u32;
                for (_, field) in fields {
                    end = end.next_multiple_of(align(types, field)) + size(types, field);
                }
                end
            };
            end.next_multiple_of(whole)
        }
    }
}

fn flags_size(count: usize) -> u32 {
    match count {
        0 => 0,
        1..=8 => 1,
        9..=16 => 2,
        n => 4 * n.div_ceil(32) as u32,
    }
}

/// The number of `i32`s a flags value flattens to.
pub fn flags_words(count: usize) -> usize {
    count.div_ceil(32)
}

pub fn discriminant_size(cases: usize) -> u32 {
    match cases {
        0..=256 => 1,
        257..=65536 => 2,
        _ => 4,
    }
}

/// Offset of a variant's payload: after the discriminant, aligned for every case.
pub fn payload_offset(types: &Types, ty: TypeId) -> u32 {
    let cases = types.cases(ty).unwrap_or_default();
    let payload_align = cases
        .iter()
        .filter_map(|c| c.1)
        .map(|t| align(types, t))
        .max()
        .unwrap_or(1);
    discriminant_size(cases.len()).next_multiple_of(payload_align)
}

/// Offsets of a record's or tuple's fields.
pub fn field_offsets(types: &Types, ty: TypeId) -> Vec<u32> {
    let mut offsets = Vec::new();
    let mut end = 0u32;
    for (_, field) in types.fields(ty).unwrap_or_default() {
        let at = end.next_multiple_of(align(types, field));
        offsets.push(at);
        end = at + size(types, field);
    }
    offsets
}

/// The core values a value of `ty` flattens to.
pub fn flat(types: &Types, ty: TypeId) -> Vec<ValType> {
    match types.def(ty) {
        TypeDef::U64 | TypeDef::S64 => vec![ValType::I64],
        TypeDef::F32 => vec![ValType::F32],
        TypeDef::F64 => vec![ValType::F64],
        TypeDef::String | TypeDef::List(_) | TypeDef::Map { .. } => {
            vec![ValType::I32, ValType::I32]
        }
        TypeDef::Resource { .. } | TypeDef::Borrow(_) => vec![ValType::I32],
        TypeDef::Unit | TypeDef::Error => vec![],
        TypeDef::Var(_) => unreachable!("the checker resolves every type variable"),
        TypeDef::Flags { flags, .. } => vec![ValType::I32; flags_words(flags.len())],
        _ => {
            if let Some(cases) = types.cases(ty) {
                let mut joined: Vec<ValType> = Vec::new();
                for payload in cases.iter().filter_map(|c| c.1) {
                    for (i, t) in flat(types, payload).into_iter().enumerate() {
                        match joined.get_mut(i) {
                            Some(slot) => *slot = join(*slot, t),
                            None => joined.push(t),
                        }
                    }
                }
                let mut all = vec![ValType::I32];
                all.extend(joined);
                all
            } else if let Some(fields) = types.fields(ty) {
                fields.iter().flat_map(|f| flat(types, f.1)).collect()
            } else {
                vec![ValType::I32]
            }
        }
    }
}

/// The slot type two cases' flat values share.
fn join(a: ValType, b: ValType) -> ValType {
    if a == b {
        return a;
    }
    match (a, b) {
        (ValType::I32, ValType::F32) | (ValType::F32, ValType::I32) => ValType::I32,
        _ => ValType::I64,
    }
}

#[cfg(test)]
mod tests;

/// What a value of `ty` is in memory and in flat values, without names: two types with the
/// same shape are loaded and stored by the same code (a handle is an `i32` whatever its
/// resource, a record lies as the tuple of its fields, an option or a result as a variant),
/// so helpers that only move a value
/// between memory and the stack are made once per shape.
pub fn shape(types: &Types, ty: TypeId) -> String {
    let list = |items: &mut dyn Iterator<Item = Option<TypeId>>| {
        items
            .map(|item| item.map_or("_".to_string(), |t| shape(types, t)))
            .collect::<Vec<_>>()
            .join(",")
    };
    match types.def(ty) {
        TypeDef::Resource { .. } | TypeDef::Borrow(_) => "handle".into(),
        TypeDef::List(elem) => format!("list<{}>", shape(types, *elem)),
        TypeDef::Map { entries, .. } => format!("map<{}>", shape(types, *entries)),
        // The Canonical ABI lays both out as the variants they are.
        TypeDef::Option(t) => format!("variant<_,{}>", shape(types, *t)),
        TypeDef::Result { ok, err } => format!("variant<{}>", list(&mut [*ok, *err].into_iter())),
        TypeDef::Tuple(items) => format!("tuple<{}>", list(&mut items.iter().map(|&t| Some(t)))),
        TypeDef::Record { fields, .. } => {
            format!("tuple<{}>", list(&mut fields.iter().map(|&(_, t)| Some(t))))
        }
        TypeDef::Variant { cases, .. } => {
            format!("variant<{}>", list(&mut cases.iter().map(|&(_, t)| t)))
        }
        TypeDef::Enum { cases, .. } => format!("enum<{}>", cases.len()),
        TypeDef::Flags { flags, .. } => format!("flags<{}>", flags.len()),
        // Never stored; kept apart from everything else.
        TypeDef::Error | TypeDef::Unit | TypeDef::Var(_) => format!("#{ty:?}"),
        // A scalar or a string: its name is its shape.
        _ => types.name(ty),
    }
}
