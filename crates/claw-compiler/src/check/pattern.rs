//! `match`: patterns, the bindings they introduce, the arms' common type, and exhaustiveness.

use std::collections::HashMap;

use claw_syntax::ast::{ArmBody, ExprId, MatchArm, PatId, PatKind};

use super::{Checker, Expect};
use crate::diagnostics::Diagnostic;
use crate::program::PatRes;
use crate::types::{TypeDef, TypeId};

impl Checker<'_> {
    /// Checks a `match`; as a statement (`statement`), arms may have any type and their values
    /// are dropped. Records in `diverging` a match all of whose arms diverge.
    pub(super) fn match_expr(
        &mut self,
        id: ExprId,
        scrutinee: ExprId,
        arms: &[MatchArm],
        expect: Option<Expect>,
        statement: bool,
    ) -> TypeId {
        let ty = self.expr(scrutinee, None);
        let mut result = if statement {
            Some(TypeId::UNIT)
        } else {
            expect.map(|e| e.ty)
        };
        let mut all_diverge = !arms.is_empty();
        for arm in arms {
            self.scopes.push(HashMap::new());
            self.pattern(arm.pat, ty);
            match &arm.body {
                ArmBody::Expr(body) => {
                    all_diverge = false;
                    if statement {
                        self.expr(*body, None);
                    } else {
                        match result {
                            Some(result) => {
                                self.expr(*body, Some(Expect::ty(result)));
                            }
                            None => result = Some(self.expr(*body, None)),
                        }
                    }
                }
                ArmBody::Block(block) => {
                    let diverges = self.block(block);
                    all_diverge &= diverges;
                    if !statement && !diverges {
                        let end = claw_syntax::Span {
                            start: block.span.end - 1,
                            ..block.span
                        };
                        self.error(
                            Diagnostic::error("arm-without-value", "this arm produces no value")
                                .at(end, "a block arm ends here without a value")
                                .hint("write the value after `=>`, or end the block with `return`"),
                        );
                    }
                }
            }
            self.scopes.pop();
        }
        if all_diverge {
            self.diverging.insert(id, ());
        }
        if ty != TypeId::ERROR {
            let pats: Vec<PatId> = arms.iter().map(|a| a.pat).collect();
            let missing = self.missing(&pats, ty);
            if !missing.is_empty() {
                let shown: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
                let span = self.ast.exprs[scrutinee].span;
                self.error(
                    Diagnostic::error(
                        "non-exhaustive-match",
                        format!("non-exhaustive match: {} not covered", shown.join(", ")),
                    )
                    .at(span, format!("this is `{}`", self.types.name(ty)))
                    .hint(format!(
                        "add arm{} for {}, or a `_ => …` arm",
                        if missing.len() == 1 { "" } else { "s" },
                        shown.join(", ")
                    )),
                );
            }
        }
        result.unwrap_or(TypeId::UNIT)
    }

    fn pattern(&mut self, pat: PatId, ty: TypeId) {
        let ast = self.ast;
        self.pat_types.insert(pat, ty);
        let span = ast.pats[pat].span;
        let mismatch = |this: &mut Self, what: &str| {
            if ty == TypeId::ERROR {
                return;
            }
            let name = this.types.name(ty);
            this.error(
                Diagnostic::error(
                    "pattern-mismatch",
                    format!("expected a pattern for `{name}`, found {what}"),
                )
                .at(span, format!("this pattern cannot match a `{name}`")),
            );
        };
        match &ast.pats[pat].kind {
            PatKind::Wildcard => {}
            PatKind::Name(name) => match self.case_index(ty, &name.text) {
                Some(case) => {
                    self.pat_res.insert(pat, PatRes::Case(case));
                    let cases = self.types.cases(ty).unwrap_or_default();
                    if cases[case as usize].1.is_some() {
                        self.error(
                            Diagnostic::error(
                                "missing-payload",
                                format!("case `{}` carries a value", name.text),
                            )
                            .at(name.span, format!("write `{}(_)`", name.text)),
                        );
                    }
                }
                None => {
                    let local = self.new_local(name, ty, false);
                    self.pat_res.insert(pat, PatRes::Bind(local));
                    self.scopes
                        .last_mut()
                        .expect("an arm scope is open")
                        .insert(name.text.clone(), local);
                }
            },
            PatKind::Case { path, payload } => {
                let name = path.last().expect("a path has a name");
                if let [ty_name, _] = path.as_slice() {
                    if self.type_names.get(&ty_name.text) != Some(&ty) && ty != TypeId::ERROR {
                        mismatch(self, &format!("a case of `{}`", ty_name.text));
                        return;
                    }
                }
                let Some(cases) = self.types.cases(ty) else {
                    mismatch(self, &format!("the case `{}`", name.text));
                    return;
                };
                let Some(index) = cases.iter().position(|c| c.0 == name.text) else {
                    self.unknown(ty, "case", name);
                    return;
                };
                self.pat_res.insert(pat, PatRes::Case(index as u32));
                match (cases[index].1, payload) {
                    (Some(inner), Some(payload)) => self.pattern(*payload, inner),
                    (None, None) => {}
                    (Some(_), None) => {
                        self.error(
                            Diagnostic::error(
                                "missing-payload",
                                format!("case `{}` carries a value", name.text),
                            )
                            .at(name.span, format!("write `{}(_)`", name.text)),
                        );
                    }
                    (None, Some(payload)) => {
                        self.pattern(*payload, TypeId::ERROR);
                        self.error(
                            Diagnostic::error(
                                "unexpected-payload",
                                format!("case `{}` carries no value", name.text),
                            )
                            .at(ast.pats[*payload].span, "remove this pattern"),
                        );
                    }
                }
            }
            PatKind::Int(value) => match self.types.int_shape(ty) {
                Some(shape) => {
                    if *value < shape.min() || *value > shape.max() {
                        let name = self.types.name(ty);
                        self.error(
                            Diagnostic::error(
                                "literal-out-of-range",
                                format!("literal out of range for `{name}`"),
                            )
                            .at(
                                span,
                                format!("`{name}` holds {} to {}", shape.min(), shape.max()),
                            ),
                        );
                    }
                }
                None => mismatch(self, "an integer"),
            },
            PatKind::Str(_) if ty != TypeId::STRING => mismatch(self, "a string"),
            PatKind::Char(_) if ty != TypeId::CHAR => mismatch(self, "a char"),
            PatKind::Bool(_) if ty != TypeId::BOOL => mismatch(self, "a bool"),
            PatKind::Str(_) | PatKind::Char(_) | PatKind::Bool(_) => {}
            PatKind::Tuple(items) => {
                let types = match self.types.def(ty) {
                    TypeDef::Tuple(types) if types.len() == items.len() => types.clone(),
                    _ => {
                        mismatch(self, &format!("a tuple of {}", items.len()));
                        vec![TypeId::ERROR; items.len()]
                    }
                };
                for (&item, ty) in items.iter().zip(types) {
                    self.pattern(item, ty);
                }
            }
        }
    }

    /// Whether a pattern matches every value of its type.
    fn irrefutable(&self, pat: PatId) -> bool {
        match &self.ast.pats[pat].kind {
            PatKind::Wildcard => true,
            PatKind::Name(_) => matches!(self.pat_res.get(pat), Some(PatRes::Bind(_)) | None),
            PatKind::Tuple(items) => items.iter().all(|&p| self.irrefutable(p)),
            _ => false,
        }
    }

    /// The values (as patterns) that none of `pats` matches.
    fn missing(&self, pats: &[PatId], ty: TypeId) -> Vec<String> {
        if pats.iter().any(|&p| self.irrefutable(p)) || ty == TypeId::ERROR {
            return Vec::new();
        }
        if let Some(cases) = self.types.cases(ty) {
            let mut missing = Vec::new();
            for (index, (name, payload)) in cases.iter().enumerate() {
                let mut subpats = Vec::new();
                let mut whole = false;
                for &pat in pats {
                    if self.pat_res.get(pat) != Some(&PatRes::Case(index as u32)) {
                        continue;
                    }
                    match &self.ast.pats[pat].kind {
                        PatKind::Case {
                            payload: Some(sub), ..
                        } => subpats.push(*sub),
                        _ => whole = true,
                    }
                }
                match payload {
                    None if whole || !subpats.is_empty() => {}
                    None => missing.push(name.clone()),
                    Some(_) if whole => {}
                    Some(inner) => {
                        if subpats.is_empty() {
                            missing.push(format!("{name}(_)"));
                        } else if let Some(first) = self.missing(&subpats, *inner).first() {
                            missing.push(format!("{name}({first})"));
                        }
                    }
                }
            }
            return missing;
        }
        if ty == TypeId::BOOL {
            let has = |value: bool| {
                pats.iter()
                    .any(|&p| matches!(self.ast.pats[p].kind, PatKind::Bool(b) if b == value))
            };
            return [true, false]
                .into_iter()
                .filter(|&v| !has(v))
                .map(|v| v.to_string())
                .collect();
        }
        vec!["_".to_string()]
    }
}
