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

use claw_syntax::ast::{Block, ExprId, ExprKind, StmtKind};
use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::code::Code;
use super::runtime::Helper;
use super::values::{emit_copy, emit_load};
use super::{canon, flat, ModuleInfo};
use crate::program::{FuncKind, LocalId, Program};
use crate::types::{TypeDef, TypeId};

pub use constant::{const_flat, global_init};

pub fn emit_body(info: &ModuleInfo, id: usize) -> super::code::Body {
    let program = info.program;
    let func = &program.funcs[id];
    let FuncKind::Defined { item, .. } = func.kind else {
        unreachable!("only defined functions have bodies")
    };
    let claw_syntax::ast::Item::Func(ast_func) = &program.ast.items[item] else {
        unreachable!("defined functions come from `func` items")
    };
    let params: u32 = func
        .param_types
        .iter()
        .map(|&t| flat(&program.types, t).len() as u32)
        .sum();
    let mut ctx = Emitter {
        program,
        info,
        locals: HashMap::new(),
        code: Code::new(params),
        depth: 0,
        loops: Vec::new(),
        result: func.result,
    };
    let mut next = 0;
    for &param in &func.params {
        let ty = program.locals[param.0 as usize].ty;
        ctx.locals.insert(param, next);
        next += flat(&program.types, ty).len() as u32;
    }
    ctx.block(&ast_func.body);
    if func.result.is_some() {
        // The checker proved every path returns; this end is unreachable.
        ctx.code.push(I::Unreachable);
    }
    ctx.code.finish_marked()
}

struct Emitter<'a> {
    program: &'a Program,
    info: &'a ModuleInfo<'a>,
    /// First Wasm local of each Claw local.
    locals: HashMap<LocalId, u32>,
    code: Code,
    /// Number of enclosing Wasm blocks, to compute branch depths.
    depth: u32,
    /// The block depths of the enclosing loops' exit and continue labels.
    loops: Vec<(u32, u32)>,
    result: Option<TypeId>,
}

impl Emitter<'_> {
    fn flat(&self, ty: TypeId) -> Vec<ValType> {
        flat(&self.program.types, ty)
    }

    /// Fresh Wasm locals for a Claw local of type `ty`.
    fn bind(&mut self, local: LocalId) -> u32 {
        let types = self.flat(self.program.locals[local.0 as usize].ty);
        let first = self.code.locals(&types);
        self.locals.insert(local, first);
        first
    }

    fn block(&mut self, block: &Block) {
        for &stmt in &block.stmts {
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

    fn stmt(&mut self, id: claw_syntax::ast::StmtId) {
        let program = self.program;
        self.code.mark(program.ast.stmts[id].span.start);
        match &program.ast.stmts[id].kind {
            StmtKind::Let { init, mutable, .. } => {
                let local = program.let_locals[id];
                let ty = program.locals[local.0 as usize].ty;
                self.expr(*init);
                if *mutable && !self.fresh(*init) {
                    emit_copy(&mut self.code, self.info, ty, false);
                }
                let first = self.bind(local);
                self.code.set(first, self.flat(ty).len());
            }
            StmtKind::Assign { place, op, value } => self.assign(*place, *op, *value),
            StmtKind::If {
                branches,
                otherwise,
            } => self.if_chain(branches, otherwise.as_ref()),
            StmtKind::While { cond, body } => self.loop_stmt(Some(*cond), body),
            StmtKind::Loop { body } => self.loop_stmt(None, body),
            StmtKind::For { iter, body, .. } => self.for_loop(id, *iter, body),
            StmtKind::Break => {
                let (exit, _) = *self.loops.last().expect("checked: inside a loop");
                self.code.push(self.br(exit));
            }
            StmtKind::Continue => {
                let (_, next) = *self.loops.last().expect("checked: inside a loop");
                self.code.push(self.br(next));
            }
            StmtKind::Return(value) => {
                if let Some(value) = value {
                    // The function's locals die here, so a `mut` one needs no copy.
                    if self.local_path(*value) {
                        self.read_place_raw(*value);
                    } else {
                        self.expr(*value);
                    }
                }
                self.code.push(I::Return);
            }
            StmtKind::Expr(expr) => {
                self.expr(*expr);
                for _ in self.flat(program.expr_type(*expr)) {
                    self.code.push(I::Drop);
                }
            }
        }
    }

    fn if_chain(&mut self, branches: &[(ExprId, Block)], otherwise: Option<&Block>) {
        let Some(((cond, body), rest)) = branches.split_first() else {
            if let Some(block) = otherwise {
                self.block(block);
            }
            return;
        };
        let more = !rest.is_empty() || otherwise.is_some();
        if let ExprKind::Let { pat, value } = &self.program.ast.exprs[*cond].kind {
            // `block $done (block $next test… body br $done) rest…`: a mismatch branches to
            // the end of `$next`, where the rest of the chain runs.
            if more {
                self.open(I::Block(BlockType::Empty));
            }
            let done = self.depth;
            self.open(I::Block(BlockType::Empty));
            let next = self.depth;
            self.if_let(*pat, *value, next);
            self.block(body);
            if more {
                self.code.push(self.br(done));
            }
            self.close();
            if more {
                self.if_chain(rest, otherwise);
                self.close();
            }
            return;
        }
        self.expr(*cond);
        self.open(I::If(BlockType::Empty));
        self.block(body);
        if more {
            self.code.push(I::Else);
            self.if_chain(rest, otherwise);
        }
        self.close();
    }

    /// `for x in …`: the body runs inside a block so `continue` (a branch to its end) still
    /// advances the loop.
    fn for_loop(&mut self, id: claw_syntax::ast::StmtId, iter: ExprId, body: &Block) {
        let program = self.program;
        let local = program.for_locals[id];
        let binding = self.bind(local);
        let ty = program.locals[local.0 as usize].ty;
        let iter_kind = &program.ast.exprs[iter].kind;
        if let ExprKind::Range {
            start,
            end,
            inclusive,
        } = iter_kind
        {
            let shape = program.types.int_shape(ty).expect("checked: integer range");
            let wide = shape.wide();
            let vt = if wide { ValType::I64 } else { ValType::I32 };
            let pick = |a: I<'static>, b: I<'static>| if wide { b } else { a };
            let (ge, gt) = if shape.signed {
                (pick(I::I32GeS, I::I64GeS), pick(I::I32GtS, I::I64GtS))
            } else {
                (pick(I::I32GeU, I::I64GeU), pick(I::I32GtU, I::I64GtU))
            };
            self.expr(*start);
            self.code.push(I::LocalSet(binding));
            self.expr(*end);
            let last = self.code.stash(&[vt]);
            self.open(I::Block(BlockType::Empty));
            let exit = self.depth;
            self.code.extend([I::LocalGet(binding), I::LocalGet(last)]);
            self.code.push(if *inclusive { gt } else { ge.clone() });
            self.code.push(self.br_if(exit));
            self.open(I::Loop(BlockType::Empty));
            let top = self.depth;
            self.for_body(exit, body);
            if *inclusive {
                // Stop before stepping past the end: `0..=255u8` must not wrap around.
                self.code.extend([
                    I::LocalGet(binding),
                    I::LocalGet(last),
                    pick(I::I32Eq, I::I64Eq),
                ]);
                self.code.push(self.br_if(exit));
            }
            self.code.extend([
                I::LocalGet(binding),
                pick(I::I32Const(1), I::I64Const(1)),
                pick(I::I32Add, I::I64Add),
                I::LocalSet(binding),
            ]);
            if !*inclusive {
                self.code
                    .extend([I::LocalGet(binding), I::LocalGet(last), ge]);
                self.code.push(self.br_if(exit));
            }
            self.code.push(self.br(top));
            self.close();
            self.close();
            return;
        }
        let chars = matches!(
            program.expr_res.get(iter),
            Some(crate::program::Res::Builtin(crate::program::Builtin::Chars))
        );
        // Both a list and a string are (pointer, length); `at` walks elements or bytes.
        let source = match iter_kind {
            ExprKind::Method { receiver, .. } if chars => *receiver,
            _ => iter,
        };
        self.expr(source);
        let seq = self.code.stash(&[ValType::I32, ValType::I32]);
        let at = self.code.local(ValType::I32);
        let step = self.code.local(ValType::I32);
        let elem_size = match program.types.def(program.expr_type(source)) {
            TypeDef::List(elem) => canon::size(&program.types, *elem) as i32,
            _ => 0,
        };
        // Each time round an enclosing loop the walk starts over from the first element.
        self.code.extend([I::I32Const(0), I::LocalSet(at)]);
        self.open(I::Block(BlockType::Empty));
        let exit = self.depth;
        self.open(I::Loop(BlockType::Empty));
        let top = self.depth;
        self.code
            .extend([I::LocalGet(at), I::LocalGet(seq + 1), I::I32GeU]);
        self.code.push(self.br_if(exit));
        let addr = self.code.local(ValType::I32);
        if chars {
            self.code.extend([
                I::LocalGet(seq),
                I::LocalGet(at),
                I::I32Add,
                I::Call(self.info.helper(Helper::Utf8Next)),
                I::LocalSet(step),
                I::LocalSet(binding),
            ]);
        } else {
            self.code.extend([
                I::LocalGet(seq),
                I::LocalGet(at),
                I::I32Const(elem_size),
                I::I32Mul,
                I::I32Add,
                I::LocalSet(addr),
                I::I32Const(1),
                I::LocalSet(step),
            ]);
            emit_load(&mut self.code, self.info, ty, addr, 0);
            self.code.set(binding, self.flat(ty).len());
        }
        self.for_body(exit, body);
        self.code.extend([
            I::LocalGet(at),
            I::LocalGet(step),
            I::I32Add,
            I::LocalSet(at),
        ]);
        self.code.push(self.br(top));
        self.close();
        self.close();
    }

    /// `while cond {}` or, without a condition, `loop {}`: `continue` re-enters at the test.
    fn loop_stmt(&mut self, cond: Option<ExprId>, body: &Block) {
        self.open(I::Block(BlockType::Empty));
        let exit = self.depth;
        self.open(I::Loop(BlockType::Empty));
        let next = self.depth;
        if let Some(cond) = cond {
            self.expr(cond);
            self.code.push(I::I32Eqz);
            self.code.push(self.br_if(exit));
        }
        self.loops.push((exit, next));
        self.block(body);
        self.loops.pop();
        self.code.push(self.br(next));
        self.close();
        self.close();
    }

    /// A `for` body inside a block of its own, which `continue` branches to the end of.
    fn for_body(&mut self, exit: u32, body: &Block) {
        self.open(I::Block(BlockType::Empty));
        let next = self.depth;
        self.loops.push((exit, next));
        self.block(body);
        self.loops.pop();
        self.close();
    }
}
