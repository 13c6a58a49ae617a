//! Maps in memory: a map is its entries, a `list<tuple<K, V>>` in insertion order exactly as
//! the Canonical ABI lays it out, so lowering one to the host or to another component costs
//! nothing. Lookups go through a hash index kept at the end of the same block:
//!
//! ```text
//! header (8) | entries (len × size, room for more) | … | slots (S × u32) | S (u32) | block end
//! ```
//!
//! The block's end follows from its size class, so a map's `(ptr, len)` is all a lookup needs.
//! A slot holds an entry's index plus one, 0 when empty; `S` is a power of two at least twice
//! the entries, and probing is linear. Every map with entries has an index: one built in the
//! module gets it when it is made ([`MapOp::From`], which every copy, literal and growth goes
//! through), and one from outside (an export's arguments, an import's results) gets it on
//! entry (`abi.rs`). A map with no entries may have no block at all.
//!
//! A key given twice (in a literal, or by a host) keeps its first place and its last value.

use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::canon::{self, flat};
use super::code::{mem, Code};
use super::runtime::{Helper, Trap};
use super::values::{each_index, emit_load, emit_release, emit_store};
use super::{Key, ModuleInfo};
use crate::types::{TypeDef, TypeId, Types};

/// The helpers a map type has, generated on first use (see [`Key::Map`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MapOp {
    /// `(ptr, key) -> slot address`: where the key's slot is, or the empty slot it would take.
    Probe,
    /// `(ptr, len) -> len`: rebuilds the index of the entries, merging a key given twice.
    Index,
    /// `(ptr, len, cap) -> (ptr, len)`: a new block with room for `cap` entries holding
    /// those at `ptr`, indexed; from `malloc` when `true` (for a global), else scratch.
    From(bool),
    /// `(ptr, len, key) -> index`: the entry's index, or -1.
    Find,
    /// `(ptr, len, key) -> option<V>`
    Get,
    /// `(ptr, len, key) -> V`, trapping when the key is absent.
    Lookup,
    /// `(ptr, len, key, value) -> (ptr, len, option<V>)`: the map grown in place or moved,
    /// and the value the key had. `true` for a global's map, whose replaced key goes back
    /// to the allocator and whose old block, when it moves, joins the scratch list.
    Insert(bool),
    /// `(ptr, len, key) -> (ptr, len, option<V>)`
    Remove(bool),
}

impl MapOp {
    pub fn name(self) -> &'static str {
        match self {
            MapOp::Probe => "probe",
            MapOp::Index => "index",
            MapOp::From(false) => "from",
            MapOp::From(true) => "persist-from",
            MapOp::Find => "find",
            MapOp::Get => "get",
            MapOp::Lookup => "lookup",
            MapOp::Insert(false) => "insert",
            MapOp::Insert(true) => "global-insert",
            MapOp::Remove(false) => "remove",
            MapOp::Remove(true) => "global-remove",
        }
    }
}

/// The parts of a map type that code generation needs.
struct Shape {
    key: TypeId,
    value: TypeId,
    /// An entry's size, and the value's offset in it.
    size: i32,
    value_at: u32,
    key_flat: Vec<ValType>,
    value_flat: Vec<ValType>,
}

fn shape(types: &Types, map: TypeId) -> Shape {
    let TypeDef::Map {
        key,
        value,
        entries,
    } = *types.def(map)
    else {
        unreachable!("a map type")
    };
    let TypeDef::List(pair) = *types.def(entries) else {
        unreachable!("a map's entries are a list")
    };
    Shape {
        key,
        value,
        size: canon::size(types, pair) as i32,
        value_at: canon::field_offsets(types, pair)[1],
        key_flat: flat(types, key),
        value_flat: flat(types, value),
    }
}

pub fn generate(info: &ModuleInfo, op: MapOp, map: TypeId) -> (Vec<ValType>, Vec<ValType>, Code) {
    let s = shape(info.types(), map);
    match op {
        MapOp::Probe => probe(info, &s),
        MapOp::Index => index(info, map, &s),
        MapOp::From(persist) => from(info, map, &s, persist),
        MapOp::Find => find(info, map, &s),
        MapOp::Get => get(info, map, &s),
        MapOp::Lookup => lookup(info, map, &s),
        MapOp::Insert(global) => insert(info, map, &s, global),
        MapOp::Remove(global) => remove(info, map, &s, global),
    }
}

/// Leaves the index's first slot address in `base` and its slot count in `slots`, for the
/// block whose payload is at local `ptr`.
fn bounds(code: &mut Code, ptr: u32) -> (u32, u32) {
    let [end, slots, base] = [0; 3].map(|_| code.local(ValType::I32));
    code.extend([
        I::LocalGet(ptr),
        I::I32Const(8),
        I::I32Sub,
        I::I32Const(1),
        I::LocalGet(ptr),
        I::I32Const(8),
        I::I32Sub,
        I::I32Load(mem(0, 4)),
        I::I32Shl,
        I::I32Add,
        I::LocalTee(end),
        I::I32Const(4),
        I::I32Sub,
        I::I32Load(mem(0, 4)),
        I::LocalSet(slots),
        I::LocalGet(end),
        I::I32Const(4),
        I::I32Sub,
        I::LocalGet(slots),
        I::I32Const(4),
        I::I32Mul,
        I::I32Sub,
        I::LocalSet(base),
    ]);
    (base, slots)
}

/// murmur3's finalizer: every bit of `h` (on the stack) reaches the low bits the mask keeps.
fn mix(code: &mut Code) {
    let h = code.local(ValType::I32);
    for (shift, multiplier) in [
        (16, Some(0x85eb_ca6bu32)),
        (13, Some(0xc2b2_ae35)),
        (16, None),
    ] {
        code.extend([
            I::LocalTee(h),
            I::LocalGet(h),
            I::I32Const(shift),
            I::I32ShrU,
            I::I32Xor,
        ]);
        if let Some(multiplier) = multiplier {
            code.extend([I::I32Const(multiplier as i32), I::I32Mul]);
        }
    }
}

/// [`mix`], for keys laid out at compile time.
fn mix_now(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// The hash [`hash`] computes, of a string key's bytes.
pub fn hash_bytes(bytes: &[u8]) -> u32 {
    let h = bytes.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    mix_now(h)
}

/// The hash [`hash`] computes, of a key that is one `i64`.
pub fn hash_i64(v: i64) -> u32 {
    let v = v as u64;
    mix_now((v ^ (v >> 32)) as u32)
}

/// The hash [`hash`] computes, of a key that is one `i32`.
pub fn hash_i32(v: i32) -> u32 {
    mix_now(v as u32)
}

/// Pushes the hash of the key in locals from `key`: a string's bytes through FNV-1a, a
/// number as it is; both mixed.
fn hash(code: &mut Code, s: &Shape, key: u32) {
    match s.key_flat.as_slice() {
        [ValType::I32, ValType::I32] => {
            let [h, i] = [0; 2].map(|_| code.local(ValType::I32));
            code.extend([
                I::I32Const(0x811c_9dc5u32 as i32),
                I::LocalSet(h),
                I::I32Const(0),
                I::LocalSet(i),
                I::Block(BlockType::Empty),
                I::Loop(BlockType::Empty),
                I::LocalGet(i),
                I::LocalGet(key + 1),
                I::I32GeU,
                I::BrIf(1),
                I::LocalGet(h),
                I::LocalGet(key),
                I::LocalGet(i),
                I::I32Add,
                I::I32Load8U(mem(0, 1)),
                I::I32Xor,
                I::I32Const(0x0100_0193),
                I::I32Mul,
                I::LocalSet(h),
                I::LocalGet(i),
                I::I32Const(1),
                I::I32Add,
                I::LocalSet(i),
                I::Br(0),
                I::End,
                I::End,
                I::LocalGet(h),
            ]);
        }
        [ValType::I64] => code.extend([
            I::LocalGet(key),
            I::LocalGet(key),
            I::I64Const(32),
            I::I64ShrU,
            I::I64Xor,
            I::I32WrapI64,
        ]),
        _ => code.push(I::LocalGet(key)),
    }
    mix(code);
}

/// Pushes whether the key stored at local `entry` equals the key in locals from `key`.
fn key_eq(code: &mut Code, info: &ModuleInfo, s: &Shape, entry: u32, key: u32) {
    emit_load(code, info, s.key, entry, 0);
    code.get(key, s.key_flat.len());
    code.push(match s.key_flat.as_slice() {
        [ValType::I32, ValType::I32] => I::Call(info.helper(Helper::StrEq)),
        [ValType::I64] => I::I64Eq,
        _ => I::I32Eq,
    });
}

fn probe(info: &ModuleInfo, s: &Shape) -> (Vec<ValType>, Vec<ValType>, Code) {
    let mut params = vec![ValType::I32];
    params.extend(&s.key_flat);
    let mut code = Code::new(params.len() as u32);
    let (ptr, key) = (0, 1);
    let (base, slots) = bounds(&mut code, ptr);
    let [at, slot, entry] = [0; 3].map(|_| code.local(ValType::I32));
    hash(&mut code, s, key);
    code.extend([
        I::LocalGet(slots),
        I::I32Const(1),
        I::I32Sub,
        I::I32And,
        I::LocalSet(at),
        I::Loop(BlockType::Empty),
        I::LocalGet(base),
        I::LocalGet(at),
        I::I32Const(4),
        I::I32Mul,
        I::I32Add,
        I::LocalTee(slot),
        I::I32Load(mem(0, 4)),
        I::LocalTee(entry),
        I::I32Eqz,
        I::If(BlockType::Empty),
        I::LocalGet(slot),
        I::Return,
        I::End,
        I::LocalGet(ptr),
        I::LocalGet(entry),
        I::I32Const(1),
        I::I32Sub,
        I::I32Const(s.size),
        I::I32Mul,
        I::I32Add,
        I::LocalSet(entry),
    ]);
    key_eq(&mut code, info, s, entry, key);
    code.extend([
        I::If(BlockType::Empty),
        I::LocalGet(slot),
        I::Return,
        I::End,
        I::LocalGet(at),
        I::I32Const(1),
        I::I32Add,
        I::LocalGet(slots),
        I::I32Const(1),
        I::I32Sub,
        I::I32And,
        I::LocalSet(at),
        I::Br(0),
        I::End,
        I::Unreachable,
    ]);
    (params, vec![ValType::I32], code)
}

/// Pushes the address of entry `index` (a local) of the map at local `ptr`.
fn entry_at(code: &mut Code, s: &Shape, ptr: u32, index: u32) {
    code.extend([
        I::LocalGet(ptr),
        I::LocalGet(index),
        I::I32Const(s.size),
        I::I32Mul,
        I::I32Add,
    ]);
}

fn copy_bytes(code: &mut Code) {
    code.push(I::MemoryCopy {
        src_mem: 0,
        dst_mem: 0,
    });
}

fn index(info: &ModuleInfo, map: TypeId, s: &Shape) -> (Vec<ValType>, Vec<ValType>, Code) {
    let mut code = Code::new(2);
    let (ptr, len) = (0, 1);
    let (base, slots) = bounds(&mut code, ptr);
    let [write, entry, slot, found] = [0; 4].map(|_| code.local(ValType::I32));
    let key = code.locals(&s.key_flat);
    let value_size = canon::size(info.types(), s.value) as i32;
    code.extend([
        I::LocalGet(base),
        I::I32Const(0),
        I::LocalGet(slots),
        I::I32Const(4),
        I::I32Mul,
        I::MemoryFill(0),
        I::I32Const(0),
        I::LocalSet(write),
    ]);
    each_index(&mut code, len, |code, read| {
        entry_at(code, s, ptr, read);
        code.push(I::LocalSet(entry));
        emit_load(code, info, s.key, entry, 0);
        code.set(key, s.key_flat.len());
        code.push(I::LocalGet(ptr));
        code.get(key, s.key_flat.len());
        code.extend([
            I::Call(info.func(Key::Map(MapOp::Probe, map))),
            I::LocalTee(slot),
            I::I32Load(mem(0, 4)),
            I::LocalTee(found),
            I::If(BlockType::Empty),
        ]);
        // Seen before: the later value wins, in the first entry's place.
        if value_size > 0 {
            code.extend([
                I::LocalGet(found),
                I::I32Const(1),
                I::I32Sub,
                I::LocalSet(found),
            ]);
            entry_at(code, s, ptr, found);
            code.extend([
                I::I32Const(s.value_at as i32),
                I::I32Add,
                I::LocalGet(entry),
                I::I32Const(s.value_at as i32),
                I::I32Add,
                I::I32Const(value_size),
            ]);
            copy_bytes(code);
        }
        code.extend([
            I::Else,
            I::LocalGet(write),
            I::LocalGet(read),
            I::I32Ne,
            I::If(BlockType::Empty),
        ]);
        entry_at(code, s, ptr, write);
        code.extend([I::LocalGet(entry), I::I32Const(s.size)]);
        copy_bytes(code);
        code.extend([
            I::End,
            I::LocalGet(slot),
            I::LocalGet(write),
            I::I32Const(1),
            I::I32Add,
            I::LocalTee(write),
            I::I32Store(mem(0, 4)),
            I::End,
        ]);
    });
    code.push(I::LocalGet(write));
    (vec![ValType::I32; 2], vec![ValType::I32], code)
}

fn from(
    info: &ModuleInfo,
    map: TypeId,
    s: &Shape,
    persist: bool,
) -> (Vec<ValType>, Vec<ValType>, Code) {
    let mut code = Code::new(3);
    let (ptr, len, cap) = (0, 1, 2);
    let [slots, new] = [0; 2].map(|_| code.local(ValType::I32));
    let alloc = if persist {
        Helper::Malloc
    } else {
        Helper::ScratchAlloc
    };
    code.extend([
        I::LocalGet(cap),
        I::I32Eqz,
        I::If(BlockType::Empty),
        I::I32Const(0),
        I::I32Const(0),
        I::Return,
        I::End,
        // The smallest power of two at least twice the entries.
        I::I32Const(1),
        I::I32Const(32),
        I::LocalGet(cap),
        I::I32Const(2),
        I::I32Mul,
        I::I32Const(1),
        I::I32Sub,
        I::I32Clz,
        I::I32Sub,
        I::I32Shl,
        I::LocalSet(slots),
        I::LocalGet(cap),
        I::I32Const(s.size),
        I::I32Mul,
        I::LocalGet(slots),
        I::I32Const(4),
        I::I32Mul,
        I::I32Add,
        I::I32Const(4),
        I::I32Add,
        I::Call(info.helper(alloc)),
        I::LocalTee(new),
        I::LocalGet(ptr),
        I::LocalGet(len),
        I::I32Const(s.size),
        I::I32Mul,
    ]);
    copy_bytes(&mut code);
    // The slot count goes in the block's last word.
    code.extend([
        I::LocalGet(new),
        I::I32Const(8),
        I::I32Sub,
        I::I32Const(1),
        I::LocalGet(new),
        I::I32Const(8),
        I::I32Sub,
        I::I32Load(mem(0, 4)),
        I::I32Shl,
        I::I32Add,
        I::I32Const(4),
        I::I32Sub,
        I::LocalGet(slots),
        I::I32Store(mem(0, 4)),
        I::LocalGet(new),
        I::LocalGet(new),
        I::LocalGet(len),
        I::Call(info.func(Key::Map(MapOp::Index, map))),
    ]);
    (vec![ValType::I32; 3], vec![ValType::I32; 2], code)
}

fn find(info: &ModuleInfo, map: TypeId, s: &Shape) -> (Vec<ValType>, Vec<ValType>, Code) {
    let mut params = vec![ValType::I32, ValType::I32];
    params.extend(&s.key_flat);
    let mut code = Code::new(params.len() as u32);
    let (ptr, len, key) = (0, 1, 2);
    code.extend([
        I::LocalGet(len),
        I::I32Eqz,
        I::If(BlockType::Empty),
        I::I32Const(-1),
        I::Return,
        I::End,
        I::LocalGet(ptr),
    ]);
    code.get(key, s.key_flat.len());
    code.extend([
        I::Call(info.func(Key::Map(MapOp::Probe, map))),
        I::I32Load(mem(0, 4)),
        I::I32Const(1),
        I::I32Sub,
    ]);
    (params, vec![ValType::I32], code)
}

/// Calls `Find` on the parameters `(ptr, len, key)` of the function being built, leaving
/// the index in a new local.
fn call_find(code: &mut Code, info: &ModuleInfo, map: TypeId, s: &Shape) -> u32 {
    code.get(0, 2 + s.key_flat.len());
    code.push(I::Call(info.func(Key::Map(MapOp::Find, map))));
    code.stash(&[ValType::I32])
}

/// Pushes the value of entry `index` (a local) of the map at local `ptr`.
fn load_value(code: &mut Code, info: &ModuleInfo, s: &Shape, ptr: u32, index: u32) {
    let addr = code.local(ValType::I32);
    entry_at(code, s, ptr, index);
    code.push(I::LocalSet(addr));
    emit_load(code, info, s.value, addr, s.value_at);
}

fn get(info: &ModuleInfo, map: TypeId, s: &Shape) -> (Vec<ValType>, Vec<ValType>, Code) {
    let mut params = vec![ValType::I32, ValType::I32];
    params.extend(&s.key_flat);
    let mut code = Code::new(params.len() as u32);
    let found = call_find(&mut code, info, map, s);
    let mut results = vec![ValType::I32];
    results.extend(&s.value_flat);
    let out = code.locals(&results);
    code.zeros(&results);
    code.set(out, results.len());
    code.extend([
        I::LocalGet(found),
        I::I32Const(0),
        I::I32GeS,
        I::If(BlockType::Empty),
        I::I32Const(1),
    ]);
    load_value(&mut code, info, s, 0, found);
    code.set(out, results.len());
    code.push(I::End);
    code.get(out, results.len());
    (params, results, code)
}

fn lookup(info: &ModuleInfo, map: TypeId, s: &Shape) -> (Vec<ValType>, Vec<ValType>, Code) {
    let mut params = vec![ValType::I32, ValType::I32];
    params.extend(&s.key_flat);
    let mut code = Code::new(params.len() as u32);
    let found = call_find(&mut code, info, map, s);
    code.extend([
        I::LocalGet(found),
        I::I32Const(0),
        I::I32LtS,
        I::If(BlockType::Empty),
        I::Call(info.helper(Helper::Trap(Trap::KeyNotFound))),
        I::Unreachable,
        I::End,
    ]);
    load_value(&mut code, info, s, 0, found);
    (params, s.value_flat.clone(), code)
}

/// A global's value taken out (in the `option` in locals from `out`): nothing holds it now,
/// so it goes to the scratch list with the call's other temporaries, as a list's popped
/// element does.
fn release_old(code: &mut Code, info: &ModuleInfo, s: &Shape, out: u32, global: bool) {
    if global && info.types().in_memory(s.value) {
        code.get(out + 1, s.value_flat.len());
        emit_release(code, info, s.value);
    }
}

/// Results `(ptr, len, option<V>)` of insert and remove: the locals `ptr`, `len`, then the
/// option in locals from `out`.
fn map_and_option(code: &mut Code, ptr: u32, len: u32, out: u32, option: &[ValType]) {
    code.extend([I::LocalGet(ptr), I::LocalGet(len)]);
    code.get(out, option.len());
}

fn insert(
    info: &ModuleInfo,
    map: TypeId,
    s: &Shape,
    global: bool,
) -> (Vec<ValType>, Vec<ValType>, Code) {
    let types = info.types();
    let mut params = vec![ValType::I32, ValType::I32];
    params.extend(&s.key_flat);
    params.extend(&s.value_flat);
    let mut code = Code::new(params.len() as u32);
    let (ptr, len, key) = (0, 1, 2);
    let value = key + s.key_flat.len() as u32;
    let mut option = vec![ValType::I32];
    option.extend(&s.value_flat);
    let out = code.locals(&option);
    let [slot, found, addr, old] = [0; 4].map(|_| code.local(ValType::I32));
    code.zeros(&option);
    code.set(out, option.len());
    let from = Key::Map(MapOp::From(global), map);
    // No entries: a new block with room for four. A global's old one (emptied by
    // `remove`) goes to the scratch list; static data and pointer 0 are left alone there.
    code.extend([I::LocalGet(len), I::I32Eqz, I::If(BlockType::Empty)]);
    if global {
        code.extend([I::LocalGet(ptr), I::Call(info.helper(Helper::DeferFree))]);
    }
    code.extend([
        I::LocalGet(ptr),
        I::I32Const(0),
        I::I32Const(4),
        I::Call(info.func(from)),
        I::LocalSet(len),
        I::LocalSet(ptr),
        I::End,
    ]);
    let probe = |code: &mut Code| {
        code.push(I::LocalGet(ptr));
        code.get(key, s.key_flat.len());
        code.extend([
            I::Call(info.func(Key::Map(MapOp::Probe, map))),
            I::LocalTee(slot),
            I::I32Load(mem(0, 4)),
            I::LocalSet(found),
        ]);
    };
    probe(&mut code);
    code.extend([
        I::LocalGet(found),
        I::If(BlockType::Empty),
        I::LocalGet(found),
        I::I32Const(1),
        I::I32Sub,
        I::LocalSet(found),
    ]);
    entry_at(&mut code, s, ptr, found);
    code.push(I::LocalSet(addr));
    code.push(I::I32Const(1));
    emit_load(&mut code, info, s.value, addr, s.value_at);
    code.set(out, option.len());
    release_old(&mut code, info, s, out, global);
    code.get(value, s.value_flat.len());
    emit_store(&mut code, info, s.value, addr, s.value_at);
    if global && types.in_memory(s.key) {
        // The map keeps the key it has; the one given was persisted for nothing.
        code.get(key, s.key_flat.len());
        emit_release(&mut code, info, s.key);
    }
    code.push(I::Else);
    // A new key: grow when the entries or the slots are full.
    let (base, slots) = bounds(&mut code, ptr);
    code.extend([
        I::LocalGet(len),
        I::I32Const(1),
        I::I32Add,
        I::I32Const(s.size),
        I::I32Mul,
        I::LocalGet(base),
        I::LocalGet(ptr),
        I::I32Sub,
        I::I32GtU,
        I::LocalGet(len),
        I::I32Const(1),
        I::I32Add,
        I::I32Const(2),
        I::I32Mul,
        I::LocalGet(slots),
        I::I32GtU,
        I::I32Or,
        I::If(BlockType::Empty),
        I::LocalGet(ptr),
        I::LocalSet(old),
        I::LocalGet(ptr),
        I::LocalGet(len),
        I::LocalGet(len),
        I::I32Const(2),
        I::I32Mul,
        I::Call(info.func(from)),
        I::LocalSet(len),
        I::LocalSet(ptr),
    ]);
    if global {
        code.extend([I::LocalGet(old), I::Call(info.helper(Helper::DeferFree))]);
    }
    probe(&mut code);
    code.push(I::End);
    entry_at(&mut code, s, ptr, len);
    code.push(I::LocalSet(addr));
    code.get(key, s.key_flat.len());
    emit_store(&mut code, info, s.key, addr, 0);
    code.get(value, s.value_flat.len());
    emit_store(&mut code, info, s.value, addr, s.value_at);
    code.extend([
        I::LocalGet(slot),
        I::LocalGet(len),
        I::I32Const(1),
        I::I32Add,
        I::LocalTee(len),
        I::I32Store(mem(0, 4)),
        I::End,
    ]);
    map_and_option(&mut code, ptr, len, out, &option);
    let mut results = vec![ValType::I32, ValType::I32];
    results.extend(option);
    (params, results, code)
}

fn remove(
    info: &ModuleInfo,
    map: TypeId,
    s: &Shape,
    global: bool,
) -> (Vec<ValType>, Vec<ValType>, Code) {
    let types = info.types();
    let mut params = vec![ValType::I32, ValType::I32];
    params.extend(&s.key_flat);
    let mut code = Code::new(params.len() as u32);
    let (ptr, len) = (0, 1);
    let mut option = vec![ValType::I32];
    option.extend(&s.value_flat);
    let out = code.locals(&option);
    code.zeros(&option);
    code.set(out, option.len());
    let found = call_find(&mut code, info, map, s);
    let addr = code.local(ValType::I32);
    code.extend([
        I::LocalGet(found),
        I::I32Const(0),
        I::I32GeS,
        I::If(BlockType::Empty),
    ]);
    entry_at(&mut code, s, ptr, found);
    code.push(I::LocalSet(addr));
    code.push(I::I32Const(1));
    emit_load(&mut code, info, s.value, addr, s.value_at);
    code.set(out, option.len());
    release_old(&mut code, info, s, out, global);
    if global && types.in_memory(s.key) {
        emit_load(&mut code, info, s.key, addr, 0);
        emit_release(&mut code, info, s.key);
    }
    // The entries after it move down one, and the index is rebuilt.
    code.extend([
        I::LocalGet(addr),
        I::LocalGet(addr),
        I::I32Const(s.size),
        I::I32Add,
        I::LocalGet(len),
        I::LocalGet(found),
        I::I32Sub,
        I::I32Const(1),
        I::I32Sub,
        I::I32Const(s.size),
        I::I32Mul,
    ]);
    copy_bytes(&mut code);
    code.extend([
        I::LocalGet(ptr),
        I::LocalGet(len),
        I::I32Const(1),
        I::I32Sub,
        I::Call(info.func(Key::Map(MapOp::Index, map))),
        I::LocalSet(len),
        I::End,
    ]);
    map_and_option(&mut code, ptr, len, out, &option);
    let mut results = vec![ValType::I32, ValType::I32];
    results.extend(option);
    (params, results, code)
}
