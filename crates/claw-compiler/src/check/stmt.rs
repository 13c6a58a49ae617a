//! Checking blocks and statements, and tracking whether control can fall off their end.

use std::collections::HashMap;

use claw_syntax::ast::{Block, ExprKind, StmtKind};

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

    fn stmt(&mut self, id: claw_syntax::ast::StmtId) -> bool {
        let ast = self.ast;
        let stmt = &ast.stmts[id];
        match &stmt.kind {
            StmtKind::For { .. } => {
                self.error(
                    crate::diagnostics::Diagnostic::error(
                        "unsupported",
                        "`for` is not supported yet",
                    )
                    .at(stmt.span, "not supported"),
                );
                false
            }
            StmtKind::Let {
                mutable,
                name,
                ty,
                init,
            } => {
                let annotated = ty.is_some();
                let ty = match ty {
                    Some(annotation) => {
                        let ty = self.resolve_type(annotation);
                        self.expr(
                            *init,
                            Some(Expect::because(ty, annotation.span, "this annotation")),
                        );
                        ty
                    }
                    None => match self.pins.get(&id) {
                        Some(&pinned) => self.expr(*init, Some(Expect::ty(pinned))),
                        None => self.expr(*init, None),
                    },
                };
                let flexible =
                    !annotated && !self.pins.contains_key(&id) && self.literal_like(*init);
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
                if flexible {
                    self.flexible.insert(local, id);
                }
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
                    self.expr(*cond, Some(Expect::ty(TypeId::BOOL)));
                    all_diverge &= self.block(body);
                }
                match otherwise {
                    Some(body) => all_diverge & self.block(body),
                    None => false,
                }
            }
            StmtKind::While { cond, body } => {
                self.expr(*cond, Some(Expect::ty(TypeId::BOOL)));
                self.loops.push(LoopFrame { has_break: false });
                self.block(body);
                self.loops.pop();
                false
            }
            StmtKind::Loop { body } => {
                self.loops.push(LoopFrame { has_break: false });
                self.block(body);
                let frame = self.loops.pop().expect("pushed above");
                !frame.has_break
            }
            StmtKind::Break | StmtKind::Continue => {
                let is_break = matches!(stmt.kind, StmtKind::Break);
                match self.loops.last_mut() {
                    Some(frame) => frame.has_break |= is_break,
                    None => {
                        let word = if is_break { "break" } else { "continue" };
                        self.error(
                            Diagnostic::error(
                                "outside-loop",
                                format!("`{word}` outside of a loop"),
                            )
                            .at(stmt.span, format!("cannot `{word}` here"))
                            .hint(format!(
                                "`{word}` can only be used inside `while` or `loop`"
                            )),
                        );
                    }
                }
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
                        let name = self.types.name(ty);
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
        let ast = self.ast;
        let place_span = ast.exprs[place].span;
        if !matches!(&ast.exprs[place].kind, ExprKind::Path(path) if path.len() == 1) {
            self.expr(place, None);
            self.expr(value, None);
            self.error(
                Diagnostic::error("invalid-assignment", "cannot assign to this expression")
                    .at(place_span, "not a variable")
                    .hint("only variables declared with `let mut` can be assigned"),
            );
            return;
        }
        let ty = self.expr(place, None);
        let (mutable, name, def_span) = match self.expr_res.get(place) {
            Some(Res::Local(local)) => {
                let def = &self.locals[local.0 as usize];
                (def.mutable, def.name.clone(), def.span)
            }
            Some(Res::Global(global)) => {
                let def = &self.globals[global.0 as usize];
                (def.mutable, def.name.clone(), def.span)
            }
            Some(_) => {
                self.expr(value, None);
                self.error(
                    Diagnostic::error("invalid-assignment", "cannot assign to this expression")
                        .at(place_span, "not a variable"),
                );
                return;
            }
            None => {
                self.expr(value, None);
                return;
            }
        };
        if !mutable {
            self.error(
                Diagnostic::error(
                    "assign-to-immutable",
                    format!("cannot assign to immutable `{name}`"),
                )
                .at(place_span, "cannot assign")
                .also(def_span, format!("`{name}` is declared here without `mut`"))
                .hint(format!("make it mutable: `let mut {name}`")),
            );
        }
        self.expr(
            value,
            Some(Expect::because(ty, def_span, "the variable's type")),
        );
        if let Some(op) = op {
            self.check_operator(op, ty, place_span);
        }
    }
}
