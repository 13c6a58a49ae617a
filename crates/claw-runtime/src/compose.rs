//! [`compose`]: wiring several components into one, so that a component under test can import
//! what another component (a real dependency or a mock) exports.
//!
//! Each import of each part is wired to the part that exports the same name (an interface such
//! as `docs:visits/store@0.1.0`, or a root function), whatever order the parts come in. Only
//! when several parts export it does order decide: the nearest earlier one wins (else the
//! nearest later one), so an adapter that imports and exports the same interface, given after
//! the part it wraps, stands in front of it. The last part is the component under test: it
//! supplies nothing to the others, and its exports become the composed component's. Imports
//! no part supplies become imports of the composed component and must be ones the host
//! provides (WASI or the [`Host`]). Parts are instantiated dependencies first; parts that
//! import from each other in a cycle are an error.
//!
//! The composition is static — a new component binary, built with `wasm-compose` from the
//! wasm-tools generation wasmtime uses — so it runs like any other component and each test can
//! instantiate all of it afresh.

use std::collections::BTreeSet;

use wasm_compose::graph::{Component, CompositionGraph, EncodeOptions, ImportIndex, InstanceId};
use wasmparser::Validator;

use crate::error::RunError;
use crate::host::Host;

/// One component to compose, with the name messages call it by.
#[derive(Clone, Copy, Debug)]
pub struct Part<'a> {
    pub name: &'a str,
    pub wasm: &'a [u8],
}

/// Composes `parts` (the dependencies, in any order, then the component whose exports
/// matter) into one component. An import that no part exports and `host` cannot supply is
/// reported as [`RunError::UnsatisfiedComposedImport`], naming the part that imports it.
pub fn compose(parts: &[Part<'_>], host: &Host) -> Result<Vec<u8>, RunError> {
    let Some(under_test) = parts.len().checked_sub(1) else {
        return Err(other("nothing to compose".to_owned()));
    };
    // Every part is read first: which part supplies an import depends on all of them.
    let mut validator = Validator::new_with_features(
        wasmparser::WasmFeatures::default() | wasmparser::WasmFeatures::CM_MAP,
    );
    let mut components = Vec::new();
    let mut exports: Vec<BTreeSet<String>> = Vec::new();
    for (position, part) in parts.iter().enumerate() {
        // The graph wants kebab-case names; people see `part.name`.
        let component = Component::from_bytes(&mut validator, format!("part{position}"), part.wasm)
            .map_err(|err| other(format!("`{}` is not a valid component: {err:#}", part.name)))?;
        exports.push(
            component
                .exports()
                .map(|(_, name, ..)| name.to_owned())
                .collect(),
        );
        components.push(component);
    }
    // What each import is wired to: a part, or (`None`) the host.
    let mut wiring: Vec<Vec<(ImportIndex, String, Option<usize>)>> = Vec::new();
    for (position, component) in components.iter().enumerate() {
        let mut wires = Vec::new();
        for (index, name, _) in component.imports() {
            let supplies =
                |q: &usize| *q != position && *q != under_test && exports[*q].contains(name);
            let earlier = (0..position).rev().find(supplies);
            let source = earlier.or_else(|| (position + 1..parts.len()).find(supplies));
            if source.is_none() && !host.provides(name) {
                let why = if position != under_test && exports[under_test].contains(name) {
                    Some(format!(
                        "`{}` exports it, but the component under test supplies nothing to the \
                         --with components",
                        parts[under_test].name
                    ))
                } else if exports[position].contains(name) {
                    Some(format!(
                        "`{}` exports it itself, but a component cannot supply its own import",
                        parts[position].name
                    ))
                } else {
                    None
                };
                return Err(RunError::UnsatisfiedComposedImport {
                    name: name.to_owned(),
                    importer: parts[position].name.to_owned(),
                    why,
                });
            }
            wires.push((index, name.to_owned(), source));
        }
        wiring.push(wires);
    }
    let order = dependencies_first(parts, &wiring)?;

    let mut graph = CompositionGraph::new();
    let mut instances: Vec<Option<InstanceId>> = vec![None; parts.len()];
    let mut components: Vec<Option<Component>> = components.into_iter().map(Some).collect();
    for &position in &order {
        let part = &parts[position];
        let component = components[position].take().expect("each part once");
        let id = graph
            .add_component(component)
            .map_err(|err| other(format!("cannot add `{}`: {err:#}", part.name)))?;
        let instance = graph
            .instantiate(id)
            .map_err(|err| other(format!("cannot instantiate `{}`: {err:#}", part.name)))?;
        for (import, name, source) in &wiring[position] {
            let Some(source) = *source else {
                continue;
            };
            let from = instances[source].expect("dependencies are instantiated first");
            let export = graph
                .get_component_of_instance(from)
                .and_then(|(_, component)| component.export_by_name(name))
                .map(|(export, ..)| export);
            graph
                .connect(from, export, instance, *import)
                .map_err(|err| {
                    other(format!(
                        "cannot wire import `{name}` of `{}` to `{}`: {err:#}",
                        part.name, parts[source].name
                    ))
                })?;
        }
        instances[position] = Some(instance);
    }
    graph
        .encode(EncodeOptions {
            define_components: true,
            export: instances[under_test],
            validate: false,
        })
        .map_err(|err| other(format!("cannot compose the components: {err:#}")))
}

/// The parts in an order where each comes after every part it imports from, keeping the
/// given order where the imports leave a choice; a cycle is an error that names it.
fn dependencies_first(
    parts: &[Part<'_>],
    wiring: &[Vec<(ImportIndex, String, Option<usize>)>],
) -> Result<Vec<usize>, RunError> {
    let needs: Vec<BTreeSet<usize>> = wiring
        .iter()
        .map(|wires| wires.iter().filter_map(|w| w.2).collect())
        .collect();
    let mut order = Vec::new();
    let mut placed = vec![false; parts.len()];
    while order.len() < parts.len() {
        let ready = (0..parts.len()).find(|&p| !placed[p] && needs[p].iter().all(|&q| placed[q]));
        let Some(next) = ready else {
            // Every part left waits on another part left: follow them round to a cycle.
            let waits_on = |p: usize| {
                wiring[p]
                    .iter()
                    .find_map(|(_, name, source)| source.filter(|&q| !placed[q]).map(|q| (name, q)))
                    .expect("a part left waits on one")
            };
            let mut path: Vec<usize> =
                vec![(0..parts.len()).find(|&p| !placed[p]).expect("one left")];
            loop {
                let (_, q) = waits_on(*path.last().expect("not empty"));
                if let Some(start) = path.iter().position(|&p| p == q) {
                    path.drain(..start);
                    break;
                }
                path.push(q);
            }
            let links: Vec<String> = path
                .iter()
                .map(|&p| {
                    let (name, q) = waits_on(p);
                    format!(
                        "`{}` imports `{name}` from `{}`",
                        parts[p].name, parts[q].name
                    )
                })
                .collect();
            return Err(other(format!(
                "the --with components import from each other in a cycle: {}",
                links.join(", ")
            )));
        };
        placed[next] = true;
        order.push(next);
    }
    Ok(order)
}

fn other(message: String) -> RunError {
    RunError::Other(anyhow::anyhow!(message))
}
