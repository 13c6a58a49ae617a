//! WAVE-syntax literals: lists, tuples, records, flags, and cases of variants, enums, options
//! and results. Most take their type from context, as WAVE values do.

use std::collections::HashSet;

use claw_syntax::ast::{ExprId, Name};
use claw_syntax::Span;

use super::{Checker, Expect};
use crate::diagnostics::Diagnostic;
use crate::program::Res;
use crate::types::{TypeDef, TypeId};

/// How many of a type's cases or fields an `unknown-case` or `unknown-field` error lists; each
/// error costs no more than that, however large the type.
const MAX_LISTED_MEMBERS: usize = 32;

impl Checker<'_> {
    pub(super) fn list_literal(
        &mut self,
        items: &[ExprId],
        span: Span,
        expect: Option<Expect>,
    ) -> TypeId {
        let elem = match expect.map(|e| self.types.def(e.ty).clone()) {
            Some(TypeDef::List(elem)) => Some(elem),
            _ => None,
        };
        match (elem, items.first()) {
            (Some(elem), _) => {
                for &item in items {
                    self.expr(item, Some(Expect::ty(elem)));
                }
                self.types.intern(TypeDef::List(elem))
            }
            (None, Some(&first)) => {
                let elem = self.expr(first, None);
                let first_span = self.body.exprs[first].span;
                for &item in &items[1..] {
                    self.expr(
                        item,
                        Some(Expect::because(
                            elem,
                            first_span,
                            "the list's first element",
                        )),
                    );
                }
                self.types.intern(TypeDef::List(elem))
            }
            (None, None) => self.cannot_infer(span, "the empty list", "list<u32>"),
        }
    }

    /// `{"a": 1, "b": 2}`: keys and values take their types from the expected map type, or
    /// else from the first entry.
    pub(super) fn map_literal(
        &mut self,
        entries: &[(ExprId, ExprId)],
        span: Span,
        expect: Option<Expect>,
    ) -> TypeId {
        let expected = match expect.map(|e| self.types.def(e.ty).clone()) {
            Some(TypeDef::Map { key, value, .. }) => Some((key, value)),
            _ => None,
        };
        let (key, value) = match expected {
            Some(types) => types,
            None => {
                let (first_key, first_value) = entries[0];
                let key = self.expr(first_key, None);
                let value = self.expr(first_value, None);
                let key = self.shallow(key);
                let key = if self.unbound_var(key).is_some() {
                    // A number key nothing gives a type: `s32`, as a literal's default.
                    self.unify(key, TypeId::S32);
                    TypeId::S32
                } else {
                    key
                };
                if !self.types.is_map_key(key) || self.types.contains_handle(value) {
                    let shown = self.type_name(key);
                    let value_shown = self.type_name(value);
                    self.error(
                        Diagnostic::error(
                            "map-key",
                            format!("a map cannot have `{shown}` keys and `{value_shown}` values"),
                        )
                        .at(span, "this map literal")
                        .note("a map's keys are `bool`, integers, `char` or `string`, and its values hold no handles"),
                    );
                    for &(k, v) in &entries[1..] {
                        self.expr(k, None);
                        self.expr(v, None);
                    }
                    return TypeId::ERROR;
                }
                let first_span = self.body.exprs[first_key].span;
                for &(k, v) in &entries[1..] {
                    self.expr(
                        k,
                        Some(Expect::because(key, first_span, "the map's first key")),
                    );
                    self.expr(
                        v,
                        Some(Expect::because(value, first_span, "the map's first entry")),
                    );
                }
                return self.types.map(key, value);
            }
        };
        for &(k, v) in entries {
            self.expr(k, Some(Expect::ty(key)));
            self.expr(v, Some(Expect::ty(value)));
        }
        expect.map(|e| e.ty).unwrap_or(TypeId::ERROR)
    }

    pub(super) fn tuple_literal(
        &mut self,
        items: &[ExprId],
        span: Span,
        expect: Option<Expect>,
    ) -> TypeId {
        let expected = match expect.map(|e| self.types.def(e.ty).clone()) {
            Some(TypeDef::Tuple(types)) if types.len() == items.len() => Some(types),
            _ => None,
        };
        if items.is_empty() {
            self.error(
                Diagnostic::error("empty-tuple", "`()` is not a value")
                    .at(span, "an empty tuple")
                    .hint("component tuples have at least one element"),
            );
            return TypeId::ERROR;
        }
        let types = items
            .iter()
            .enumerate()
            .map(|(i, &item)| {
                let expect = expected.as_ref().map(|t| Expect::ty(t[i]));
                self.expr(item, expect)
            })
            .collect();
        self.types.intern(TypeDef::Tuple(types))
    }

    pub(super) fn record_literal(
        &mut self,
        fields: &[(Name, ExprId)],
        span: Span,
        expect: Option<Expect>,
    ) -> TypeId {
        let Some(expect) = expect.filter(|e| e.ty != TypeId::ERROR) else {
            for (_, value) in fields {
                self.expr(*value, None);
            }
            if expect.is_some() {
                return TypeId::ERROR;
            }
            return self.cannot_infer(span, "this record", "point");
        };
        let TypeDef::Record {
            name: record,
            fields: declared,
            ..
        } = self.types.def(expect.ty).clone()
        else {
            for (_, value) in fields {
                self.expr(*value, None);
            }
            let found = self.type_name(expect.ty);
            self.error(
                Diagnostic::error(
                    "type-mismatch",
                    format!("expected `{found}`, found a record"),
                )
                .at(span, "this is a record literal")
                .hint("record literals need a record type from context"),
            );
            return TypeId::ERROR;
        };
        // Sets and lookups by name, so a literal of a large record costs its size.
        let mut given = HashSet::new();
        for (name, value) in fields {
            if !given.insert(name.text.as_str()) {
                self.error(
                    Diagnostic::error(
                        "duplicate-field",
                        format!("field `{}` is given more than once", name.text),
                    )
                    .at(name.span, "given again here"),
                );
            }
            match self.types.member(expect.ty, &name.text) {
                Some(index) => {
                    let ty = declared[index as usize].1;
                    self.expr(*value, Some(Expect::ty(ty)));
                }
                None => {
                    self.expr(*value, None);
                    self.unknown(expect.ty, "field", name);
                }
            }
        }
        let missing: Vec<&str> = declared
            .iter()
            .filter(|(n, _)| !given.contains(n.as_str()))
            .map(|(n, _)| n.as_str())
            .collect();
        if !missing.is_empty() {
            self.error(
                Diagnostic::error(
                    "missing-field",
                    format!(
                        "missing field{} {} in record `{record}`",
                        if missing.len() == 1 { "" } else { "s" },
                        missing
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .at(span, "every field needs a value"),
            );
        }
        expect.ty
    }

    pub(super) fn flags_literal(
        &mut self,
        names: &[Name],
        span: Span,
        expect: Option<Expect>,
    ) -> TypeId {
        let Some(expect) = expect.filter(|e| e.ty != TypeId::ERROR) else {
            if expect.is_some() {
                return TypeId::ERROR;
            }
            return self.cannot_infer(span, "this flags value", "perms");
        };
        let TypeDef::Flags { name, flags, .. } = self.types.def(expect.ty).clone() else {
            if names.is_empty() && matches!(self.types.def(expect.ty), TypeDef::Map { .. }) {
                return expect.ty;
            }
            if names.is_empty() {
                let found = self.type_name(expect.ty);
                self.error(
                    Diagnostic::error("type-mismatch", format!("expected `{found}`, found `{{}}`"))
                        .at(span, "`{}` is an empty flags value"),
                );
                return TypeId::ERROR;
            }
            // `{x, y}` where a record is expected: report it as a record missing its values.
            let found = self.type_name(expect.ty);
            self.error(
                Diagnostic::error("type-mismatch", format!("expected `{found}`, found flags"))
                    .at(span, "this is a flags literal")
                    .hint("a record literal gives each field a value: `{x: 1, y: 2}`"),
            );
            return TypeId::ERROR;
        };
        for flag in names {
            if !flags.contains(&flag.text) {
                self.error(
                    Diagnostic::error(
                        "unknown-flag",
                        format!("flags `{name}` has no flag `{}`", flag.text),
                    )
                    .at(flag.span, "no such flag")
                    .note(format!("its flags are: {}", flags.join(", "))),
                );
            }
        }
        expect.ty
    }

    /// A case written without its type, `none` or `circle(1.0)`: found in the expected type,
    /// or failing that in the one declared type that has a case of that name.
    pub(super) fn bare_case(
        &mut self,
        id: ExprId,
        name: &Name,
        payload: Option<ExprId>,
        expect: Option<Expect>,
    ) -> Option<TypeId> {
        let mut ty = expect
            .map(|e| e.ty)
            .filter(|&t| self.case_index(t, &name.text).is_some());
        if ty.is_none() {
            // `some(x)` builds an option of whatever `x` is.
            if let (Some(payload), "some", None) = (payload, name.text.as_str(), expect) {
                let inner = self.expr(payload, None);
                let ty = self.types.intern(TypeDef::Option(inner));
                self.expr_res.insert(id, Res::Case { ty, case: 1 });
                return Some(ty);
            }
            let mut owners: Vec<TypeId> = self
                .type_names
                .values()
                .copied()
                .filter(|&t| self.case_index(t, &name.text).is_some())
                .collect();
            owners.sort();
            owners.dedup();
            if owners.len() == 1 {
                ty = Some(owners[0]);
            }
        }
        let ty = ty?;
        self.case(id, ty, name, payload);
        Some(ty)
    }

    /// The position of the case `name` of the variant-like type `ty`.
    pub(super) fn case_index(&self, ty: TypeId, name: &str) -> Option<u32> {
        self.types.case_count(ty)?;
        self.types.member(ty, name)
    }

    /// Checks a case of `ty` named `name` with its payload, if written.
    pub(super) fn case(&mut self, id: ExprId, ty: TypeId, name: &Name, payload: Option<ExprId>) {
        let Some(index) = self.case_index(ty, &name.text) else {
            self.unknown(ty, "case", name);
            if let Some(payload) = payload {
                self.expr(payload, None);
            }
            return;
        };
        self.expr_res.insert(id, Res::Case { ty, case: index });
        let payload_ty = self.types.case(ty, index).and_then(|(_, payload)| payload);
        match (payload_ty, payload) {
            (Some(inner), Some(payload)) => {
                self.expr(payload, Some(Expect::ty(inner)));
            }
            (None, None) => {}
            (Some(inner), None) => {
                let inner = self.type_name(inner);
                self.error(
                    Diagnostic::error(
                        "missing-payload",
                        format!("case `{}` needs a value of type `{inner}`", name.text),
                    )
                    .at(name.span, format!("write `{}(…)`", name.text)),
                );
            }
            (None, Some(payload)) => {
                self.expr(payload, None);
                self.error(
                    Diagnostic::error(
                        "unexpected-payload",
                        format!("case `{}` carries no value", name.text),
                    )
                    .at(self.body.exprs[payload].span, "remove this value"),
                );
            }
        }
    }

    /// Reports a case or field `name` that `ty` does not have, listing (the first
    /// [`MAX_LISTED_MEMBERS`] of) the ones it has.
    pub(super) fn unknown(&mut self, ty: TypeId, what: &str, name: &Name) {
        let type_name = self.type_name(ty);
        let (mut names, count): (Vec<String>, usize) = match (what, self.types.def(ty)) {
            ("case", _) => {
                let count = self.types.case_count(ty).unwrap_or(0);
                let shown = (0..count.min(MAX_LISTED_MEMBERS) as u32)
                    .filter_map(|i| self.types.case(ty, i))
                    .map(|(case, _)| case.to_string())
                    .collect();
                (shown, count)
            }
            (_, TypeDef::Record { fields, .. }) => (
                fields
                    .iter()
                    .take(MAX_LISTED_MEMBERS)
                    .map(|f| f.0.clone())
                    .collect(),
                fields.len(),
            ),
            _ => {
                let fields = self.types.fields(ty).unwrap_or_default();
                let count = fields.len();
                (fields.into_iter().map(|f| f.0).collect(), count)
            }
        };
        if count > names.len() {
            names.push(format!("and {} more", count - names.len()));
        }
        self.error(
            Diagnostic::error(
                if what == "case" {
                    "unknown-case"
                } else {
                    "unknown-field"
                },
                format!("`{type_name}` has no {what} `{}`", name.text),
            )
            .at(name.span, format!("no such {what}"))
            .note(format!("its {what}s are: {}", names.join(", "))),
        );
    }

    pub(super) fn cannot_infer(&mut self, span: Span, what: &str, example: &str) -> TypeId {
        self.error(
            Diagnostic::error("cannot-infer", format!("cannot tell the type of {what}"))
                .at(span, "its type is not known here")
                .hint(format!(
                    "give the binding a type, as in `let x: {example} = …;`"
                )),
        );
        TypeId::ERROR
    }
}
