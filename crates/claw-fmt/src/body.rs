//! Statements, expressions and patterns.

use claw_syntax::ast::{
    ArmBody, Block, ExprId, ExprKind, MatchArm, Name, PatId, PatKind, StmtId, StmtKind, UnaryOp,
};

use crate::doc::{group, text, Doc};
use crate::items::Pad;
use crate::Fmt;

impl<'a> Fmt<'a> {
    /// `{`, a statement a line, `}`; `{}` when there is nothing in it.
    pub(crate) fn block(&mut self, block: &'a Block) -> Doc {
        let close = block.span.end as usize - 1;
        let (inner, prev) = self.lines(
            &block.stmts,
            |fmt, &id| fmt.body().stmts[id].span,
            |fmt, &id| fmt.stmt(id),
            close,
        );
        self.close_block(String::new(), inner, close, prev)
    }

    fn stmt(&mut self, id: StmtId) -> Doc {
        let body = self.body();
        match &body.stmts[id].kind {
            StmtKind::Let {
                mutable,
                name,
                ty,
                init,
            } => {
                let mut head = String::from("let ");
                if *mutable {
                    head += "mut ";
                }
                head += self.src(name.span);
                if let Some(ty) = ty {
                    head += &format!(": {}", self.ty(ty));
                }
                head += " = ";
                group(vec![text(head), self.expr(*init), text(";")])
            }
            StmtKind::Assign { place, op, value } => {
                let op = match op {
                    Some(op) => format!(" {}= ", op.symbol()),
                    None => " = ".into(),
                };
                group(vec![
                    self.expr(*place),
                    text(op),
                    self.expr(*value),
                    text(";"),
                ])
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let mut parts = Vec::new();
                for (index, (cond, block)) in branches.iter().enumerate() {
                    parts.push(text(if index == 0 { "if " } else { " else if " }));
                    parts.push(self.expr(*cond));
                    parts.push(text(" "));
                    parts.push(self.block(block));
                }
                if let Some(block) = otherwise {
                    parts.push(text(" else "));
                    parts.push(self.block(block));
                }
                Doc::Concat(parts)
            }
            StmtKind::While { label, cond, body } => Doc::Concat(vec![
                self.label(label),
                text("while "),
                self.expr(*cond),
                text(" "),
                self.block(body),
            ]),
            StmtKind::Loop { label, body } => {
                Doc::Concat(vec![self.label(label), text("loop "), self.block(body)])
            }
            StmtKind::For {
                label,
                binding,
                iter,
                body,
            } => Doc::Concat(vec![
                self.label(label),
                text(format!("for {} in ", self.src(binding.span))),
                self.expr(*iter),
                text(" "),
                self.block(body),
            ]),
            StmtKind::Break(label) => text(jump("break", label)),
            StmtKind::Continue(label) => text(jump("continue", label)),
            StmtKind::Return(None) => text("return;"),
            StmtKind::Return(Some(value)) => {
                group(vec![text("return "), self.expr(*value), text(";")])
            }
            StmtKind::Expr(expr) => {
                // A `match` statement ends at its `}`, as `if` does.
                if matches!(body.exprs[*expr].kind, ExprKind::Match { .. }) {
                    self.expr(*expr)
                } else {
                    Doc::Concat(vec![self.expr(*expr), text(";")])
                }
            }
        }
    }

    /// `{name: value, …}` up to the `}` at `close`.
    fn record(&mut self, fields: &'a [(Name, ExprId)], close: usize) -> Doc {
        self.list(
            "{",
            fields,
            |fmt, (name, value)| (name.span.start as usize, expr_range(fmt, *value).1),
            |fmt, (name, value)| {
                Doc::Concat(vec![
                    text(format!("{}: ", fmt.src(name.span))),
                    fmt.expr(*value),
                ])
            },
            close,
            "}",
            Pad::None,
        )
    }

    pub(crate) fn expr(&mut self, id: ExprId) -> Doc {
        let body = self.body();
        let expr = &body.exprs[id];
        let lead = self.lines_before(expr.span.start as usize, None);
        let doc = match &expr.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Char(_)
            | ExprKind::Bool(_)
            | ExprKind::Error => text(self.src(expr.span)),
            ExprKind::Path(names) => text(self.path(names)),
            ExprKind::Call { callee, args } => {
                let close = expr.span.end as usize - 1;
                Doc::Concat(vec![
                    text(self.path(callee)),
                    self.args("(", args, close, ")"),
                ])
            }
            ExprKind::List(items) => self.args("[", items, expr.span.end as usize - 1, "]"),
            ExprKind::Tuple(items) => {
                let close = expr.span.end as usize - 1;
                let pad = Pad::tuple(items.len());
                self.list(
                    "(",
                    items,
                    |fmt, &item| expr_range(fmt, item),
                    |fmt, &item| fmt.expr(item),
                    close,
                    ")",
                    pad,
                )
            }
            ExprKind::Paren(inner) => Doc::Concat(vec![text("("), self.expr(*inner), text(")")]),
            ExprKind::Record(fields) => self.record(fields, expr.span.end as usize - 1),
            ExprKind::New { ty, fields } => Doc::Concat(vec![
                text(format!("new {} ", self.src(ty.span))),
                self.record(fields, expr.span.end as usize - 1),
            ]),
            ExprKind::Flags(names) => self.list(
                "{",
                names,
                |_, name: &Name| (name.span.start as usize, name.span.end as usize),
                |fmt, name| text(fmt.src(name.span)),
                expr.span.end as usize - 1,
                "}",
                Pad::None,
            ),
            ExprKind::Map(entries) => self.list(
                "{",
                entries,
                |fmt, (key, value)| (expr_range(fmt, *key).0, expr_range(fmt, *value).1),
                |fmt, (key, value)| Doc::Concat(vec![fmt.expr(*key), text(": "), fmt.expr(*value)]),
                expr.span.end as usize - 1,
                "}",
                Pad::None,
            ),
            ExprKind::Field { base, name } => Doc::Concat(vec![
                self.expr(*base),
                text(format!(".{}", self.src(name.span))),
            ]),
            ExprKind::Index { base, index } => Doc::Concat(vec![
                self.expr(*base),
                text("["),
                self.expr(*index),
                text("]"),
            ]),
            ExprKind::Method {
                receiver,
                name,
                args,
            } => {
                let receiver = self.expr(*receiver);
                let close = expr.span.end as usize - 1;
                Doc::Concat(vec![
                    receiver,
                    text(format!(".{}", self.src(name.span))),
                    self.args("(", args, close, ")"),
                ])
            }
            ExprKind::Range {
                start,
                end,
                inclusive,
            } => Doc::Concat(vec![
                self.expr(*start),
                text(if *inclusive { "..=" } else { ".." }),
                self.expr(*end),
            ]),
            ExprKind::Match { scrutinee, arms } => {
                let head = Doc::Concat(vec![text("match "), self.expr(*scrutinee), text(" ")]);
                let close = expr.span.end as usize - 1;
                let (inner, prev) =
                    self.lines(arms, |_, arm| arm.span, |fmt, arm| fmt.arm(arm), close);
                Doc::Concat(vec![
                    head,
                    self.close_block(String::new(), inner, close, prev),
                ])
            }
            ExprKind::Let { pat, value } => Doc::Concat(vec![
                text("let "),
                self.pat(*pat),
                text(" = "),
                self.expr(*value),
            ]),
            ExprKind::Try(inner) => Doc::Concat(vec![self.expr(*inner), text("?")]),
            ExprKind::Check { cond, .. } => {
                Doc::Concat(vec![text("check!("), self.expr(*cond), text(")")])
            }
            // The literal as written: its placeholders are part of its text.
            ExprKind::Format(_) => {
                let source = self.src(self.body().exprs[id].span);
                let (open, close) = (source.find('"'), source.rfind('"'));
                match (open, close) {
                    (Some(open), Some(close)) if open < close => {
                        text(format!("format!({})", &source[open..=close]))
                    }
                    _ => text(source.to_owned()),
                }
            }
            ExprKind::Unary { op, operand } => Doc::Concat(vec![
                text(match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Not => "!",
                }),
                self.expr(*operand),
            ]),
            ExprKind::Binary { op, lhs, rhs } => {
                let lhs = self.expr(*lhs);
                let rhs = self.expr(*rhs);
                if lhs.hard() || rhs.hard() {
                    // A `match` on either side already takes lines; the operator stays on
                    // the line where the match ends or starts.
                    return self.with_lead(
                        lead,
                        Doc::Concat(vec![lhs, text(format!(" {} ", op.symbol())), rhs]),
                    );
                }
                group(vec![
                    lhs,
                    Doc::Nest(vec![Doc::Line, text(format!("{} ", op.symbol())), rhs]),
                ])
            }
            ExprKind::Cast { expr, ty } => {
                Doc::Concat(vec![self.expr(*expr), text(format!(" as {}", self.ty(ty)))])
            }
        };
        self.with_lead(lead, doc)
    }

    /// `doc` after the comment lines `lead`.
    fn with_lead(&self, lead: Vec<Doc>, doc: Doc) -> Doc {
        if lead.is_empty() {
            doc
        } else {
            Doc::Concat([lead, vec![doc]].concat())
        }
    }

    /// `pat => value,` or `pat => { … }`.
    fn arm(&mut self, arm: &'a MatchArm) -> Doc {
        let mut pat = self.pat(arm.pat);
        if let Some(guard) = arm.guard {
            pat = Doc::Concat(vec![pat, text(" if "), self.expr(guard)]);
        }
        match &arm.body {
            ArmBody::Expr(value) => group(vec![pat, text(" => "), self.expr(*value), text(",")]),
            ArmBody::Block(block) => Doc::Concat(vec![pat, text(" => "), self.block(block)]),
        }
    }

    /// Call arguments or list elements.
    fn args(&mut self, open: &str, args: &'a [ExprId], close_at: usize, close: &str) -> Doc {
        self.list(
            open,
            args,
            |fmt, &arg| expr_range(fmt, arg),
            |fmt, &arg| fmt.expr(arg),
            close_at,
            close,
            Pad::None,
        )
    }

    fn pat(&mut self, id: PatId) -> Doc {
        let body = self.body();
        let pat = &body.pats[id];
        let lead = self.lines_before(pat.span.start as usize, None);
        let doc = match &pat.kind {
            // A negative number as one token, `-3`, however it was spaced (unless a comment
            // sits inside it).
            PatKind::Int(_) if !self.src(pat.span).contains("//") => {
                text(self.src(pat.span).replace(char::is_whitespace, ""))
            }
            PatKind::Int(_) => text(self.src(pat.span)),
            PatKind::Wildcard
            | PatKind::Name(_)
            | PatKind::Str(_)
            | PatKind::Char(_)
            | PatKind::Bool(_) => text(self.src(pat.span)),
            PatKind::Case { path, payload } => match payload {
                Some(payload) => Doc::Concat(vec![
                    text(format!("{}(", self.path(path))),
                    self.pat(*payload),
                    text(")"),
                ]),
                None => text(self.path(path)),
            },
            PatKind::Tuple(items) => {
                let pad = Pad::tuple(items.len());
                self.list(
                    "(",
                    items,
                    |fmt, &item| {
                        let span = fmt.body().pats[item].span;
                        (span.start as usize, span.end as usize)
                    },
                    |fmt, &item| fmt.pat(item),
                    pat.span.end as usize - 1,
                    ")",
                    pad,
                )
            }
            PatKind::Or(alternatives) => {
                let mut parts = Vec::new();
                for (i, &alternative) in alternatives.iter().enumerate() {
                    if i > 0 {
                        parts.push(text(" | "));
                    }
                    parts.push(self.pat(alternative));
                }
                Doc::Concat(parts)
            }
            PatKind::Range {
                start,
                end,
                inclusive,
            } => {
                let mut parts = Vec::new();
                if let Some(start) = start {
                    parts.push(self.pat(*start));
                }
                parts.push(text(if *inclusive { "..=" } else { ".." }));
                if let Some(end) = end {
                    parts.push(self.pat(*end));
                }
                Doc::Concat(parts)
            }
        };
        if lead.is_empty() {
            doc
        } else {
            Doc::Concat([lead, vec![doc]].concat())
        }
    }

    /// `a::b`, names as written.
    fn path(&self, names: &[Name]) -> String {
        let names: Vec<&str> = names.iter().map(|name| self.src(name.span)).collect();
        names.join("::")
    }
}

fn expr_range(fmt: &Fmt<'_>, id: ExprId) -> (usize, usize) {
    let span = fmt.body().exprs[id].span;
    (span.start as usize, span.end as usize)
}

/// `break;` or `break 'outer;`.
fn jump(word: &str, label: &Option<claw_syntax::ast::Name>) -> String {
    match label {
        Some(label) => format!("{word} {};", label.text),
        None => format!("{word};"),
    }
}
