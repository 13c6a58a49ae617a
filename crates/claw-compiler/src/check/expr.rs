//! Checking expressions, with bidirectional inference: literals take their type from what is
//! expected of them, and an operator's literal operand takes its type from the other operand.

use claw_syntax::ast::{BinaryOp, ExprId, ExprKind, Name, UnaryOp};
use claw_syntax::Span;

use super::infer::Deferred;
use super::{Checker, Expect, ItemRes};
use crate::diagnostics::Diagnostic;
use crate::program::Res;
use crate::types::{TypeDef, TypeId};

impl Checker<'_> {
    /// Checks `id`, against `expect` if given, records and returns its type.
    pub(super) fn expr(&mut self, id: ExprId, expect: Option<Expect>) -> TypeId {
        // A variable already bound is the type it stands for, for every check below.
        let expect = expect.map(|e| Expect {
            ty: self.shallow(e.ty),
            ..e
        });
        if let ExprKind::Paren(inner) = self.body.exprs[id].kind {
            let ty = match self.one_tuple(inner, expect) {
                // WAVE writes a one-element tuple as `(x)`. Its flat form and layout are those
                // of `x`; lowering wraps the value where the types of `(x)` and `x` differ.
                Some(element) => {
                    let expect = expect.expect("checked");
                    self.expr(
                        inner,
                        Some(Expect {
                            ty: element,
                            ..expect
                        }),
                    );
                    expect.ty
                }
                None => self.expr(inner, expect),
            };
            self.expr_types.insert(id, ty);
            return ty;
        }
        let ty = self.infer(id, expect);
        if let Some(expect) = expect {
            // An owned handle is lent where a borrow is expected.
            let lent = self.lends(ty, expect.ty);
            if !lent && !self.unify(ty, expect.ty) {
                self.type_mismatch(self.body.exprs[id].span, expect, ty);
            }
        }
        self.expr_types.insert(id, ty);
        self.shallow(ty)
    }

    fn infer(&mut self, id: ExprId, expect: Option<Expect>) -> TypeId {
        let ast = self.body;
        let span = ast.exprs[id].span;
        match &ast.exprs[id].kind {
            ExprKind::Error => TypeId::ERROR,
            ExprKind::New { ty, fields } => self.new_resource(id, ty, fields, span),
            // `expr` checks parentheses itself, for the one-element tuple.
            ExprKind::Paren(inner) => self.expr(*inner, expect),
            ExprKind::Bool(_) => TypeId::BOOL,
            ExprKind::Str(_) => TypeId::STRING,
            ExprKind::Int(value) => self.int_literal(*value as i128, span, expect),
            ExprKind::Float(value) => self.float_literal(*value, span, expect),
            ExprKind::Unary {
                op: UnaryOp::Neg,
                operand,
            } if matches!(ast.exprs[ast.unparen(*operand)].kind, ExprKind::Int(_)) => {
                // `-128` is one literal, so it fits `s8`; so is `-(128)`.
                let ExprKind::Int(value) = ast.exprs[ast.unparen(*operand)].kind else {
                    unreachable!()
                };
                let ty = self.int_literal(-(value as i128), span, expect);
                let mut inner = *operand;
                loop {
                    self.expr_types.insert(inner, ty);
                    match ast.exprs[inner].kind {
                        ExprKind::Paren(next) => inner = next,
                        _ => break ty,
                    }
                }
            }
            ExprKind::Unary { op, operand } => {
                let ty = self.expr(*operand, expect.map(|e| Expect::ty(e.ty)));
                if self.unbound_var(ty).is_some() {
                    self.deferred.push(Deferred::Unary { op: *op, ty, span });
                } else {
                    self.check_unary(*op, ty, span);
                }
                ty
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, *lhs, *rhs, span, expect),
            ExprKind::Cast { expr, ty } => {
                let target = self.resolve_type(ty);
                let source = self.expr(*expr, None);
                let numeric = |t| t == TypeId::ERROR || self.numeric(t);
                // The `char` library converts code points with `as`, after testing them.
                let code_point = span.file == crate::library::LIBRARY_FILE
                    && matches!(
                        (source, target),
                        (TypeId::CHAR, TypeId::U32) | (TypeId::U32, TypeId::CHAR)
                    );
                if !code_point && (!numeric(source) || !numeric(target)) {
                    let hint = if source == TypeId::CHAR || target == TypeId::CHAR {
                        "a `char`'s code point is `c.code()`, and `char::from-code(n)` is the char of one"
                    } else {
                        "`as` converts between integer and float types"
                    };
                    self.error(
                        Diagnostic::error(
                            "invalid-cast",
                            format!(
                                "cannot cast `{}` as `{}`",
                                self.type_name(source),
                                self.type_name(target)
                            ),
                        )
                        .at(span, "only numeric types can be cast")
                        .hint(hint),
                    );
                }
                target
            }
            ExprKind::Path(path) => self.path(id, path, expect),
            ExprKind::Call { callee, args } => self.call(id, callee, args, span, expect),
            ExprKind::Char(_) => TypeId::CHAR,
            ExprKind::List(items) => self.list_literal(items, span, expect),
            ExprKind::Tuple(items) => self.tuple_literal(items, span, expect),
            ExprKind::Record(fields) => self.record_literal(fields, span, expect),
            ExprKind::Flags(names) => self.flags_literal(names, span, expect),
            ExprKind::Map(entries) => self.map_literal(entries, span, expect),
            ExprKind::Field { base, name } => self.field(id, *base, name),
            ExprKind::Index { base, index } => self.index(id, *base, *index),
            ExprKind::Method {
                receiver,
                name,
                args,
            } => self.method(id, *receiver, name, args, span),
            ExprKind::Range { .. } => {
                self.error(
                    Diagnostic::error("misplaced-range", "a range is only a `for` loop's bounds")
                        .at(span, "not a value")
                        .hint("write `for i in 0..n { … }`"),
                );
                TypeId::ERROR
            }
            ExprKind::Match { scrutinee, arms } => {
                self.match_expr(id, *scrutinee, arms, expect, false)
            }
            ExprKind::Let { pat, value } => {
                self.error(
                    Diagnostic::error(
                        "misplaced-let",
                        "`let` is only allowed as the whole condition of an `if`",
                    )
                    .at(span, "not allowed here")
                    .hint(
                        "write `if let PATTERN = VALUE { … }` with nothing else in the \
                         condition (nest an `if` for more tests), or use `match`",
                    ),
                );
                // Its names go into the enclosing scope, so uses of them (say, on the other
                // side of a `&&`) are not reported as unbound as well. (A global's initializer,
                // which has no scope, is never checked unless it is a constant.)
                let ty = self.expr(*value, None);
                self.pattern(*pat, ty);
                TypeId::ERROR
            }
            ExprKind::Try(inner) => self.try_expr(*inner, span),
            ExprKind::Format(parts) => {
                for part in parts {
                    if let claw_syntax::ast::FormatPart::Expr(value) = part {
                        self.format_value(*value);
                    }
                }
                TypeId::STRING
            }
            ExprKind::Check { cond } => {
                self.expr(*cond, Some(Expect::ty(TypeId::BOOL)));
                let (line, col) = self.lines.line_col(self.origin_text, span.start as usize);
                // The condition in its canonical layout, so the message is the same however
                // the file is laid out (`claw fmt` changes nothing a program does).
                let text = claw_fmt::one_line(self.origin_text, self.body, *cond);
                self.check_messages.insert(
                    id,
                    format!("check failed at {}:{line}:{col}: {text}", self.origin_name),
                );
                self.types.intern(TypeDef::Result {
                    ok: None,
                    err: Some(TypeId::STRING),
                })
            }
        }
    }

    /// The element type, when `(inner)` stands where a one-element tuple is expected.
    fn one_tuple(&self, inner: ExprId, expect: Option<Expect>) -> Option<TypeId> {
        let TypeDef::Tuple(items) = self.types.def(expect?.ty) else {
            return None;
        };
        // Only literals: `(t)` for a variable `t` of the tuple type is just `t`.
        let literal = matches!(
            self.body.exprs[self.body.unparen(inner)].kind,
            ExprKind::Int(_)
                | ExprKind::Float(_)
                | ExprKind::Str(_)
                | ExprKind::Char(_)
                | ExprKind::Bool(_)
                | ExprKind::List(_)
                | ExprKind::Record(_)
                | ExprKind::Flags(_)
                | ExprKind::Map(_)
                | ExprKind::Unary {
                    op: UnaryOp::Neg,
                    ..
                }
        );
        match items.as_slice() {
            [element] if literal => Some(*element),
            _ => None,
        }
    }

    pub(super) fn int_literal(
        &mut self,
        value: i128,
        span: Span,
        expect: Option<Expect>,
    ) -> TypeId {
        let expected = expect.map(|e| self.shallow(e.ty));
        if let Some(var) =
            self.open_literal(expected, |ty| Deferred::IntLiteral { value, span, ty })
        {
            return var;
        }
        let ty = match expected {
            Some(ty) if self.types.int_shape(ty).is_some() || self.types.is_float(ty) => ty,
            // A literal where a non-number is expected: let the mismatch name `s32`.
            _ => TypeId::S32,
        };
        self.int_in_range(value, span, ty, expect.and_then(|e| e.reason));
        ty
    }

    /// Reports an integer literal (or pattern) that does not fit `ty`, if `ty` is an integer
    /// type, with why the literal has that type when known.
    pub(super) fn int_in_range(
        &mut self,
        value: i128,
        span: Span,
        ty: TypeId,
        reason: Option<(Span, &'static str)>,
    ) {
        let Some(shape) = self.types.int_shape(ty) else {
            return;
        };
        if value < shape.min() || value > shape.max() {
            let name = self.type_name(ty);
            let mut diagnostic = Diagnostic::error(
                "literal-out-of-range",
                format!("literal out of range for `{name}`"),
            )
            .at(
                span,
                format!("`{name}` holds {} to {}", shape.min(), shape.max()),
            );
            if let Some((reason, why)) = reason {
                diagnostic = diagnostic.also(reason, format!("`{name}` because of {why}"));
            }
            self.error(diagnostic);
        }
    }

    /// A float literal takes the float type expected, else `f64`. One too large for that type
    /// (it would round to infinity) is an error, as an integer literal out of range is.
    pub(super) fn float_literal(
        &mut self,
        value: f64,
        span: Span,
        expect: Option<Expect>,
    ) -> TypeId {
        let expected = expect.map(|e| self.shallow(e.ty));
        let open = self.open_literal(expected, |ty| Deferred::FloatLiteral { value, span, ty });
        if let Some(var) = open {
            self.mark_float(var);
            return var;
        }
        let (ty, fits) = match expected {
            Some(TypeId::F32) => (TypeId::F32, (value as f32).is_finite()),
            Some(TypeId::F64) | None => (TypeId::F64, value.is_finite()),
            // Where no float is expected the mismatch is the error to report.
            Some(_) => (TypeId::F64, true),
        };
        if !fits {
            let name = self.type_name(ty);
            let max = if ty == TypeId::F32 {
                "3.4e38"
            } else {
                "1.8e308"
            };
            let mut diagnostic = Diagnostic::error(
                "literal-out-of-range",
                format!("literal out of range for `{name}`"),
            )
            .at(span, format!("`{name}` holds magnitudes up to about {max}"));
            if let Some((reason, why)) = expect.and_then(|e| e.reason) {
                diagnostic = diagnostic.also(reason, format!("`{name}` because of {why}"));
            }
            if ty == TypeId::F32 && value.is_finite() {
                diagnostic = diagnostic.hint("use `f64` for values this large");
            }
            self.error(diagnostic);
        }
        ty
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        lhs: ExprId,
        rhs: ExprId,
        span: Span,
        expect: Option<Expect>,
    ) -> TypeId {
        use BinaryOp::*;
        if matches!(op, And | Or) {
            self.expr(lhs, Some(Expect::ty(TypeId::BOOL)));
            self.expr(rhs, Some(Expect::ty(TypeId::BOOL)));
            return TypeId::BOOL;
        }
        // Arithmetic passes the expectation down; comparisons don't (their result is `bool`).
        let down = if op.is_comparison() {
            None
        } else {
            expect.map(|e| e.ty)
        };
        let operand_ty = match down {
            Some(ty) => {
                self.expr(lhs, Some(Expect::ty(ty)));
                self.expr(rhs, Some(Expect::ty(ty)));
                ty
            }
            None if self.context_typed(lhs) && !self.context_typed(rhs) => {
                let ty = self.expr(rhs, None);
                self.expr(
                    lhs,
                    Some(Expect::because(
                        ty,
                        self.body.exprs[rhs].span,
                        "the other operand",
                    )),
                );
                ty
            }
            None => {
                let ty = self.expr(lhs, None);
                self.expr(
                    rhs,
                    Some(Expect::because(
                        ty,
                        self.body.exprs[lhs].span,
                        "the other operand",
                    )),
                );
                ty
            }
        };
        self.check_operator(op, operand_ty, span);
        if op.is_comparison() {
            TypeId::BOOL
        } else {
            operand_ty
        }
    }

    /// Reports `-` or `!` applied to a type it does not work on.
    pub(super) fn check_unary(&mut self, op: UnaryOp, ty: TypeId, span: Span) {
        let ty = self.shallow(ty);
        let (ok, message, label) = match op {
            UnaryOp::Neg => (
                self.types.is_float(ty) || self.types.int_shape(ty).is_some_and(|s| s.signed),
                format!("cannot negate a value of type `{}`", self.type_name(ty)),
                "negation needs a signed integer or a float",
            ),
            UnaryOp::Not => (
                ty == TypeId::BOOL || self.types.int_shape(ty).is_some(),
                format!("cannot apply `!` to `{}`", self.type_name(ty)),
                "`!` needs a `bool` or an integer",
            ),
        };
        if !ok && ty != TypeId::ERROR {
            self.error(Diagnostic::error("invalid-operator", message).at(span, label));
        }
    }

    /// Reports an operator applied to operands of a type it does not work on.
    pub(super) fn check_operator(&mut self, op: BinaryOp, ty: TypeId, span: Span) {
        use BinaryOp::*;
        let ty = self.shallow(ty);
        if ty == TypeId::ERROR {
            return;
        }
        if self.unbound_var(ty).is_some() {
            self.deferred.push(Deferred::Operator { op, ty, span });
            return;
        }
        let types = &self.types;
        let ok = match op {
            // Handles are not values to compare or join: two handles to one resource are
            // different numbers, and a list of handles added to another would copy them.
            _ if types.contains_handle(ty) => false,
            // Two maps are equal whatever the order of their entries, which a comparison of
            // their lists would not see.
            Eq | Ne if types.contains_map(ty) => false,
            Add => {
                types.is_numeric(ty)
                    || ty == TypeId::STRING
                    || matches!(types.def(ty), TypeDef::List(_))
            }
            Sub | Mul | Div => types.is_numeric(ty),
            Lt | Le | Gt | Ge => {
                types.is_numeric(ty) || matches!(ty, TypeId::STRING | TypeId::CHAR)
            }
            Rem => types.int_shape(ty).is_some(),
            Eq | Ne => ty != TypeId::UNIT,
            BitAnd | BitOr | BitXor => types.int_shape(ty).is_some() || ty == TypeId::BOOL,
            Shl | Shr => types.int_shape(ty).is_some(),
            And | Or => ty == TypeId::BOOL,
        };
        if !ok {
            self.error(
                Diagnostic::error(
                    "invalid-operator",
                    format!("cannot apply `{}` to `{}`", op.symbol(), self.type_name(ty)),
                )
                .at(
                    span,
                    format!(
                        "`{}` is not defined for `{}`",
                        op.symbol(),
                        self.type_name(ty)
                    ),
                ),
            );
        }
    }

    /// Whether an operand should take its type from the other operand: a literal, or a
    /// local whose type may still come from its uses.
    pub(super) fn context_typed(&self, id: ExprId) -> bool {
        if let ExprKind::Path(path) = &self.body.exprs[self.body.unparen(id)].kind {
            if let [name] = path.as_slice() {
                return self.lookup_local(&name.text).is_some_and(|local| {
                    self.unbound_var(self.locals[local.0 as usize].ty).is_some()
                });
            }
        }
        self.literal_like(id)
    }

    /// Whether an expression's type is decided by context rather than by itself.
    pub(super) fn literal_like(&self, id: ExprId) -> bool {
        match &self.body.exprs[id].kind {
            ExprKind::Int(_) | ExprKind::Float(_) => true,
            ExprKind::Unary { operand, .. } | ExprKind::Paren(operand) => {
                self.literal_like(*operand)
            }
            ExprKind::Binary { op, lhs, rhs } if !op.is_comparison() => {
                self.literal_like(*lhs) && self.literal_like(*rhs)
            }
            // `match c { 'a' => 1, _ => 0 }`: numbers whichever arm is taken.
            ExprKind::Match { arms, .. } => arms.iter().all(|arm| match &arm.body {
                claw_syntax::ast::ArmBody::Expr(body) => self.literal_like(*body),
                claw_syntax::ast::ArmBody::Block(_) => true,
            }),
            _ => false,
        }
    }

    fn lookup_local(&self, name: &str) -> Option<crate::program::LocalId> {
        self.scopes
            .iter()
            .rev()
            .find_map(|scope| scope.get(name).copied())
    }

    pub(super) fn unbound(&mut self, name: &Name, what: &str) {
        let mut diagnostic = Diagnostic::error(
            "unbound-name",
            format!("cannot find {what} `{}` in this scope", name.text),
        )
        .at(name.span, "not found");
        if let Some(similar) = self.similar_name(&name.text) {
            diagnostic = diagnostic.hint(format!(
                "a name with a similar spelling exists: `{similar}`"
            ));
        }
        self.error(diagnostic);
    }

    /// A name in scope spelled like `name`, for a "did you mean" hint. Each search looks at
    /// every name in scope, so only the first [`MAX_SPELLING_SEARCHES`] unbound names of a
    /// file get one: a file with thousands of them would otherwise take quadratic time.
    fn similar_name(&mut self, name: &str) -> Option<String> {
        if self.spelling_searches >= MAX_SPELLING_SEARCHES {
            return None;
        }
        self.spelling_searches += 1;
        let max = 2.min(name.len() / 3 + 1);
        // The closest name; of equally close ones a local before an item, then the first in
        // alphabetical order, so the hint does not depend on hash order.
        let locals = self
            .scopes
            .iter()
            .flat_map(|s| s.keys())
            .map(|n| (false, n));
        locals
            .chain(self.items.keys().map(|n| (true, n)))
            .filter_map(|(is_item, candidate)| {
                edit_distance_within(candidate, name, max).map(|d| (d, is_item, candidate))
            })
            .min()
            .map(|(_, _, candidate)| candidate.clone())
    }

    fn path(&mut self, id: ExprId, path: &[Name], expect: Option<Expect>) -> TypeId {
        match path {
            [name] => {
                if let Some(local) = self.lookup_local(&name.text) {
                    self.expr_res.insert(id, Res::Local(local));
                    return self.shallow(self.locals[local.0 as usize].ty);
                }
                match self.items.get(&name.text).map(|(res, _)| *res) {
                    Some(ItemRes::Global(global)) => {
                        self.expr_res.insert(id, Res::Global(global));
                        self.globals[global.0 as usize].ty
                    }
                    Some(ItemRes::Func(_)) => {
                        self.error(
                            Diagnostic::error(
                                "function-as-value",
                                format!("`{}` is a function, not a value", name.text),
                            )
                            .at(name.span, "functions can only be called")
                            .hint(format!("call it: `{}(…)`", name.text)),
                        );
                        TypeId::ERROR
                    }
                    None => match self.bare_case(id, name, None, expect) {
                        Some(ty) => ty,
                        None if expect.is_some_and(|e| self.types.case_count(e.ty).is_some()) => {
                            let ty = expect.map(|e| e.ty).unwrap_or(TypeId::ERROR);
                            self.case(id, ty, name, None);
                            ty
                        }
                        None if matches!(name.text.as_str(), "none" | "ok" | "err") => self
                            .cannot_infer(
                                name.span,
                                &format!("`{}`", name.text),
                                if name.text == "none" {
                                    "option<u32>"
                                } else {
                                    "result<_, string>"
                                },
                            ),
                        None => {
                            self.unbound(name, "value");
                            TypeId::ERROR
                        }
                    },
                }
            }
            [ty_name, case] => self.qualified_case(id, ty_name, case, None),
            _ => {
                let span = path[0].span.to(path[path.len() - 1].span);
                self.error(
                    Diagnostic::error("invalid-path", "paths have at most two parts")
                        .at(span, "use `type::case`"),
                );
                TypeId::ERROR
            }
        }
    }

    /// `shape::circle(…)` or `color::red`.
    fn qualified_case(
        &mut self,
        id: ExprId,
        ty_name: &Name,
        case: &Name,
        payload: Option<ExprId>,
    ) -> TypeId {
        let Some(&ty) = self.type_names.get(&ty_name.text) else {
            self.unbound(ty_name, "type");
            if let Some(payload) = payload {
                self.expr(payload, None);
            }
            return TypeId::ERROR;
        };
        if self.types.case_count(ty).is_none() {
            self.error(
                Diagnostic::error("not-a-variant", format!("`{}` has no cases", ty_name.text))
                    .at(ty_name.span, "not a variant or enum"),
            );
            return TypeId::ERROR;
        }
        self.case(id, ty, case, payload);
        ty
    }

    fn call(
        &mut self,
        id: ExprId,
        callee: &[Name],
        args: &[ExprId],
        span: Span,
        expect: Option<Expect>,
    ) -> TypeId {
        let name = &callee[0];
        if let Some(ty) = self.resource_named(name) {
            if callee.len() <= 2 {
                return self.resource_call(id, ty, callee, args, span);
            }
        }
        if let [ty_name, func] = callee {
            if ty_name.text == "string"
                && func.text == "from-utf8"
                && !self.type_names.contains_key("string")
            {
                return self.decode_utf8(id, args, span);
            }
            if matches!(ty_name.text.as_str(), "f32" | "f64")
                && func.text == "from-bits"
                && !self.type_names.contains_key(&ty_name.text)
            {
                return self.float_of_bits(id, &ty_name.text, args, span);
            }
            if crate::library::is_namespace(&ty_name.text)
                && !self.type_names.contains_key(&ty_name.text)
            {
                return self.library_call(id, ty_name, func, args, span);
            }
        }
        if let [ty_name, case] = callee {
            if args.len() != 1 {
                for &arg in args {
                    self.expr(arg, None);
                }
                self.error(
                    Diagnostic::error("wrong-argument-count", "a case carries exactly one value")
                        .at(span, "write `type::case(value)`"),
                );
                return TypeId::ERROR;
            }
            return self.qualified_case(id, ty_name, case, Some(args[0]));
        }
        let func = match (
            callee.len(),
            self.items.get(&name.text).map(|(res, _)| *res),
        ) {
            (1, Some(ItemRes::Func(func))) if self.lookup_local(&name.text).is_none() => func,
            (1, None) if self.lookup_local(&name.text).is_none() => {
                if args.len() == 1 {
                    if let Some(ty) = self.bare_case(id, name, Some(args[0]), expect) {
                        return ty;
                    }
                }
                if matches!(name.text.as_str(), "print" | "println") {
                    return self.print(id, name, args, span);
                }
                if name.text == "drop" && args.len() == 1 {
                    self.expr_res
                        .insert(id, Res::Builtin(crate::program::Builtin::Drop));
                    let ty = self.expr(args[0], None);
                    if ty != TypeId::ERROR && !self.types.contains_own(ty) {
                        let shown = self.type_name(ty);
                        self.error(
                            Diagnostic::error(
                                "nothing-to-drop",
                                format!("`drop` takes a value that owns a handle, not `{shown}`"),
                            )
                            .at(self.body.exprs[args[0]].span, "holds no handle")
                            .note("other values need no dropping: their memory is freed when the call ends"),
                        );
                    }
                    return TypeId::UNIT;
                }
                // A case the expected type doesn't have: say so rather than "no function".
                if let Some(ty) = expect
                    .map(|e| e.ty)
                    .filter(|&t| self.types.case_count(t).is_some())
                {
                    self.case(id, ty, name, args.first().copied());
                    return ty;
                }
                if matches!(name.text.as_str(), "ok" | "err") && args.len() == 1 {
                    self.expr(args[0], None);
                    return self.cannot_infer(
                        span,
                        &format!("`{}(…)`", name.text),
                        "result<u32, string>",
                    );
                }
                self.unbound(name, "function");
                for &arg in args {
                    self.expr(arg, None);
                }
                return TypeId::ERROR;
            }
            (1, _) => {
                self.error(
                    Diagnostic::error(
                        "not-a-function",
                        format!("`{}` is not a function", name.text),
                    )
                    .at(name.span, "cannot be called"),
                );
                for &arg in args {
                    self.expr(arg, None);
                }
                return TypeId::ERROR;
            }
            _ => {
                self.error(
                    Diagnostic::error("not-a-function", "this path is not a function")
                        .at(span, "cannot be called"),
                );
                return TypeId::ERROR;
            }
        };
        self.call_func(id, func, &name.text, args, span)
    }

    /// A call of function `func`, called `name` where it is called.
    fn call_func(
        &mut self,
        id: ExprId,
        func: crate::program::FuncId,
        name: &str,
        args: &[ExprId],
        span: Span,
    ) -> TypeId {
        self.expr_res.insert(id, Res::Func(func));
        let def = &self.funcs[func.0 as usize];
        let (param_types, result, def_span) = (def.param_types.clone(), def.result, def.span);
        // A library function has no place in the file to point at.
        let (params, def_span) = if def_span.file == crate::library::LIBRARY_FILE {
            (Vec::new(), None)
        } else {
            (def.params.iter().map(|p| p.span).collect(), Some(def_span))
        };
        self.arguments(name, args, &param_types, &params, span, def_span);
        result.unwrap_or(TypeId::UNIT)
    }

    /// `http::respond(…)`: a function of a library that ships with the compiler, which
    /// `library::link` added to the file as `http::respond`.
    fn library_call(
        &mut self,
        id: ExprId,
        namespace: &Name,
        func: &Name,
        args: &[ExprId],
        span: Span,
    ) -> TypeId {
        let full = format!("{}::{}", namespace.text, func.text);
        if let Some(&(ItemRes::Func(found), _)) = self.items.get(&full) {
            return self.call_func(id, found, &full, args, span);
        }
        let known: Vec<String> = crate::library::functions(&namespace.text)
            .into_iter()
            .map(|(name, _)| format!("`{name}`"))
            .collect();
        self.error(
            Diagnostic::error(
                "unknown-function",
                format!(
                    "the `{}` library has no function `{}`",
                    namespace.text, func.text
                ),
            )
            .at(func.span, "not in the library")
            .note(format!(
                "functions of `{}`: {}",
                namespace.text,
                known.join(", ")
            )),
        );
        for &arg in args {
            self.expr(arg, None);
        }
        TypeId::ERROR
    }

    /// A value written into a `format!` string: a string as itself, and what has
    /// `to-string()` as that.
    fn format_value(&mut self, value: ExprId) {
        let ty = self.expr(value, None);
        let value_span = self.body.exprs[value].span;
        // A number not known yet is an integer or a float, and both can be written.
        let writable = matches!(
            self.types.def(self.shallow(ty)),
            TypeDef::String | TypeDef::Char | TypeDef::Bool | TypeDef::Error | TypeDef::Var(_)
        ) || self.numeric(ty);
        if !writable {
            let shown = self.type_name(ty);
            self.error(
                Diagnostic::error(
                    "not-formattable",
                    format!("`format!` cannot write a `{shown}`"),
                )
                .at(value_span, format!("this is `{shown}`"))
                .note("`format!` writes strings, chars, bools and numbers"),
            );
        }
    }

    /// `f64::from-bits(n)` and `f32::from-bits(n)`: one Wasm instruction.
    fn float_of_bits(&mut self, id: ExprId, float: &str, args: &[ExprId], span: Span) -> TypeId {
        self.expr_res
            .insert(id, Res::Builtin(crate::program::Builtin::FromBits));
        let (bits, ty) = match float {
            "f32" => (TypeId::U32, TypeId::F32),
            _ => (TypeId::U64, TypeId::F64),
        };
        self.arguments(
            &format!("{float}::from-bits"),
            args,
            &[bits],
            &[],
            span,
            None,
        );
        ty
    }

    /// `string::from-utf8(bytes)`, built in as its check is a loop over UTF-8's rules.
    fn decode_utf8(&mut self, id: ExprId, args: &[ExprId], span: Span) -> TypeId {
        self.expr_res
            .insert(id, Res::Builtin(crate::program::Builtin::FromUtf8));
        let bytes = self.types.intern(TypeDef::List(TypeId::U8));
        self.arguments("string::from-utf8", args, &[bytes], &[], span, None);
        self.types.intern(TypeDef::Result {
            ok: Some(TypeId::STRING),
            err: Some(TypeId::STRING),
        })
    }

    /// Whether a value of type `found` can be lent where `expected` is wanted: an owned
    /// handle for a borrow of it, and inside a list, option, result or tuple the same, for
    /// an imported resource (whose borrow is its handle, so the value needs no change).
    pub(super) fn lends(&self, found: TypeId, expected: TypeId) -> bool {
        let types = &self.types;
        if types.def(expected) == &TypeDef::Borrow(found) {
            return true;
        }
        self.lends_inside(found, expected)
    }

    fn lends_inside(&self, found: TypeId, expected: TypeId) -> bool {
        let types = &self.types;
        let part = |a: TypeId, b: TypeId| {
            let imported = self
                .resources
                .get(&a)
                .is_none_or(|r| r.implementation.is_none());
            a == b || (types.def(b) == &TypeDef::Borrow(a) && imported) || self.lends_inside(a, b)
        };
        match (types.def(found), types.def(expected)) {
            (TypeDef::List(a), TypeDef::List(b)) | (TypeDef::Option(a), TypeDef::Option(b)) => {
                part(*a, *b)
            }
            (TypeDef::Tuple(a), TypeDef::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| part(*x, *y))
            }
            (TypeDef::Result { ok: o1, err: e1 }, TypeDef::Result { ok: o2, err: e2 }) => {
                let opt = |x: &Option<TypeId>, y: &Option<TypeId>| match (x, y) {
                    (Some(x), Some(y)) => part(*x, *y),
                    (None, None) => true,
                    _ => false,
                };
                opt(o1, o2) && opt(e1, e2)
            }
            _ => false,
        }
    }

    /// The resource type `name` stands for, unless a value or function of that name hides it.
    fn resource_named(&self, name: &Name) -> Option<TypeId> {
        if self.lookup_local(&name.text).is_some() || self.items.contains_key(&name.text) {
            return None;
        }
        let ty = *self.type_names.get(&name.text)?;
        matches!(self.types.def(ty), TypeDef::Resource { .. }).then_some(ty)
    }

    /// `shelf(args)`, a constructor, or `shelf::merge(args)`, a static function.
    fn resource_call(
        &mut self,
        id: ExprId,
        ty: TypeId,
        callee: &[Name],
        args: &[ExprId],
        span: Span,
    ) -> TypeId {
        let funcs = self.resources.get(&ty).cloned().unwrap_or_default();
        let type_name = &callee[0].text;
        let found = match callee {
            [_] => funcs.constructor.ok_or_else(|| {
                Diagnostic::error(
                    "no-constructor",
                    format!("resource `{type_name}` has no constructor"),
                )
                .at(callee[0].span, "cannot be built here")
                .note("its handles come from the functions that return them")
            }),
            [_, func] => funcs.static_func(&func.text).ok_or_else(|| {
                let mut known: Vec<&str> = funcs.statics.iter().map(|m| m.0.as_str()).collect();
                known.sort();
                let mut diagnostic = Diagnostic::error(
                    "unknown-function",
                    format!(
                        "resource `{type_name}` has no static function `{}`",
                        func.text
                    ),
                )
                .at(func.span, "not a static function")
                .note(format!(
                    "static functions of `{type_name}`: {}",
                    super::wit_import::list_or_nothing(&known)
                ));
                if funcs.method(&func.text).is_some() {
                    diagnostic = diagnostic.hint(format!(
                        "`{}` is a method: call it on a handle, `h.{}(…)`",
                        func.text, func.text
                    ));
                }
                diagnostic
            }),
            _ => unreachable!("called with one or two names"),
        };
        let func = match found {
            Ok(func) => func,
            Err(diagnostic) => {
                self.error(diagnostic);
                for &arg in args {
                    self.expr(arg, None);
                }
                return TypeId::ERROR;
            }
        };
        self.expr_res.insert(id, Res::Func(func));
        let def = &self.funcs[func.0 as usize];
        let (param_types, result, def_span) = (def.param_types.clone(), def.result, def.span);
        let params: Vec<_> = def.params.iter().map(|p| p.span).collect();
        let shown = def.name.clone();
        self.arguments(&shown, args, &param_types, &params, span, Some(def_span));
        result.unwrap_or(TypeId::UNIT)
    }

    /// Checks call arguments against parameter types, reporting a wrong count once.
    pub(super) fn arguments(
        &mut self,
        name: &str,
        args: &[ExprId],
        param_types: &[TypeId],
        params: &[Span],
        span: Span,
        def_span: Option<Span>,
    ) {
        if args.len() != param_types.len() {
            let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
            let mut diagnostic = Diagnostic::error(
                "wrong-argument-count",
                format!(
                    "`{}` takes {} {} but {} {} supplied",
                    name,
                    param_types.len(),
                    plural(param_types.len()),
                    args.len(),
                    if args.len() == 1 { "was" } else { "were" }
                ),
            )
            .at(
                span,
                format!(
                    "expected {} {}",
                    param_types.len(),
                    plural(param_types.len())
                ),
            );
            if let Some(def_span) = def_span {
                diagnostic = diagnostic.also(def_span, "function defined here");
            }
            self.error(diagnostic);
        }
        for (index, &arg) in args.iter().enumerate() {
            let expect = param_types.get(index).map(|&ty| match params.get(index) {
                Some(&p) => Expect::because(ty, p, "this parameter"),
                None => Expect::ty(ty),
            });
            self.expr(arg, expect);
        }
    }

    /// `print(s)` and `println(s)`: write a string to standard output.
    fn print(&mut self, id: ExprId, name: &Name, args: &[ExprId], span: Span) -> TypeId {
        let newline = name.text == "println";
        self.expr_res
            .insert(id, Res::Builtin(crate::program::Builtin::Print { newline }));
        self.arguments(&name.text, args, &[TypeId::STRING], &[], span, None);
        TypeId::UNIT
    }

    /// `e?`: unwraps an `ok` or `some`, returning an `err` or `none` from the function.
    fn try_expr(&mut self, inner: ExprId, span: Span) -> TypeId {
        let ty = self.expr(inner, None);
        if ty == TypeId::ERROR {
            return TypeId::ERROR;
        }
        let (result, result_span) = self.func_result.expect("inside a function");
        let returns = result.map(|t| self.types.def(t).clone());
        match self.types.def(ty).clone() {
            TypeDef::Option(some) => {
                if !matches!(returns, Some(TypeDef::Option(_))) {
                    self.try_mismatch(span, ty, result, result_span, "an `option`");
                }
                some
            }
            TypeDef::Result { ok, err } => {
                match returns {
                    Some(TypeDef::Result { err: outer, .. }) if outer == err => {}
                    _ => {
                        let want = match err {
                            Some(e) => {
                                format!("a `result` whose error type is `{}`", self.type_name(e))
                            }
                            None => "a `result` without an error type".to_string(),
                        };
                        self.try_mismatch(span, ty, result, result_span, &want);
                    }
                }
                ok.unwrap_or(TypeId::UNIT)
            }
            _ => {
                let name = self.type_name(ty);
                self.error(
                    Diagnostic::error("invalid-try", format!("`?` cannot be applied to `{name}`"))
                        .at(span, "`?` needs a `result` or an `option`"),
                );
                TypeId::ERROR
            }
        }
    }

    fn try_mismatch(
        &mut self,
        span: Span,
        ty: TypeId,
        result: Option<TypeId>,
        result_span: Span,
        want: &str,
    ) {
        let found = self.type_name(ty);
        let returns = match result {
            Some(r) => format!("the function returns `{}`", self.type_name(r)),
            None => "the function returns nothing".to_string(),
        };
        self.error(
            Diagnostic::error(
                "invalid-try",
                format!("`?` on `{found}` needs the function to return {want}"),
            )
            .at(span, "this `?` may return early")
            .also(result_span, returns),
        );
    }
}

/// How many unbound names of a file get a spelling hint (see `similar_name`).
pub(super) const MAX_SPELLING_SEARCHES: usize = 100;

/// The Levenshtein distance between `a` and `b`, if it is at most `max`, for "did you mean"
/// hints. Only cells within `max` of the diagonal are computed, so long names cost time
/// linear in their length.
fn edit_distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Distances past `max` are all the same to us; cells never computed hold `too_far`.
    let too_far = max + 1;
    let mut row: Vec<usize> = (0..=b.len()).map(|j| j.min(too_far)).collect();
    for i in 1..=a.len() {
        let lo = if i > max { i - max } else { 1 };
        let hi = (i + max).min(b.len());
        let mut diagonal = row[lo - 1];
        row[lo - 1] = if lo == 1 { i.min(too_far) } else { too_far };
        let mut best = row[lo - 1];
        for j in lo..=hi {
            let above = row[j];
            let cell = (diagonal + usize::from(a[i - 1] != b[j - 1]))
                .min(row[j - 1] + 1)
                .min(above + 1)
                .min(too_far);
            diagonal = above;
            row[j] = cell;
            best = best.min(cell);
        }
        if best > max {
            return None;
        }
    }
    Some(row[b.len()]).filter(|&d| d <= max)
}

#[cfg(test)]
mod tests {
    use super::edit_distance_within;

    #[test]
    fn edit_distance_within_a_bound() {
        for (a, b, max, want) in [
            ("count", "cuont", 2, Some(2)),
            ("count", "count", 2, Some(0)),
            ("count", "counts", 2, Some(1)),
            ("", "ab", 2, Some(2)),
            ("ab", "", 1, None),
            ("kitten", "sitting", 3, Some(3)),
            ("kitten", "sitting", 2, None),
            ("abcdef", "badcfe", 2, None),
            ("é-x", "e-x", 1, Some(1)),
        ] {
            assert_eq!(edit_distance_within(a, b, max), want, "{a} {b} {max}");
            assert_eq!(edit_distance_within(b, a, max), want, "{b} {a} {max}");
        }
        let long = "a".repeat(100_000);
        let longer = format!("{long}b");
        assert_eq!(edit_distance_within(&long, &longer, 2), Some(1));
    }
}
