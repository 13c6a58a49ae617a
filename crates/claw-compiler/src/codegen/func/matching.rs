//! `match`, `if let` and `?`: testing a value's case (and nested patterns) and reading
//! payloads out of a variant's shared slots.
//!
//! A `match` is a block per arm: each pattern test branches to the end of its arm's block on
//! a mismatch, so the next arm is tried; a match runs its body and branches out of the whole.
//! An `if let` branch is the same, one arm at a time (see `Emitter::if_chain`).
//! Arm values go to locals rather than block results, so any type works without multi-value
//! block types.

use claw_syntax::ast::{ArmBody, ExprId, MatchArm, PatId, PatKind};
use wasm_encoder::{BlockType, Instruction as I};

use super::Emitter;
use crate::codegen::runtime::Helper;
use crate::codegen::values::{coerce_from_join, coerce_to_join};
use crate::program::PatRes;
use crate::types::{TypeDef, TypeId};

impl Emitter<'_> {
    pub(super) fn match_expr(&mut self, id: ExprId, scrutinee: ExprId, arms: &[MatchArm]) {
        let program = self.program;
        let statement = program.match_stmts.contains_idx(id);
        let result = if statement {
            Vec::new()
        } else {
            self.flat(program.expr_type(id))
        };
        let ty = program.expr_type(scrutinee);
        self.expr(scrutinee);
        let value = self.code.stash(&self.flat(ty));
        let out = self.code.locals(&result);
        self.open(I::Block(BlockType::Empty));
        let done = self.depth;
        for arm in arms {
            self.open(I::Block(BlockType::Empty));
            let next = self.depth;
            self.test(arm.pat, ty, value, next);
            match &arm.body {
                ArmBody::Expr(body) => {
                    self.expr(*body);
                    if statement {
                        for _ in self.flat(program.expr_type(*body)) {
                            self.code.push(I::Drop);
                        }
                    } else {
                        self.code.set(out, result.len());
                    }
                }
                ArmBody::Block(block) => self.block(block),
            }
            self.code.push(self.br(done));
            self.close();
        }
        // The checker proved the arms exhaustive.
        self.code.push(I::Unreachable);
        self.close();
        self.code.get(out, result.len());
    }

    /// The head of an `if let`: evaluates `value` and branches to the label at `next` unless
    /// it matches `pat`, binding the pattern's names when it does.
    pub(super) fn if_let(&mut self, pat: PatId, value: ExprId, next: u32) {
        let ty = self.program.expr_type(value);
        self.expr(value);
        let locals = self.code.stash(&self.flat(ty));
        self.test(pat, ty, locals, next);
    }

    /// Branches to the label at `next` unless the value in locals `value` (of type `ty`)
    /// matches `pat`; binds the pattern's names when it does.
    fn test(&mut self, pat: PatId, ty: TypeId, value: u32, next: u32) {
        let program = self.program;
        let wide = matches!(program.types.def(ty), TypeDef::U64 | TypeDef::S64);
        match &program.ast.pats[pat].kind {
            PatKind::Wildcard => {}
            PatKind::Name(_) | PatKind::Case { .. } => match program.pat_res.get(pat) {
                Some(PatRes::Bind(local)) => {
                    // Bindings never change, so they can share the tested value's locals.
                    self.locals.insert(*local, value);
                }
                Some(PatRes::Case(case)) => {
                    self.code
                        .extend([I::LocalGet(value), I::I32Const(*case as i32), I::I32Ne]);
                    self.code.push(self.br_if(next));
                    if let PatKind::Case {
                        payload: Some(sub), ..
                    } = &program.ast.pats[pat].kind
                    {
                        let cases = program.types.cases(ty).unwrap_or_default();
                        let payload = cases[*case as usize].1.expect("checked: has a payload");
                        let all = self.flat(ty);
                        let case_flat = self.flat(payload);
                        coerce_from_join(&mut self.code, value + 1, &all[1..], &case_flat);
                        let inner = self.code.stash(&case_flat);
                        self.test(*sub, payload, inner, next);
                    }
                }
                None => {}
            },
            PatKind::Int(v) => {
                self.code.push(I::LocalGet(value));
                self.code.extend(if wide {
                    [I::I64Const(*v as i64), I::I64Ne]
                } else {
                    [I::I32Const(*v as i32), I::I32Ne]
                });
                self.code.push(self.br_if(next));
            }
            PatKind::Char(c) => {
                self.code
                    .extend([I::LocalGet(value), I::I32Const(*c as i32), I::I32Ne]);
                self.code.push(self.br_if(next));
            }
            PatKind::Bool(b) => {
                self.code
                    .extend([I::LocalGet(value), I::I32Const(i32::from(*b)), I::I32Ne]);
                self.code.push(self.br_if(next));
            }
            PatKind::Str(text) => {
                let (at, len) = self.info.string(text);
                self.code.extend([
                    I::LocalGet(value),
                    I::LocalGet(value + 1),
                    I::I32Const(at),
                    I::I32Const(len),
                    I::Call(self.info.helper(Helper::StrEq)),
                    I::I32Eqz,
                ]);
                self.code.push(self.br_if(next));
            }
            PatKind::Tuple(items) => {
                let TypeDef::Tuple(types) = program.types.def(ty).clone() else {
                    return;
                };
                let mut slot = value;
                for (&item, item_ty) in items.iter().zip(types) {
                    self.test(item, item_ty, slot, next);
                    slot += self.flat(item_ty).len() as u32;
                }
            }
        }
    }

    /// `e?`: the payload of `ok`/`some`, or an early return of `err(e)`/`none`.
    pub(super) fn try_expr(&mut self, inner: ExprId) {
        let program = self.program;
        let types = &program.types;
        let ty = program.expr_type(inner);
        self.expr(inner);
        let all = self.flat(ty);
        let value = self.code.stash(&all);
        let (success, payload) = match types.def(ty).clone() {
            TypeDef::Option(some) => (1, Some(some)),
            TypeDef::Result { ok, .. } => (0, ok),
            _ => unreachable!("checked: `?` on an option or result"),
        };
        let returns = self
            .result
            .expect("checked: `?` in a function with a result");
        let returns_flat = self.flat(returns);
        self.code.extend([
            I::LocalGet(value),
            I::I32Const(success),
            I::I32Ne,
            I::If(BlockType::Empty),
        ]);
        match types.def(ty).clone() {
            TypeDef::Result { err, .. } => {
                self.code.push(I::I32Const(1));
                match err {
                    Some(err) => {
                        let err_flat = self.flat(err);
                        coerce_from_join(&mut self.code, value + 1, &all[1..], &err_flat);
                        coerce_to_join(&mut self.code, &err_flat, &returns_flat[1..]);
                    }
                    None => self.code.zeros(&returns_flat[1..]),
                }
            }
            _ => {
                self.code.push(I::I32Const(0));
                self.code.zeros(&returns_flat[1..]);
            }
        }
        self.code.extend([I::Return, I::End]);
        if let Some(payload) = payload {
            let payload_flat = self.flat(payload);
            coerce_from_join(&mut self.code, value + 1, &all[1..], &payload_flat);
        }
    }
}
