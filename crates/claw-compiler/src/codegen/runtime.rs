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

use super::{layout, new_function, ModuleInfo};
use crate::program::Program;
use crate::types::TypeId;
use claw_syntax::ast::{BinaryOp, ExprKind};

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
    Persist,
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
            Helper::Persist => "claw:persist",
        }
    }
}

/// The helpers a program that uses memory needs: the allocator always, string operations
/// only when the program performs them.
pub fn needed(program: &Program) -> Vec<Helper> {
    let mut helpers = vec![
        Helper::Malloc,
        Helper::Free,
        Helper::DeferFree,
        Helper::ScratchAlloc,
        Helper::ScratchReset,
        Helper::CabiRealloc,
    ];
    let mut concat = false;
    let mut eq = false;
    for (id, expr) in program.ast.exprs.iter() {
        if let ExprKind::Binary { op, lhs, .. } = &expr.kind {
            let _ = id;
            if program.expr_type(*lhs) == TypeId::STRING {
                concat |= *op == BinaryOp::Add;
                eq |= matches!(op, BinaryOp::Eq | BinaryOp::Ne);
            }
        }
    }
    // `s += t` on a string is a concatenation too.
    for (_, stmt) in program.ast.stmts.iter() {
        if let claw_syntax::ast::StmtKind::Assign {
            place,
            op: Some(BinaryOp::Add),
            ..
        } = &stmt.kind
        {
            concat |= program.expr_type(*place) == TypeId::STRING;
        }
    }
    if concat {
        helpers.push(Helper::Concat);
    }
    if eq {
        helpers.push(Helper::StrEq);
    }
    if program
        .globals
        .iter()
        .any(|g| g.ty == TypeId::STRING && g.mutable)
    {
        helpers.push(Helper::Persist);
    }
    helpers
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
    use ValType::I32;
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
        Helper::Persist => {
            // (old, p, l) -> ptr: a copy of p..p+l that outlives the call; `old` is released.
            let mut f = new_function(&[I32]);
            let (old, p, l, r) = (0, 1, 2, 3);
            f.instructions()
                .local_get(old).call(info.helper(Helper::DeferFree))
                .local_get(l).call(info.helper(Helper::Malloc)).local_tee(r)
                .local_get(p).local_get(l).memory_copy(0, 0)
                .local_get(r)
                .end();
            (vec![I32; 3], vec![I32], f)
        }
    }
}
