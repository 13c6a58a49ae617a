//! The runtime a string-using program carries: an allocator and string helpers, in Wasm.
//!
//! Memory discipline: every allocation made during an export call (arguments the host copies
//! in, concatenations, strings returned by imports) goes on a *scratch list* that is freed when
//! the call is over (in the export's post-return, or before it returns when its result is not
//! in memory). Values stored in globals are copied into blocks off that list, so they survive;
//! a global's old value joins the scratch list, because a local may still point at it.
//!
//! The allocator keeps one free list per power-of-two block size. Each block starts with an
//! 8-byte header: its size class, and a link used by whichever list holds it.

use wasm_encoder::{BlockType, Function, MemArg, ValType};

use super::{layout, ModuleInfo, WasiImport};

fn new_function(locals: &[ValType]) -> Function {
    Function::new_with_locals_types(locals.iter().copied())
}

/// Wasm globals the allocator owns.
const HEAP_TOP: u32 = 0;
const SCRATCH: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Helper {
    Malloc,
    Free,
    DeferFree,
    ScratchAlloc,
    ScratchReset,
    CabiRealloc,
    Concat,
    StrEq,
    /// Lexicographic comparison of two strings' bytes: -1, 0 or 1.
    StrCmp,
    /// `(p1, l1, p2, l2, size)`: a new list holding both lists' elements.
    ListConcat,
    /// `(addr) -> (char, width)`: decodes the UTF-8 scalar at `addr`.
    Utf8Next,
    /// `(ptr, len) -> offset`: where the first byte that does not begin a valid UTF-8
    /// scalar is, or -1 when all of them are valid.
    Utf8Check,
    /// `(n: i64, signed) -> (ptr, len)`: `n` in decimal.
    FormatInt,
    /// `(c) -> (ptr, len)`: the character in UTF-8.
    FormatChar,
    /// Traps. Its name, `claw:trap:REASON`, is how a host learns the reason: `claw-runtime`
    /// reports REASON instead of wasm's `unreachable`.
    Trap(Trap),
    Print {
        newline: bool,
    },
}

impl Helper {
    pub fn name(self) -> &'static str {
        match self {
            Helper::Malloc => "claw:malloc",
            Helper::Free => "claw:free",
            Helper::DeferFree => "claw:defer-free",
            Helper::ScratchAlloc => "claw:scratch-alloc",
            Helper::ScratchReset => "claw:scratch-reset",
            Helper::CabiRealloc => "cabi_realloc",
            Helper::Concat => "claw:string-concat",
            Helper::StrEq => "claw:string-eq",
            Helper::StrCmp => "claw:string-compare",
            Helper::ListConcat => "claw:list-concat",
            Helper::Utf8Next => "claw:utf8-next",
            Helper::Utf8Check => "claw:utf8-check",
            Helper::FormatInt => "claw:format-int",
            Helper::FormatChar => "claw:format-char",
            Helper::Trap(Trap::IndexOutOfBounds) => "claw:trap:index out of bounds",
            Helper::Trap(Trap::IntegerOverflow) => "claw:trap:integer overflow",
            Helper::Trap(Trap::CharBoundary) => "claw:trap:slice is not on a char boundary",
            Helper::Trap(Trap::KeyNotFound) => "claw:trap:key not found",
            Helper::Print { newline: false } => "claw:print",
            Helper::Print { newline: true } => "claw:println",
        }
    }
}

/// Why a program traps, where Wasm itself would not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trap {
    IndexOutOfBounds,
    /// `MIN / -1` in `s8` or `s16`, which Wasm's 32-bit division does not catch; it traps
    /// with the same words for `s32` and `s64`.
    IntegerOverflow,
    /// A string sliced inside a character's UTF-8 bytes.
    CharBoundary,
    /// `m[k]` for a key the map does not have.
    KeyNotFound,
}

/// Starts a function taking a payload pointer: returns early for static data (literals are
/// never freed), else leaves the block's header address in `block` and on the stack.
fn block_header<'f>(
    f: &'f mut Function,
    info: &ModuleInfo,
    ptr: u32,
    block: u32,
) -> wasm_encoder::InstructionSink<'f> {
    let mut sink = f.instructions();
    sink.local_get(ptr)
        .i32_const(info.heap_base as i32)
        .i32_lt_u()
        .if_(BlockType::Empty)
        .return_()
        .end()
        .local_get(ptr)
        .i32_const(8)
        .i32_sub()
        .local_tee(block);
    sink
}

fn mem(offset: u32) -> MemArg {
    MemArg {
        offset: offset.into(),
        align: 2,
        memory_index: 0,
    }
}

fn byte() -> MemArg {
    MemArg {
        offset: 0,
        align: 0,
        memory_index: 0,
    }
}

/// A helper's parameters, results and body.
// Kept unformatted: the indentation mirrors the Wasm block structure.
#[rustfmt::skip]
pub fn emit(helper: Helper, info: &ModuleInfo) -> (Vec<ValType>, Vec<ValType>, Function) {
    use ValType::{I32, I64};
    match helper {
        Helper::Malloc => {
            // (size) -> ptr; locals: class, block
            let mut f = new_function(&[I32, I32]);
            let (size, class, block) = (0, 1, 2);
            f.instructions()
                // class = max(4, 32 - clz(size + 7)): the smallest block holding size + header.
                .i32_const(32).local_get(size).i32_const(7).i32_add().i32_clz().i32_sub().local_tee(class)
                .i32_const(4).local_get(class).i32_const(4).i32_gt_u().select().local_set(class)
                .local_get(class).i32_const(2).i32_shl().i32_load(mem(layout::FREE_LISTS)).local_tee(block)
                .if_(BlockType::Empty)
                    .local_get(class).i32_const(2).i32_shl()
                    .local_get(block).i32_load(mem(4))
                    .i32_store(mem(layout::FREE_LISTS))
                .else_()
                    .global_get(HEAP_TOP).local_set(block)
                    .global_get(HEAP_TOP).i32_const(1).local_get(class).i32_shl().i32_add().global_set(HEAP_TOP)
                    .global_get(HEAP_TOP).memory_size(0).i32_const(16).i32_shl().i32_gt_u()
                    .if_(BlockType::Empty)
                        .global_get(HEAP_TOP).memory_size(0).i32_const(16).i32_shl().i32_sub()
                        .i32_const(65535).i32_add().i32_const(16).i32_shr_u()
                        .memory_grow(0).i32_const(-1).i32_eq()
                        .if_(BlockType::Empty).unreachable().end()
                    .end()
                .end()
                .local_get(block).local_get(class).i32_store(mem(0))
                .local_get(block).i32_const(0).i32_store(mem(4))
                .local_get(block).i32_const(8).i32_add()
                .end();
            (vec![I32], vec![I32], f)
        }
        Helper::Free => {
            // (ptr); locals: block
            let mut f = new_function(&[I32]);
            let (ptr, block) = (0, 1);
            block_header(&mut f, info, ptr, block)
                .local_get(block).i32_load(mem(0)).i32_const(2).i32_shl().i32_load(mem(layout::FREE_LISTS))
                .i32_store(mem(4))
                .local_get(block).i32_load(mem(0)).i32_const(2).i32_shl()
                .local_get(block)
                .i32_store(mem(layout::FREE_LISTS))
                .end();
            (vec![I32], vec![], f)
        }
        Helper::DeferFree => {
            // (ptr): put a block on the scratch list, to be freed when the call ends.
            let mut f = new_function(&[I32]);
            let (ptr, block) = (0, 1);
            block_header(&mut f, info, ptr, block)
                .global_get(SCRATCH).i32_store(mem(4))
                .local_get(block).global_set(SCRATCH)
                .end();
            (vec![I32], vec![], f)
        }
        Helper::ScratchAlloc => {
            let mut f = new_function(&[I32]);
            f.instructions()
                .local_get(0).call(info.helper(Helper::Malloc)).local_tee(1)
                .call(info.helper(Helper::DeferFree))
                .local_get(1)
                .end();
            (vec![I32], vec![I32], f)
        }
        Helper::ScratchReset => {
            let mut f = new_function(&[I32]);
            let block = 0;
            f.instructions()
                .block(BlockType::Empty).loop_(BlockType::Empty)
                    .global_get(SCRATCH).local_tee(block).i32_eqz().br_if(1)
                    .local_get(block).i32_load(mem(4)).global_set(SCRATCH)
                    .local_get(block).i32_const(8).i32_add().call(info.helper(Helper::Free))
                    .br(0)
                .end().end()
                .end();
            (vec![], vec![], f)
        }
        Helper::CabiRealloc => {
            // (old, old_size, align, new_size) -> ptr; locals: new
            let mut f = new_function(&[I32]);
            let (old, old_size, new_size, new) = (0, 1, 3, 4);
            f.instructions()
                .local_get(new_size).call(info.helper(Helper::ScratchAlloc)).local_set(new)
                .local_get(old)
                .if_(BlockType::Empty)
                    .local_get(new).local_get(old)
                    .local_get(old_size).local_get(new_size).local_get(old_size).local_get(new_size).i32_lt_u().select()
                    .memory_copy(0, 0)
                .end()
                .local_get(new)
                .end();
            (vec![I32; 4], vec![I32], f)
        }
        Helper::Concat => {
            // (p1, l1, p2, l2) -> (p, l); locals: r
            let mut f = new_function(&[I32]);
            let (p1, l1, p2, l2, r) = (0, 1, 2, 3, 4);
            f.instructions()
                .local_get(l1).local_get(l2).i32_add().call(info.helper(Helper::ScratchAlloc)).local_set(r)
                .local_get(r).local_get(p1).local_get(l1).memory_copy(0, 0)
                .local_get(r).local_get(l1).i32_add().local_get(p2).local_get(l2).memory_copy(0, 0)
                .local_get(r).local_get(l1).local_get(l2).i32_add()
                .end();
            (vec![I32; 4], vec![I32, I32], f)
        }
        Helper::StrEq => {
            // (p1, l1, p2, l2) -> bool; locals: i
            let mut f = new_function(&[I32]);
            let (p1, l1, p2, l2, i) = (0, 1, 2, 3, 4);
            f.instructions()
                .local_get(l1).local_get(l2).i32_ne()
                .if_(BlockType::Empty).i32_const(0).return_().end()
                .block(BlockType::Empty).loop_(BlockType::Empty)
                    .local_get(i).local_get(l1).i32_ge_u().br_if(1)
                    .local_get(p1).local_get(i).i32_add().i32_load8_u(byte())
                    .local_get(p2).local_get(i).i32_add().i32_load8_u(byte())
                    .i32_ne()
                    .if_(BlockType::Empty).i32_const(0).return_().end()
                    .local_get(i).i32_const(1).i32_add().local_set(i)
                    .br(0)
                .end().end()
                .i32_const(1)
                .end();
            (vec![I32; 4], vec![I32], f)
        }
        Helper::StrCmp => {
            // (p1, l1, p2, l2) -> -1/0/1; locals: i, a, b
            let mut f = new_function(&[I32, I32, I32]);
            let (p1, l1, p2, l2, i, a, b) = (0, 1, 2, 3, 4, 5, 6);
            f.instructions()
                .block(BlockType::Empty).loop_(BlockType::Empty)
                    .local_get(i).local_get(l1).i32_ge_u().br_if(1)
                    .local_get(i).local_get(l2).i32_ge_u().br_if(1)
                    .local_get(p1).local_get(i).i32_add().i32_load8_u(byte()).local_set(a)
                    .local_get(p2).local_get(i).i32_add().i32_load8_u(byte()).local_set(b)
                    .local_get(a).local_get(b).i32_ne()
                    .if_(BlockType::Empty)
                        .i32_const(-1).i32_const(1).local_get(a).local_get(b).i32_lt_u().select().return_()
                    .end()
                    .local_get(i).i32_const(1).i32_add().local_set(i)
                    .br(0)
                .end().end()
                // A common prefix: the shorter string sorts first.
                .local_get(l1).local_get(l2).i32_gt_u()
                .local_get(l1).local_get(l2).i32_lt_u()
                .i32_sub()
                .end();
            (vec![I32; 4], vec![I32], f)
        }
        Helper::ListConcat => {
            // (p1, l1, p2, l2, size) -> (p, l); locals: r
            let mut f = new_function(&[I32]);
            let (p1, l1, p2, l2, size, r) = (0, 1, 2, 3, 4, 5);
            f.instructions()
                .local_get(l1).local_get(l2).i32_add().local_get(size).i32_mul()
                .call(info.helper(Helper::ScratchAlloc)).local_set(r)
                .local_get(r).local_get(p1).local_get(l1).local_get(size).i32_mul().memory_copy(0, 0)
                .local_get(r).local_get(l1).local_get(size).i32_mul().i32_add()
                .local_get(p2).local_get(l2).local_get(size).i32_mul().memory_copy(0, 0)
                .local_get(r).local_get(l1).local_get(l2).i32_add()
                .end();
            (vec![I32; 5], vec![I32, I32], f)
        }
        Helper::Utf8Next => {
            // (addr) -> (char, width); locals: b0, c, w, k
            let mut f = new_function(&[I32, I32, I32, I32]);
            let (addr, b0, c, w, k) = (0, 1, 2, 3, 4);
            f.instructions()
                .local_get(addr).i32_load8_u(byte()).local_tee(b0)
                .i32_const(0x80).i32_lt_u()
                .if_(BlockType::Empty)
                    .local_get(b0).i32_const(1).return_()
                .end()
                // Lead byte: its payload bits and the sequence length.
                .local_get(b0).i32_const(0xE0).i32_lt_u()
                .if_(BlockType::Empty)
                    .local_get(b0).i32_const(0x1F).i32_and().local_set(c).i32_const(2).local_set(w)
                .else_()
                    .local_get(b0).i32_const(0xF0).i32_lt_u()
                    .if_(BlockType::Empty)
                        .local_get(b0).i32_const(0x0F).i32_and().local_set(c).i32_const(3).local_set(w)
                    .else_()
                        .local_get(b0).i32_const(0x07).i32_and().local_set(c).i32_const(4).local_set(w)
                    .end()
                .end()
                .i32_const(1).local_set(k)
                .block(BlockType::Empty).loop_(BlockType::Empty)
                    .local_get(k).local_get(w).i32_ge_u().br_if(1)
                    .local_get(c).i32_const(6).i32_shl()
                    .local_get(addr).local_get(k).i32_add().i32_load8_u(byte()).i32_const(0x3F).i32_and()
                    .i32_or().local_set(c)
                    .local_get(k).i32_const(1).i32_add().local_set(k)
                    .br(0)
                .end().end()
                .local_get(c).local_get(w)
                .end();
            (vec![I32], vec![I32, I32], f)
        }
        Helper::Utf8Check => {
            // (ptr, len) -> offset or -1; locals: i, lead, c (the scalar), w (its width), min
            // (the least scalar of that width, so overlong forms fail), k, b
            let mut f = new_function(&[I32, I32, I32, I32, I32, I32, I32]);
            let (ptr, len, i, lead, c, w, min, k, b) = (0, 1, 2, 3, 4, 5, 6, 7, 8);
            f.instructions()
                .loop_(BlockType::Empty)
                    .block(BlockType::Empty) // invalid: leaves with `i`
                        .local_get(i).local_get(len).i32_ge_u()
                        .if_(BlockType::Empty).i32_const(-1).return_().end()
                        .local_get(ptr).local_get(i).i32_add().i32_load8_u(byte()).local_tee(lead)
                        .i32_const(0x80).i32_lt_u()
                        .if_(BlockType::Empty)
                            .local_get(i).i32_const(1).i32_add().local_set(i).br(2)
                        .end()
                        // Continuation bytes and the leads of overlong pairs start nothing.
                        .local_get(lead).i32_const(0xC2).i32_lt_u().br_if(0)
                        .local_get(lead).i32_const(0xE0).i32_lt_u()
                        .if_(BlockType::Empty)
                            .local_get(lead).i32_const(0x1F).i32_and().local_set(c)
                            .i32_const(2).local_set(w).i32_const(0x80).local_set(min)
                        .else_()
                            .local_get(lead).i32_const(0xF0).i32_lt_u()
                            .if_(BlockType::Empty)
                                .local_get(lead).i32_const(0x0F).i32_and().local_set(c)
                                .i32_const(3).local_set(w).i32_const(0x800).local_set(min)
                            .else_()
                                .local_get(lead).i32_const(0xF5).i32_ge_u().br_if(2)
                                .local_get(lead).i32_const(0x07).i32_and().local_set(c)
                                .i32_const(4).local_set(w).i32_const(0x10000).local_set(min)
                            .end()
                        .end()
                        // A sequence cut short by the end.
                        .local_get(len).local_get(i).i32_sub().local_get(w).i32_lt_u().br_if(0)
                        .i32_const(1).local_set(k)
                        .block(BlockType::Empty).loop_(BlockType::Empty)
                            .local_get(k).local_get(w).i32_ge_u().br_if(1)
                            .local_get(ptr).local_get(i).i32_add().local_get(k).i32_add()
                            .i32_load8_u(byte()).local_tee(b)
                            .i32_const(0xC0).i32_and().i32_const(0x80).i32_ne().br_if(2)
                            .local_get(c).i32_const(6).i32_shl()
                            .local_get(b).i32_const(0x3F).i32_and().i32_or().local_set(c)
                            .local_get(k).i32_const(1).i32_add().local_set(k)
                            .br(0)
                        .end().end()
                        // Overlong, past U+10FFFF, or a surrogate.
                        .local_get(c).local_get(min).i32_lt_u().br_if(0)
                        .local_get(c).i32_const(0x10FFFF).i32_gt_u().br_if(0)
                        .local_get(c).i32_const(-0x800).i32_and().i32_const(0xD800).i32_eq().br_if(0)
                        .local_get(i).local_get(w).i32_add().local_set(i)
                        .br(1)
                    .end()
                    .local_get(i).return_()
                .end()
                .unreachable()
                .end();
            (vec![I32, I32], vec![I32], f)
        }
        Helper::FormatInt => {
            // (n, signed) -> (ptr, len); locals: neg, buf, pos, len, u
            let mut f = new_function(&[I32, I32, I32, I32, I64]);
            let (n, signed, neg, buf, pos, len, u) = (0, 1, 2, 3, 4, 5, 6);
            f.instructions()
                // Digits go right to left into a 21-byte buffer (20 digits and a sign at most),
                // then move to its start, so the string begins where its block does.
                .i32_const(21).call(info.helper(Helper::ScratchAlloc)).local_tee(buf)
                .i32_const(21).i32_add().local_set(pos)
                .local_get(signed).local_get(n).i64_const(0).i64_lt_s().i32_and().local_set(neg)
                .local_get(n).local_set(u)
                .local_get(neg)
                .if_(BlockType::Empty)
                    .i64_const(0).local_get(n).i64_sub().local_set(u)
                .end()
                .loop_(BlockType::Empty)
                    .local_get(pos).i32_const(1).i32_sub().local_tee(pos)
                    .local_get(u).i64_const(10).i64_rem_u().i32_wrap_i64().i32_const(48).i32_add()
                    .i32_store8(byte())
                    .local_get(u).i64_const(10).i64_div_u().local_tee(u)
                    .i64_const(0).i64_ne().br_if(0)
                .end()
                .local_get(neg)
                .if_(BlockType::Empty)
                    .local_get(pos).i32_const(1).i32_sub().local_tee(pos)
                    .i32_const(45).i32_store8(byte())
                .end()
                .local_get(buf).i32_const(21).i32_add().local_get(pos).i32_sub().local_set(len)
                .local_get(buf).local_get(pos).local_get(len).memory_copy(0, 0)
                .local_get(buf).local_get(len)
                .end();
            (vec![I64, I32], vec![I32, I32], f)
        }
        Helper::FormatChar => {
            // (c) -> (ptr, len); locals: buf
            let mut f = new_function(&[I32]);
            let (c, buf) = (0, 1);
            let mut sink = f.instructions();
            sink.i32_const(4).call(info.helper(Helper::ScratchAlloc)).local_set(buf);
            // One branch per encoded length: the lead byte's marker and payload bits, then
            // six bits per continuation byte.
            for (limit, width, marker) in [(0x80, 1u32, 0x00), (0x800, 2, 0xC0), (0x10000, 3, 0xE0)] {
                sink.local_get(c).i32_const(limit).i32_lt_u().if_(BlockType::Empty);
                utf8_bytes(&mut sink, c, buf, width, marker);
                sink.local_get(buf).i32_const(width as i32).return_().end();
            }
            utf8_bytes(&mut sink, c, buf, 4, 0xF0);
            sink.local_get(buf).i32_const(4).end();
            (vec![I32], vec![I32, I32], f)
        }
        Helper::Trap(_) => {
            let mut f = new_function(&[]);
            f.instructions().unreachable().end();
            (vec![], vec![], f)
        }
        Helper::Print { newline } => {
            // (ptr, len): one write to stdout, then the newline; a failed write is ignored,
            // as a closed stdout is not the program's error. locals: stream
            let mut f = new_function(&[I32]);
            let (ptr, len, stream) = (0, 1, 2);
            let write = info.wasi[&WasiImport::WriteAndFlush];
            let mut sink = f.instructions();
            sink.call(info.wasi[&WasiImport::GetStdout]).local_set(stream)
                .local_get(stream).local_get(ptr).local_get(len).i32_const(layout::IMPORT_RET as i32).call(write);
            if newline {
                let (at, n) = info.string("\n");
                sink.local_get(stream).i32_const(at).i32_const(n).i32_const(layout::IMPORT_RET as i32).call(write);
            }
            sink.local_get(stream).call(info.wasi[&WasiImport::DropOutputStream])
                .end();
            (vec![I32, I32], vec![], f)
        }
    }
}

/// Stores `c` (a local) as `width` UTF-8 bytes at `buf` (a local).
fn utf8_bytes(
    sink: &mut wasm_encoder::InstructionSink<'_>,
    c: u32,
    buf: u32,
    width: u32,
    marker: i32,
) {
    for index in 0..width {
        let shift = 6 * (width - 1 - index);
        sink.local_get(buf).local_get(c);
        if shift > 0 {
            sink.i32_const(shift as i32).i32_shr_u();
        }
        if index == 0 {
            sink.i32_const(marker).i32_or();
        } else {
            sink.i32_const(0x3F).i32_and().i32_const(0x80).i32_or();
        }
        sink.i32_store8(MemArg {
            offset: index.into(),
            align: 0,
            memory_index: 0,
        });
    }
}
