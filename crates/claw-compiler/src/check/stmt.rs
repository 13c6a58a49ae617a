//! Checking blocks and statements, and tracking whether control can fall off their end.

use std::collections::HashMap;

use claw_syntax::ast::{Block, ExprKind, StmtKind};

use super::infer::Deferred;
use super::{Checker, Expect, LoopFrame};
use crate::diagnostics::Diagnostic;
use crate::program::Res;
use crate::types::TypeId;

impl Checker<'_> {
    /// Checks a block in a new scope; returns whether it always diverges (returns, breaks,
    /// continues or loops forever), so code after it is unreachable.
    pub(super) fn block(&mut self, block: &Block) -> bool {
        self.scopes.push(HashMap::new());
        let mut diverges = false;
        for &stmt in &block.stmts {
            diverges |= self.stmt(stmt);
        }
        self.scopes.pop();
        diverges
    }

    /// Enters a loop's body; a label that a loop around it already has is reported, as
    /// `break` could not tell the two apart.
    fn enter_loop(&mut self, label: &Option<claw_syntax::ast::Name>) {
        if let Some(label) = label {
            let outer = self
                .loops
                .iter()
                .find_map(|f| f.label.as_ref().filter(|l| l.text == label.text));
            if let Some(outer) = outer {
                let outer = outer.span;
                self.error(
                    Diagnostic::error(
                        "duplicate-label",
                        format!("`{}` already labels a loop around this one", label.text),
                    )
                    .at(label.span, "labelled again here")
                    .also(outer, "the loop around it")
                    .hint("give the inner loop a label of its own"),
                );
            }
        }
        self.loops.push(LoopFrame {
            has_break: false,
            label: label.clone(),
        });
    }

    fn stmt(&mut self, id: claw_syntax::ast::StmtId) -> bool {
        let ast = self.body;
        let stmt = &ast.stmts[id];
        match &stmt.kind {
            StmtKind::For {
                label,
                binding,
                iter,
                body,
            } => {
                let ty = self.for_binding(ast.unparen(*iter));
                let local = self.new_local(binding, ty, false);
                self.for_locals.insert(id, local);
                let mut scope = HashMap::new();
                scope.insert(binding.text.clone(), local);
                self.scopes.push(scope);
                self.enter_loop(label);
                self.block(body);
                self.loops.pop();
                self.scopes.pop();
                false
            }
            StmtKind::Let {
                mutable,
                name,
                ty,
                init,
            } => {
                let ty = match ty {
                    Some(annotation) => {
                        let ty = self.resolve_type(annotation);
                        self.expr(
                            *init,
                            Some(Expect::because(ty, annotation.span, "this annotation")),
                        );
                        ty
                    }
                    // `let i = 0;`: the uses decide what `i` is.
                    None if self.literal_like(*init) => {
                        let var = self.new_var();
                        self.expr(*init, Some(Expect::ty(var)))
                    }
                    None => self.expr(*init, None),
                };
                if ty == TypeId::UNIT {
                    self.error(
                        Diagnostic::error(
                            "unit-binding",
                            format!("`{}` would have no value", name.text),
                        )
                        .at(ast.exprs[*init].span, "this call returns nothing"),
                    );
                }
                let local = self.new_local(name, ty, *mutable);
                self.let_locals.insert(id, local);
                self.scopes
                    .last_mut()
                    .expect("a block scope is open")
                    .insert(name.text.clone(), local);
                false
            }
            StmtKind::Assign { place, op, value } => {
                self.assign(*place, *op, *value);
                false
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let mut all_diverge = true;
                for (cond, body) in branches {
                    if let ExprKind::Let { pat, value } = &ast.exprs[ast.unparen(*cond)].kind {
                        self.if_let(*pat, *value);
                        self.expr_types.insert(*cond, TypeId::BOOL);
                        all_diverge &= self.block(body);
                        self.scopes.pop();
                        continue;
                    }
                    self.expr(*cond, Some(Expect::ty(TypeId::BOOL)));
                    all_diverge &= self.block(body);
                }
                match otherwise {
                    Some(body) => all_diverge & self.block(body),
                    None => false,
                }
            }
            StmtKind::While { label, cond, body } => {
                self.expr(*cond, Some(Expect::ty(TypeId::BOOL)));
                self.enter_loop(label);
                self.block(body);
                self.loops.pop();
                false
            }
            StmtKind::Loop { label, body } => {
                self.enter_loop(label);
                self.block(body);
                let frame = self.loops.pop().expect("pushed above");
                !frame.has_break
            }
            StmtKind::Break(label) | StmtKind::Continue(label) => {
                let is_break = matches!(stmt.kind, StmtKind::Break(_));
                let word = if is_break { "break" } else { "continue" };
                if self.loops.is_empty() {
                    self.error(
                        Diagnostic::error("outside-loop", format!("`{word}` outside of a loop"))
                            .at(stmt.span, format!("cannot `{word}` here"))
                            .hint(format!(
                                "`{word}` can only be used inside `while`, `for` or `loop`"
                            )),
                    );
                    // Not a jump anywhere, so it does not end the block either.
                    return false;
                }
                let depth = match label {
                    None => Some(0),
                    Some(label) => self.loops.iter().rev().position(|frame| {
                        frame.label.as_ref().is_some_and(|l| l.text == label.text)
                    }),
                };
                let Some(depth) = depth else {
                    let label = label.as_ref().expect("an unlabelled jump has a loop");
                    let mut known: Vec<String> = self
                        .loops
                        .iter()
                        .filter_map(|f| f.label.as_ref().map(|l| format!("`{}`", l.text)))
                        .collect();
                    known.reverse();
                    known.dedup();
                    let mut diagnostic = Diagnostic::error(
                        "unknown-label",
                        format!("no loop labelled `{}` around this `{word}`", label.text),
                    )
                    .at(label.span, "not the label of a loop around here");
                    diagnostic = if known.is_empty() {
                        diagnostic.hint(format!(
                            "label the loop to leave: `{}: loop {{ … }}`",
                            label.text
                        ))
                    } else {
                        diagnostic.note(format!("labels in scope: {}", known.join(", ")))
                    };
                    self.error(diagnostic);
                    return false;
                };
                let target = self.loops.len() - 1 - depth;
                self.loops[target].has_break |= is_break;
                self.jumps.insert(id, depth as u32);
                true
            }
            StmtKind::Return(value) => {
                let (result, result_span) = self.func_result.expect("inside a function");
                match (value, result) {
                    (Some(value), Some(ty)) => {
                        self.expr(
                            *value,
                            Some(Expect::because(
                                ty,
                                result_span,
                                "the function's result type",
                            )),
                        );
                    }
                    (None, Some(ty)) => {
                        let name = self.type_name(ty);
                        self.error(
                            Diagnostic::error(
                                "missing-return-value",
                                format!("`return` needs a value of type `{name}`"),
                            )
                            .at(stmt.span, "returns nothing")
                            .also(result_span, format!("the function returns `{name}`")),
                        );
                    }
                    (Some(value), None) => {
                        self.expr(*value, None);
                        self.error(
                            Diagnostic::error(
                                "unexpected-return-value",
                                "this function does not return a value",
                            )
                            .at(ast.exprs[*value].span, "this value cannot be returned")
                            .hint("declare a result type with `-> T`, or use `return;`"),
                        );
                    }
                    (None, None) => {}
                }
                true
            }
            StmtKind::Expr(expr) => {
                let inner = ast.unparen(*expr);
                if let ExprKind::Match { scrutinee, arms } = &ast.exprs[inner].kind {
                    let ty = self.match_expr(inner, *scrutinee, arms, None, true);
                    self.expr_types.insert(inner, ty);
                    self.match_stmts.insert(inner, ());
                    return self.diverging.contains_idx(inner);
                }
                self.expr(*expr, None);
                false
            }
        }
    }

    fn assign(
        &mut self,
        place: claw_syntax::ast::ExprId,
        op: Option<claw_syntax::ast::BinaryOp>,
        value: claw_syntax::ast::ExprId,
    ) {
        let ast = self.body;
        let place_span = ast.exprs[place].span;
        if self.context_typed(place) && !self.context_typed(value) {
            // `let mut x = 0; x += n;`: the assignment is the local's first typed use, so the
            // value decides its type, as in Rust.
            let value_ty = self.expr(value, None);
            let ty = if self.numeric(value_ty) {
                self.expr(place, Some(Expect::ty(value_ty)))
            } else {
                let ty = self.expr(place, None);
                let declared =
                    self.place_root(place)
                        .and_then(|root| match self.expr_res.get(root) {
                            Some(Res::Local(local)) => Some(self.locals[local.0 as usize].span),
                            _ => None,
                        });
                let expect = match declared {
                    Some(span) => Expect::because(ty, span, "the variable's type"),
                    None => Expect::ty(ty),
                };
                self.type_mismatch(ast.exprs[value].span, expect, value_ty);
                ty
            };
            self.require_mutable(place, "an assignment changes a variable");
            if let Some(op) = op {
                self.check_operator(op, ty, place_span);
            }
            return;
        }
        let ty = self.expr(place, None);
        let errors = self.diagnostics.len();
        self.require_mutable(place, "an assignment changes a variable");
        if self.diagnostics.len() > errors {
            self.expr(value, None);
            return;
        }
        let reason = match self
            .place_root(place)
            .and_then(|root| self.expr_res.get(root))
        {
            Some(Res::Local(local)) if root_is_whole(ast, place) => {
                Some(self.locals[local.0 as usize].span)
            }
            Some(Res::Global(global)) if root_is_whole(ast, place) => {
                Some(self.globals[global.0 as usize].span)
            }
            _ => None,
        };
        let expect = match reason {
            Some(span) => Expect::because(ty, span, "the variable's type"),
            None => Expect::ty(ty),
        };
        self.expr(value, Some(expect));
        if let Some(op) = op {
            self.check_operator(op, ty, place_span);
        }
    }

    /// `for x in xs`, `for c in s.chars()`, `for i in a..b`: the type of the binding.
    fn for_binding(&mut self, iter: claw_syntax::ast::ExprId) -> TypeId {
        let ast = self.body;
        match &ast.exprs[iter].kind {
            ExprKind::Range { start, end, .. } => {
                let ty = if self.literal_like(*start) && self.literal_like(*end) {
                    let ty = self.expr(*start, Some(Expect::ty(TypeId::U32)));
                    self.expr(*end, Some(Expect::ty(ty)));
                    ty
                } else if self.literal_like(*start) {
                    let ty = self.expr(*end, None);
                    self.expr(*start, Some(Expect::ty(ty)));
                    ty
                } else {
                    let ty = self.expr(*start, None);
                    let span = ast.exprs[*start].span;
                    self.expr(*end, Some(Expect::because(ty, span, "the range's start")));
                    ty
                };
                let span = ast.exprs[iter].span;
                if self.unbound_var(ty).is_some() {
                    self.deferred.push(Deferred::Range { ty, span });
                } else if !self.check_range_bound(ty, span) {
                    return TypeId::ERROR;
                }
                self.expr_types.insert(iter, ty);
                ty
            }
            ExprKind::Method {
                receiver,
                name,
                args,
            } if name.text == "chars" && args.is_empty() => {
                self.expr(*receiver, Some(Expect::ty(TypeId::STRING)));
                self.expr_res
                    .insert(iter, Res::Builtin(crate::program::Builtin::Chars));
                self.expr_types.insert(iter, TypeId::CHAR);
                TypeId::CHAR
            }
            _ => {
                let ty = self.expr(iter, None);
                match self.types.def(ty) {
                    crate::types::TypeDef::List(elem) => *elem,
                    // A map walks its entries, in insertion order.
                    crate::types::TypeDef::Map { entries, .. } => match self.types.def(*entries) {
                        crate::types::TypeDef::List(pair) => *pair,
                        _ => unreachable!("a map's entries are a list"),
                    },
                    crate::types::TypeDef::Error => TypeId::ERROR,
                    _ => {
                        let name = self.type_name(ty);
                        self.error(
                            Diagnostic::error("not-iterable", format!("cannot loop over `{name}`"))
                                .at(ast.exprs[iter].span, "not a list, map, range or `chars()`")
                                .hint("`for` walks a list, a map, `s.chars()`, or a range `a..b`"),
                        );
                        TypeId::ERROR
                    }
                }
            }
        }
    }

    /// Whether `ty` can be a range's bound (an integer); says so if not.
    pub(super) fn check_range_bound(&mut self, ty: TypeId, span: claw_syntax::Span) -> bool {
        let ty = self.shallow(ty);
        if ty == TypeId::ERROR || self.types.int_shape(ty).is_some() {
            return true;
        }
        let name = self.type_name(ty);
        self.error(
            Diagnostic::error("invalid-range", format!("cannot count over `{name}`"))
                .at(span, "a range needs integer bounds"),
        );
        false
    }
}

/// Whether the place is a whole variable rather than a part of one.
fn root_is_whole(ast: &claw_syntax::ast::Body, place: claw_syntax::ast::ExprId) -> bool {
    matches!(ast.exprs[ast.unparen(place)].kind, ExprKind::Path(_))
}
