//! Short names for what only ties a component's own parts together, for `-Os`.
//!
//! `wit-component` links the core module to its imports by the Canonical ABI's names: the
//! module imports `"[method]outgoing-body.write"` from `"wasi:http/types@0.2.0"`, and the
//! component builds a core instance exporting exactly that name to instantiate it with. Each
//! such name is written three or four times (import, core instance export, instantiation
//! argument, alias), yet nothing outside the component ever sees one: a host reads the
//! component's own imports and exports, whose names stay. So every core-level name (core
//! imports and exports, instantiation arguments, core instance exports, aliases of core
//! exports) and every import name of a nested component (with the arguments that instantiate
//! it) is replaced by a short one. One map from old name to new is used everywhere, and it is
//! one-to-one, so whatever matched before matches after and nothing that differed collides.
//!
//! The pass works on sections as bytes: sections holding no such name are copied as they
//! are, so function bodies, types and the line table are untouched. A component that imports
//! a core module or a component (whose names are fixed outside) is left as it is; Claw never
//! writes one.

use std::collections::HashMap;

use wasm_encoder::reencode::{Reencode, ReencodeComponent, RoundtripReencoder};
use wasm_encoder::{
    ComponentAliasSection, ComponentImportSection, ComponentInstanceSection, ExportSection,
    ImportSection, InstanceSection, ModuleArg,
};
use wasmparser::{
    ComponentAlias, ComponentExternalKind, ComponentInstance, ComponentTypeRef, Imports, Instance,
};

use super::sections::{encoded, plain, reader, section, sections};

/// `component` with its internal names shortened, or as it is if it cannot be done safely.
pub fn shorten(component: &[u8]) -> Vec<u8> {
    let mut names = Names::default();
    match names.component(component, false) {
        Some(out) => out,
        None => component.to_vec(),
    }
}

#[derive(Default)]
struct Names {
    core: HashMap<String, String>,
    kebab: HashMap<String, String>,
}

impl Names {
    /// Core names may be any string: the shortest ones first.
    fn core(&mut self, name: &str) -> String {
        let next = self.core.len();
        self.core
            .entry(name.to_string())
            .or_insert_with(|| short(next, ALPHANUMERIC))
            .clone()
    }

    /// Import names of a component must be kebab-case words.
    fn kebab(&mut self, name: &str) -> String {
        let next = self.kebab.len();
        self.kebab
            .entry(name.to_string())
            .or_insert_with(|| short(next, LOWERCASE))
            .clone()
    }

    fn component(&mut self, bytes: &[u8], nested: bool) -> Option<Vec<u8>> {
        let mut out = bytes.get(..8)?.to_vec();
        for (id, payload) in sections(bytes)? {
            let body = match id {
                1 => self.module(payload)?,
                2 => self.core_instances(payload)?,
                4 => self.component(payload, true)?,
                5 => self.component_instances(payload)?,
                6 => self.aliases(payload)?,
                10 => self.component_imports(payload, nested)?,
                _ => payload.to_vec(),
            };
            section(&mut out, id, &body);
        }
        Some(out)
    }

    fn module(&mut self, bytes: &[u8]) -> Option<Vec<u8>> {
        let mut out = bytes.get(..8)?.to_vec();
        for (id, payload) in sections(bytes)? {
            let body = match id {
                2 => self.core_imports(payload)?,
                7 => self.core_exports(payload)?,
                _ => payload.to_vec(),
            };
            section(&mut out, id, &body);
        }
        Some(out)
    }

    fn core_imports(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        let mut section = ImportSection::new();
        for group in reader::<Imports>(payload)? {
            for import in group.ok()? {
                let (_, import) = import.ok()?;
                let ty = RoundtripReencoder.entity_type(import.ty).ok()?;
                section.import(&self.core(import.module), &self.core(import.name), ty);
            }
        }
        Some(encoded(&section))
    }

    fn core_exports(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        let mut section = ExportSection::new();
        for export in reader::<wasmparser::Export>(payload)? {
            let export = export.ok()?;
            let kind = RoundtripReencoder.export_kind(export.kind).ok()?;
            section.export(&self.core(export.name), kind, export.index);
        }
        Some(encoded(&section))
    }

    fn core_instances(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        let mut section = InstanceSection::new();
        for instance in reader::<Instance>(payload)? {
            match instance.ok()? {
                Instance::Instantiate { module_index, args } => {
                    let args: Vec<_> = args
                        .iter()
                        .map(|arg| (self.core(arg.name), ModuleArg::Instance(arg.index)))
                        .collect();
                    section.instantiate(module_index, args);
                }
                Instance::FromExports(exports) => {
                    let mut items = Vec::new();
                    for export in exports.iter() {
                        let kind = RoundtripReencoder.export_kind(export.kind).ok()?;
                        items.push((self.core(export.name), kind, export.index));
                    }
                    section.export_items(items.iter().map(|(n, k, i)| (n.as_str(), *k, *i)));
                }
            }
        }
        Some(encoded(&section))
    }

    /// Only nested components are instantiated here, so every argument names one of their
    /// imports.
    fn component_instances(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        let mut section = ComponentInstanceSection::new();
        for instance in reader::<ComponentInstance>(payload)? {
            match instance.ok()? {
                ComponentInstance::Instantiate {
                    component_index,
                    args,
                } => {
                    let args: Vec<_> = args
                        .iter()
                        .map(|arg| {
                            let kind = RoundtripReencoder.component_export_kind(arg.kind);
                            (self.kebab(arg.name), kind, arg.index)
                        })
                        .collect();
                    section.instantiate(component_index, args);
                }
                ComponentInstance::FromExports(exports) => {
                    let mut items = Vec::new();
                    for export in exports.iter() {
                        let kind = RoundtripReencoder.component_export_kind(export.kind);
                        items.push((plain(&export.name)?, kind, export.index));
                    }
                    section.export_items(items);
                }
            }
        }
        Some(encoded(&section))
    }

    fn aliases(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        let mut section = ComponentAliasSection::new();
        for alias in reader::<ComponentAlias>(payload)? {
            let alias = match alias.ok()? {
                ComponentAlias::CoreInstanceExport {
                    kind,
                    instance_index,
                    name,
                } => {
                    let name = self.core(name);
                    let alias = ComponentAlias::CoreInstanceExport {
                        kind,
                        instance_index,
                        name: &name,
                    };
                    section.alias(RoundtripReencoder.component_alias(alias).ok()?);
                    continue;
                }
                ComponentAlias::Outer {
                    kind:
                        wasmparser::ComponentOuterAliasKind::CoreModule
                        | wasmparser::ComponentOuterAliasKind::Component,
                    ..
                }
                | ComponentAlias::InstanceExport {
                    kind: ComponentExternalKind::Module | ComponentExternalKind::Component,
                    ..
                } => return None,
                alias => alias,
            };
            section.alias(RoundtripReencoder.component_alias(alias).ok()?);
        }
        Some(encoded(&section))
    }

    /// The top component's imports are the world's and keep their names; a nested
    /// component's are renamed like the arguments that instantiate it.
    fn component_imports(&mut self, payload: &[u8], nested: bool) -> Option<Vec<u8>> {
        let mut section = ComponentImportSection::new();
        for import in reader::<wasmparser::ComponentImport>(payload)? {
            let import = import.ok()?;
            let name = plain(&import.name)?;
            if matches!(
                import.ty,
                ComponentTypeRef::Module(_) | ComponentTypeRef::Component(_)
            ) {
                return None;
            }
            let ty = RoundtripReencoder.component_type_ref(import.ty).ok()?;
            section.import(self.kebab(name).as_str(), ty);
        }
        Some(if nested {
            encoded(&section)
        } else {
            payload.to_vec()
        })
    }
}

const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWERCASE: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

/// The `n`th name over `alphabet`: every one-letter name, then every two-letter one, …;
/// the first letter of a kebab word must not be a digit, which `LOWERCASE` satisfies.
fn short(mut n: usize, alphabet: &[u8]) -> String {
    let mut name = Vec::new();
    loop {
        name.push(alphabet[n % alphabet.len()]);
        n /= alphabet.len();
        if n == 0 {
            break;
        }
        n -= 1;
    }
    String::from_utf8(name).expect("ASCII")
}
