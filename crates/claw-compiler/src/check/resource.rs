//! Resources the file implements: `resource shelf { fields, constructor, methods, statics,
//! drop }` inside an export block, their members as functions, and `new shelf {…}`.
//!
//! A member is a function of the file named as the Canonical ABI names it
//! (`[constructor]shelf`, `[method]shelf.add`, `[static]shelf.merge`), so an export block is
//! checked against its WIT interface by the same comparison as plain functions. Methods
//! and the `drop` block take `self`, a `borrow` of the handle, as their first parameter.

use claw_syntax::ast::{self, ExportInterface, ExportTarget, ExprId, Func, MemberKind, Name};
use claw_syntax::Span;

use super::wit_import::list_or_nothing;
use super::Checker;
use crate::diagnostics::Diagnostic;
use crate::program::{FuncId, FuncKind, ParamDef, Res, ResourceImpl};
use crate::types::{TypeDef, TypeId};

impl Checker<'_> {
    /// Marks the resources of an exported WIT interface as implemented here, before its
    /// types are converted, so that none of them is imported.
    pub(super) fn claim_resources(&mut self, interface: wit_parser::InterfaceId) {
        let wit = self.wit;
        for &ty in wit.interfaces[interface].types.values() {
            if matches!(wit.types[ty].kind, wit_parser::TypeDefKind::Resource) {
                self.implemented.insert(ty);
            }
        }
    }

    /// The resource types of an export block's `resource` declarations (block `item`,
    /// exported interface `slot`), with their implementations still empty.
    pub(super) fn declare_resources(&mut self, export: &ExportInterface, item: usize, slot: usize) {
        let wit = self.wit;
        let wit_iface = self.exported_interfaces[slot].wit;
        let iface_name = self.exported_interfaces[slot].name.clone();
        for (index, decl) in export.resources.iter().enumerate() {
            let ty = match (&export.target, wit_iface) {
                (ExportTarget::Inline(_), _) => {
                    if let Some(&item) = self.type_decls.get(&decl.name.text) {
                        let first = match &self.ast.items[item] {
                            ast::Item::TypeDecl(first) => first.name.span,
                            _ => decl.name.span,
                        };
                        self.duplicate("type", &decl.name, first);
                        continue;
                    }
                    let ty = self.types.intern(TypeDef::Resource {
                        name: decl.name.text.clone(),
                        interface: Some(iface_name.clone()),
                    });
                    if let Some(first) = self.type_spans.get(&ty).copied() {
                        self.duplicate("resource", &decl.name, first);
                        continue;
                    }
                    self.type_names.insert(decl.name.text.clone(), ty);
                    self.type_spans.insert(ty, decl.name.span);
                    ty
                }
                (ExportTarget::Wit(_), Some(iface)) => {
                    let found = wit.interfaces[iface].types.get(&decl.name.text).copied();
                    match found.filter(|&t| self.implemented.contains(&t)) {
                        Some(wit_ty) => self.wit_type(&wit_parser::Type::Id(wit_ty), &decl.name),
                        None => {
                            let mut known: Vec<&str> = wit.interfaces[iface]
                                .types
                                .iter()
                                .filter(|(_, &t)| self.implemented.contains(&t))
                                .map(|(n, _)| n.as_str())
                                .collect();
                            known.sort();
                            self.error(
                                Diagnostic::error(
                                    "extra-export",
                                    format!("`{iface_name}` has no resource `{}`", decl.name.text),
                                )
                                .at(decl.name.span, "not in the interface")
                                .note(format!("its resources: {}", list_or_nothing(&known))),
                            );
                            continue;
                        }
                    }
                }
                _ => continue,
            };
            let funcs = self.resources.entry(ty).or_default();
            if funcs.implementation.is_some() {
                continue;
            }
            funcs.implementation = Some(ResourceImpl {
                fields: Vec::new(),
                field_spans: Vec::new(),
                rep: TypeId::ERROR,
                drop: None,
                interface: slot,
                item,
                index,
            });
            self.resource_decls.insert((item, index), ty);
        }
        // A resource of the interface with no `resource` block here.
        if let (ExportTarget::Wit(path), Some(iface)) = (&export.target, wit_iface) {
            for (name, &wit_ty) in &wit.interfaces[iface].types {
                if !self.implemented.contains(&wit_ty)
                    || export.resources.iter().any(|r| r.name.text == *name)
                {
                    continue;
                }
                self.error(
                    Diagnostic::error(
                        "missing-export",
                        format!("`{iface_name}` needs a resource `{name}`"),
                    )
                    .at(path.span, format!("`{name}` is not implemented here"))
                    .hint(format!(
                        "add `resource {name} {{ … }}` inside the block, with its fields and functions"
                    )),
                );
            }
        }
    }

    /// The fields of each resource of an export block, once every type name is known.
    pub(super) fn resource_fields(&mut self, export: &ExportInterface, item: usize) {
        for (index, decl) in export.resources.iter().enumerate() {
            let Some(&ty) = self.resource_decls.get(&(item, index)) else {
                continue;
            };
            let mut fields: Vec<(String, TypeId)> = Vec::new();
            let mut field_spans = Vec::new();
            for (name, ty_expr) in &decl.fields {
                let field_ty = self.resolve_type(ty_expr);
                if fields.iter().any(|f| f.0 == name.text) {
                    self.error(
                        Diagnostic::error(
                            "duplicate-definition",
                            format!("field `{}` is declared more than once", name.text),
                        )
                        .at(name.span, "declared again here"),
                    );
                    continue;
                }
                fields.push((name.text.clone(), field_ty));
                field_spans.push(name.span);
            }
            let rep = self
                .types
                .intern(TypeDef::Tuple(fields.iter().map(|f| f.1).collect()));
            if let Some(implementation) = self
                .resources
                .get_mut(&ty)
                .and_then(|r| r.implementation.as_mut())
            {
                implementation.fields = fields;
                implementation.field_spans = field_spans;
                implementation.rep = rep;
            }
        }
    }

    /// Declares a member of a resource block (item `item`, in the block of exported
    /// interface `slot`) as a function named as the Canonical ABI names it.
    pub(super) fn declare_member(
        &mut self,
        func: &Func,
        item: usize,
        slot: Option<usize>,
    ) -> Option<FuncId> {
        let member = func.member?;
        let block = func.interface?;
        let ty = *self.resource_decls.get(&(block, member.resource))?;
        let resource = self.types.name(ty);
        let item_name = &func.name.text;
        let wit_name = match member.kind {
            MemberKind::Constructor => format!("[constructor]{resource}"),
            MemberKind::Method => format!("[method]{resource}.{item_name}"),
            MemberKind::Static => format!("[static]{resource}.{item_name}"),
            MemberKind::Drop => format!("[dtor]{resource}"),
        };
        let drop = member.kind == MemberKind::Drop;
        let kind = FuncKind::Defined {
            item,
            exported: !drop,
            interface: if drop { None } else { slot },
        };
        let id = self.declare_func(&func.name, &func.sig, kind, func.name.span);
        let borrow = self.types.intern(TypeDef::Borrow(ty));
        let def = &mut self.funcs[id.0 as usize];
        def.name = wit_name;
        if matches!(member.kind, MemberKind::Method | MemberKind::Drop) {
            def.params.insert(
                0,
                ParamDef {
                    name: "self".to_string(),
                    span: func.name.span,
                },
            );
            def.param_types.insert(0, borrow);
        }
        if member.kind == MemberKind::Constructor {
            if let Some(result) = &func.sig.result {
                self.error(
                    Diagnostic::error(
                        "constructor-result",
                        "a constructor's result is the resource itself",
                    )
                    .at(result.span, "remove this")
                    .hint(format!("a constructor returns `new {resource} {{ … }}`")),
                );
            }
            self.funcs[id.0 as usize].result = Some(ty);
        }
        let funcs = self.resources.entry(ty).or_default();
        let duplicate = match member.kind {
            MemberKind::Constructor => funcs.constructor.replace(id).is_some(),
            MemberKind::Method | MemberKind::Static => {
                let clash =
                    funcs.method(item_name).is_some() || funcs.static_func(item_name).is_some();
                let list = if member.kind == MemberKind::Method {
                    &mut funcs.methods
                } else {
                    &mut funcs.statics
                };
                list.push((item_name.clone(), id));
                clash
            }
            MemberKind::Drop => funcs
                .implementation
                .as_mut()
                .is_some_and(|i| i.drop.replace(id).is_some()),
        };
        if duplicate {
            self.error(
                Diagnostic::error(
                    "duplicate-definition",
                    format!(
                        "`{}` is defined more than once in resource `{resource}`",
                        func.name.text
                    ),
                )
                .at(func.name.span, "defined again here"),
            );
        }
        if let (Some(slot), false) = (slot, drop) {
            self.exported_interfaces[slot].funcs.push(id);
        }
        Some(id)
    }

    /// Reports a field `name` that resource `shown` does not have, listing those it has.
    fn unknown_field(&mut self, shown: &str, implementation: &ResourceImpl, name: &Name) {
        let known: Vec<&str> = implementation.fields.iter().map(|f| f.0.as_str()).collect();
        self.error(
            Diagnostic::error(
                "unknown-field",
                format!("resource `{shown}` has no field `{}`", name.text),
            )
            .at(name.span, "no such field")
            .note(format!("its fields: {}", list_or_nothing(&known))),
        );
    }

    /// Reports `name`, a `what`, defined again after `first`.
    fn duplicate(&mut self, what: &str, name: &Name, first: Span) {
        self.error(
            Diagnostic::error(
                "duplicate-definition",
                format!("{what} `{}` is defined more than once", name.text),
            )
            .at(name.span, "defined again here")
            .also(first, "first defined here"),
        );
    }

    /// `new shelf {name: n, books: []}`.
    pub(super) fn new_resource(
        &mut self,
        id: ExprId,
        ty_name: &Name,
        fields: &[(Name, ExprId)],
        span: Span,
    ) -> TypeId {
        let check_all = |this: &mut Self| {
            for (_, value) in fields {
                this.expr(*value, None);
            }
        };
        let Some(&ty) = self.type_names.get(&ty_name.text) else {
            self.unbound(ty_name, "type");
            check_all(self);
            return TypeId::ERROR;
        };
        let Some(implementation) = self
            .resources
            .get(&ty)
            .and_then(|r| r.implementation.clone())
        else {
            let shown = self.type_name(ty);
            let diagnostic = if matches!(self.types.def(ty), TypeDef::Resource { .. }) {
                Diagnostic::error(
                    "foreign-new",
                    format!("resource `{shown}` is not implemented in this file"),
                )
                .at(ty_name.span, "implemented elsewhere")
                .hint(format!(
                    "call its constructor instead: `{}(…)`",
                    ty_name.text
                ))
            } else {
                Diagnostic::error("not-a-resource", format!("`{shown}` is not a resource"))
                    .at(ty_name.span, "`new` builds resources")
                    .hint("write a record or a tuple without `new`")
            };
            self.error(diagnostic);
            check_all(self);
            return TypeId::ERROR;
        };
        let _ = id;
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in fields {
            match implementation.fields.iter().find(|f| f.0 == name.text) {
                Some(&(_, field_ty)) => {
                    if seen.contains(&name.text.as_str()) {
                        self.error(
                            Diagnostic::error(
                                "duplicate-field",
                                format!("field `{}` is given more than once", name.text),
                            )
                            .at(name.span, "given again here"),
                        );
                    }
                    seen.push(&name.text);
                    self.expr(*value, Some(super::Expect::ty(field_ty)));
                }
                None => {
                    self.unknown_field(&ty_name.text, &implementation, name);
                    self.expr(*value, None);
                }
            }
        }
        let missing: Vec<(&str, Span)> = implementation
            .fields
            .iter()
            .zip(&implementation.field_spans)
            .map(|(f, &at)| (f.0.as_str(), at))
            .filter(|(f, _)| !seen.contains(f))
            .collect();
        if let Some(&(_, first)) = missing.first() {
            let names: Vec<String> = missing.iter().map(|(f, _)| format!("`{f}`")).collect();
            self.error(
                Diagnostic::error(
                    "missing-field",
                    format!("`new {}` needs {}", ty_name.text, names.join(", ")),
                )
                .at(span, "not every field is given")
                .also(first, "declared here"),
            );
        }
        ty
    }

    /// A field of a resource's representation, through a handle to it.
    pub(super) fn resource_field(&mut self, id: ExprId, resource: TypeId, name: &Name) -> TypeId {
        let Some(implementation) = self
            .resources
            .get(&resource)
            .and_then(|r| r.implementation.clone())
        else {
            let shown = self.type_name(resource);
            self.error(
                Diagnostic::error(
                    "private-field",
                    format!(
                        "the fields of resource `{shown}` are private to where it is implemented"
                    ),
                )
                .at(name.span, "not reachable here")
                .hint("call its methods"),
            );
            return TypeId::ERROR;
        };
        match implementation.fields.iter().position(|f| f.0 == name.text) {
            Some(index) => {
                self.expr_res.insert(id, Res::Field(index as u32));
                implementation.fields[index].1
            }
            None => {
                let shown = self.type_name(resource);
                self.unknown_field(&shown, &implementation, name);
                TypeId::ERROR
            }
        }
    }
}
