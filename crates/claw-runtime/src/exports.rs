//! The functions an instance exports and how a user-written name picks one.
//!
//! Root functions are named plainly (`factorial`); interface functions are listed as
//! `ns:pkg/iface@1.0.0#f`. A query may use that full form, the WAVE form (`ns:pkg/iface.f@1.0.0`),
//! any shortening of the interface that stays unambiguous (`iface.f`, `ns:pkg/iface#f`), or the
//! bare function name when only one interface has it. Root functions win bare-name lookups.

use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, ComponentExportIndex, Func, Instance, Type};
use wasmtime::{AsContextMut, Engine};

use crate::error::RunError;

/// One exported function of a component, before any instance exists.
pub(crate) struct ExportedType {
    /// The exporting interface (`docs:calc/ops@0.1.0`), or `None` at the root.
    pub(crate) interface: Option<String>,
    pub(crate) name: String,
    pub(crate) index: ComponentExportIndex,
    pub(crate) params: Vec<Type>,
}

impl ExportedType {
    /// `f` or `ns:pkg/iface#f`.
    pub(crate) fn qualified_name(&self) -> String {
        qualified(self.interface.as_deref(), &self.name)
    }
}

/// The unambiguous name of function `name` of `interface` (or of the root).
fn qualified(interface: Option<&str>, name: &str) -> String {
    match interface {
        Some(interface) => format!("{interface}#{name}"),
        None => name.to_owned(),
    }
}

/// The root and interface functions `component` exports, in its order.
pub(crate) fn exported_types(component: &Component, engine: &Engine) -> Vec<ExportedType> {
    let mut out = Vec::new();
    for (name, export) in component.component_type().exports(engine) {
        match export.ty {
            ComponentItem::ComponentFunc(ty) => {
                if let Some(index) = component.get_export_index(None, name) {
                    out.push(ExportedType {
                        interface: None,
                        name: name.to_owned(),
                        index,
                        params: ty.params().map(|(_, ty)| ty).collect(),
                    });
                }
            }
            ComponentItem::ComponentInstance(ty) => {
                let Some(parent) = component.get_export_index(None, name) else {
                    continue;
                };
                for (func, item) in ty.exports(engine) {
                    let ComponentItem::ComponentFunc(func_ty) = item.ty else {
                        continue;
                    };
                    if let Some(index) = component.get_export_index(Some(&parent), func) {
                        out.push(ExportedType {
                            interface: Some(name.to_owned()),
                            name: func.to_owned(),
                            index,
                            params: func_ty.params().map(|(_, ty)| ty).collect(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// One exported function, resolved against a live instance.
#[derive(Clone, Debug)]
pub(crate) struct ExportedFunc {
    /// The exporting interface (`docs:calc/ops@0.1.0`), or `None` at the root.
    pub(crate) interface: Option<String>,
    pub(crate) name: String,
    pub(crate) func: Func,
}

impl ExportedFunc {
    /// The unambiguous name shown to users: `f` or `ns:pkg/iface#f`.
    pub(crate) fn qualified_name(&self) -> String {
        qualified(self.interface.as_deref(), &self.name)
    }
}

/// Every function export of one instance, in the component's order.
#[derive(Debug)]
pub(crate) struct Exports {
    funcs: Vec<ExportedFunc>,
}

impl Exports {
    /// Collects the root and interface function exports of `instance`. Exports of other kinds
    /// (modules, nested components, instances inside instances) can't be called and are skipped.
    pub(crate) fn new(
        component: &Component,
        engine: &Engine,
        instance: &Instance,
        mut store: impl AsContextMut,
    ) -> Exports {
        let mut funcs = Vec::new();
        for (name, export) in component.component_type().exports(engine) {
            match export.ty {
                ComponentItem::ComponentFunc(_) => {
                    if let Some(func) = instance.get_func(&mut store, name) {
                        funcs.push(ExportedFunc {
                            interface: None,
                            name: name.to_owned(),
                            func,
                        });
                    }
                }
                ComponentItem::ComponentInstance(ty) => {
                    let Some(parent) = component.get_export_index(None, name) else {
                        continue;
                    };
                    for (func_name, item) in ty.exports(engine) {
                        if !matches!(item.ty, ComponentItem::ComponentFunc(_)) {
                            continue;
                        }
                        let func = component
                            .get_export_index(Some(&parent), func_name)
                            .and_then(|index| instance.get_func(&mut store, index));
                        if let Some(func) = func {
                            funcs.push(ExportedFunc {
                                interface: Some(name.to_owned()),
                                name: func_name.to_owned(),
                                func,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        Exports { funcs }
    }

    pub(crate) fn all(&self) -> &[ExportedFunc] {
        &self.funcs
    }

    pub(crate) fn names(&self) -> Vec<String> {
        self.funcs
            .iter()
            .map(ExportedFunc::qualified_name)
            .collect()
    }

    /// The export `query` names; see the module docs for the accepted forms.
    pub(crate) fn resolve(&self, query: &str) -> Result<&ExportedFunc, RunError> {
        let (interface, name) = split_query(query);
        let candidates: Vec<&ExportedFunc> = match interface {
            Some(wanted) => self
                .funcs
                .iter()
                .filter(|func| func.name == name)
                .filter(|func| {
                    func.interface
                        .as_deref()
                        .is_some_and(|have| wanted.matches(&InterfaceName::parse(have)))
                })
                .collect(),
            None => {
                let named = self.funcs.iter().filter(|func| func.name == name);
                match named.clone().find(|func| func.interface.is_none()) {
                    Some(root) => vec![root],
                    None => named.collect(),
                }
            }
        };
        match candidates[..] {
            [func] => Ok(func),
            [] => Err(RunError::Invoke(self.not_found(query))),
            _ => {
                let names: Vec<String> = candidates
                    .iter()
                    .map(|func| format!("`{}`", func.qualified_name()))
                    .collect();
                Err(RunError::Invoke(format!(
                    "`{query}` is ambiguous: it could be {}; write the interface too",
                    names.join(" or ")
                )))
            }
        }
    }

    fn not_found(&self, query: &str) -> String {
        if self.funcs.is_empty() {
            return format!("the component has no export `{query}`: it exports no functions");
        }
        let names: Vec<String> = self.names().iter().map(|n| format!("`{n}`")).collect();
        format!(
            "the component has no export `{query}`; it exports {}",
            names.join(", ")
        )
    }
}

/// Splits a query into the interface it names, if any, and the function name.
fn split_query(query: &str) -> (Option<InterfaceName<'_>>, &str) {
    if let Some((interface, name)) = query.split_once('#') {
        return (Some(InterfaceName::parse(interface)), name);
    }
    // WAVE puts the version last, after the function: `ns:pkg/iface.f@1.0.0`. The version belongs
    // to the interface, so it is cut off before looking for the `.`.
    let (path, version) = match query.split_once('@') {
        Some((path, version)) => (path, Some(version)),
        None => (query, None),
    };
    match path.rsplit_once('.') {
        Some((interface, name)) => {
            let interface = InterfaceName {
                version,
                ..InterfaceName::parse(interface)
            };
            (Some(interface), name)
        }
        None => (None, path),
    }
}

/// An interface name taken apart: `docs:calc/ops@0.1.0` → package `docs:calc`, name `ops`,
/// version `0.1.0`. Exports that aren't WIT interfaces (plain kebab names) are all name.
#[derive(Debug, PartialEq, Eq)]
struct InterfaceName<'a> {
    package: Option<&'a str>,
    name: &'a str,
    version: Option<&'a str>,
}

impl<'a> InterfaceName<'a> {
    fn parse(text: &'a str) -> InterfaceName<'a> {
        let (rest, version) = match text.split_once('@') {
            Some((rest, version)) => (rest, Some(version)),
            None => (text, None),
        };
        let (package, name) = match rest.rsplit_once('/') {
            Some((package, name)) => (Some(package), name),
            None => (None, rest),
        };
        InterfaceName {
            package,
            name,
            version,
        }
    }

    /// Whether this (possibly shortened) name refers to `full`: the names agree, and so do the
    /// package and version where this one gives them.
    fn matches(&self, full: &InterfaceName<'_>) -> bool {
        self.name == full.name
            && self
                .package
                .is_none_or(|package| Some(package) == full.package)
            && self
                .version
                .is_none_or(|version| Some(version) == full.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interface<'a>(
        package: Option<&'a str>,
        name: &'a str,
        version: Option<&'a str>,
    ) -> Option<InterfaceName<'a>> {
        Some(InterfaceName {
            package,
            name,
            version,
        })
    }

    #[test]
    fn splits_every_query_form() {
        assert_eq!(split_query("add"), (None, "add"));
        assert_eq!(
            split_query("ops.add"),
            (interface(None, "ops", None), "add")
        );
        assert_eq!(
            split_query("ops#add"),
            (interface(None, "ops", None), "add")
        );
        let full = interface(Some("docs:calc"), "ops", Some("0.1.0"));
        assert_eq!(split_query("docs:calc/ops@0.1.0#add"), (full, "add"));
        let full = interface(Some("docs:calc"), "ops", Some("0.1.0"));
        assert_eq!(split_query("docs:calc/ops.add@0.1.0"), (full, "add"));
        let unversioned = interface(Some("docs:calc"), "ops", None);
        assert_eq!(
            split_query("docs:calc/ops.parse-int"),
            (unversioned, "parse-int")
        );
    }

    #[test]
    fn shortened_interface_names_match_the_full_one() {
        let full = InterfaceName::parse("docs:calc/ops@0.1.0");
        for query in ["ops", "ops@0.1.0", "docs:calc/ops", "docs:calc/ops@0.1.0"] {
            assert!(InterfaceName::parse(query).matches(&full), "{query}");
        }
        for query in ["calc", "ops@0.2.0", "docs:other/ops", "x:calc/ops@0.1.0"] {
            assert!(!InterfaceName::parse(query).matches(&full), "{query}");
        }
    }
}
