//! `import { … } from ns:pkg/iface;`: finding the interface among the loaded WIT packages and
//! bringing its functions and the types they use into scope.

use claw_syntax::ast::{ImportFrom, InterfacePath, Name};
use wit_parser::{FunctionKind, Handle, InterfaceId, Type, TypeDefKind, TypeOwner};

use super::{Checker, ItemRes};
use crate::diagnostics::Diagnostic;
use crate::program::{BodyFacts, FuncDef, FuncKind, ParamDef, ResourceFuncs};
use crate::types::{TypeDef, TypeId};

impl Checker<'_> {
    pub(super) fn import_from(&mut self, import: &ImportFrom) {
        let Some(interface) = self.find_interface(&import.interface) else {
            return;
        };
        let wit = self.wit;
        let interface_name = wit.id_of(interface).unwrap_or_default();
        if !self.imported_interfaces.contains(&interface_name) {
            self.imported_interfaces.push(interface_name.clone());
        }
        let iface = &wit.interfaces[interface];
        for item in &import.names {
            let local = item.local();
            if let Some(func) = iface
                .functions
                .get(&item.name.text)
                .filter(|f| f.kind.resource().is_none())
            {
                let id = self.import_func(func, &local.text, &interface_name, &item.name);
                self.define_item(local, ItemRes::Func(id));
            } else if let Some(&ty) = iface.types.get(&item.name.text) {
                let ty = self.wit_type(&Type::Id(ty), &item.name);
                self.type_names.insert(local.text.clone(), ty);
                self.type_spans.entry(ty).or_insert(item.name.span);
            } else {
                let mut known = plain_functions(iface);
                known.extend(iface.types.keys().map(|s| s.as_str()));
                self.error(
                    Diagnostic::error(
                        "unknown-import",
                        format!(
                            "interface `{interface_name}` has no function or type `{}`",
                            item.name.text
                        ),
                    )
                    .at(item.name.span, "not in the interface")
                    .note(format!("it defines: {}", list_or_nothing(&known))),
                );
            }
        }
    }

    /// A function of an imported interface (or one of its resources') as a [`FuncDef`]
    /// called `name` in the file.
    fn import_func(
        &mut self,
        func: &wit_parser::Function,
        name: &str,
        interface: &str,
        used_by: &Name,
    ) -> crate::program::FuncId {
        let mut params = Vec::new();
        let mut param_types = Vec::new();
        for param in &func.params {
            let ty = self.wit_type(&param.ty, used_by);
            params.push(ParamDef {
                name: param.name.clone(),
                span: used_by.span,
            });
            param_types.push(ty);
        }
        let result = func.result.as_ref().map(|ty| self.wit_type(ty, used_by));
        self.push_func(FuncDef {
            name: name.to_string(),
            params,
            param_types,
            result,
            kind: FuncKind::Imported {
                interface: Some(interface.to_string()),
                wit_name: func.name.clone(),
            },
            span: used_by.span,
            facts: BodyFacts::default(),
        })
    }

    /// Makes the constructor, methods and static functions of an imported resource known,
    /// the first time the resource is met.
    fn import_resource(&mut self, ty: TypeId, wit_id: wit_parser::TypeId, used_by: &Name) {
        if self.resources.contains_key(&ty) {
            return;
        }
        self.resources.insert(ty, ResourceFuncs::default());
        let wit = self.wit;
        let TypeOwner::Interface(owner) = wit.types[wit_id].owner else {
            return;
        };
        let interface = wit.id_of(owner).unwrap_or_default();
        if !self.imported_interfaces.contains(&interface) {
            self.imported_interfaces.push(interface.clone());
        }
        let resource = wit.types[wit_id].name.clone().unwrap_or_default();
        let mut funcs = ResourceFuncs::default();
        for func in wit.interfaces[owner].functions.values() {
            if func.kind.resource() != Some(wit_id) {
                continue;
            }
            let item = func.item_name().to_string();
            let shown = match func.kind {
                FunctionKind::Constructor(_) => resource.clone(),
                FunctionKind::Method(_) | FunctionKind::AsyncMethod(_) => {
                    format!("{resource}.{item}")
                }
                _ => format!("{resource}::{item}"),
            };
            let id = self.import_func(func, &shown, &interface, used_by);
            match func.kind {
                FunctionKind::Constructor(_) => funcs.constructor = Some(id),
                FunctionKind::Method(_) | FunctionKind::AsyncMethod(_) => {
                    funcs.methods.push((item, id))
                }
                _ => funcs.statics.push((item, id)),
            }
        }
        self.resources.insert(ty, funcs);
    }

    pub(super) fn find_interface(&mut self, path: &InterfacePath) -> Option<InterfaceId> {
        let wit = self.wit;
        let wanted = format!("{}:{}", path.namespace.text, path.package.text);
        let version = path.version.as_ref().map(|v| v.text.as_str());
        let mut candidates: Vec<_> = wit
            .packages
            .iter()
            .filter(|(_, p)| {
                p.name.namespace == path.namespace.text && p.name.name == path.package.text
            })
            .collect();
        candidates.sort_by(|a, b| b.1.name.version.cmp(&a.1.name.version));
        let package = candidates
            .iter()
            .find(|(_, p)| match (version, &p.name.version) {
                (Some(v), Some(have)) => have.to_string() == v,
                (Some(_), None) => false,
                (None, _) => true,
            });
        let Some((_, package)) = package else {
            let known: Vec<String> = wit
                .packages
                .iter()
                .map(|(_, p)| p.name.to_string())
                .collect();
            let shown = match version {
                Some(v) => format!("{wanted}@{v}"),
                None => wanted,
            };
            let span = path
                .namespace
                .span
                .to(path.version.as_ref().map_or(path.package.span, |v| v.span));
            self.error(
                Diagnostic::error("unknown-package", format!("no WIT package `{shown}` is loaded"))
                    .at(span, "unknown package")
                    .note(format!("loaded packages: {}", list_or_nothing(&known)))
                    .hint("put the package's `.wit` files in the `wit/` folder next to the source (or its `deps/`), or pass `--wit DIR`"),
            );
            return None;
        };
        match package.interfaces.get(&path.interface.text) {
            Some(&id) => Some(id),
            None => {
                let known: Vec<&str> = package.interfaces.keys().map(|s| s.as_str()).collect();
                self.error(
                    Diagnostic::error(
                        "unknown-interface",
                        format!(
                            "package `{}` has no interface `{}`",
                            package.name, path.interface.text
                        ),
                    )
                    .at(path.interface.span, "unknown interface")
                    .note(format!("its interfaces are: {}", list_or_nothing(&known))),
                );
                None
            }
        }
    }

    /// Converts a WIT type to a Claw type, making named types visible under their WIT names.
    pub(super) fn wit_type(&mut self, ty: &Type, used_by: &Name) -> TypeId {
        let wit = self.wit;
        match ty {
            Type::Bool => TypeId::BOOL,
            Type::U8 => TypeId::U8,
            Type::U16 => TypeId::U16,
            Type::U32 => TypeId::U32,
            Type::U64 => TypeId::U64,
            Type::S8 => TypeId::S8,
            Type::S16 => TypeId::S16,
            Type::S32 => TypeId::S32,
            Type::S64 => TypeId::S64,
            Type::F32 => TypeId::F32,
            Type::F64 => TypeId::F64,
            Type::Char => TypeId::CHAR,
            Type::String => TypeId::STRING,
            Type::Id(id) => {
                let def = &wit.types[*id];
                let interface = match def.owner {
                    TypeOwner::Interface(owner) => wit.id_of(owner),
                    _ => None,
                };
                let name = def.name.clone().unwrap_or_default();
                let claw = match &def.kind {
                    TypeDefKind::Type(inner) => return self.wit_type(inner, used_by),
                    TypeDefKind::List(elem) => TypeDef::List(self.wit_type(elem, used_by)),
                    TypeDefKind::Map(key, value) => {
                        let key = self.wit_type(key, used_by);
                        let value = self.wit_type(value, used_by);
                        if self.types.contains_handle(value) {
                            let shown = self.type_name(value);
                            self.error(
                                Diagnostic::error(
                                    "map-of-handles",
                                    format!("a map cannot hold `{shown}`"),
                                )
                                .at(used_by.span, "this item's WIT type has such a map")
                                .note("maps of resources are not supported yet; a `list` can hold them"),
                            );
                            return TypeId::ERROR;
                        }
                        return self.types.map(key, value);
                    }
                    TypeDefKind::Option(some) => TypeDef::Option(self.wit_type(some, used_by)),
                    TypeDefKind::Result(r) => TypeDef::Result {
                        ok: r.ok.as_ref().map(|t| self.wit_type(t, used_by)),
                        err: r.err.as_ref().map(|t| self.wit_type(t, used_by)),
                    },
                    TypeDefKind::Tuple(t) => {
                        TypeDef::Tuple(t.types.iter().map(|t| self.wit_type(t, used_by)).collect())
                    }
                    TypeDefKind::Enum(e) => TypeDef::Enum {
                        name: name.clone(),
                        cases: e.cases.iter().map(|c| c.name.clone()).collect(),
                        interface,
                    },
                    TypeDefKind::Record(r) => TypeDef::Record {
                        name: name.clone(),
                        fields: r
                            .fields
                            .iter()
                            .map(|f| (f.name.clone(), self.wit_type(&f.ty, used_by)))
                            .collect(),
                        interface,
                    },
                    TypeDefKind::Variant(v) => TypeDef::Variant {
                        name: name.clone(),
                        cases: v
                            .cases
                            .iter()
                            .map(|c| {
                                (
                                    c.name.clone(),
                                    c.ty.as_ref().map(|t| self.wit_type(t, used_by)),
                                )
                            })
                            .collect(),
                        interface,
                    },
                    TypeDefKind::Flags(f) => TypeDef::Flags {
                        name: name.clone(),
                        flags: f.flags.iter().map(|f| f.name.clone()).collect(),
                        interface,
                    },
                    TypeDefKind::Resource => {
                        let ty = self.types.intern(TypeDef::Resource {
                            name: name.clone(),
                            interface,
                        });
                        self.type_names.entry(name).or_insert(ty);
                        if !self.implemented.contains(id) {
                            self.import_resource(ty, *id, used_by);
                        }
                        return ty;
                    }
                    TypeDefKind::Handle(Handle::Own(resource)) => {
                        return self.wit_type(&Type::Id(*resource), used_by)
                    }
                    TypeDefKind::Handle(Handle::Borrow(resource)) => {
                        let resource = self.wit_type(&Type::Id(*resource), used_by);
                        return self.types.intern(TypeDef::Borrow(resource));
                    }
                    _ => {
                        return self.unsupported_wit_type(
                            def.name.as_deref().unwrap_or("an anonymous type"),
                            used_by,
                        )
                    }
                };
                let named = def.name.is_some();
                let ty = self.types.intern(claw);
                if named {
                    self.type_names.entry(name).or_insert(ty);
                }
                ty
            }
            _ => self.unsupported_wit_type(&format!("{ty:?}").to_lowercase(), used_by),
        }
    }

    fn unsupported_wit_type(&mut self, what: &str, used_by: &Name) -> TypeId {
        self.error(
            Diagnostic::error(
                "unsupported-type",
                format!("the WIT type `{what}` is not supported yet"),
            )
            .at(used_by.span, "this item uses it")
            .note("futures, streams and error contexts are not supported yet"),
        );
        TypeId::ERROR
    }
}

/// Names for a note, each in backticks, or `(none)`.
pub(super) fn list_or_nothing<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        items
            .iter()
            .map(|s| format!("`{}`", s.as_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The names of an interface's functions that are not a resource's.
pub(super) fn plain_functions(iface: &wit_parser::Interface) -> Vec<&str> {
    iface
        .functions
        .values()
        .filter(|f| f.kind.resource().is_none())
        .map(|f| f.name.as_str())
        .collect()
}
