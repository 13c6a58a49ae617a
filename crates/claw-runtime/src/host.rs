//! [`Host`]: functions an embedder supplies beyond WASI, such as mocks for a component's imports
//! in `claw test`, and how they are put into a wasmtime linker.
//!
//! Host functions are dynamically typed (`&[Val]` in, `&mut [Val]` out), so one definition fits
//! whatever signature the component declares; a function that writes the wrong kind of value
//! into its results gets a wasmtime error at the call, not a type error at link time.

use std::collections::BTreeMap;
use std::sync::Arc;

use wasmtime::component::{Linker, Val};

/// The shape of every host function: read the arguments, write the results.
pub(crate) type HostFn = dyn Fn(&[Val], &mut [Val]) -> anyhow::Result<()> + Send + Sync;

/// Host functions an embedder supplies beyond WASI (used by tests to provide imports).
#[derive(Clone, Default)]
pub struct Host {
    /// Functions imported at the component's root, by name.
    pub(crate) funcs: BTreeMap<String, Arc<HostFn>>,
    /// Imported instances by interface name (`docs:calc/ops@0.1.0`), then their functions by name.
    pub(crate) interfaces: BTreeMap<String, BTreeMap<String, Arc<HostFn>>>,
    /// HTTP services by the host name that reaches them, as component binaries.
    pub(crate) http_services: Vec<(String, Arc<[u8]>)>,
}

impl Host {
    pub fn new() -> Host {
        Host::default()
    }

    /// A function imported at the component's root under `name` (e.g. a world
    /// `import double: func(x: u32) -> u32;`). Defining a name twice keeps the later function.
    pub fn func(
        &mut self,
        name: &str,
        f: impl Fn(&[Val], &mut [Val]) -> anyhow::Result<()> + Send + Sync + 'static,
    ) {
        self.funcs.insert(name.to_owned(), Arc::new(f));
    }

    /// Function `name` of the imported instance `interface`, e.g. interface `claw:test/logging`
    /// or `docs:calc/ops@0.1.0`. A `wasi:` interface defined here replaces WASI's own functions of
    /// the same names, which lets tests pin clocks or randomness.
    pub fn interface_func(
        &mut self,
        interface: &str,
        name: &str,
        f: impl Fn(&[Val], &mut [Val]) -> anyhow::Result<()> + Send + Sync + 'static,
    ) {
        self.interfaces
            .entry(interface.to_owned())
            .or_default()
            .insert(name.to_owned(), Arc::new(f));
    }

    /// Sends the guest's outgoing HTTP requests for host `name` (`http://NAME/path`) to `wasm`,
    /// a component exporting `wasi:http/incoming-handler`, in-process rather than over the
    /// network. Each store (each test) gets its own instance of it, made on its first request.
    pub fn http_service(&mut self, name: &str, wasm: &[u8]) {
        self.http_services.push((name.to_owned(), wasm.into()));
    }

    /// Whether an import named `name` (a root function or an interface) can come from WASI or
    /// from this host. A `wasi:` name is assumed to be one WASI provides; the linker has the
    /// final word on versions.
    pub(crate) fn provides(&self, name: &str) -> bool {
        name.starts_with("wasi:") || self.has_func(name) || self.interfaces.contains_key(name)
    }

    /// Whether `name` is defined in the root namespace.
    pub(crate) fn has_func(&self, name: &str) -> bool {
        self.funcs.contains_key(name)
    }

    /// The functions of `interface`, if any were defined.
    pub(crate) fn interface(&self, interface: &str) -> Option<&BTreeMap<String, Arc<HostFn>>> {
        self.interfaces.get(interface)
    }

    /// Defines every host function in `linker`. The linker must allow shadowing so that
    /// definitions made after WASI's override them.
    pub(crate) fn add_to_linker<T: 'static>(&self, linker: &mut Linker<T>) -> wasmtime::Result<()> {
        let mut root = linker.root();
        for (name, f) in &self.funcs {
            root.func_new(name, adapt(f.clone()))?;
        }
        for (interface, funcs) in &self.interfaces {
            let mut instance = linker.instance(interface)?;
            for (name, f) in funcs {
                instance.func_new(name, adapt(f.clone()))?;
            }
        }
        Ok(())
    }
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let interfaces: BTreeMap<_, Vec<_>> = self
            .interfaces
            .iter()
            .map(|(name, funcs)| (name, funcs.keys().collect()))
            .collect();
        f.debug_struct("Host")
            .field("funcs", &self.funcs.keys().collect::<Vec<_>>())
            .field("interfaces", &interfaces)
            .finish()
    }
}

/// Wraps a host function in the signature `func_new` expects. wasmtime 48 has its own error
/// type, and the `anyhow` bridge feature is off in this workspace, so errors cross as boxed
/// `std::error::Error`s, which keeps their message and source chain.
fn adapt<T>(
    f: Arc<HostFn>,
) -> impl Fn(
    wasmtime::StoreContextMut<'_, T>,
    wasmtime::component::types::ComponentFunc,
    &[Val],
    &mut [Val],
) -> wasmtime::Result<()>
       + Send
       + Sync
       + 'static {
    move |_store, _ty, params, results| {
        f(params, results).map_err(|err| wasmtime::Error::from_boxed(err.into()))
    }
}
