//! Function bodies: statements to Wasm instructions; expressions are in `func/expr`, places
//! (what assignments, `push` and `pop` change) in `func/place`, and `match`, `if let` and `?`
//! in `func/matching`.
//!
//! Each Claw local maps to as many Wasm locals as its type flattens to; expressions leave
//! their flat values on the operand stack. Integers narrower than 32 bits are kept
//! normalized (zero- or sign-extended) after every operation that could leave their range,
//! which is what makes arithmetic wrap at the type's width.
//!
//! Values are values: a `mut` variable or a global owns the lists in it, because `push` and
//! element assignment change them in place. So a list read out of one is copied, and one
//! stored into one is copied unless it was just built (see `fresh`).

mod constant;
mod expr;
mod matching;
mod place;

use std::collections::HashMap;

use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::code::Code;
use super::{flat, ModuleInfo};
use crate::ir::{self, Block, Cond, Local, StmtKind};
use crate::types::TypeId;

pub use constant::{const_flat, global_flat, global_init, Const, Segment};

pub fn emit_body(info: &ModuleInfo, id: usize) -> super::code::Body {
    let func = info.ir.funcs[id]
        .as_ref()
        .expect("only defined functions have bodies");
    let types = info.types();
    let params: u32 = func
        .params
        .iter()
        .map(|&p| flat(types, func.locals[p.0 as usize].ty).len() as u32)
        .sum();
    let mut ctx = Emitter {
        info,
        func,
        locals: HashMap::new(),
        code: Code::new(params),
        depth: 0,
        loops: Vec::new(),
    };
    let mut next = 0;
    for &param in &func.params {
        ctx.locals.insert(param, next);
        next += ctx.flat(ctx.local_type(param)).len() as u32;
    }
    ctx.block(&func.body);
    if func.result.is_some() {
        // The checker proved every path returns; this end is unreachable.
        ctx.code.push(I::Unreachable);
    }
    ctx.code.finish_marked()
}

struct Emitter<'a> {
    info: &'a ModuleInfo<'a>,
    func: &'a ir::Func,
    /// First Wasm local of each IR local.
    locals: HashMap<Local, u32>,
    code: Code,
    /// Number of enclosing Wasm blocks, to compute branch depths.
    depth: u32,
    /// The block depths of the enclosing loops' exit and continue labels.
    loops: Vec<(u32, u32)>,
}

impl Emitter<'_> {
    fn flat(&self, ty: TypeId) -> Vec<ValType> {
        flat(self.info.types(), ty)
    }

    fn local_type(&self, local: Local) -> TypeId {
        self.func.locals[local.0 as usize].ty
    }

    /// The first Wasm local of `local`, allocating its locals on first use.
    fn wasm_local(&mut self, local: Local) -> u32 {
        if let Some(&first) = self.locals.get(&local) {
            return first;
        }
        let types = self.flat(self.local_type(local));
        let first = self.code.locals(&types);
        self.locals.insert(local, first);
        first
    }

    fn block(&mut self, block: &Block) {
        for stmt in block {
            self.stmt(stmt);
        }
    }

    fn open(&mut self, instruction: I<'static>) {
        self.code.push(instruction);
        self.depth += 1;
    }

    fn close(&mut self) {
        self.code.push(I::End);
        self.depth -= 1;
    }

    /// A branch to the label opened at `depth`.
    fn br(&self, depth: u32) -> I<'static> {
        I::Br(self.depth - depth)
    }

    fn br_if(&self, depth: u32) -> I<'static> {
        I::BrIf(self.depth - depth)
    }

    fn stmt(&mut self, stmt: &ir::Stmt) {
        self.code.mark(stmt.at);
        match &stmt.kind {
            StmtKind::Let(local, value) => {
                self.expr(value);
                let first = self.wasm_local(*local);
                self.code.set(first, self.flat(value.ty).len());
            }
            StmtKind::Assign {
                place,
                value,
                release,
            } => self.assign(place, value, *release),
            StmtKind::Compound {
                place,
                op,
                value,
                own,
                release,
            } => self.compound(place, *op, value, *own, *release),
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => self.if_stmt(cond, then, otherwise),
            StmtKind::Loop { cond, body, step } => self.loop_stmt(cond.as_ref(), body, step),
            StmtKind::Break(out) => {
                let (exit, _) = self.loops[self.loops.len() - 1 - *out as usize];
                self.code.push(self.br(exit));
            }
            StmtKind::Continue(out) => {
                let (_, next) = self.loops[self.loops.len() - 1 - *out as usize];
                self.code.push(self.br(next));
            }
            StmtKind::Return(value) => {
                if let Some(value) = value {
                    self.expr(value);
                }
                self.code.push(I::Return);
            }
            StmtKind::Expr(value) => {
                if let ir::ExprKind::Call(func, args) = &value.kind {
                    if self.discarded_import_call(func.0 as usize, args) {
                        return;
                    }
                }
                self.expr(value);
                for _ in self.flat(value.ty) {
                    self.code.push(I::Drop);
                }
            }
        }
    }

    fn if_stmt(&mut self, cond: &Cond, then: &Block, otherwise: &Block) {
        match cond {
            Cond::Let(pat, value, tree) => {
                // `block $done (block $next test… then br $done) otherwise…`: a mismatch
                // branches to the end of `$next`, where the `else` part runs.
                let more = !otherwise.is_empty();
                if more {
                    self.open(I::Block(BlockType::Empty));
                }
                let done = self.depth;
                self.open(I::Block(BlockType::Empty));
                let next = self.depth;
                self.if_let(pat, value, tree, next);
                self.block(then);
                if more {
                    self.code.push(self.br(done));
                }
                self.close();
                if more {
                    self.block(otherwise);
                    self.close();
                }
            }
            Cond::Expr(cond) => {
                self.expr(cond);
                self.open(I::If(BlockType::Empty));
                self.block(then);
                if !otherwise.is_empty() {
                    self.code.push(I::Else);
                    self.block(otherwise);
                }
                self.close();
            }
        }
    }

    /// `block $exit (loop $top (test; br_if $exit) (block $next body) step; br $top)`:
    /// `continue` branches to the end of `$next`, so the step still runs; without a step it
    /// branches straight back to the test.
    fn loop_stmt(&mut self, cond: Option<&ir::Expr>, body: &Block, step: &Block) {
        if cond.is_none() && step.is_empty() && runs_once(body) {
            // Never goes round: a block its `break`s leave (inlining writes a call with an
            // early `return` so), the last one falling out of it.
            self.open(I::Block(BlockType::Empty));
            let exit = self.depth;
            self.loops.push((exit, exit));
            let (last, rest) = body.split_last().expect("ends in a jump");
            for stmt in rest {
                self.stmt(stmt);
            }
            if !matches!(last.kind, StmtKind::Break(0)) {
                self.stmt(last);
            }
            self.loops.pop();
            self.close();
            return;
        }
        self.open(I::Block(BlockType::Empty));
        let exit = self.depth;
        self.open(I::Loop(BlockType::Empty));
        let top = self.depth;
        if let Some(cond) = cond {
            self.expr(cond);
            self.code.push(I::I32Eqz);
            self.code.push(self.br_if(exit));
        }
        if step.is_empty() {
            self.loops.push((exit, top));
            self.block(body);
            self.loops.pop();
        } else {
            self.open(I::Block(BlockType::Empty));
            let next = self.depth;
            self.loops.push((exit, next));
            self.block(body);
            self.loops.pop();
            self.close();
            self.block(step);
        }
        self.code.push(self.br(top));
        self.close();
        self.close();
    }
}

/// Whether a loop body ends in a jump and never continues (a `continue` anywhere in it,
/// even of an inner loop, counts: this is only for the loops inlining writes).
fn runs_once(body: &Block) -> bool {
    let ends_in_jump = matches!(
        body.last().map(|s| &s.kind),
        Some(StmtKind::Break(_) | StmtKind::Return(_))
    );
    let mut continues = false;
    ir::walk(body, &mut |node| {
        if let ir::Node::Stmt(stmt) = node {
            continues |= matches!(stmt.kind, StmtKind::Continue(_));
        }
    });
    ends_in_jump && !continues
}
