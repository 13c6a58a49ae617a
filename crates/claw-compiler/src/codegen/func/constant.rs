//! Constants (`ir::Const`) in their flat form: what globals are initialized with, and
//! literals that need no code to build.

use std::collections::HashMap;

use wasm_encoder::{ConstExpr, Instruction as I, ValType};

use crate::codegen::{canon, flat};
use crate::ir;
use crate::types::{TypeDef, TypeId, Types};

/// One flat value known at compile time.
#[derive(Clone, Copy)]
pub enum Const {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
}

impl Const {
    pub fn instruction(self) -> I<'static> {
        match self {
            Const::I32(v) => I::I32Const(v),
            Const::I64(v) => I::I64Const(v),
            Const::F32(v) => I::F32Const(v.into()),
            Const::F64(v) => I::F64Const(v.into()),
        }
    }

    /// The value's little-endian bytes, as a store of its flat type writes them.
    pub fn bytes(self) -> Vec<u8> {
        match self {
            Const::I32(v) => v.to_le_bytes().to_vec(),
            Const::I64(v) => v.to_le_bytes().to_vec(),
            Const::F32(v) => v.to_le_bytes().to_vec(),
            Const::F64(v) => v.to_le_bytes().to_vec(),
        }
    }

    fn zero(ty: ValType) -> Const {
        match ty {
            ValType::I64 => Const::I64(0),
            ValType::F32 => Const::F32(0.0),
            ValType::F64 => Const::F64(0.0),
            _ => Const::I32(0),
        }
    }

    /// The value in a variant's shared slot of type `to` (see `values::coerce_to_join`).
    fn join(self, to: ValType) -> Const {
        match (self, to) {
            (Const::F32(v), ValType::I32) => Const::I32(v.to_bits() as i32),
            (Const::I32(v), ValType::I64) => Const::I64(v as u32 as i64),
            (Const::F32(v), ValType::I64) => Const::I64(v.to_bits() as i64),
            (Const::F64(v), ValType::I64) => Const::I64(v.to_bits() as i64),
            (v, _) => v,
        }
    }
}

/// The flat values of constant `value` of type `ty`. `strings` gives each string's address;
/// a non-empty list (only ever the whole constant) is left to the caller, which copies it
/// out of the data segment.
pub fn const_flat(
    types: &Types,
    ty: TypeId,
    value: &ir::Const,
    strings: &HashMap<String, u32>,
) -> Vec<Const> {
    let mut out = Vec::new();
    push_flat(types, ty, value, strings, None, &mut out);
    out
}

/// The flat values of a global's initial value, each non-empty list in it laid out in
/// `segment` in a block of its own: a global owns its lists and
/// changes them in place, so no other value may share their blocks. Below the heap's base,
/// a block is never freed, and a list there that grows moves to the heap as one in a
/// block too small would.
pub fn global_flat(
    types: &Types,
    ty: TypeId,
    value: &ir::Const,
    strings: &HashMap<String, u32>,
    segment: &mut Segment<'_>,
) -> Vec<Const> {
    let mut out = Vec::new();
    push_flat(types, ty, value, strings, Some(segment), &mut out);
    out
}

/// The data segment being written: its bytes so far, which start at address `base`.
pub struct Segment<'a> {
    pub bytes: &'a mut Vec<u8>,
    pub base: u32,
}

impl Segment<'_> {
    /// Appends `block` at the next multiple of 8, and returns its address.
    pub fn append(&mut self, block: &[u8]) -> u32 {
        while !(self.base as usize + self.bytes.len()).is_multiple_of(8) {
            self.bytes.push(0);
        }
        let at = self.base + self.bytes.len() as u32;
        self.bytes.extend_from_slice(block);
        at
    }
}

/// Writes the elements of a constant list of type `ty` at the end of `segment`, as the
/// Canonical ABI lays them out in memory, and returns their address.
fn lay_out(
    types: &Types,
    ty: TypeId,
    items: &[ir::Const],
    strings: &HashMap<String, u32>,
    segment: &mut Segment<'_>,
) -> u32 {
    if let TypeDef::Map { key, entries, .. } = *types.def(ty) {
        return lay_out_map(types, key, entries, items, strings, segment);
    }
    let TypeDef::List(elem) = *types.def(ty) else {
        unreachable!("a constant list has a list type")
    };
    let size = canon::size(types, elem) as usize;
    let mut block = vec![0u8; size * items.len()];
    for (item, out) in items.iter().zip(block.chunks_mut(size.max(1))) {
        store(types, elem, item, strings, segment, out);
    }
    segment.append(&block)
}

/// A global's constant map, laid out as `codegen/map.rs` keeps one: a block with its header
/// (the size class, which is how the index is found), the entries, and the index at the
/// block's end, each key in the slot the compiled hash gives it. Returns the entries'
/// address.
fn lay_out_map(
    types: &Types,
    key: TypeId,
    entries: TypeId,
    items: &[ir::Const],
    strings: &HashMap<String, u32>,
    segment: &mut Segment<'_>,
) -> u32 {
    let TypeDef::List(pair) = *types.def(entries) else {
        unreachable!("a map's entries are a list")
    };
    let size = canon::size(types, pair) as usize;
    let slots = (2 * items.len()).next_power_of_two().max(2);
    let used = 8 + size * items.len() + 4 * slots + 4;
    let class = used.next_power_of_two().trailing_zeros();
    let mut block = vec![0u8; 1 << class];
    block[..4].copy_from_slice(&class.to_le_bytes());
    let end = block.len();
    block[end - 4..].copy_from_slice(&(slots as u32).to_le_bytes());
    let base = end - 4 - 4 * slots;
    for (index, item) in items.iter().enumerate() {
        let at = 8 + index * size;
        store(
            types,
            pair,
            item,
            strings,
            segment,
            &mut block[at..at + size],
        );
        let ir::Const::Tuple(kv) = item else {
            unreachable!("a map's entry is a pair")
        };
        let flat = const_flat(types, key, &kv[0], strings);
        let hash = match (&kv[0], flat.as_slice()) {
            (ir::Const::Str(text), _) => crate::codegen::map::hash_bytes(text.as_bytes()),
            (_, [Const::I64(v)]) => crate::codegen::map::hash_i64(*v),
            (_, [Const::I32(v)]) => crate::codegen::map::hash_i32(*v),
            _ => unreachable!("a map key is a number, a char, a bool or a string"),
        };
        let mut slot = hash as usize & (slots - 1);
        while block[base + 4 * slot..base + 4 * slot + 4] != [0; 4] {
            slot = (slot + 1) & (slots - 1);
        }
        block[base + 4 * slot..base + 4 * slot + 4]
            .copy_from_slice(&(index as u32 + 1).to_le_bytes());
    }
    segment.append(&block) + 8
}

/// Writes constant `value` of type `ty` into `out` as a store of it would.
fn store(
    types: &Types,
    ty: TypeId,
    value: &ir::Const,
    strings: &HashMap<String, u32>,
    segment: &mut Segment<'_>,
    out: &mut [u8],
) {
    let mut put = |at: usize, bytes: &[u8]| out[at..at + bytes.len()].copy_from_slice(bytes);
    match value {
        ir::Const::Bool(b) => put(0, &[u8::from(*b)]),
        ir::Const::Int(v) => {
            let width = canon::size(types, ty) as usize;
            put(0, &v.to_le_bytes()[..width]);
        }
        ir::Const::F32(v) => put(0, &v.to_le_bytes()),
        ir::Const::F64(v) => put(0, &v.to_le_bytes()),
        ir::Const::Char(c) => put(0, &u32::from(*c).to_le_bytes()),
        ir::Const::Str(text) => {
            put(0, &strings[text].to_le_bytes());
            put(4, &(text.len() as u32).to_le_bytes());
        }
        ir::Const::List(items) => {
            let at = if items.is_empty() {
                0
            } else {
                lay_out(types, ty, items, strings, segment)
            };
            put(0, &at.to_le_bytes());
            put(4, &(items.len() as u32).to_le_bytes());
        }
        ir::Const::Tuple(items) => {
            let fields = types.fields(ty).unwrap_or_default();
            let offsets = canon::field_offsets(types, ty);
            for (((_, field), item), offset) in fields.into_iter().zip(items).zip(offsets) {
                store(
                    types,
                    field,
                    item,
                    strings,
                    segment,
                    &mut out[offset as usize..],
                );
            }
        }
        ir::Const::Case(case, payload) => {
            let cases = types.cases(ty).unwrap_or_default();
            let width = canon::discriminant_size(cases.len()) as usize;
            put(0, &case.to_le_bytes()[..width]);
            if let (Some(payload), Some((_, Some(payload_ty)))) =
                (payload, cases.get(*case as usize))
            {
                let offset = canon::payload_offset(types, ty) as usize;
                store(
                    types,
                    *payload_ty,
                    payload,
                    strings,
                    segment,
                    &mut out[offset..],
                );
            }
        }
        ir::Const::Flags(set) => {
            for &bit in set {
                out[bit as usize / 8] |= 1 << (bit % 8);
            }
        }
    }
}

fn push_flat(
    types: &Types,
    ty: TypeId,
    value: &ir::Const,
    strings: &HashMap<String, u32>,
    mut segment: Option<&mut Segment<'_>>,
    out: &mut Vec<Const>,
) {
    match value {
        ir::Const::Bool(b) => out.push(Const::I32(i32::from(*b))),
        ir::Const::Int(v) => out.push(match types.def(ty) {
            TypeDef::U64 | TypeDef::S64 => Const::I64(*v as i64),
            _ => Const::I32(*v as i32),
        }),
        ir::Const::F32(v) => out.push(Const::F32(*v)),
        ir::Const::F64(v) => out.push(Const::F64(*v)),
        ir::Const::Char(c) => out.push(Const::I32(*c as i32)),
        ir::Const::Str(text) => {
            out.push(Const::I32(strings[text] as i32));
            out.push(Const::I32(text.len() as i32));
        }
        ir::Const::List(items) => match segment {
            Some(segment) if !items.is_empty() => {
                let at = lay_out(types, ty, items, strings, segment);
                out.extend([Const::I32(at as i32), Const::I32(items.len() as i32)]);
            }
            _ => {
                debug_assert!(items.is_empty(), "a list of constants is copied from data");
                out.extend([Const::I32(0), Const::I32(0)]);
            }
        },
        ir::Const::Tuple(items) => {
            let fields = types.fields(ty).unwrap_or_default();
            for ((_, field), item) in fields.into_iter().zip(items) {
                push_flat(types, field, item, strings, segment.as_deref_mut(), out);
            }
        }
        ir::Const::Case(case, payload) => {
            let all = flat(types, ty);
            out.push(Const::I32(*case as i32));
            let mut inner = Vec::new();
            if let (Some(payload), Some((_, Some(payload_ty)))) = (payload, types.case(ty, *case)) {
                push_flat(types, payload_ty, payload, strings, segment, &mut inner);
            }
            for (i, slot) in all[1..].iter().enumerate() {
                out.push(match inner.get(i) {
                    Some(value) => value.join(*slot),
                    None => Const::zero(*slot),
                });
            }
        }
        ir::Const::Flags(set) => {
            let mut words = vec![0u32; flat(types, ty).len()];
            for &bit in set {
                words[bit as usize / 32] |= 1 << (bit % 32);
            }
            out.extend(words.into_iter().map(|w| Const::I32(w as i32)));
        }
    }
}

/// The Wasm globals (type and initializer) that hold one program global, whose flat values
/// are `values`.
pub fn global_init(types: &Types, ty: TypeId, values: Vec<Const>) -> Vec<(ValType, ConstExpr)> {
    flat(types, ty)
        .into_iter()
        .zip(values)
        .map(|(ty, value)| {
            let init = match value {
                Const::I32(v) => ConstExpr::i32_const(v),
                Const::I64(v) => ConstExpr::i64_const(v),
                Const::F32(v) => ConstExpr::f32_const(v.into()),
                Const::F64(v) => ConstExpr::f64_const(v.into()),
            };
            (ty, init)
        })
        .collect()
}
