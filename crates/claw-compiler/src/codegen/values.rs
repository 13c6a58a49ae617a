//! Type-directed helpers, one function per type that needs one: moving a value between its
//! flat form and memory (`load`, `store`), comparing (`eq`), copying what a `mut` variable or
//! a global must own (`copy`), and handing a global's old value back to the allocator
//! (`release`).
//!
//! A value is always in its Canonical ABI form (see `canon`), so these are the ABI's
//! lift/lower rules applied inside the module; the component boundary needs nothing else.

use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::canon::{self, flat};
use super::code::{mem, Code};
use super::{Key, ModuleInfo};
use crate::types::{TypeDef, TypeId, Types};

use super::map::MapOp;
use super::runtime::Helper;

/// Whether a value of `ty` is a single scalar that memory instructions move directly.
fn scalar(types: &Types, ty: TypeId) -> bool {
    matches!(
        types.def(ty),
        TypeDef::Bool
            | TypeDef::U8
            | TypeDef::U16
            | TypeDef::U32
            | TypeDef::U64
            | TypeDef::S8
            | TypeDef::S16
            | TypeDef::S32
            | TypeDef::S64
            | TypeDef::F32
            | TypeDef::F64
            | TypeDef::Char
            | TypeDef::Resource { .. }
            | TypeDef::Borrow(_)
    )
}

fn load_scalar(types: &Types, ty: TypeId, offset: u32) -> I<'static> {
    let align = canon::align(types, ty);
    let arg = mem(offset, align);
    match types.def(ty) {
        TypeDef::Bool | TypeDef::U8 => I::I32Load8U(arg),
        TypeDef::S8 => I::I32Load8S(arg),
        TypeDef::U16 => I::I32Load16U(arg),
        TypeDef::S16 => I::I32Load16S(arg),
        TypeDef::U64 | TypeDef::S64 => I::I64Load(arg),
        TypeDef::F32 => I::F32Load(arg),
        TypeDef::F64 => I::F64Load(arg),
        _ => I::I32Load(arg),
    }
}

fn store_scalar(types: &Types, ty: TypeId, offset: u32) -> I<'static> {
    let align = canon::align(types, ty);
    let arg = mem(offset, align);
    match types.def(ty) {
        TypeDef::Bool | TypeDef::U8 | TypeDef::S8 => I::I32Store8(arg),
        TypeDef::U16 | TypeDef::S16 => I::I32Store16(arg),
        TypeDef::U64 | TypeDef::S64 => I::I64Store(arg),
        TypeDef::F32 => I::F32Store(arg),
        TypeDef::F64 => I::F64Store(arg),
        _ => I::I32Store(arg),
    }
}

/// Pushes `addr` (a local) + `offset`.
fn push_address(code: &mut Code, addr: u32, offset: u32) {
    code.push(I::LocalGet(addr));
    if offset > 0 {
        code.push(I::I32Const(offset as i32));
        code.push(I::I32Add);
    }
}

/// The load or store of word `word` of a flags value of `size` bytes at `offset`: flags of up
/// to 16 bits take one or two bytes, wider ones a 4-byte word each.
fn flags_word(size: u32, offset: u32, word: u32, store: bool) -> I<'static> {
    match (size, store) {
        (1, false) => I::I32Load8U(mem(offset, 1)),
        (1, true) => I::I32Store8(mem(offset, 1)),
        (2, false) => I::I32Load16U(mem(offset, 2)),
        (2, true) => I::I32Store16(mem(offset, 2)),
        (_, false) => I::I32Load(mem(offset + 4 * word, 4)),
        (_, true) => I::I32Store(mem(offset + 4 * word, 4)),
    }
}

/// Pushes the value of type `ty` stored at `addr` (a local) + `offset`.
pub fn emit_load(code: &mut Code, info: &ModuleInfo, ty: TypeId, addr: u32, offset: u32) {
    let types = info.types();
    if scalar(types, ty) {
        code.push(I::LocalGet(addr));
        code.push(load_scalar(types, ty, offset));
        return;
    }
    match types.def(ty) {
        TypeDef::String | TypeDef::List(_) | TypeDef::Map { .. } => {
            code.extend([
                I::LocalGet(addr),
                I::I32Load(mem(offset, 4)),
                I::LocalGet(addr),
                I::I32Load(mem(offset + 4, 4)),
            ]);
        }
        TypeDef::Flags { flags, .. } => {
            let size = canon::size(types, ty);
            for word in 0..canon::flags_words(flags.len()) as u32 {
                code.push(I::LocalGet(addr));
                code.push(flags_word(size, offset, word, false));
            }
        }
        TypeDef::Unit | TypeDef::Error => {}
        TypeDef::Record { .. } | TypeDef::Tuple(_) if !info.small && inline_fields(types, ty) => {
            let fields = types.fields(ty).unwrap_or_default();
            for ((_, field), at) in fields.iter().zip(canon::field_offsets(types, ty)) {
                emit_load(code, info, *field, addr, offset + at);
            }
        }
        TypeDef::Variant { .. } | TypeDef::Option(_) | TypeDef::Result { .. }
            if !info.small && inline_variant(types, ty) =>
        {
            let base = if offset == 0 {
                addr
            } else {
                let base = code.local(ValType::I32);
                code.extend([
                    I::LocalGet(addr),
                    I::I32Const(offset as i32),
                    I::I32Add,
                    I::LocalSet(base),
                ]);
                base
            };
            load_variant(code, info, ty, base);
        }
        _ => {
            push_address(code, addr, offset);
            code.push(I::Call(info.func(Key::Load(info.by_shape(ty)))));
        }
    }
}

/// Whether a record or tuple is small enough to load and store field by field where it is
/// used, rather than through a helper.
fn inline_fields(types: &Types, ty: TypeId) -> bool {
    flat(types, ty).len() <= 8
}

/// Stores the value of type `ty` on the stack at `addr` (a local) + `offset`.
pub fn emit_store(code: &mut Code, info: &ModuleInfo, ty: TypeId, addr: u32, offset: u32) {
    let value = code.stash(&flat(info.types(), ty));
    emit_store_from(code, info, ty, value, addr, offset);
}

/// Stores the value of type `ty` held in the locals from `value` at `addr` (a local) +
/// `offset`.
pub fn emit_store_from(
    code: &mut Code,
    info: &ModuleInfo,
    ty: TypeId,
    value: u32,
    addr: u32,
    offset: u32,
) {
    let types = info.types();
    let flat = flat(types, ty);
    if scalar(types, ty) {
        code.push(I::LocalGet(addr));
        code.push(I::LocalGet(value));
        code.push(store_scalar(types, ty, offset));
        return;
    }
    match types.def(ty) {
        TypeDef::String | TypeDef::List(_) | TypeDef::Map { .. } => {
            code.extend([
                I::LocalGet(addr),
                I::LocalGet(value),
                I::I32Store(mem(offset, 4)),
                I::LocalGet(addr),
                I::LocalGet(value + 1),
                I::I32Store(mem(offset + 4, 4)),
            ]);
        }
        TypeDef::Flags { .. } => {
            let size = canon::size(types, ty);
            for word in 0..flat.len() as u32 {
                code.push(I::LocalGet(addr));
                code.push(I::LocalGet(value + word));
                code.push(flags_word(size, offset, word, true));
            }
        }
        TypeDef::Unit | TypeDef::Error => {}
        TypeDef::Record { .. } | TypeDef::Tuple(_) if !info.small && inline_fields(types, ty) => {
            let fields = types.fields(ty).unwrap_or_default();
            let mut slot = value;
            for ((_, field), at) in fields.iter().zip(canon::field_offsets(types, ty)) {
                emit_store_from(code, info, *field, slot, addr, offset + at);
                slot += super::flat(types, *field).len() as u32;
            }
        }
        _ => {
            push_address(code, addr, offset);
            code.get(value, flat.len());
            code.push(I::Call(info.func(Key::Store(info.by_shape(ty)))));
        }
    }
}

/// Converts a case's flat value on the stack (types `from`) into the variant's shared slots
/// (`to`), as the Canonical ABI's flattening of variants does.
pub fn coerce_to_join(code: &mut Code, from: &[ValType], to: &[ValType]) {
    let first = code.stash(from);
    for (i, (&f, &t)) in from.iter().zip(to).enumerate() {
        code.push(I::LocalGet(first + i as u32));
        match (f, t) {
            (a, b) if a == b => {}
            (ValType::F32, ValType::I32) => code.push(I::I32ReinterpretF32),
            (ValType::I32, ValType::I64) => code.push(I::I64ExtendI32U),
            (ValType::F32, ValType::I64) => {
                code.push(I::I32ReinterpretF32);
                code.push(I::I64ExtendI32U);
            }
            (ValType::F64, ValType::I64) => code.push(I::I64ReinterpretF64),
            _ => unreachable!("joined slots are at least as wide as each case's"),
        }
    }
    code.zeros(&to[from.len()..]);
}

/// Pushes a case's flat value (types `to`) read back from the variant's slots at `slots`
/// (locals of types `from`).
pub fn coerce_from_join(code: &mut Code, slots: u32, from: &[ValType], to: &[ValType]) {
    for (i, (&f, &t)) in from.iter().zip(to).enumerate() {
        code.push(I::LocalGet(slots + i as u32));
        match (f, t) {
            (a, b) if a == b => {}
            (ValType::I32, ValType::F32) => code.push(I::F32ReinterpretI32),
            (ValType::I64, ValType::I32) => code.push(I::I32WrapI64),
            (ValType::I64, ValType::F32) => {
                code.push(I::I32WrapI64);
                code.push(I::F32ReinterpretI32);
            }
            (ValType::I64, ValType::F64) => code.push(I::F64ReinterpretI64),
            _ => unreachable!("joined slots are at least as wide as each case's"),
        }
    }
}

/// Emits `for case in cases { if disc == case { body(case) } }` for the cases with payloads.
fn each_payload_case(
    code: &mut Code,
    types: &Types,
    ty: TypeId,
    disc: u32,
    mut body: impl FnMut(&mut Code, TypeId),
) {
    let cases = types.cases(ty).unwrap_or_default();
    for (index, (_, payload)) in cases.iter().enumerate() {
        let Some(payload) = payload else { continue };
        code.extend([
            I::LocalGet(disc),
            I::I32Const(index as i32),
            I::I32Eq,
            I::If(BlockType::Empty),
        ]);
        body(code, *payload);
        code.push(I::End);
    }
}

fn load_discriminant(code: &mut Code, types: &Types, ty: TypeId, addr: u32) {
    let cases = types.cases(ty).unwrap_or_default().len();
    code.push(I::LocalGet(addr));
    code.push(match canon::discriminant_size(cases) {
        1 => I::I32Load8U(mem(0, 1)),
        2 => I::I32Load16U(mem(0, 2)),
        _ => I::I32Load(mem(0, 4)),
    });
}

/// Emits a loop running `body` with each index `0..len` (`len` a local) in a local.
pub fn each_index(code: &mut Code, len: u32, body: impl FnOnce(&mut Code, u32)) {
    let i = code.local(ValType::I32);
    code.extend([
        I::I32Const(0),
        I::LocalSet(i),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(i),
        I::LocalGet(len),
        I::I32GeU,
        I::BrIf(1),
    ]);
    body(code, i);
    code.extend([
        I::LocalGet(i),
        I::I32Const(1),
        I::I32Add,
        I::LocalSet(i),
        I::Br(0),
        I::End,
        I::End,
    ]);
}

/// The address of element `i` of a list at `ptr` (both locals), in a new local.
fn element_at(code: &mut Code, ptr: u32, i: u32, size: i32) -> u32 {
    let at = code.local(ValType::I32);
    code.extend([
        I::LocalGet(ptr),
        I::LocalGet(i),
        I::I32Const(size),
        I::I32Mul,
        I::I32Add,
        I::LocalSet(at),
    ]);
    at
}

/// `load(addr) -> flat`: the body of [`Key::Load`] for a record, tuple or variant-like type.
pub fn gen_load(info: &ModuleInfo, ty: TypeId) -> (Vec<ValType>, Vec<ValType>, Code) {
    let types = info.types();
    let results = flat(types, ty);
    let mut code = Code::new(1);
    let addr = 0;
    if let Some(fields) = types.fields(ty) {
        for ((_, field), offset) in fields.iter().zip(canon::field_offsets(types, ty)) {
            emit_load(&mut code, info, *field, addr, offset);
        }
    } else {
        load_variant(&mut code, info, ty, addr);
    }
    (vec![ValType::I32], results, code)
}

/// Loads a variant-like value at `addr` (a local): its discriminant, then the payload of
/// whichever case it is into the shared slots.
fn load_variant(code: &mut Code, info: &ModuleInfo, ty: TypeId, addr: u32) {
    let types = info.types();
    let results = flat(types, ty);
    let out = code.locals(&results);
    code.zeros(&results[1..]);
    code.set(out + 1, results.len() - 1);
    load_discriminant(code, types, ty, addr);
    code.push(I::LocalSet(out));
    let payload_at = canon::payload_offset(types, ty);
    each_payload_case(code, types, ty, out, |code, payload| {
        let case_flat = flat(types, payload);
        emit_load(code, info, payload, addr, payload_at);
        coerce_to_join(code, &case_flat, &results[1..]);
        code.set(out + 1, results.len() - 1);
    });
    code.get(out, results.len());
}

/// Whether a variant is small enough to load where it is used: few slots, few cases with
/// payloads to choose between.
fn inline_variant(types: &Types, ty: TypeId) -> bool {
    let payloads = types
        .cases(ty)
        .unwrap_or_default()
        .iter()
        .filter(|c| c.1.is_some())
        .count();
    flat(types, ty).len() <= 4 && payloads <= 6
}

/// `store(addr, flat)`: the body of [`Key::Store`].
pub fn gen_store(info: &ModuleInfo, ty: TypeId) -> (Vec<ValType>, Vec<ValType>, Code) {
    let types = info.types();
    let values = flat(types, ty);
    let mut params = vec![ValType::I32];
    params.extend(&values);
    let mut code = Code::new(params.len() as u32);
    let addr = 0;
    let value = 1;
    if let Some(fields) = types.fields(ty) {
        let mut slot = value;
        for ((_, field), offset) in fields.iter().zip(canon::field_offsets(types, ty)) {
            let n = flat(types, *field).len();
            code.get(slot, n);
            emit_store(&mut code, info, *field, addr, offset);
            slot += n as u32;
        }
    } else {
        let cases = types.cases(ty).unwrap_or_default().len();
        code.extend([I::LocalGet(addr), I::LocalGet(value)]);
        code.push(match canon::discriminant_size(cases) {
            1 => I::I32Store8(mem(0, 1)),
            2 => I::I32Store16(mem(0, 2)),
            _ => I::I32Store(mem(0, 4)),
        });
        let payload_at = canon::payload_offset(types, ty);
        each_payload_case(&mut code, types, ty, value, |code, payload| {
            let case_flat = flat(types, payload);
            coerce_from_join(code, value + 1, &values[1..], &case_flat);
            emit_store(code, info, payload, addr, payload_at);
        });
    }
    (params, vec![], code)
}

/// Pushes whether the values in locals `a` and `b` (both of type `ty`) are equal.
pub fn emit_eq(code: &mut Code, info: &ModuleInfo, ty: TypeId, a: u32, b: u32) {
    let types = info.types();
    let n = flat(types, ty).len();
    let simple = match types.def(ty) {
        TypeDef::U64 | TypeDef::S64 => Some(I::I64Eq),
        TypeDef::F32 => Some(I::F32Eq),
        TypeDef::F64 => Some(I::F64Eq),
        _ if scalar(types, ty)
            || (n == 1
                && types
                    .cases(ty)
                    .is_some_and(|c| c.iter().all(|c| c.1.is_none()))) =>
        {
            Some(I::I32Eq)
        }
        _ => None,
    };
    match simple {
        Some(instruction) => {
            code.extend([I::LocalGet(a), I::LocalGet(b), instruction]);
        }
        None if matches!(types.def(ty), TypeDef::String) => {
            code.get(a, 2);
            code.get(b, 2);
            code.push(I::Call(info.helper(Helper::StrEq)));
        }
        None if n == 0 => code.push(I::I32Const(1)),
        None => {
            code.get(a, n);
            code.get(b, n);
            code.push(I::Call(info.func(Key::Eq(ty))));
        }
    }
}

/// `eq(a, b) -> bool`: the body of [`Key::Eq`].
pub fn gen_eq(info: &ModuleInfo, ty: TypeId) -> (Vec<ValType>, Vec<ValType>, Code) {
    let types = info.types();
    let values = flat(types, ty);
    let n = values.len() as u32;
    let mut params = values.clone();
    params.extend(&values);
    let mut code = Code::new(2 * n);
    let (a, b) = (0, n);
    // Each check that fails returns false; falling through the end means equal.
    let check = |code: &mut Code, emit: &mut dyn FnMut(&mut Code)| {
        emit(code);
        code.extend([
            I::I32Eqz,
            I::If(BlockType::Empty),
            I::I32Const(0),
            I::Return,
            I::End,
        ]);
    };
    match types.def(ty).clone() {
        TypeDef::List(elem) => {
            check(&mut code, &mut |code| {
                code.extend([I::LocalGet(a + 1), I::LocalGet(b + 1), I::I32Eq])
            });
            let size = canon::size(types, elem) as i32;
            let elem_flat = flat(types, elem);
            each_index(&mut code, a + 1, |code, i| {
                let pa = element_at(code, a, i, size);
                let pb = element_at(code, b, i, size);
                emit_load(code, info, elem, pa, 0);
                let x = code.stash(&elem_flat);
                emit_load(code, info, elem, pb, 0);
                let y = code.stash(&elem_flat);
                check(code, &mut |code| emit_eq(code, info, elem, x, y));
            });
        }
        TypeDef::Flags { .. } => {
            for word in 0..n {
                check(&mut code, &mut |code| {
                    code.extend([I::LocalGet(a + word), I::LocalGet(b + word), I::I32Eq])
                });
            }
        }
        _ => {
            if let Some(fields) = types.fields(ty) {
                let mut slot = 0;
                for (_, field) in fields {
                    let k = flat(types, field).len() as u32;
                    check(&mut code, &mut |code| {
                        emit_eq(code, info, field, a + slot, b + slot)
                    });
                    slot += k;
                }
            } else {
                check(&mut code, &mut |code| {
                    code.extend([I::LocalGet(a), I::LocalGet(b), I::I32Eq])
                });
                let joined = &values[1..];
                let cases = types.cases(ty).unwrap_or_default();
                for (index, (_, payload)) in cases.iter().enumerate() {
                    let Some(payload) = *payload else { continue };
                    let case_flat = flat(types, payload);
                    code.extend([
                        I::LocalGet(a),
                        I::I32Const(index as i32),
                        I::I32Eq,
                        I::If(BlockType::Empty),
                    ]);
                    coerce_from_join(&mut code, a + 1, joined, &case_flat);
                    let x = code.stash(&case_flat);
                    coerce_from_join(&mut code, b + 1, joined, &case_flat);
                    let y = code.stash(&case_flat);
                    emit_eq(&mut code, info, payload, x, y);
                    code.extend([I::Return, I::End]);
                }
            }
        }
    }
    code.push(I::I32Const(1));
    (params, vec![ValType::I32], code)
}

/// Whether [`Key::Copy`] has anything to do for `ty`: lists and strings are copied so a
/// `mut` variable owns what it changes in place (`push`, `+=`); a global (`persist`) also
/// needs its memory off the scratch list.
pub fn needs_copy(types: &Types, ty: TypeId, _persist: bool) -> bool {
    types.in_memory(ty)
}

/// Copies the value on the stack if `ty` needs it (see [`needs_copy`]).
pub fn emit_copy(code: &mut Code, info: &ModuleInfo, ty: TypeId, persist: bool) {
    if needs_copy(info.types(), ty, persist) {
        code.push(I::Call(info.func(Key::Copy(ty, persist))));
    }
}

fn alloc(info: &ModuleInfo, persist: bool) -> I<'static> {
    I::Call(info.helper(if persist {
        Helper::Malloc
    } else {
        Helper::ScratchAlloc
    }))
}

/// `copy(flat) -> flat`: the body of [`Key::Copy`].
pub fn gen_copy(
    info: &ModuleInfo,
    ty: TypeId,
    persist: bool,
) -> (Vec<ValType>, Vec<ValType>, Code) {
    let types = info.types();
    let values = flat(types, ty);
    let n = values.len() as u32;
    let mut code = Code::new(n);
    match types.def(ty).clone() {
        // A new block with an index of its own, then the entries' own memory copied as a
        // list's elements are.
        TypeDef::Map { entries, .. } => {
            let TypeDef::List(pair) = *types.def(entries) else {
                unreachable!("a map's entries are a list")
            };
            let size = canon::size(types, pair) as i32;
            code.extend([
                I::LocalGet(0),
                I::LocalGet(1),
                I::LocalGet(1),
                I::Call(info.func(Key::Map(MapOp::From(persist), ty))),
            ]);
            code.set(0, 2);
            if needs_copy(types, pair, persist) {
                each_index(&mut code, 1, |code, i| {
                    let at = element_at(code, 0, i, size);
                    emit_load(code, info, pair, at, 0);
                    emit_copy(code, info, pair, persist);
                    emit_store(code, info, pair, at, 0);
                });
            }
            code.extend([I::LocalGet(0), I::LocalGet(1)]);
        }
        TypeDef::String => {
            let new = code.local(ValType::I32);
            code.extend([
                I::LocalGet(1),
                alloc(info, persist),
                I::LocalTee(new),
                I::LocalGet(0),
                I::LocalGet(1),
                I::MemoryCopy {
                    src_mem: 0,
                    dst_mem: 0,
                },
                I::LocalGet(new),
                I::LocalGet(1),
            ]);
        }
        TypeDef::List(elem) => {
            let size = canon::size(types, elem) as i32;
            let new = code.local(ValType::I32);
            code.extend([
                I::LocalGet(1),
                I::I32Eqz,
                I::If(BlockType::Empty),
                I::I32Const(0),
                I::I32Const(0),
                I::Return,
                I::End,
                I::LocalGet(1),
                I::I32Const(size),
                I::I32Mul,
                alloc(info, persist),
                I::LocalTee(new),
                I::LocalGet(0),
                I::LocalGet(1),
                I::I32Const(size),
                I::I32Mul,
                I::MemoryCopy {
                    src_mem: 0,
                    dst_mem: 0,
                },
            ]);
            if needs_copy(types, elem, persist) {
                each_index(&mut code, 1, |code, i| {
                    let at = element_at(code, new, i, size);
                    emit_load(code, info, elem, at, 0);
                    emit_copy(code, info, elem, persist);
                    emit_store(code, info, elem, at, 0);
                });
            }
            code.extend([I::LocalGet(new), I::LocalGet(1)]);
        }
        _ => {
            if let Some(fields) = types.fields(ty) {
                let mut slot = 0;
                for (_, field) in fields {
                    let k = flat(types, field).len();
                    code.get(slot, k);
                    emit_copy(&mut code, info, field, persist);
                    slot += k as u32;
                }
            } else {
                let out = code.locals(&values);
                code.get(0, values.len());
                code.set(out, values.len());
                let joined = &values[1..];
                each_payload_case(&mut code, types, ty, 0, |code, payload| {
                    if !needs_copy(types, payload, persist) {
                        return;
                    }
                    let case_flat = flat(types, payload);
                    coerce_from_join(code, 1, joined, &case_flat);
                    emit_copy(code, info, payload, persist);
                    coerce_to_join(code, &case_flat, joined);
                    code.set(out + 1, joined.len());
                });
                code.get(out, values.len());
            }
        }
    }
    (values.clone(), values, code)
}

/// Which handles in a value a drop releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Handles {
    /// Owned handles: what a value still owns when it is dropped.
    Owned,
    /// Borrows of imported resources that an export was lent: the Canonical ABI wants them
    /// dropped before the export returns.
    Lent,
}

/// Whether a value of `ty` holds handles of the kind `which`.
pub fn holds(info: &ModuleInfo, ty: TypeId, which: Handles) -> bool {
    let types = info.types();
    match (which, types.def(ty)) {
        (Handles::Owned, TypeDef::Resource { .. }) => true,
        (Handles::Lent, TypeDef::Borrow(resource)) => {
            info.program.implementation(*resource).is_none()
        }
        _ => types
            .children(ty)
            .into_iter()
            .any(|child| holds(info, child, which)),
    }
}

/// Drops every owned handle in the value on the stack (a moved-out handle is 0, and is
/// skipped).
pub fn emit_drop(code: &mut Code, info: &ModuleInfo, ty: TypeId) {
    emit_drop_handles(code, info, ty, Handles::Owned);
}

/// Drops the handles of kind `which` in the value on the stack.
pub fn emit_drop_handles(code: &mut Code, info: &ModuleInfo, ty: TypeId, which: Handles) {
    if holds(info, ty, which) {
        code.push(I::Call(info.func(Key::DropHandles(ty, which))));
    } else {
        for _ in flat(info.types(), ty) {
            code.push(I::Drop);
        }
    }
}

/// `drop(flat)`: the body of [`Key::DropHandles`].
pub fn gen_drop(
    info: &ModuleInfo,
    ty: TypeId,
    which: Handles,
) -> (Vec<ValType>, Vec<ValType>, Code) {
    let types = info.types();
    let values = flat(types, ty);
    let mut code = Code::new(values.len() as u32);
    match types.def(ty).clone() {
        TypeDef::Resource { .. } | TypeDef::Borrow(_) => {
            let resource = types.resource(ty).expect("a handle");
            code.extend([
                I::LocalGet(0),
                I::If(BlockType::Empty),
                I::LocalGet(0),
                I::Call(info.resource_drop[&resource]),
                I::End,
            ])
        }
        TypeDef::List(elem) => {
            let size = canon::size(types, elem) as i32;
            each_index(&mut code, 1, |code, i| {
                let at = element_at(code, 0, i, size);
                emit_load(code, info, elem, at, 0);
                emit_drop_handles(code, info, elem, which);
            });
        }
        _ => {
            if let Some(fields) = types.fields(ty) {
                let mut slot = 0;
                for (_, field) in fields {
                    let k = flat(types, field).len();
                    if holds(info, field, which) {
                        code.get(slot, k);
                        emit_drop_handles(&mut code, info, field, which);
                    }
                    slot += k as u32;
                }
            } else {
                let joined = &values[1..];
                each_payload_case(&mut code, types, ty, 0, |code, payload| {
                    if holds(info, payload, which) {
                        let case_flat = flat(types, payload);
                        coerce_from_join(code, 1, joined, &case_flat);
                        emit_drop_handles(code, info, payload, which);
                    }
                });
            }
        }
    }
    (values, vec![], code)
}

/// The destructor of resource `ty`: runs its `drop` block with the representation, drops
/// the handles the representation owns and hands its memory to the scratch list.
pub fn gen_dtor(info: &ModuleInfo, ty: TypeId) -> (Vec<ValType>, Vec<ValType>, Code) {
    let implementation = info
        .program
        .implementation(ty)
        .expect("only implemented resources have destructors");
    let mut code = Code::new(1);
    if let Some(drop) = implementation.drop {
        code.extend([I::LocalGet(0), I::Call(info.func_index[drop.0 as usize])]);
    }
    let rep = implementation.rep;
    if info.types().contains_own(rep) {
        emit_load(&mut code, info, rep, 0, 0);
        emit_drop(&mut code, info, rep);
    }
    if info.types().in_memory(rep) {
        emit_load(&mut code, info, rep, 0, 0);
        emit_release(&mut code, info, rep);
    }
    code.extend([I::LocalGet(0), I::Call(info.helper(Helper::DeferFree))]);
    (vec![ValType::I32], vec![], code)
}

/// Hands every block a global's old value owns to the scratch list (freed when the call
/// ends, since a local may still point into it).
pub fn emit_release(code: &mut Code, info: &ModuleInfo, ty: TypeId) {
    if info.types().in_memory(ty) {
        code.push(I::Call(info.func(Key::Release(ty))));
    } else {
        for _ in flat(info.types(), ty) {
            code.push(I::Drop);
        }
    }
}

/// `release(flat)`: the body of [`Key::Release`].
pub fn gen_release(info: &ModuleInfo, ty: TypeId) -> (Vec<ValType>, Vec<ValType>, Code) {
    let types = info.types();
    let values = flat(types, ty);
    let mut code = Code::new(values.len() as u32);
    let defer = I::Call(info.helper(Helper::DeferFree));
    match types.def(ty).clone() {
        // The index is in the entries' block.
        TypeDef::Map { entries, .. } => return gen_release(info, entries),
        TypeDef::String => code.extend([I::LocalGet(0), defer]),
        TypeDef::List(elem) => {
            if types.in_memory(elem) {
                let size = canon::size(types, elem) as i32;
                each_index(&mut code, 1, |code, i| {
                    let at = element_at(code, 0, i, size);
                    emit_load(code, info, elem, at, 0);
                    emit_release(code, info, elem);
                });
            }
            code.extend([I::LocalGet(0), defer]);
        }
        _ => {
            if let Some(fields) = types.fields(ty) {
                let mut slot = 0;
                for (_, field) in fields {
                    let k = flat(types, field).len();
                    if types.in_memory(field) {
                        code.get(slot, k);
                        emit_release(&mut code, info, field);
                    }
                    slot += k as u32;
                }
            } else {
                let joined = &values[1..];
                each_payload_case(&mut code, types, ty, 0, |code, payload| {
                    if types.in_memory(payload) {
                        let case_flat = flat(types, payload);
                        coerce_from_join(code, 1, joined, &case_flat);
                        emit_release(code, info, payload);
                    }
                });
            }
        }
    }
    (values, vec![], code)
}
