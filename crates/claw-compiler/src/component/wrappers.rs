//! Exported interfaces without a wrapper component, for `-Os`.
//!
//! `wit-component` exports an interface as an instance of a small nested component that
//! imports the lifted functions and the types they use, and exports them again under the
//! interface's names. When every export of such a component is one of its imports as it is
//! (no type of its own, as when the interface's types all come from imports, as
//! `wasi:http/incoming-handler`'s do), the instance it makes has the same exports, of the
//! same types, as an instance built from the arguments directly: `(instance (export
//! "handle" (func 10)) …)`. That instance replaces it, and the nested component goes.

use std::collections::HashMap;

use wasm_encoder::reencode::{ReencodeComponent, RoundtripReencoder};
use wasm_encoder::{ComponentExportKind, ComponentInstanceSection};
use wasmparser::{
    ComponentExport, ComponentExternalKind, ComponentImport, ComponentInstance, ComponentTypeRef,
};

use super::sections::{encoded, plain, reader, section, sections};

/// `component` with its pass-through wrapper components replaced by plain instances, or as
/// it is when there are none (or something is not as expected).
pub fn unwrap(component: &[u8]) -> Option<Vec<u8>> {
    let all = sections(component)?;
    // What each nested component of the top level is: a pass-through wrapper or not.
    let mut wrappers: Vec<Option<Vec<Reexport>>> = Vec::new();
    for &(id, payload) in &all {
        match id {
            4 => wrappers.push(pass_through(payload)),
            // Components that come in another way would shift the numbering.
            10 | 6 if mentions_components(id, payload)? => return None,
            _ => {}
        }
    }
    // A type the wrapper exports must be one the component imports: the instance need not
    // export it then (its users know it by its import), and must not, as WIT could not
    // say so. A type the component defines (a resource it implements) keeps its wrapper.
    let imported = imported_types(&all)?;
    for &(id, payload) in &all {
        if id != 5 {
            continue;
        }
        for instance in reader::<ComponentInstance>(payload)? {
            if let ComponentInstance::Instantiate {
                component_index,
                args,
            } = instance.ok()?
            {
                let Some(Some(exports)) = wrappers.get(component_index as usize) else {
                    continue;
                };
                let defines_type = exports
                    .iter()
                    .filter(|export| export.kind == ComponentExternalKind::Type)
                    .any(|export| {
                        !args.iter().any(|arg| {
                            arg.name == export.import
                                && arg.kind == ComponentExternalKind::Type
                                && imported.get(arg.index as usize) == Some(&true)
                        })
                    });
                if defines_type {
                    wrappers[component_index as usize] = None;
                }
            }
        }
    }
    if wrappers.iter().all(Option::is_none) {
        return None;
    }
    // The new index of each component that stays.
    let mut renumbered = Vec::new();
    let mut kept = 0;
    for wrapper in &wrappers {
        renumbered.push(kept);
        kept += u32::from(wrapper.is_none());
    }
    let mut out = component.get(..8)?.to_vec();
    let mut nested = 0;
    for (id, payload) in all {
        match id {
            4 => {
                if wrappers[nested].is_none() {
                    section(&mut out, id, payload);
                }
                nested += 1;
            }
            5 => {
                let body = instances(payload, &wrappers, &renumbered)?;
                section(&mut out, id, &body);
            }
            _ => section(&mut out, id, payload),
        }
    }
    Some(out)
}

/// An export of a wrapper: its name, its kind, and the name of the import it passes on.
struct Reexport {
    name: String,
    kind: ComponentExternalKind,
    import: String,
}

/// The exports of a nested component that only passes its imports on, or `None`.
fn pass_through(bytes: &[u8]) -> Option<Vec<Reexport>> {
    // The type and function index spaces: the import behind each index, or `None` for one
    // the component defines.
    let mut types: Vec<Option<String>> = Vec::new();
    let mut funcs: Vec<Option<String>> = Vec::new();
    let mut exports = Vec::new();
    for (id, payload) in sections(bytes)? {
        match id {
            0 => {}
            10 => {
                for import in reader::<ComponentImport>(payload)? {
                    let import = import.ok()?;
                    let name = plain(&import.name)?.to_string();
                    match import.ty {
                        ComponentTypeRef::Type(_) => types.push(Some(name)),
                        ComponentTypeRef::Func(_) => funcs.push(Some(name)),
                        _ => return None,
                    }
                }
            }
            7 => {
                for ty in reader::<wasmparser::ComponentType>(payload)? {
                    ty.ok()?;
                    types.push(None);
                }
            }
            11 => {
                for export in reader::<ComponentExport>(payload)? {
                    let export = export.ok()?;
                    let space = match export.kind {
                        ComponentExternalKind::Type => &mut types,
                        ComponentExternalKind::Func => &mut funcs,
                        _ => return None,
                    };
                    let import = space.get(export.index as usize)?.clone()?;
                    // An export is a new index for the same item.
                    space.push(Some(import.clone()));
                    exports.push(Reexport {
                        name: plain(&export.name)?.to_string(),
                        kind: export.kind,
                        import,
                    });
                }
            }
            _ => return None,
        }
    }
    Some(exports)
}

/// For each index of the component's type space, whether it is an imported type (a type
/// import, or a type exported by an imported instance).
fn imported_types(all: &[(u8, &[u8])]) -> Option<Vec<bool>> {
    let mut types = Vec::new();
    // For each index of the instance space, whether it is imported.
    let mut instances = Vec::new();
    for &(id, payload) in all {
        match id {
            7 => {
                for ty in reader::<wasmparser::ComponentType>(payload)? {
                    ty.ok()?;
                    types.push(false);
                }
            }
            10 => {
                for import in reader::<ComponentImport>(payload)? {
                    match import.ok()?.ty {
                        ComponentTypeRef::Type(_) => types.push(true),
                        ComponentTypeRef::Instance(_) => instances.push(true),
                        _ => {}
                    }
                }
            }
            6 => {
                for alias in reader::<wasmparser::ComponentAlias>(payload)? {
                    match alias.ok()? {
                        wasmparser::ComponentAlias::InstanceExport {
                            kind: ComponentExternalKind::Type,
                            instance_index,
                            ..
                        } => types.push(*instances.get(instance_index as usize)?),
                        wasmparser::ComponentAlias::InstanceExport {
                            kind: ComponentExternalKind::Instance,
                            ..
                        } => instances.push(false),
                        wasmparser::ComponentAlias::Outer {
                            kind: wasmparser::ComponentOuterAliasKind::Type,
                            ..
                        } => types.push(false),
                        _ => {}
                    }
                }
            }
            5 => {
                for instance in reader::<ComponentInstance>(payload)? {
                    instance.ok()?;
                    instances.push(false);
                }
            }
            11 => {
                for export in reader::<ComponentExport>(payload)? {
                    let export = export.ok()?;
                    match export.kind {
                        ComponentExternalKind::Type => {
                            types.push(*types.get(export.index as usize)?)
                        }
                        ComponentExternalKind::Instance => instances.push(false),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Some(types)
}

/// Whether an import or alias section brings in a component or a core module.
fn mentions_components(id: u8, payload: &[u8]) -> Option<bool> {
    Some(match id {
        10 => {
            let mut any = false;
            for import in reader::<ComponentImport>(payload)? {
                any |= matches!(
                    import.ok()?.ty,
                    ComponentTypeRef::Component(_) | ComponentTypeRef::Module(_)
                );
            }
            any
        }
        _ => {
            let mut any = false;
            for alias in reader::<wasmparser::ComponentAlias>(payload)? {
                any |= match alias.ok()? {
                    wasmparser::ComponentAlias::InstanceExport { kind, .. } => {
                        kind == ComponentExternalKind::Component
                    }
                    wasmparser::ComponentAlias::Outer { kind, .. } => {
                        kind == wasmparser::ComponentOuterAliasKind::Component
                    }
                    wasmparser::ComponentAlias::CoreInstanceExport { .. } => false,
                };
            }
            any
        }
    })
}

fn instances(
    payload: &[u8],
    wrappers: &[Option<Vec<Reexport>>],
    renumbered: &[u32],
) -> Option<Vec<u8>> {
    let mut section = ComponentInstanceSection::new();
    for instance in reader::<ComponentInstance>(payload)? {
        match instance.ok()? {
            ComponentInstance::Instantiate {
                component_index,
                args,
            } => {
                let index = component_index as usize;
                match wrappers.get(index)? {
                    Some(exports) => {
                        let given: HashMap<&str, (ComponentExternalKind, u32)> = args
                            .iter()
                            .map(|arg| (arg.name, (arg.kind, arg.index)))
                            .collect();
                        let mut items = Vec::new();
                        for export in exports
                            .iter()
                            .filter(|e| e.kind != ComponentExternalKind::Type)
                        {
                            let &(kind, index) = given.get(export.import.as_str())?;
                            if kind != export.kind {
                                return None;
                            }
                            items.push((export.name.as_str(), export_kind(kind), index));
                        }
                        section.export_items(items);
                    }
                    None => {
                        let args: Vec<_> = args
                            .iter()
                            .map(|arg| (arg.name, export_kind(arg.kind), arg.index))
                            .collect();
                        section.instantiate(*renumbered.get(index)?, args);
                    }
                }
            }
            ComponentInstance::FromExports(exports) => {
                let mut items = Vec::new();
                for export in exports.iter() {
                    items.push((plain(&export.name)?, export_kind(export.kind), export.index));
                }
                section.export_items(items);
            }
        }
    }
    Some(encoded(&section))
}

fn export_kind(kind: ComponentExternalKind) -> ComponentExportKind {
    RoundtripReencoder.component_export_kind(kind)
}
