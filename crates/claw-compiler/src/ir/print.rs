//! The IR as text: what `claw build --emit ir` prints and golden tests compare.
//!
//! It reads like Claw with everything the lowering decided made visible: locals carry their
//! number (`x.3`; the lowering's own start with `%`), globals an `@`, every binary operation
//! its parentheses, ownership its operation (`copy(…)`, `persist(…)`, `replace` for a store
//! that releases the old value), and an element read that needs no bounds check says so
//! (`xs.1[i.2 unchecked]`). Constants are written as WAVE writes values.

use std::fmt::Write;

use super::*;
use crate::program::Program;
use crate::types::{TypeDef, Types};

/// The module's globals and function bodies, in the program's order.
pub fn print(module: &Module, program: &Program) -> String {
    let types = &program.types;
    let mut out = String::new();
    for (global, value) in program.globals.iter().zip(&module.globals) {
        let _ = writeln!(
            out,
            "global @{}: {} = {};",
            global.name,
            types.name(global.ty),
            constant(types, global.ty, value)
        );
    }
    for func in module.funcs.iter().flatten() {
        if !out.is_empty() {
            out.push('\n');
        }
        let mut printer = Printer {
            types,
            program,
            func,
            out: String::new(),
            indent: 0,
        };
        printer.func();
        out.push_str(&printer.out);
    }
    out
}

struct Printer<'a> {
    types: &'a Types,
    program: &'a Program,
    func: &'a Func,
    out: String,
    indent: usize,
}

impl Printer<'_> {
    fn func(&mut self) {
        let params: Vec<String> = self
            .func
            .params
            .iter()
            .map(|&p| format!("{}: {}", self.local(p), self.local_type(p)))
            .collect();
        let _ = write!(self.out, "func {}({})", self.func.name, params.join(", "));
        if let Some(result) = self.func.result {
            let _ = write!(self.out, " -> {}", self.types.name(result));
        }
        self.out.push(' ');
        self.block(&self.func.body);
        self.out.push('\n');
    }

    fn local(&self, local: Local) -> String {
        format!("{}.{}", self.func.locals[local.0 as usize].name, local.0)
    }

    fn local_type(&self, local: Local) -> String {
        self.types.name(self.func.locals[local.0 as usize].ty)
    }

    fn line(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
    }

    fn block(&mut self, block: &Block) {
        self.out.push('{');
        self.indent += 1;
        for stmt in block {
            self.line();
            self.stmt(stmt);
        }
        self.indent -= 1;
        if !block.is_empty() {
            self.line();
        }
        self.out.push('}');
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Let(local, value) => {
                let head = format!("let {}: {} = ", self.local(*local), self.local_type(*local));
                self.out.push_str(&head);
                self.expr(value);
                self.out.push(';');
            }
            StmtKind::Assign {
                place,
                value,
                release,
            } => {
                if *release {
                    self.out.push_str("replace ");
                }
                self.place(place);
                self.out.push_str(" = ");
                self.expr(value);
                self.out.push(';');
            }
            StmtKind::Compound {
                place,
                op,
                value,
                own,
                release,
            } => {
                if *release {
                    self.out.push_str("replace ");
                }
                self.place(place);
                let _ = write!(self.out, " {}= ", op.symbol());
                self.expr(value);
                match own {
                    Own::Keep => {}
                    Own::Copy => self.out.push_str(" then copy"),
                    Own::Persist => self.out.push_str(" then persist"),
                }
                self.out.push(';');
            }
            StmtKind::Expr(value) => {
                self.expr(value);
                self.out.push(';');
            }
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.out.push_str("if ");
                match cond {
                    Cond::Expr(cond) => self.expr(cond),
                    Cond::Let(pat, value, _) => {
                        self.out.push_str("let ");
                        self.pat(pat, value.ty);
                        self.out.push_str(" = ");
                        self.expr(value);
                    }
                }
                self.out.push(' ');
                self.block(then);
                match &otherwise[..] {
                    [] => {}
                    [only @ Stmt {
                        kind: StmtKind::If { .. },
                        ..
                    }] => {
                        self.out.push_str(" else ");
                        self.stmt(only);
                    }
                    _ => {
                        self.out.push_str(" else ");
                        self.block(otherwise);
                    }
                }
            }
            StmtKind::Loop { cond, body, step } => {
                match cond {
                    Some(cond) => {
                        self.out.push_str("while ");
                        self.expr(cond);
                        self.out.push(' ');
                    }
                    None => self.out.push_str("loop "),
                }
                self.block(body);
                if !step.is_empty() {
                    self.out.push_str(" step ");
                    self.block(step);
                }
            }
            StmtKind::Break(0) => self.out.push_str("break;"),
            StmtKind::Continue(0) => self.out.push_str("continue;"),
            StmtKind::Break(n) => {
                let _ = write!(self.out, "break {n};");
            }
            StmtKind::Continue(n) => {
                let _ = write!(self.out, "continue {n};");
            }
            StmtKind::Return(value) => {
                self.out.push_str("return");
                if let Some(value) = value {
                    self.out.push(' ');
                    self.expr(value);
                }
                self.out.push(';');
            }
        }
    }

    fn list(&mut self, open: &str, items: &[Expr], close: &str) {
        self.out.push_str(open);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(item);
        }
        self.out.push_str(close);
    }

    fn expr(&mut self, expr: &Expr) {
        let types = self.types;
        match &expr.kind {
            ExprKind::Const(value) => {
                let text = constant(types, expr.ty, value);
                self.out.push_str(&text);
            }
            ExprKind::Read(place) => self.place(place),
            ExprKind::Own(own, value) => {
                self.out.push_str(match own {
                    Own::Persist => "persist(",
                    _ => "copy(",
                });
                self.expr(value);
                self.out.push(')');
            }
            ExprKind::Field(base, index) => {
                self.expr(base);
                let name = member(types, base.ty, *index);
                let _ = write!(self.out, ".{name}");
            }
            ExprKind::Index {
                list,
                index,
                checked,
            } => {
                self.expr(list);
                self.out.push('[');
                self.expr(index);
                if !checked {
                    self.out.push_str(" unchecked");
                }
                self.out.push(']');
            }
            ExprKind::Call(func, args) => {
                let name = self.program.funcs[func.0 as usize].name.clone();
                self.list(&format!("{name}("), args, ")");
            }
            ExprKind::Case(case, payload) => {
                let name = types.case(expr.ty, *case).map_or("?", |c| c.0).to_string();
                self.out.push_str(&name);
                if let Some(payload) = payload {
                    self.list("(", std::slice::from_ref(payload), ")");
                }
            }
            ExprKind::List(items) => self.list("[", items, "]"),
            ExprKind::Tuple(items) => self.list("(", items, ")"),
            ExprKind::Record(fields) => {
                self.out.push('{');
                for (i, (index, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    let name = member(types, expr.ty, *index);
                    let _ = write!(self.out, "{name}: ");
                    self.expr(value);
                }
                self.out.push('}');
            }
            ExprKind::Unary(op, value) => {
                self.out.push_str(match op {
                    claw_syntax::ast::UnaryOp::Neg => "-",
                    claw_syntax::ast::UnaryOp::Not => "!",
                });
                self.expr(value);
            }
            ExprKind::Binary(op, lhs, rhs) => {
                self.out.push('(');
                self.expr(lhs);
                let _ = write!(self.out, " {} ", op.symbol());
                self.expr(rhs);
                self.out.push(')');
            }
            ExprKind::Cast(value) => {
                self.out.push('(');
                self.expr(value);
                let _ = write!(self.out, " as {})", types.name(expr.ty));
            }
            ExprKind::Match(scrutinee, arms, tree) => {
                self.out.push_str("match ");
                self.expr(scrutinee);
                self.out.push_str(" {");
                self.indent += 1;
                for arm in arms {
                    self.line();
                    self.pat(&arm.pat, scrutinee.ty);
                    if let Some(guard) = &arm.guard {
                        self.out.push_str(" if ");
                        self.expr(guard);
                    }
                    self.out.push_str(" => ");
                    if !arm.body.is_empty() || arm.value.is_none() {
                        self.block(&arm.body);
                    }
                    if let Some(value) = &arm.value {
                        if !arm.body.is_empty() {
                            self.out.push(' ');
                        }
                        self.expr(value);
                    }
                    self.out.push(',');
                }
                self.indent -= 1;
                self.line();
                self.out.push_str("} by ");
                self.decision(&tree.root, scrutinee.ty);
                for (arm, after) in &tree.after {
                    let _ = write!(self.out, ", after arm {arm}'s guard by ");
                    self.decision(after, scrutinee.ty);
                }
            }
            ExprKind::Try(value) => {
                self.expr(value);
                self.out.push('?');
            }
            ExprKind::Check(cond, message) => {
                self.out.push_str("check!(");
                self.expr(cond);
                let _ = write!(self.out, ", {message:?})");
            }
            ExprKind::Builtin(builtin, args) => {
                let name = match builtin {
                    Builtin::Len => "len",
                    Builtin::ToString => "to-string",
                    Builtin::Print { newline: true } => "println",
                    Builtin::Print { newline: false } => "print",
                    Builtin::CharAt => "char-at",
                    Builtin::Drop => "drop",
                    Builtin::New => "new",
                    Builtin::Rep => "rep",
                    Builtin::FromUtf8 => "from-utf8",
                    Builtin::Reinterpret => "reinterpret",
                    Builtin::MapGet => "map-get",
                    Builtin::MapHas => "map-has",
                    Builtin::MapLookup => "map-lookup",
                    Builtin::MapFrom => "map-from",
                    Builtin::Float(op) => op.name(),
                    Builtin::Slice { inclusive: false } => "slice",
                    Builtin::Slice { inclusive: true } => "slice-inclusive",
                };
                self.list(&format!("{name}("), args, ")");
            }
            ExprKind::Push(place, at, value) => {
                self.out.push_str(match at {
                    Slot::End => "push(",
                    Slot::At(_) => "insert(",
                    Slot::Key(_) => "map-insert(",
                });
                self.place(place);
                if let Some(at) = at.expr() {
                    self.out.push_str(", ");
                    self.expr(at);
                }
                self.out.push_str(", ");
                self.expr(value);
                self.out.push(')');
            }
            ExprKind::Pop(place, at) => {
                self.out.push_str(match at {
                    Slot::End => "pop(",
                    Slot::At(_) => "remove(",
                    Slot::Key(_) => "map-remove(",
                });
                self.place(place);
                if let Some(at) = at.expr() {
                    self.out.push_str(", ");
                    self.expr(at);
                }
                self.out.push(')');
            }
            ExprKind::Take(place) => {
                self.out.push_str("take(");
                self.place(place);
                self.out.push(')');
            }
            ExprKind::Unreachable => self.out.push_str("unreachable"),
        }
    }

    fn place(&mut self, place: &Place) {
        let mut ty = match place.root {
            Var::Local(local) => {
                let name = self.local(local);
                self.out.push_str(&name);
                self.func.locals[local.0 as usize].ty
            }
            Var::Global(global) => {
                let def = &self.program.globals[global.0 as usize];
                let _ = write!(self.out, "@{}", def.name);
                def.ty
            }
        };
        // The field names of a resource's representation, right after `->`.
        let mut rep_fields: Option<Vec<(String, TypeId)>> = None;
        for step in &place.path {
            match step {
                Step::Deref => {
                    let implementation = self
                        .types
                        .resource(ty)
                        .and_then(|r| self.program.implementation(r));
                    rep_fields = implementation.map(|i| i.fields.clone());
                    ty = implementation.map_or(ty, |i| i.rep);
                    self.out.push_str("->");
                }
                Step::Field(index) => {
                    match rep_fields.take() {
                        Some(fields) => self.out.push_str(&fields[*index as usize].0),
                        None => {
                            let name = member(self.types, ty, *index);
                            let _ = write!(self.out, ".{name}");
                        }
                    }
                    ty = step_type(self.types, ty, *index);
                }
                Step::Index(index, checked) => {
                    self.out.push('[');
                    self.expr(index);
                    if !checked {
                        self.out.push_str(" unchecked");
                    }
                    self.out.push(']');
                    if let TypeDef::List(elem) = self.types.def(ty) {
                        ty = *elem;
                    }
                }
            }
        }
    }

    /// A `match`'s decision tree over a scrutinee of type `ty`: `switch` names the part it
    /// tests (`$` is the scrutinee, `$.0` a tuple's item, `$.some` a case's payload), each
    /// outcome the next node or the arm that runs (`arm 0` is the first).
    fn decision(&mut self, tree: &Decision, ty: TypeId) {
        use decision::Part;
        match tree {
            Decision::Arm(arm) => {
                let _ = write!(self.out, "arm {arm}");
            }
            Decision::Fail => self.out.push_str("fail"),
            Decision::Guard(arm) => {
                let _ = write!(self.out, "arm {arm} if guard");
            }
            Decision::Switch {
                path,
                ty: tested,
                cases,
                default,
            } => {
                self.out.push_str("switch $");
                let mut at = ty;
                for &part in path {
                    match part {
                        Part::Item(index) => {
                            let _ = write!(self.out, ".{index}");
                        }
                        Part::Payload(case) => {
                            let name = self.types.case(at, case).map_or("?", |(name, _)| name);
                            let _ = write!(self.out, ".{name}");
                        }
                    }
                    at = decision::part_type(self.types, at, part);
                }
                self.out.push_str(" {");
                self.indent += 1;
                for (test, next) in cases {
                    self.line();
                    self.test(test, *tested);
                    self.out.push_str(" => ");
                    self.decision(next, ty);
                    self.out.push(',');
                }
                if let Some(next) = default {
                    self.line();
                    self.out.push_str("_ => ");
                    self.decision(next, ty);
                    self.out.push(',');
                }
                self.indent -= 1;
                self.line();
                self.out.push('}');
            }
        }
    }

    /// What a test (or a literal pattern) requires of a value of type `ty`: a case by name,
    /// or the literal as Claw writes it.
    fn test(&mut self, test: &decision::Test, ty: TypeId) {
        use decision::Test;
        let _ = match test {
            Test::Case(case) => {
                let name = self.types.case(ty, *case).map_or("?", |(name, _)| name);
                write!(self.out, "{name}")
            }
            Test::Int(v) => write!(self.out, "{v}"),
            Test::Char(c) => write!(self.out, "{c:?}"),
            Test::Bool(b) => write!(self.out, "{b}"),
            Test::Str(text) => write!(self.out, "{text:?}"),
            Test::Range(lo, hi) => {
                let end = |v: i128| match char::from_u32(v as u32) {
                    Some(c) if ty == TypeId::CHAR => format!("{c:?}"),
                    _ => v.to_string(),
                };
                if *lo != i128::MIN {
                    self.out.push_str(&end(*lo));
                }
                if *hi == i128::MAX {
                    self.out.push_str("..");
                } else {
                    self.out.push_str("..=");
                    self.out.push_str(&end(*hi));
                }
                Ok(())
            }
        };
    }

    /// A pattern for a value of type `ty`, with cases by name.
    fn pat(&mut self, pat: &Pat, ty: TypeId) {
        match pat {
            Pat::Wildcard => self.out.push('_'),
            Pat::Bind(local) => {
                let name = self.local(*local);
                self.out.push_str(&name);
            }
            Pat::Case(case, payload) => {
                let (name, payload_ty) = self.types.case(ty, *case).unwrap_or(("?", None));
                self.out.push_str(name);
                if let (Some(payload), Some(payload_ty)) = (payload, payload_ty) {
                    self.out.push('(');
                    self.pat(payload, payload_ty);
                    self.out.push(')');
                }
            }
            Pat::Int(v) => self.test(&decision::Test::Int(*v), ty),
            Pat::Char(c) => self.test(&decision::Test::Char(*c), ty),
            Pat::Bool(b) => self.test(&decision::Test::Bool(*b), ty),
            Pat::Str(s) => self.test(&decision::Test::Str(s.clone()), ty),
            Pat::Range(lo, hi) => self.test(&decision::Test::Range(*lo, *hi), ty),
            Pat::Tuple(items) => {
                let types = match self.types.def(ty) {
                    TypeDef::Tuple(types) => types.clone(),
                    _ => Vec::new(),
                };
                self.out.push('(');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.pat(item, types.get(i).copied().unwrap_or(TypeId::ERROR));
                }
                self.out.push(')');
            }
            Pat::Or(alternatives) => {
                for (i, alternative) in alternatives.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(" | ");
                    }
                    self.pat(alternative, ty);
                }
            }
        }
    }
}

/// The name of field, flag or case `index` of `ty`.
fn member(types: &Types, ty: TypeId, index: u32) -> String {
    match types.def(ty) {
        TypeDef::Record { fields, .. } => fields[index as usize].0.clone(),
        TypeDef::Flags { flags, .. } => flags[index as usize].clone(),
        _ => index.to_string(),
    }
}

/// A constant of type `ty`, as WAVE writes it.
fn constant(types: &Types, ty: TypeId, value: &Const) -> String {
    let join = |values: &mut dyn Iterator<Item = String>| values.collect::<Vec<_>>().join(", ");
    match value {
        Const::Bool(b) => b.to_string(),
        Const::Int(v) => v.to_string(),
        Const::F32(v) => format!("{v:?}"),
        Const::F64(v) => format!("{v:?}"),
        Const::Char(c) => format!("{c:?}"),
        Const::Str(s) => format!("{s:?}"),
        Const::List(items) => {
            let elem = match types.def(ty) {
                TypeDef::List(elem) => *elem,
                _ => TypeId::ERROR,
            };
            format!(
                "[{}]",
                join(&mut items.iter().map(|i| constant(types, elem, i)))
            )
        }
        Const::Tuple(items) => match types.def(ty) {
            TypeDef::Record { fields, .. } => format!(
                "{{{}}}",
                join(
                    &mut fields
                        .iter()
                        .zip(items)
                        .map(|((n, t), i)| format!("{n}: {}", constant(types, *t, i)))
                )
            ),
            TypeDef::Tuple(elems) => format!(
                "({})",
                join(&mut elems.iter().zip(items).map(|(t, i)| constant(types, *t, i)))
            ),
            _ => "?".into(),
        },
        Const::Case(case, payload) => {
            let (name, payload_ty) = types.case(ty, *case).unwrap_or(("?", None));
            match (payload, payload_ty) {
                (Some(p), Some(t)) => format!("{name}({})", constant(types, t, p)),
                _ => name.to_string(),
            }
        }
        Const::Flags(set) => format!(
            "{{{}}}",
            join(&mut set.iter().map(|&i| member(types, ty, i)))
        ),
    }
}
