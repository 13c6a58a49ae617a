//! Literal type variables: how an unannotated local initialized with a literal
//! (`let mut i = 0;`) gets its type from its uses, in one pass over the body.
//!
//! Such a local's type is a variable (`TypeDef::Var`) until a use expects a number of it:
//! `i < n` with `n: u64` binds it to `u64`, and two variables that meet (`i + j`) become one.
//! A variable can only be bound to a numeric type, and one that a float literal went into
//! only to a float type. Checks that depend on the final type — is this literal in range, is
//! `%` defined — wait in [`Deferred`] until the end of the body, when every variable still
//! unbound takes its literal's default (`s32`, or `f64` for a float) and the body's recorded
//! types are rewritten with the final ones.

use claw_syntax::ast::{BinaryOp, UnaryOp};
use claw_syntax::Span;

use super::{Checker, Expect};
use crate::program::Res;
use crate::types::{TypeDef, TypeId};

/// One variable of the body being checked.
#[derive(Clone, Copy, Default)]
pub(super) struct Var {
    /// The type it stands for, once known: a concrete type, or another variable it was
    /// merged into.
    pub(super) bound: Option<TypeId>,
    /// Whether a float literal went into it, so it can only be a float.
    pub(super) float: bool,
}

/// A check on a type that was still a variable when it came up.
pub(super) enum Deferred {
    IntLiteral {
        value: i128,
        span: Span,
        ty: TypeId,
    },
    FloatLiteral {
        value: f64,
        span: Span,
        ty: TypeId,
    },
    IntPattern {
        value: i128,
        span: Span,
        ty: TypeId,
    },
    Operator {
        op: BinaryOp,
        ty: TypeId,
        span: Span,
    },
    Unary {
        op: UnaryOp,
        ty: TypeId,
        span: Span,
    },
    /// `x.to-string()` on a number not known yet: every number has it.
    ToString {
        ty: TypeId,
        name: claw_syntax::ast::Name,
    },
    /// A range's bounds must be integers.
    Range {
        ty: TypeId,
        span: Span,
    },
    /// A `match` on a value whose type holds a variable: its unguarded arms' patterns.
    Exhaustive {
        pats: Vec<claw_syntax::ast::PatId>,
        ty: TypeId,
        span: Span,
        guarded: bool,
    },
}

impl Checker<'_> {
    /// A fresh variable, for a local whose type its uses will decide.
    pub(super) fn new_var(&mut self) -> TypeId {
        let index = self.vars.len() as u32;
        self.vars.push(Var::default());
        self.types.intern(TypeDef::Var(index))
    }

    /// `ty`, or what the variable it is stands for as far as is known yet.
    pub(super) fn shallow(&self, mut ty: TypeId) -> TypeId {
        while let TypeDef::Var(index) = *self.types.def(ty) {
            match self.vars[index as usize].bound {
                Some(next) => ty = next,
                None => break,
            }
        }
        ty
    }

    /// The index of the unbound variable `ty` stands for, if it stands for one.
    pub(super) fn unbound_var(&self, ty: TypeId) -> Option<usize> {
        match *self.types.def(self.shallow(ty)) {
            TypeDef::Var(index) => Some(index as usize),
            _ => None,
        }
    }

    /// Whether `ty` is a number, or a variable that will be one.
    pub(super) fn numeric(&self, ty: TypeId) -> bool {
        self.types.is_numeric(self.shallow(ty)) || self.unbound_var(ty).is_some()
    }

    /// Makes `found` and `expected` the same type if they can be, binding variables in
    /// them; whether they could.
    pub(super) fn unify(&mut self, found: TypeId, expected: TypeId) -> bool {
        let (a, b) = (self.shallow(found), self.shallow(expected));
        if a == b || a == TypeId::ERROR || b == TypeId::ERROR {
            return true;
        }
        match (self.unbound_var(a), self.unbound_var(b)) {
            (Some(var), Some(other)) => {
                self.vars[other].float |= self.vars[var].float;
                self.vars[var].bound = Some(b);
                true
            }
            (Some(var), None) => self.bind(var, b),
            (None, Some(var)) => self.bind(var, a),
            (None, None) => match (self.types.def(a).clone(), self.types.def(b).clone()) {
                (TypeDef::List(x), TypeDef::List(y)) | (TypeDef::Option(x), TypeDef::Option(y)) => {
                    self.unify(x, y)
                }
                (TypeDef::Result { ok: o1, err: e1 }, TypeDef::Result { ok: o2, err: e2 }) => {
                    self.unify_parts(o1, o2) && self.unify_parts(e1, e2)
                }
                (
                    TypeDef::Map {
                        key: k1, value: v1, ..
                    },
                    TypeDef::Map {
                        key: k2, value: v2, ..
                    },
                ) => self.unify(k1, k2) && self.unify(v1, v2),
                (TypeDef::Tuple(xs), TypeDef::Tuple(ys)) if xs.len() == ys.len() => {
                    xs.into_iter().zip(ys).all(|(x, y)| self.unify(x, y))
                }
                _ => false,
            },
        }
    }

    fn unify_parts(&mut self, a: Option<TypeId>, b: Option<TypeId>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => self.unify(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    fn bind(&mut self, var: usize, ty: TypeId) -> bool {
        let fits = if self.vars[var].float {
            self.types.is_float(ty)
        } else {
            self.types.is_numeric(ty)
        };
        if fits {
            self.vars[var].bound = Some(ty);
        }
        fits
    }

    /// For a literal whose expected type is a variable not bound yet: the variable, with the
    /// literal's `check` kept for the body's end.
    pub(super) fn open_literal(
        &mut self,
        expected: Option<TypeId>,
        check: impl FnOnce(TypeId) -> Deferred,
    ) -> Option<TypeId> {
        let var = expected.filter(|&t| self.unbound_var(t).is_some())?;
        self.deferred.push(check(var));
        Some(var)
    }

    /// Notes that a float literal went into the variable `ty` stands for.
    pub(super) fn mark_float(&mut self, ty: TypeId) {
        if let Some(var) = self.unbound_var(ty) {
            self.vars[var].float = true;
        }
    }

    /// `ty` with every variable in it replaced by its final type.
    pub(super) fn resolve(&mut self, ty: TypeId) -> TypeId {
        let ty = self.shallow(ty);
        match self.types.def(ty).clone() {
            TypeDef::Var(index) => {
                if self.vars[index as usize].float {
                    TypeId::F64
                } else {
                    TypeId::S32
                }
            }
            TypeDef::List(elem) => {
                let elem = self.resolve(elem);
                self.types.intern(TypeDef::List(elem))
            }
            TypeDef::Option(some) => {
                let some = self.resolve(some);
                self.types.intern(TypeDef::Option(some))
            }
            TypeDef::Map { key, value, .. } => {
                let (key, value) = (self.resolve(key), self.resolve(value));
                self.types.map(key, value)
            }
            TypeDef::Result { ok, err } => {
                let ok = ok.map(|t| self.resolve(t));
                let err = err.map(|t| self.resolve(t));
                self.types.intern(TypeDef::Result { ok, err })
            }
            TypeDef::Tuple(items) => {
                let items = items.into_iter().map(|t| self.resolve(t)).collect();
                self.types.intern(TypeDef::Tuple(items))
            }
            _ => ty,
        }
    }

    /// The end of a body: every variable gets its final type, the checks that waited for
    /// one run, and the body's recorded types are rewritten with final types.
    pub(super) fn settle_body(&mut self) {
        if self.vars.is_empty() {
            return;
        }
        for deferred in std::mem::take(&mut self.deferred) {
            match deferred {
                Deferred::IntLiteral { value, span, ty } => {
                    let ty = self.resolve(ty);
                    self.int_literal(value, span, Some(Expect::ty(ty)));
                }
                Deferred::FloatLiteral { value, span, ty } => {
                    let ty = self.resolve(ty);
                    self.float_literal(value, span, Some(Expect::ty(ty)));
                }
                Deferred::IntPattern { value, span, ty } => {
                    let ty = self.resolve(ty);
                    self.int_pattern(value, span, ty);
                }
                Deferred::Operator { op, ty, span } => {
                    let ty = self.resolve(ty);
                    self.check_operator(op, ty, span);
                }
                Deferred::Unary { op, ty, span } => {
                    let ty = self.resolve(ty);
                    self.check_unary(op, ty, span);
                }
                Deferred::ToString { ty, name } => {
                    let ty = self.resolve(ty);
                    if !self.types.is_numeric(ty) {
                        self.unknown_method(ty, &name);
                    }
                }
                Deferred::Range { ty, span } => {
                    let ty = self.resolve(ty);
                    self.check_range_bound(ty, span);
                }
                Deferred::Exhaustive {
                    pats,
                    ty,
                    span,
                    guarded,
                } => {
                    let ty = self.resolve(ty);
                    self.exhaustive(&pats, ty, span, guarded);
                }
            }
        }
        let mut resolved = std::collections::HashMap::new();
        let mut settle =
            |this: &mut Self, ty: TypeId| *resolved.entry(ty).or_insert_with(|| this.resolve(ty));
        let exprs: Vec<_> = self.expr_types.iter().map(|(id, &ty)| (id, ty)).collect();
        for (id, ty) in exprs {
            let ty = settle(self, ty);
            self.expr_types.insert(id, ty);
        }
        for index in 0..self.locals.len() {
            let ty = settle(self, self.locals[index].ty);
            self.locals[index].ty = ty;
        }
        let cases: Vec<_> = self
            .expr_res
            .iter()
            .filter_map(|(id, res)| match *res {
                Res::Case { ty, case } => Some((id, ty, case)),
                _ => None,
            })
            .collect();
        for (id, ty, case) in cases {
            let ty = settle(self, ty);
            self.expr_res.insert(id, Res::Case { ty, case });
        }
        self.vars.clear();
    }
}
