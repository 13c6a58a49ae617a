//! [`Session`]: one instantiated component and the store it lives in, so that a sequence of
//! calls sees the guest's state (globals, linear memory, host-side WASI resources) carry over.

use std::fmt;
use std::time::Duration;

use wasmtime::component::{Component, Linker, ResourceTable, Val};
use wasmtime::{Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::config::Config;
use crate::engine::{deadline_ticks, engine};
use crate::error::{from_call_error, RunError};
use crate::exports::{ExportedFunc, Exports};
use crate::host::Host;
use crate::imports;
use crate::wave::{self, Param};

/// One instantiated component; globals and other state persist between calls on it.
pub struct Session {
    store: Store<State>,
    exports: Exports,
    engine: &'static Engine,
    timeout: Option<Duration>,
}

/// What the store carries for WASI's host implementations.
struct State {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl Session {
    /// Compiles and instantiates `wasm` (a component binary) with WASI Preview 2 plus `host`.
    /// Imports are checked first, so a missing one is reported by name; a trap in the
    /// component's start code is reported like a trap in a call.
    pub fn new(wasm: &[u8], host: &Host, config: &Config) -> Result<Session, RunError> {
        check_header(wasm)?;
        let engine = engine()?;
        let component = Component::new(engine, wasm)?;
        imports::check(&component, engine, host)?;

        let mut linker = Linker::new(engine);
        // The host is linked after WASI and may replace some of its functions.
        linker.allow_shadowing(true);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        host.add_to_linker(&mut linker)?;
        let pre = linker
            .instantiate_pre(&component)
            .map_err(imports::from_link_error)?;

        let mut wasi = WasiCtxBuilder::new();
        if config.inherit_stdio {
            wasi.inherit_stdio();
        }
        wasi.args(&config.args);
        let state = State {
            wasi: wasi.build(),
            table: ResourceTable::new(),
        };
        let mut store = Store::new(engine, state);
        store.set_epoch_deadline(deadline_ticks(engine, config.timeout));
        let instance = pre
            .instantiate(&mut store)
            .map_err(|err| from_call_error(err, config.timeout))?;
        let exports = Exports::new(&component, engine, &instance, &mut store);
        Ok(Session {
            store,
            exports,
            engine,
            timeout: config.timeout,
        })
    }

    /// Calls an export given as WAVE text: `factorial(20)`, `greet("wörld")`,
    /// `ns:pkg/iface#f(1)`, `iface.f(1)`. The arguments are typed against the export's
    /// parameters; the result comes back printed as WAVE, or `None` when the function has no
    /// result.
    pub fn invoke(&mut self, call: &str) -> Result<Option<String>, RunError> {
        let (name, args) = wave::split_call(call)?;
        let export = self.exports.resolve(name)?.clone();
        let args = wave::parse_args(name, args, &self.params(&export))?;
        let results = self.call_export(&export, &args)?;
        Ok(wave::format_results(&results))
    }

    /// Calls the export `name` (any form [`Session::invoke`] accepts) with already-built values
    /// and returns its results. A value of the wrong type is reported by wasmtime as
    /// [`RunError::Other`].
    pub fn call(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, RunError> {
        let export = self.exports.resolve(name)?.clone();
        let params = self.params(&export);
        if args.len() != params.len() {
            return Err(RunError::Invoke(format!(
                "`{name}` takes {} argument(s) ({}), but {} were given",
                params.len(),
                wave::signature(&params),
                args.len()
            )));
        }
        self.call_export(&export, args)
    }

    /// Names of exported functions — root ones as `f`, interface ones as `ns:pkg/iface#f` — in
    /// the component's order.
    pub fn exports(&self) -> Vec<String> {
        self.exports.names()
    }

    fn params(&self, export: &ExportedFunc) -> Vec<Param> {
        export
            .func
            .ty(&self.store)
            .params()
            .map(|(name, ty)| Param {
                name: name.to_owned(),
                ty,
            })
            .collect()
    }

    fn call_export(&mut self, export: &ExportedFunc, args: &[Val]) -> Result<Vec<Val>, RunError> {
        let result_count = export.func.ty(&self.store).results().len();
        // Placeholders: wasmtime overwrites each with the real result.
        let mut results = vec![Val::Bool(false); result_count];
        // The deadline counts from now, so each call gets the whole timeout.
        self.store
            .set_epoch_deadline(deadline_ticks(self.engine, self.timeout));
        // wasmtime 48 runs the callee's post-return itself; `Func::post_return` is a deprecated
        // no-op.
        export
            .func
            .call(&mut self.store, args, &mut results)
            .map_err(|err| from_call_error(err, self.timeout))?;
        Ok(results)
    }
}

/// Rejects what isn't a component binary with a short message; wasmtime's own error for a wrong
/// magic number dumps both byte arrays, and a core module is a plausible mistake worth naming.
fn check_header(wasm: &[u8]) -> Result<(), RunError> {
    const MAGIC: &[u8] = b"\0asm";
    // Version 0x0d, layer 1: the component-model preamble (core modules are version 1, layer 0).
    const COMPONENT: &[u8] = &[0x0d, 0x00, 0x01, 0x00];
    let message = if !wasm.starts_with(MAGIC) {
        "the file is not a WebAssembly binary"
    } else if wasm.get(4..8) != Some(COMPONENT) && wasm.get(6..8) == Some(&[0, 0]) {
        "the file is a core WebAssembly module, not a component"
    } else {
        return Ok(());
    };
    Err(RunError::Other(anyhow::anyhow!(message)))
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("exports", &self.exports.names())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
