//! Checking a component's imports against what the session can supply, before instantiating it,
//! so that a missing import is reported by name as [`RunError::UnsatisfiedImport`] rather than as
//! wasmtime's link error.
//!
//! Host-supplied names are checked here, function by function. `wasi:` names are left to the
//! linker, which knows which WASI versions it provides; its error for them is translated by
//! [`from_link_error`].

use wasmtime::component::types::ComponentItem;
use wasmtime::component::Component;
use wasmtime::Engine;

use crate::error::{to_anyhow, RunError};
use crate::host::Host;

/// The first import of `component` that neither WASI nor `host` provides.
pub(crate) fn check(component: &Component, engine: &Engine, host: &Host) -> Result<(), RunError> {
    let missing = |name: String| Err(RunError::UnsatisfiedImport { name });
    for (name, import) in component.component_type().imports(engine) {
        let from_wasi = is_wasi(name);
        match import.ty {
            ComponentItem::ComponentFunc(_) if host.has_func(name) || from_wasi => {}
            ComponentItem::ComponentInstance(instance) => {
                let Some(funcs) = host.interface(name) else {
                    if from_wasi {
                        continue;
                    }
                    return missing(name.to_owned());
                };
                if from_wasi {
                    // WASI fills in whatever the host left out of a `wasi:` interface.
                    continue;
                }
                for (export, item) in instance.exports(engine) {
                    let provided = match item.ty {
                        ComponentItem::ComponentFunc(_) => funcs.contains_key(export),
                        // Named types (records, variants, …) need no definition.
                        ComponentItem::Type(_) => true,
                        // A `Host` cannot define resources.
                        _ => false,
                    };
                    if !provided {
                        return missing(format!("{name}#{export}"));
                    }
                }
            }
            ComponentItem::Type(_) => {}
            ComponentItem::Resource(_) if from_wasi => {}
            _ => return missing(name.to_owned()),
        }
    }
    Ok(())
}

/// Translates the linker's error for an import it lacks, which reads "component imports instance
/// `wasi:http/types@0.2.0`, but a matching implementation was not found in the linker", caused by
/// "instance export `fields` has the wrong type", caused by "… implementation is missing". Any
/// other link error (a real type mismatch) stays as it is.
pub(crate) fn from_link_error(err: wasmtime::Error) -> RunError {
    let causes: Vec<String> = err.chain().map(|cause| cause.to_string()).collect();
    let is_missing = causes
        .last()
        .is_some_and(|root| root.ends_with("implementation is missing"));
    let path: Vec<&str> = causes
        .iter()
        .filter(|cause| {
            cause.starts_with("component imports ") || cause.starts_with("instance export ")
        })
        .filter_map(|cause| first_quoted(cause))
        .collect();
    if is_missing && !path.is_empty() {
        return RunError::UnsatisfiedImport {
            name: path.join("#"),
        };
    }
    RunError::Other(to_anyhow(err))
}

fn is_wasi(name: &str) -> bool {
    name.starts_with("wasi:")
}

/// The text between the first pair of backticks in `text`.
fn first_quoted(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once('`')?;
    let (quoted, _) = rest.split_once('`')?;
    Some(quoted)
}
