//! Types as written (`list<point>`, declarations in WIT syntax) and export blocks
//! (`export docs:visits/store { … }`, `export tests: interface { … }`).

use std::collections::{HashMap, HashSet};

use claw_syntax::ast::{ExportInterface, ExportTarget, Item, TypeDeclKind, TypeExpr};
use claw_syntax::Span;

use super::world_names::case_clash;
use super::Checker;
use crate::diagnostics::Diagnostic;
use crate::program::ExportedInterface;
use crate::types::{TypeDef, TypeId, Types};

/// How many of the file's type names an `unknown-type` error lists.
const MAX_LISTED_TYPES: usize = 16;

impl Checker<'_> {
    pub(super) fn collect_type_decls(&mut self) {
        let ast = self.ast;
        // The first declaration of each name as WIT compares names, without regard to case.
        let mut wit_names: HashMap<String, usize> = HashMap::new();
        for (index, item) in ast.items.iter().enumerate() {
            if let Item::TypeDecl(decl) = item {
                let wit_name = decl.name.text.to_ascii_lowercase();
                if let Some(&first) = wit_names.get(&wit_name) {
                    let Item::TypeDecl(first) = &ast.items[first] else {
                        continue;
                    };
                    // Reported, but declared all the same, so its uses resolve.
                    if first.name.text != decl.name.text {
                        self.error(case_clash(
                            &decl.name.text,
                            decl.name.span,
                            &first.name.text,
                            first.name.span,
                            "the types of a file",
                        ));
                    }
                }
                wit_names.entry(wit_name).or_insert(index);
                if let Some(&first) = self.type_decls.get(&decl.name.text) {
                    let Item::TypeDecl(first) = &ast.items[first] else {
                        continue;
                    };
                    self.error(
                        Diagnostic::error(
                            "duplicate-definition",
                            format!("type `{}` is defined more than once", decl.name.text),
                        )
                        .at(decl.name.span, "defined again here")
                        .also(first.name.span, "first defined here"),
                    );
                    continue;
                }
                self.type_decls.insert(decl.name.text.clone(), index);
            }
        }
    }

    /// Resolves every declaration, so errors in unused ones are reported too: once imports
    /// and export blocks have named their types, which declarations may use.
    pub(super) fn resolve_type_decls(&mut self) {
        let mut names: Vec<(usize, String)> = self
            .type_decls
            .iter()
            .map(|(name, &index)| (index, name.clone()))
            .collect();
        names.sort();
        for (_, name) in names {
            self.declared_type(&name);
        }
    }

    /// The type a declaration of the file names, resolving it on first use.
    fn declared_type(&mut self, name: &str) -> Option<TypeId> {
        if let Some(&ty) = self.type_names.get(name) {
            return Some(ty);
        }
        let &index = self.type_decls.get(name)?;
        let ast = self.ast;
        let Item::TypeDecl(decl) = &ast.items[index] else {
            return None;
        };
        if self.resolving.iter().any(|n| n == name) {
            self.error(
                Diagnostic::error("recursive-type", format!("type `{name}` contains itself"))
                    .at(decl.name.span, "defined in terms of itself")
                    .note("component types cannot be recursive; use a list to hold children"),
            );
            return Some(TypeId::ERROR);
        }
        self.resolving.push(name.to_string());
        let name = name.to_string();
        let unique = |this: &mut Self, names: Vec<&claw_syntax::ast::Name>, what: &str| {
            // Keyed as WIT compares names, without regard to case.
            let mut seen: HashMap<String, &claw_syntax::ast::Name> = HashMap::new();
            for n in names {
                let Some(first) = seen.get(&n.text.to_ascii_lowercase()) else {
                    seen.insert(n.text.to_ascii_lowercase(), n);
                    continue;
                };
                let diagnostic = if first.text == n.text {
                    Diagnostic::error(
                        "duplicate-definition",
                        format!("{what} `{}` is declared more than once", n.text),
                    )
                    .at(n.span, "declared again here")
                    .also(first.span, "first declared here")
                } else {
                    case_clash(
                        &n.text,
                        n.span,
                        &first.text,
                        first.span,
                        &format!("the {what}s of one type"),
                    )
                };
                this.error(diagnostic);
            }
        };
        let def = match &decl.kind {
            TypeDeclKind::Alias(target) => {
                let ty = self.resolve_type(target);
                self.resolving.pop();
                self.type_names.insert(name, ty);
                return Some(ty);
            }
            TypeDeclKind::Record(fields) => {
                unique(self, fields.iter().map(|f| &f.0).collect(), "field");
                if fields.is_empty() {
                    self.error(
                        Diagnostic::error("empty-type", format!("record `{name}` has no fields"))
                            .at(decl.span, "a record needs at least one field"),
                    );
                }
                let fields = fields
                    .iter()
                    .map(|(n, t)| (n.text.clone(), self.resolve_type(t)))
                    .collect();
                TypeDef::Record {
                    name: name.clone(),
                    fields,
                    interface: None,
                }
            }
            TypeDeclKind::Variant(cases) => {
                unique(self, cases.iter().map(|c| &c.0).collect(), "case");
                if cases.is_empty() {
                    self.error(
                        Diagnostic::error("empty-type", format!("variant `{name}` has no cases"))
                            .at(decl.span, "a variant needs at least one case"),
                    );
                }
                let cases = cases
                    .iter()
                    .map(|(n, t)| (n.text.clone(), t.as_ref().map(|t| self.resolve_type(t))))
                    .collect();
                TypeDef::Variant {
                    name: name.clone(),
                    cases,
                    interface: None,
                }
            }
            TypeDeclKind::Enum(cases) => {
                unique(self, cases.iter().collect(), "case");
                if cases.is_empty() {
                    self.error(
                        Diagnostic::error("empty-type", format!("enum `{name}` has no cases"))
                            .at(decl.span, "an enum needs at least one case"),
                    );
                }
                TypeDef::Enum {
                    name: name.clone(),
                    cases: cases.iter().map(|c| c.text.clone()).collect(),
                    interface: None,
                }
            }
            TypeDeclKind::Flags(flags) => {
                unique(self, flags.iter().collect(), "flag");
                if flags.len() > 32 {
                    self.error(
                        Diagnostic::error(
                            "too-many-flags",
                            format!("flags `{name}` has {} flags", flags.len()),
                        )
                        .at(decl.name.span, "more than 32 flags")
                        .note("the Component Model allows at most 32 flags in one type")
                        .hint("split them into two flags types"),
                    );
                }
                TypeDef::Flags {
                    name: name.clone(),
                    flags: flags.iter().map(|c| c.text.clone()).collect(),
                    interface: None,
                }
            }
        };
        self.resolving.pop();
        let ty = self.types.intern(def);
        self.type_names.insert(name, ty);
        self.type_spans.entry(ty).or_insert(decl.name.span);
        Some(ty)
    }

    pub(super) fn resolve_type(&mut self, ty: &TypeExpr) -> TypeId {
        // Only a parameter's type itself may be a borrow, not a type inside it.
        let borrow_here = std::mem::take(&mut self.borrow_here);
        let name = ty.name.text.as_str();
        let arity = |this: &mut Self, want: &[usize]| -> bool {
            if want.contains(&ty.args.len()) {
                return true;
            }
            let wanted = want
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(" or ");
            this.error(
                Diagnostic::error(
                    "wrong-type-arguments",
                    format!(
                        "`{name}` takes {wanted} type argument{}, but {} {} given",
                        if want == [1] { "" } else { "s" },
                        ty.args.len(),
                        if ty.args.len() == 1 { "was" } else { "were" }
                    ),
                )
                .at(ty.span, "wrong number of type arguments"),
            );
            false
        };
        let arg = |this: &mut Self, index: usize| -> Option<TypeId> {
            let arg = &ty.args[index];
            if arg.name.text == "_" {
                None
            } else {
                Some(this.resolve_type(arg))
            }
        };
        match name {
            "list" | "option" => {
                if !arity(self, &[1]) {
                    return TypeId::ERROR;
                }
                let Some(inner) = arg(self, 0) else {
                    return self.underscore(ty);
                };
                let def = if name == "list" {
                    TypeDef::List(inner)
                } else {
                    TypeDef::Option(inner)
                };
                return self.types.intern(def);
            }
            "map" => {
                if !arity(self, &[2]) {
                    return TypeId::ERROR;
                }
                let (Some(key), Some(value)) = (arg(self, 0), arg(self, 1)) else {
                    return self.underscore(ty);
                };
                if !self.map_types_allowed(ty, key, value) {
                    return TypeId::ERROR;
                }
                return self.types.map(key, value);
            }
            "result" => {
                if !arity(self, &[0, 1, 2]) {
                    return TypeId::ERROR;
                }
                let ok = if ty.args.is_empty() {
                    None
                } else {
                    arg(self, 0)
                };
                let err = if ty.args.len() == 2 {
                    match arg(self, 1) {
                        Some(err) => Some(err),
                        None => return self.underscore(&ty.args[1]),
                    }
                } else {
                    None
                };
                return self.types.intern(TypeDef::Result { ok, err });
            }
            "tuple" => {
                if ty.args.is_empty() {
                    self.error(
                        Diagnostic::error("empty-type", "a tuple needs at least one type")
                            .at(ty.span, "empty tuple"),
                    );
                    return TypeId::ERROR;
                }
                let mut items = Vec::new();
                for index in 0..ty.args.len() {
                    match arg(self, index) {
                        Some(item) => items.push(item),
                        None => return self.underscore(&ty.args[index]),
                    }
                }
                return self.types.intern(TypeDef::Tuple(items));
            }
            "borrow" | "own" => {
                if !arity(self, &[1]) {
                    return TypeId::ERROR;
                }
                let Some(inner) = arg(self, 0) else {
                    return self.underscore(ty);
                };
                if !matches!(self.types.def(inner), TypeDef::Resource { .. }) {
                    if inner != TypeId::ERROR {
                        let shown = self.type_name(inner);
                        self.error(
                            Diagnostic::error(
                                "not-a-resource",
                                format!("`{name}<…>` takes a resource, and `{shown}` is not one"),
                            )
                            .at(ty.args[0].span, "not a resource"),
                        );
                    }
                    return TypeId::ERROR;
                }
                if name == "borrow" && !borrow_here {
                    self.error(
                        Diagnostic::error(
                            "misplaced-borrow",
                            "a borrow can only be the type of a parameter",
                        )
                        .at(ty.span, "not a parameter's type")
                        .note("a borrow is lent for one call, so no value may keep it")
                        .hint(format!("use the owned handle: `{}`", ty.args[0].name.text)),
                    );
                }
                return match name {
                    "own" => inner,
                    _ => self.types.intern(TypeDef::Borrow(inner)),
                };
            }
            "_" => return self.underscore(ty),
            _ => {}
        }
        let found = Types::primitive(name).or_else(|| self.declared_type(name));
        let Some(id) = found else {
            let mut known: Vec<&str> = vec![
                "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char",
                "string", "list", "map", "option", "result", "tuple", "borrow", "own",
            ];
            // The file's own names are listed while there are few: listing thousands in each
            // of thousands of errors would take quadratic time, and nobody reads such a list.
            let more = if self.type_names.len() <= MAX_LISTED_TYPES {
                let mut extra: Vec<&String> = self.type_names.keys().collect();
                extra.sort();
                known.extend(extra.iter().map(|s| s.as_str()));
                String::new()
            } else {
                format!(", and {} named in this file", self.type_names.len())
            };
            self.error(
                Diagnostic::error("unknown-type", format!("unknown type `{name}`"))
                    .at(ty.name.span, "not a type in scope")
                    .note(format!("known types: {}{more}", known.join(", "))),
            );
            return TypeId::ERROR;
        };
        if !ty.args.is_empty() {
            self.error(
                Diagnostic::error(
                    "wrong-type-arguments",
                    format!("`{name}` takes no type arguments"),
                )
                .at(ty.span, "remove the `<…>`"),
            );
        }
        id
    }

    /// A map's key must hash the same in every host (`bool`, integers, `char`, `string`),
    /// and its values may not hold handles, whose moves in and out of a map Claw does not
    /// track yet.
    fn map_types_allowed(&mut self, ty: &TypeExpr, key: TypeId, value: TypeId) -> bool {
        let mut ok = true;
        if !self.types.is_map_key(key) {
            let shown = self.type_name(key);
            self.error(
                Diagnostic::error("map-key", format!("`{shown}` cannot be a map's key"))
                    .at(ty.args[0].span, "not a key type")
                    .note("a map's keys are `bool`, integers, `char` or `string`"),
            );
            ok = false;
        }
        if self.types.contains_handle(value) {
            let shown = self.type_name(value);
            self.error(
                Diagnostic::error("map-of-handles", format!("a map cannot hold `{shown}`"))
                    .at(ty.args[1].span, "holds a handle")
                    .note("maps of resources are not supported yet; a `list` can hold them"),
            );
            ok = false;
        }
        ok
    }

    fn underscore(&mut self, ty: &TypeExpr) -> TypeId {
        self.error(
            Diagnostic::error("misplaced-underscore", "`_` is not a type here").at(
                ty.span,
                "`_` only stands for a missing payload in `result<_, E>`",
            ),
        );
        TypeId::ERROR
    }

    /// Registers an export block; for a WIT interface, brings its types into scope so the
    /// functions inside can name them.
    /// `exported` holds the names of the blocks before, to report one exported twice.
    pub(super) fn export_interface(
        &mut self,
        export: &ExportInterface,
        exported: &mut HashSet<String>,
    ) -> usize {
        let (name, wit_id) = match &export.target {
            ExportTarget::Inline(name) => (name.text.clone(), None),
            ExportTarget::Wit(path) => match self.find_interface(path) {
                Some(id) => {
                    let wit = self.wit;
                    self.claim_resources(id);
                    for (type_name, &ty) in &wit.interfaces[id].types {
                        let ty = self.wit_type(&wit_parser::Type::Id(ty), &path.interface);
                        self.type_names.insert(type_name.clone(), ty);
                        self.type_spans.entry(ty).or_insert(path.span);
                    }
                    (wit.id_of(id).unwrap_or_default(), Some(id))
                }
                None => (String::new(), None),
            },
        };
        let inline = matches!(export.target, ExportTarget::Inline(_));
        if !name.is_empty() && !exported.insert(name.clone()) {
            self.error(
                Diagnostic::error(
                    "duplicate-definition",
                    format!("interface `{name}` is exported more than once"),
                )
                .at(export.span, "exported again here"),
            );
        }
        self.exported_interfaces.push(ExportedInterface {
            name,
            inline,
            wit: wit_id,
            funcs: Vec::new(),
        });
        self.exported_interfaces.len() - 1
    }

    /// Checks each exported WIT interface's functions against its definition.
    pub(super) fn check_exports(&mut self) {
        let ast = self.ast;
        // `exported_interfaces` holds one entry per export block, in item order.
        let blocks = ast.items.iter().filter_map(|item| match item {
            Item::ExportInterface(export) => Some(&export.target),
            _ => None,
        });
        for (slot, target) in blocks.enumerate() {
            let ExportTarget::Wit(path) = target else {
                continue;
            };
            let Some(interface) = self.exported_interfaces[slot].wit else {
                continue;
            };
            let iface_name = self.exported_interfaces[slot].name.clone();
            let wit = self.wit;
            let iface = &wit.interfaces[interface];
            let defined: Vec<_> = self.exported_interfaces[slot].funcs.clone();
            for (wit_name, wit_func) in &iface.functions {
                let Some(&func) = defined
                    .iter()
                    .find(|&&f| self.funcs[f.0 as usize].name == *wit_name)
                else {
                    let params: Vec<String> = wit_func
                        .params
                        .iter()
                        .map(|p| {
                            let ty = self.wit_type(&p.ty, &path.interface);
                            format!("{}: {}", p.name, self.type_name(ty))
                        })
                        .collect();
                    let result = wit_func
                        .result
                        .as_ref()
                        .map(|t| {
                            let ty = self.wit_type(t, &path.interface);
                            format!(" -> {}", self.type_name(ty))
                        })
                        .unwrap_or_default();
                    let diagnostic = match Member::of(wit_name) {
                        Some(member) => {
                            // A method's `self` is implicit.
                            let params = &params[usize::from(member.kind == "method")..];
                            let head = match member.kind {
                                "constructor" => "constructor".to_string(),
                                "static" => format!("static func {}", member.item),
                                _ => format!("func {}", member.item),
                            };
                            Diagnostic::error(
                                "missing-export",
                                format!(
                                    "resource `{}` of `{iface_name}` needs a {}",
                                    member.resource,
                                    member.describe()
                                ),
                            )
                            .at(path.span, format!("`{wit_name}` is not defined here"))
                            .hint(format!(
                                "add `{head}({}){} {{ … }}` to `resource {}`",
                                params.join(", "),
                                if member.kind == "constructor" {
                                    ""
                                } else {
                                    &result
                                },
                                member.resource
                            ))
                        }
                        None => Diagnostic::error(
                            "missing-export",
                            format!("`{iface_name}` needs a function `{wit_name}`"),
                        )
                        .at(path.span, format!("`{wit_name}` is not defined here"))
                        .hint(format!(
                            "add `func {wit_name}({}){result} {{ … }}` inside the block",
                            params.join(", ")
                        )),
                    };
                    self.error(diagnostic);
                    continue;
                };
                let want_params: Vec<TypeId> = wit_func
                    .params
                    .iter()
                    .map(|p| self.wit_type(&p.ty, &path.interface))
                    .collect();
                let want_result = wit_func
                    .result
                    .as_ref()
                    .map(|t| self.wit_type(t, &path.interface));
                let def = &self.funcs[func.0 as usize];
                if def.param_types != want_params || def.result != want_result {
                    let show = |this: &Self, params: &[TypeId], result: Option<TypeId>| {
                        let params: Vec<String> =
                            params.iter().map(|&t| this.type_name(t)).collect();
                        let result = result
                            .map(|t| format!(" -> {}", this.type_name(t)))
                            .unwrap_or_default();
                        format!("func({}){result}", params.join(", "))
                    };
                    let found = show(self, &def.param_types, def.result);
                    let wanted = show(self, &want_params, want_result);
                    let span = def.span;
                    let what = match Member::of(wit_name) {
                        Some(member) => {
                            format!("{} of resource `{}`", member.describe(), member.resource)
                        }
                        None => format!("`{wit_name}`"),
                    };
                    self.error(
                        Diagnostic::error(
                            "signature-mismatch",
                            format!("{what} does not match `{iface_name}`"),
                        )
                        .at(span, format!("this is `{found}`"))
                        .also(path.span, format!("the interface declares `{wanted}`")),
                    );
                }
            }
            for &func in &defined {
                let def = &self.funcs[func.0 as usize];
                if !iface.functions.contains_key(&def.name) {
                    let (span, name) = (def.span, def.name.clone());
                    let diagnostic = match Member::of(&name) {
                        Some(member) => {
                            let mut known: Vec<String> = iface
                                .functions
                                .keys()
                                .filter_map(|f| Member::of(f))
                                .filter(|m| m.resource == member.resource)
                                .map(|m| m.describe())
                                .collect();
                            known.sort();
                            Diagnostic::error(
                                "extra-export",
                                format!(
                                    "resource `{}` of `{iface_name}` has no {}",
                                    member.resource,
                                    member.describe()
                                ),
                            )
                            .at(span, "not in the interface")
                            .also(path.span, "the interface exported here")
                            .note(format!("it declares: {}", known.join(", ")))
                        }
                        None => {
                            let mut known = super::wit_import::plain_functions(iface);
                            known.sort();
                            Diagnostic::error(
                                "extra-export",
                                format!("`{iface_name}` has no function `{name}`"),
                            )
                            .at(span, "not in the interface")
                            .also(path.span, "the interface exported here")
                            .note(format!("it declares: {}", known.join(", ")))
                        }
                    };
                    self.error(diagnostic);
                }
            }
        }
        // An inline interface and a root export share the world's export names (and see
        // `check_world_names` for names that differ only in case).
        let root_exports: HashMap<&str, Span> = self
            .funcs
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    crate::program::FuncKind::Defined {
                        exported: true,
                        interface: None,
                        ..
                    }
                )
            })
            .map(|f| (f.name.as_str(), f.span))
            .collect();
        let mut clashes = Vec::new();
        for target in ast.items.iter().filter_map(|item| match item {
            Item::ExportInterface(export) => Some(&export.target),
            _ => None,
        }) {
            let ExportTarget::Inline(name) = target else {
                continue;
            };
            if let Some(&span) = root_exports.get(name.text.as_str()) {
                clashes.push((name, span));
            }
        }
        for (name, span) in clashes {
            self.error(
                Diagnostic::error(
                    "duplicate-definition",
                    format!("`{}` is exported more than once", name.text),
                )
                .at(name.span, "exported as an interface here")
                .also(span, "and as a function here")
                .hint("rename the interface or the function"),
            );
        }
        // Functions of inline interfaces may only use types the world can name there.
        for interface in 0..self.exported_interfaces.len() {
            if !self.exported_interfaces[interface].inline {
                continue;
            }
            for func in self.exported_interfaces[interface].funcs.clone() {
                let def = &self.funcs[func.0 as usize];
                let declared = def
                    .param_types
                    .iter()
                    .chain(&def.result)
                    .any(|&t| self.mentions_declared_type(t));
                if declared {
                    let span = def.span;
                    self.error(
                        Diagnostic::error(
                            "unsupported-type",
                            "functions of an inline interface cannot use types declared in this file",
                        )
                        .at(span, "uses a type declared in this file")
                        .hint("export the function at the top level, or use structural types"),
                    );
                }
            }
        }
        // A resource the file implements can be named only inside its interface: the world
        // cannot `use` from an interface it defines in place, and `use` of a WIT interface
        // it exports would import that interface, with a resource of the same name that is
        // not this one.
        for id in 0..self.funcs.len() {
            let def = &self.funcs[id];
            let home = match &def.kind {
                crate::program::FuncKind::Defined {
                    exported: true,
                    interface,
                    ..
                } => interface.map(|i| self.exported_interfaces[i].name.clone()),
                crate::program::FuncKind::Imported {
                    interface: None, ..
                } => None,
                _ => continue,
            };
            let foreign = def
                .param_types
                .iter()
                .chain(&def.result)
                .find_map(|&t| self.foreign_resource(t, home.as_deref()));
            if let Some(resource) = foreign {
                let (span, shown) = (def.span, self.type_name(resource));
                let owner = self
                    .types
                    .interface(resource)
                    .unwrap_or_default()
                    .to_string();
                self.error(
                    Diagnostic::error(
                        "unsupported-type",
                        format!("resource `{shown}` of interface `{owner}` cannot cross the boundary here"),
                    )
                    .at(span, format!("uses `{shown}` outside `{owner}`"))
                    .note("a resource the file implements can only be named by the functions of its interface")
                    .hint(format!("move the function into the export block of `{owner}`")),
                );
            }
        }
    }

    /// A resource the file implements in an interface other than `home` that `ty` holds.
    fn foreign_resource(&self, ty: TypeId, home: Option<&str>) -> Option<TypeId> {
        if let Some(resource) = self.types.resource(ty) {
            let implemented = self
                .resources
                .get(&resource)
                .and_then(|r| r.implementation.as_ref());
            if let Some(implementation) = implemented {
                let owner = &self.exported_interfaces[implementation.interface].name;
                if Some(owner.as_str()) != home {
                    return Some(resource);
                }
            }
        }
        self.types
            .children(ty)
            .into_iter()
            .find_map(|t| self.foreign_resource(t, home))
    }

    fn mentions_declared_type(&self, ty: TypeId) -> bool {
        (self.types.is_named(ty) && self.types.interface(ty).is_none())
            || self
                .types
                .children(ty)
                .into_iter()
                .any(|t| self.mentions_declared_type(t))
    }
}

/// A resource's function, from the name the Canonical ABI gives it: `[method]shelf.add`,
/// `[static]shelf.merge`, `[constructor]shelf`.
struct Member<'a> {
    kind: &'a str,
    resource: &'a str,
    item: &'a str,
}

impl<'a> Member<'a> {
    fn of(name: &'a str) -> Option<Member<'a>> {
        let (kind, rest) = name.strip_prefix('[')?.split_once(']')?;
        let (resource, item) = match kind {
            "constructor" => (rest, ""),
            _ => rest.split_once('.')?,
        };
        Some(Member {
            kind,
            resource,
            item,
        })
    }

    /// `method `add``, `static function `merge``, `constructor`.
    fn describe(&self) -> String {
        match self.kind {
            "constructor" => "constructor".to_string(),
            "static" => format!("static function `{}`", self.item),
            _ => format!("method `{}`", self.item),
        }
    }
}
