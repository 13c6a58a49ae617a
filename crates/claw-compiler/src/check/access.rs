//! Reaching into values: fields (`p.x`, `t.0`), list elements (`xs[i]`), the built-in methods
//! (`len`, `push`, `pop`, `chars`), and the places an assignment or `push` may change.

use claw_syntax::ast::{ExprId, ExprKind, Name};
use claw_syntax::Span;

use super::infer::Deferred;
use super::ItemRes;
use super::{Checker, Expect};
use crate::diagnostics::Diagnostic;
use crate::program::{Builtin, FloatOp, Res};
use crate::types::{TypeDef, TypeId};

impl Checker<'_> {
    pub(super) fn field(&mut self, id: ExprId, base: ExprId, name: &Name) -> TypeId {
        let ty = self.expr(base, None);
        if ty == TypeId::ERROR {
            return TypeId::ERROR;
        }
        if let Some(resource) = self.types.resource(ty) {
            return self.resource_field(id, resource, name);
        }
        // A flag reads as a `bool` field: `perms.write`. Members are looked up by name rather
        // than by copying the type's list of them, which made each access cost its size.
        if let TypeDef::Flags { .. } = self.types.def(ty) {
            return match self.types.member(ty, &name.text) {
                Some(bit) => {
                    self.expr_res.insert(id, Res::Field(bit));
                    TypeId::BOOL
                }
                None => {
                    let TypeDef::Flags {
                        flags,
                        name: type_name,
                        ..
                    } = self.types.def(ty)
                    else {
                        unreachable!("a flags type")
                    };
                    let diagnostic = Diagnostic::error(
                        "unknown-flag",
                        format!("flags `{type_name}` has no flag `{}`", name.text),
                    )
                    .at(name.span, "no such flag")
                    .note(format!("its flags are: {}", flags.join(", ")));
                    self.error(diagnostic);
                    TypeId::ERROR
                }
            };
        }
        if let TypeDef::Record { fields, .. } = self.types.def(ty) {
            return match self.types.member(ty, &name.text) {
                Some(index) => {
                    let field_ty = fields[index as usize].1;
                    self.expr_res.insert(id, Res::Field(index));
                    field_ty
                }
                None => {
                    self.unknown(ty, "field", name);
                    TypeId::ERROR
                }
            };
        }
        let Some(fields) = self.types.fields(ty) else {
            let type_name = self.type_name(ty);
            self.error(
                Diagnostic::error("unknown-field", format!("`{type_name}` has no fields")).at(
                    name.span,
                    format!("no field `{}` on `{type_name}`", name.text),
                ),
            );
            return TypeId::ERROR;
        };
        match fields.iter().position(|f| f.0 == name.text) {
            Some(index) => {
                self.expr_res.insert(id, Res::Field(index as u32));
                fields[index].1
            }
            None => {
                self.unknown(ty, "field", name);
                TypeId::ERROR
            }
        }
    }

    pub(super) fn index(&mut self, id: ExprId, base: ExprId, index: ExprId) -> TypeId {
        if let Some((_, start, end, _)) = self.body.slice(id) {
            return self.slice(base, start, end);
        }
        let ty = self.expr(base, None);
        if let TypeDef::Map { key, value, .. } = *self.types.def(ty) {
            self.expr(index, Some(Expect::ty(key)));
            self.expr_res.insert(id, Res::Builtin(Builtin::Lookup));
            return value;
        }
        self.expr(index, Some(Expect::ty(TypeId::U32)));
        match self.types.def(ty) {
            TypeDef::List(elem) => *elem,
            // A string's bytes, as its length and slices count them.
            TypeDef::String => {
                self.types.intern(TypeDef::List(TypeId::U8));
                self.expr_res.insert(id, Res::Builtin(Builtin::Byte));
                TypeId::U8
            }
            TypeDef::Error => TypeId::ERROR,
            _ => {
                let type_name = self.type_name(ty);
                self.error(
                    Diagnostic::error("not-indexable", format!("cannot index into `{type_name}`"))
                        .at(
                            self.body.exprs[base].span,
                            "only lists, strings and maps can be indexed",
                        ),
                );
                TypeId::ERROR
            }
        }
    }

    /// `xs[a..b]` and `s[a..b]`: a new list or string of the elements or bytes from `a` up to
    /// `b`. Handles cannot be copied, so a list of them has no slices.
    fn slice(&mut self, base: ExprId, start: ExprId, end: ExprId) -> TypeId {
        let ty = self.expr(base, None);
        for bound in [start, end] {
            self.expr(bound, Some(Expect::ty(TypeId::U32)));
        }
        match self.types.def(ty) {
            TypeDef::String => ty,
            TypeDef::List(_) if !self.types.contains_handle(ty) => ty,
            TypeDef::Error => TypeId::ERROR,
            TypeDef::List(_) => {
                let type_name = self.type_name(ty);
                self.error(
                    Diagnostic::error(
                        "not-sliceable",
                        format!("cannot slice `{type_name}`: its elements hold handles"),
                    )
                    .at(self.body.exprs[base].span, "a list of handles")
                    .note("a slice is a copy, and a handle cannot be copied"),
                );
                TypeId::ERROR
            }
            _ => {
                let type_name = self.type_name(ty);
                self.error(
                    Diagnostic::error("not-sliceable", format!("cannot slice `{type_name}`")).at(
                        self.body.exprs[base].span,
                        "only lists and strings can be sliced",
                    ),
                );
                TypeId::ERROR
            }
        }
    }

    pub(super) fn method(
        &mut self,
        id: ExprId,
        receiver: ExprId,
        name: &Name,
        args: &[ExprId],
        span: Span,
    ) -> TypeId {
        let ty = self.expr(receiver, None);
        if ty == TypeId::ERROR {
            for &arg in args {
                self.expr(arg, None);
            }
            return TypeId::ERROR;
        }
        if let Some(resource) = self.types.resource(ty) {
            return self.resource_method(id, resource, name, args, span);
        }
        // What a literal's variable is already known to be decides which methods it has.
        let ty = self.shallow(ty);
        let ty = match *self.types.def(ty) {
            TypeDef::List(elem) if self.unbound_var(elem).is_none() => {
                let elem = self.shallow(elem);
                self.types.intern(TypeDef::List(elem))
            }
            _ => ty,
        };
        let def = self.types.def(ty).clone();
        let (builtin, params, result) = match (name.text.as_str(), &def) {
            ("len", TypeDef::List(_) | TypeDef::String | TypeDef::Map { .. }) => {
                (Builtin::Len, vec![], TypeId::U32)
            }
            ("get", TypeDef::Map { key, value, .. }) => {
                let option = self.types.intern(TypeDef::Option(*value));
                (Builtin::Get, vec![*key], option)
            }
            ("contains-key", TypeDef::Map { key, .. }) => {
                (Builtin::ContainsKey, vec![*key], TypeId::BOOL)
            }
            ("insert", TypeDef::Map { key, value, .. }) => {
                let option = self.types.intern(TypeDef::Option(*value));
                (Builtin::Insert, vec![*key, *value], option)
            }
            ("remove", TypeDef::Map { key, value, .. }) => {
                let option = self.types.intern(TypeDef::Option(*value));
                (Builtin::Remove, vec![*key], option)
            }
            ("to-string", _) if self.types.int_shape(ty).is_some() => {
                (Builtin::ToString, vec![], TypeId::STRING)
            }
            // A number not known yet: integers have the method built in, floats in their
            // library, which lowering calls once the type is known.
            ("to-string", TypeDef::Var(_)) => {
                self.deferred.push(Deferred::ToString {
                    ty,
                    name: name.clone(),
                });
                (Builtin::ToString, vec![], TypeId::STRING)
            }
            ("to-string", TypeDef::Char | TypeDef::Bool) => {
                (Builtin::ToString, vec![], TypeId::STRING)
            }
            ("to-bits", TypeDef::F32) => (Builtin::ToBits, vec![], TypeId::U32),
            ("to-bits", TypeDef::F64) => (Builtin::ToBits, vec![], TypeId::U64),
            ("bytes", TypeDef::String) => {
                let bytes = self.types.intern(TypeDef::List(TypeId::U8));
                (Builtin::Bytes, vec![], bytes)
            }
            ("push", TypeDef::List(elem)) => (Builtin::Push, vec![*elem], TypeId::UNIT),
            ("pop", TypeDef::List(elem)) => {
                let option = self.types.intern(TypeDef::Option(*elem));
                (Builtin::Pop, vec![], option)
            }
            ("insert", TypeDef::List(elem)) => {
                (Builtin::Insert, vec![TypeId::U32, *elem], TypeId::UNIT)
            }
            ("remove", TypeDef::List(elem)) => (Builtin::Remove, vec![TypeId::U32], *elem),
            (_, TypeDef::F32 | TypeDef::F64) if FloatOp::named(&name.text).is_some() => {
                let op = FloatOp::named(&name.text).expect("a float method");
                (Builtin::Float(op), vec![ty; op.arity() - 1], ty)
            }
            (_, TypeDef::List(elem))
                if self.unbound_var(*elem).is_some()
                    && !matches!(
                        name.text.as_str(),
                        "len" | "push" | "pop" | "insert" | "remove"
                    ) =>
            {
                for &arg in args {
                    self.expr(arg, None);
                }
                let span = self.body.exprs[receiver].span;
                return self.cannot_infer(span, "this list's elements", "list<u32>");
            }
            (_, TypeDef::Var(_)) if self.unbound_var(ty).is_some() => {
                for &arg in args {
                    self.expr(arg, None);
                }
                let span = self.body.exprs[receiver].span;
                return self.cannot_infer(span, "this number", "u32");
            }
            _ => {
                if let Some(result) = self.library_method(id, ty, name, args, span) {
                    return result;
                }
                self.unknown_method(ty, name);
                for &arg in args {
                    self.expr(arg, None);
                }
                return TypeId::ERROR;
            }
        };
        self.expr_res.insert(id, Res::Builtin(builtin));
        if matches!(
            builtin,
            Builtin::Push | Builtin::Pop | Builtin::Insert | Builtin::Remove
        ) {
            let what = match def {
                TypeDef::Map { .. } => "map",
                _ => "list",
            };
            self.require_mutable(receiver, &format!("`{}` changes the {what}", name.text));
        }
        let spans = vec![];
        self.arguments(&name.text, args, &params, &spans, span, None);
        result
    }

    /// `x.name(args)` as `namespace::name(x, args)`, where the namespace's library (for the
    /// type of `x`) has such a function whose first parameter takes `x`.
    fn library_method(
        &mut self,
        id: ExprId,
        ty: TypeId,
        name: &Name,
        args: &[ExprId],
        span: Span,
    ) -> Option<TypeId> {
        let namespace = crate::library::method_namespace(&self.types, ty)?;
        let full = format!("{namespace}::{}", name.text);
        let &(ItemRes::Func(func), _) = self.items.get(&full)? else {
            return None;
        };
        let def = &self.funcs[func.0 as usize];
        if def.param_types.first() != Some(&ty) {
            return None;
        }
        let (param_types, result) = (def.param_types.clone(), def.result);
        self.expr_res.insert(id, Res::Func(func));
        self.arguments(&name.text, args, &param_types[1..], &[], span, None);
        Some(result.unwrap_or(TypeId::UNIT))
    }

    /// `h.name(args)` on a handle: a call of the resource's method, `h` lent as `self`.
    fn resource_method(
        &mut self,
        id: ExprId,
        resource: TypeId,
        name: &Name,
        args: &[ExprId],
        span: Span,
    ) -> TypeId {
        let funcs = self.resources.get(&resource).cloned().unwrap_or_default();
        let Some(func) = funcs.method(&name.text) else {
            let type_name = self.type_name(resource);
            let mut known: Vec<String> = funcs.methods.iter().map(|m| m.0.clone()).collect();
            known.sort();
            let mut diagnostic = Diagnostic::error(
                "unknown-method",
                format!("`{type_name}` has no method `{}`", name.text),
            )
            .at(name.span, "no such method")
            .note(format!(
                "methods of `{type_name}`: {}",
                super::wit_import::list_or_nothing(&known)
            ));
            if funcs.static_func(&name.text).is_some() {
                diagnostic = diagnostic.hint(format!(
                    "`{}` is a static function: call it as `{type_name}::{}(…)`",
                    name.text, name.text
                ));
            }
            self.error(diagnostic);
            for &arg in args {
                self.expr(arg, None);
            }
            return TypeId::ERROR;
        };
        self.expr_res.insert(id, Res::Func(func));
        let def = &self.funcs[func.0 as usize];
        let (param_types, result, def_span) = (def.param_types.clone(), def.result, def.span);
        let params: Vec<_> = def.params.iter().skip(1).map(|p| p.span).collect();
        let shown = def.name.clone();
        self.arguments(
            &shown,
            args,
            &param_types[1..],
            &params,
            span,
            Some(def_span),
        );
        result.unwrap_or(TypeId::UNIT)
    }

    /// Reports a method that `ty` does not have, listing those it does.
    pub(super) fn unknown_method(&mut self, ty: TypeId, name: &Name) {
        let type_name = self.type_name(ty);
        let builtin: &[&str] = match self.types.def(ty) {
            TypeDef::List(_) => &["len", "push", "pop", "insert", "remove"],
            TypeDef::Map { .. } => &["len", "get", "contains-key", "insert", "remove"],
            TypeDef::String => &["len", "chars", "bytes"],
            TypeDef::Char | TypeDef::Bool => &["to-string"],
            TypeDef::F32 | TypeDef::F64 => FloatOp::NAMES,
            _ if self.types.int_shape(ty).is_some() => &["to-string"],
            _ => &[],
        };
        let mut names: Vec<String> = builtin.iter().map(|m| m.to_string()).collect();
        if matches!(self.types.def(ty), TypeDef::F32 | TypeDef::F64) {
            names.push("to-bits".to_owned());
        }
        if let Some(namespace) = crate::library::method_namespace(&self.types, ty) {
            names.extend(
                crate::library::methods(&namespace)
                    .into_iter()
                    .map(|m| m.name),
            );
        }
        names.sort();
        names.dedup();
        let methods = if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        };
        self.error(
            Diagnostic::error(
                "unknown-method",
                format!("`{type_name}` has no method `{}`", name.text),
            )
            .at(name.span, "no such method")
            .note(format!("methods of `{type_name}`: {methods}")),
        );
    }

    /// Whether a place reaches through a handle into a resource's fields (`self.books[0]`).
    pub(super) fn through_handle(&self, expr: ExprId) -> bool {
        crate::program::through_handle(self.body, &self.types, &self.expr_types, expr)
    }

    /// The variable at the root of a place (`xs` in `xs[0].name`), if `expr` is a place.
    pub(super) fn place_root(&self, expr: ExprId) -> Option<ExprId> {
        if self.body.slice(expr).is_some()
            || matches!(
                self.expr_res.get(expr),
                Some(Res::Builtin(Builtin::Byte | Builtin::Lookup))
            )
        {
            return None;
        }
        match &self.body.exprs[expr].kind {
            ExprKind::Path(path) if path.len() == 1 => Some(expr),
            ExprKind::Field { base, .. } | ExprKind::Index { base, .. } | ExprKind::Paren(base) => {
                self.place_root(*base)
            }
            _ => None,
        }
    }

    /// Reports a change to something that is not a `mut` variable (or part of one).
    pub(super) fn require_mutable(&mut self, place: ExprId, why: &str) {
        if self.through_handle(place) {
            // A resource's fields are places wherever a handle reaches them.
            return;
        }
        let place_span = self.body.exprs[place].span;
        if self.expr_res.get(place) == Some(&Res::Builtin(Builtin::Lookup)) {
            self.error(
                Diagnostic::error("invalid-assignment", "cannot assign to a map's value")
                    .at(place_span, "`m[k]` only reads")
                    .hint("`m.insert(k, v)` sets the value of a key, whether or not it has one"),
            );
            return;
        }
        let Some(root) = self.place_root(place) else {
            self.error(
                Diagnostic::error("invalid-assignment", "cannot assign to this expression")
                    .at(place_span, "not a variable")
                    .hint(format!(
                        "{why}; only variables declared with `let mut` can be changed"
                    )),
            );
            return;
        };
        let (mutable, name, def_span) = match self.expr_res.get(root) {
            Some(Res::Local(local)) => {
                let def = &self.locals[local.0 as usize];
                (def.mutable, def.name.clone(), def.span)
            }
            Some(Res::Global(global)) => {
                let def = &self.globals[global.0 as usize];
                (def.mutable, def.name.clone(), def.span)
            }
            Some(_) => {
                self.error(
                    Diagnostic::error("invalid-assignment", "cannot assign to this expression")
                        .at(place_span, "not a variable"),
                );
                return;
            }
            None => return,
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
    }
}
