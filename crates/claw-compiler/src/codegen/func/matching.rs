//! `match`, `if let` and `?`: testing a value's case (and nested patterns) and reading
//! payloads out of a variant's shared slots.
//!
//! A `match` is a block per arm: each pattern test branches to the end of its arm's block on
//! a mismatch, so the next arm is tried; a match runs its body and branches out of the whole.
//! An `if let` branch is the same, one arm at a time (see `Emitter::if_chain`).
//! Arm values go to locals rather than block results, so any type works without multi-value
//! block types.

use wasm_encoder::{BlockType, Instruction as I};

use super::Emitter;
use crate::codegen::runtime::Helper;
use crate::codegen::values::{coerce_from_join, coerce_to_join};
use crate::ir::{self, Expr, Pat};
use crate::types::{TypeDef, TypeId};

impl Emitter<'_> {
    /// A `match` of type `ty` (`unit` as a statement, when arm values are dropped).
    pub(super) fn match_expr(&mut self, ty: TypeId, scrutinee: &Expr, arms: &[ir::Arm]) {
        let result = self.flat(ty);
        self.expr(scrutinee);
        let value = self.code.stash(&self.flat(scrutinee.ty));
        let out = self.code.locals(&result);
        self.open(I::Block(BlockType::Empty));
        let done = self.depth;
        for arm in arms {
            self.open(I::Block(BlockType::Empty));
            let next = self.depth;
            self.test(&arm.pat, scrutinee.ty, value, next);
            self.block(&arm.body);
            if let Some(body) = &arm.value {
                self.expr(body);
                self.code.set(out, result.len());
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
    pub(super) fn if_let(&mut self, pat: &Pat, value: &Expr, next: u32) {
        self.expr(value);
        let locals = self.code.stash(&self.flat(value.ty));
        self.test(pat, value.ty, locals, next);
    }

    /// Branches to the label at `next` unless the value in locals `value` (of type `ty`)
    /// matches `pat`; binds the pattern's names when it does.
    fn test(&mut self, pat: &Pat, ty: TypeId, value: u32, next: u32) {
        let types = self.info.types();
        let wide = matches!(types.def(ty), TypeDef::U64 | TypeDef::S64);
        match pat {
            Pat::Wildcard => {}
            Pat::Bind(local) => {
                // Bindings never change, so they can share the tested value's locals.
                self.locals.insert(*local, value);
            }
            Pat::Case(case, sub) => {
                self.code
                    .extend([I::LocalGet(value), I::I32Const(*case as i32), I::I32Ne]);
                self.code.push(self.br_if(next));
                if let Some(sub) = sub {
                    let (_, payload) = types.case(ty, *case).expect("checked: a case");
                    let payload = payload.expect("checked: has a payload");
                    let all = self.flat(ty);
                    let case_flat = self.flat(payload);
                    coerce_from_join(&mut self.code, value + 1, &all[1..], &case_flat);
                    let inner = self.code.stash(&case_flat);
                    self.test(sub, payload, inner, next);
                }
            }
            Pat::Int(v) => {
                self.code.push(I::LocalGet(value));
                self.code.extend(if wide {
                    [I::I64Const(*v as i64), I::I64Ne]
                } else {
                    [I::I32Const(*v as i32), I::I32Ne]
                });
                self.code.push(self.br_if(next));
            }
            Pat::Char(c) => {
                self.code
                    .extend([I::LocalGet(value), I::I32Const(*c as i32), I::I32Ne]);
                self.code.push(self.br_if(next));
            }
            Pat::Bool(b) => {
                self.code
                    .extend([I::LocalGet(value), I::I32Const(i32::from(*b)), I::I32Ne]);
                self.code.push(self.br_if(next));
            }
            Pat::Str(text) => {
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
            Pat::Tuple(items) => {
                let TypeDef::Tuple(item_types) = types.def(ty).clone() else {
                    return;
                };
                let mut slot = value;
                for (item, item_ty) in items.iter().zip(item_types) {
                    self.test(item, item_ty, slot, next);
                    slot += self.flat(item_ty).len() as u32;
                }
            }
        }
    }

    /// `e?`: the payload of `ok`/`some`, or an early return of `err(e)`/`none`.
    pub(super) fn try_expr(&mut self, inner: &Expr) {
        let types = self.info.types();
        let ty = inner.ty;
        self.expr(inner);
        let all = self.flat(ty);
        let value = self.code.stash(&all);
        let (success, payload) = match types.def(ty).clone() {
            TypeDef::Option(some) => (1, Some(some)),
            TypeDef::Result { ok, .. } => (0, ok),
            _ => unreachable!("checked: `?` on an option or result"),
        };
        let returns = self
            .func
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
