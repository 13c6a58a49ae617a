//! The functions an instance exports; `claw_invoke` picks the one a user-written name means.

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

use claw_invoke::qualified;

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

    /// The export `query` names; see `claw_invoke` for the accepted forms.
    pub(crate) fn resolve(&self, query: &str) -> Result<&ExportedFunc, RunError> {
        claw_invoke::pick(&self.funcs, query, |func| {
            (func.interface.as_deref(), func.name.as_str())
        })
        .map_err(RunError::Invoke)
    }
}
