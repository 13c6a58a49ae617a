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
        if let Some(table) = self.jump_table(scrutinee.ty, arms) {
            return self.dispatch(&table, scrutinee.ty, value, arms, out, result.len());
        }
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

    /// For a `match` on a variant-like value whose arms each test one case (binding its
    /// payload or ignoring it) or match anything: the arm each case goes to, so one
    /// `br_table` on the discriminant picks the arm instead of a test per arm.
    fn jump_table(&self, ty: TypeId, arms: &[ir::Arm]) -> Option<Vec<u32>> {
        if arms.len() < 3 {
            return None;
        }
        let types = self.info.types();
        if types.int_shape(ty).is_some_and(|shape| !shape.wide()) {
            return int_table(arms);
        }
        let cases = types.case_count(ty)?;
        let mut table: Vec<Option<u32>> = vec![None; cases];
        for (index, arm) in arms.iter().enumerate() {
            match &arm.pat {
                Pat::Case(case, sub) if sub.as_deref().is_none_or(irrefutable) => {
                    let slot = table.get_mut(*case as usize)?;
                    slot.get_or_insert(index as u32);
                }
                Pat::Wildcard | Pat::Bind(_) => {
                    for slot in &mut table {
                        slot.get_or_insert(index as u32);
                    }
                    break;
                }
                _ => return None,
            }
        }
        // The checker proved the arms exhaustive, so every case has one.
        table.into_iter().collect()
    }

    /// The arms of a `match` behind one `br_table`: a block per arm, the innermost for the
    /// first, each arm's code after its block's end.
    fn dispatch(
        &mut self,
        table: &[u32],
        ty: TypeId,
        value: u32,
        arms: &[ir::Arm],
        out: u32,
        results: usize,
    ) {
        self.open(I::Block(BlockType::Empty));
        let done = self.depth;
        for _ in arms {
            self.open(I::Block(BlockType::Empty));
        }
        self.code.push(I::LocalGet(value));
        self.code.push(I::BrTable(
            table.to_vec().into(),
            table.last().copied().unwrap_or(0),
        ));
        for arm in arms {
            self.close();
            match &arm.pat {
                Pat::Case(case, Some(sub)) => self.payload(*case, sub, ty, value, done),
                Pat::Case(_, None) | Pat::Int(_) | Pat::Wildcard => {}
                pat => self.test(pat, ty, value, done),
            }
            self.block(&arm.body);
            if let Some(body) = &arm.value {
                self.expr(body);
                self.code.set(out, results);
            }
            self.code.push(self.br(done));
        }
        self.close();
        self.code.get(out, results);
    }

    /// Binds `sub` to the payload of case `case` of the value in locals `value`, whose
    /// discriminant is known to be `case`.
    fn payload(&mut self, case: u32, sub: &Pat, ty: TypeId, value: u32, next: u32) {
        let types = self.info.types();
        let (_, payload) = types.case(ty, case).expect("checked: a case");
        let payload = payload.expect("checked: has a payload");
        let all = self.flat(ty);
        let case_flat = self.flat(payload);
        coerce_from_join(&mut self.code, value + 1, &all[1..], &case_flat);
        let inner = self.code.stash(&case_flat);
        self.test(sub, payload, inner, next);
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
                    self.payload(*case, sub, ty, value, next);
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

/// Whether a pattern matches every value of its type.
fn irrefutable(pat: &Pat) -> bool {
    match pat {
        Pat::Wildcard | Pat::Bind(_) => true,
        Pat::Tuple(items) => items.iter().all(irrefutable),
        _ => false,
    }
}

/// The jump table of a `match` on a narrow integer whose arms test small non-negative
/// values and end with one that matches anything (the default, for every other value).
fn int_table(arms: &[ir::Arm]) -> Option<Vec<u32>> {
    let mut slots: Vec<Option<u32>> = Vec::new();
    for (index, arm) in arms.iter().enumerate() {
        match &arm.pat {
            Pat::Int(v) if (0..64).contains(v) => {
                let v = *v as usize;
                if slots.len() <= v {
                    slots.resize(v + 1, None);
                }
                slots[v].get_or_insert(index as u32);
            }
            Pat::Wildcard | Pat::Bind(_) => {
                let default = index as u32;
                let mut table: Vec<u32> = slots.iter().map(|s| s.unwrap_or(default)).collect();
                // The last entry is `br_table`'s default: every value past the table.
                table.push(default);
                return Some(table);
            }
            _ => return None,
        }
    }
    None
}
