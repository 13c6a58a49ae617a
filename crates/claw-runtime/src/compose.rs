//! [`compose`]: wiring several components into one, so that a component under test can import
//! what another component (a real dependency or a mock) exports.
//!
//! The rule is simple and ordered: the parts are instantiated in the order given, and each import
//! of each part is wired to the nearest earlier part that exports the same name (an interface
//! such as `docs:visits/store@0.1.0`, or a root function). Nearest, so an adapter that imports
//! and exports the same interface stands in front of the part it wraps. Imports left over become imports of the
//! composed component and must be ones the host provides (WASI or the [`Host`]); the exports of
//! the last part become the composed component's exports.
//!
//! The composition is static — a new component binary, built with `wasm-compose` from the
//! wasm-tools generation wasmtime uses — so it runs like any other component and each test can
//! instantiate all of it afresh.

use wasm_compose::graph::{Component, CompositionGraph, EncodeOptions, InstanceId};
use wasmparser::Validator;

use crate::error::RunError;
use crate::host::Host;

/// One component to compose, with the name messages call it by.
#[derive(Clone, Copy, Debug)]
pub struct Part<'a> {
    pub name: &'a str,
    pub wasm: &'a [u8],
}

/// Composes `parts` (the dependencies first, the component whose exports matter last) into one
/// component. An import that no earlier part exports and `host` cannot supply is reported as
/// [`RunError::UnsatisfiedComposedImport`], naming the part that imports it.
pub fn compose(parts: &[Part<'_>], host: &Host) -> Result<Vec<u8>, RunError> {
    let mut validator = Validator::new();
    let mut graph = CompositionGraph::new();
    let mut instances: Vec<(InstanceId, &Part<'_>)> = Vec::new();
    for (position, part) in parts.iter().enumerate() {
        // The graph wants kebab-case names; people see `part.name`.
        let component = Component::from_bytes(&mut validator, format!("part{position}"), part.wasm)
            .map_err(|err| other(format!("`{}` is not a valid component: {err:#}", part.name)))?;
        let imports: Vec<_> = component
            .imports()
            .map(|(index, name, _)| (index, name.to_owned()))
            .collect();
        let id = graph
            .add_component(component)
            .map_err(|err| other(format!("cannot add `{}`: {err:#}", part.name)))?;
        let instance = graph
            .instantiate(id)
            .map_err(|err| other(format!("cannot instantiate `{}`: {err:#}", part.name)))?;

        for (import, import_name) in imports {
            let source = instances.iter().rev().find_map(|&(earlier, earlier_part)| {
                let component = graph.get_component_of_instance(earlier)?.1;
                let (export, _, _) = component.export_by_name(&import_name)?;
                Some((earlier, earlier_part, export))
            });
            match source {
                Some((earlier, earlier_part, export)) => graph
                    .connect(earlier, Some(export), instance, import)
                    .map_err(|err| {
                        other(format!(
                            "cannot wire import `{import_name}` of `{}` to `{}`: {err:#}",
                            part.name, earlier_part.name
                        ))
                    })?,
                None if host.provides(&import_name) => {}
                None => {
                    return Err(RunError::UnsatisfiedComposedImport {
                        name: import_name,
                        importer: part.name.to_owned(),
                    });
                }
            }
        }
        instances.push((instance, part));
    }
    let Some(&(last, _)) = instances.last() else {
        return Err(other("nothing to compose".to_owned()));
    };
    graph
        .encode(EncodeOptions {
            define_components: true,
            export: Some(last),
            validate: false,
        })
        .map_err(|err| other(format!("cannot compose the components: {err:#}")))
}

fn other(message: String) -> RunError {
    RunError::Other(anyhow::anyhow!(message))
}
