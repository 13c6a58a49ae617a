//! [`Session`]: one instantiated component and the store it lives in, so that a sequence of
//! calls sees the guest's state (globals, linear memory, host-side WASI resources) carry over.

use std::fmt;

use wasmtime::component::{Component, Val};
use wasmtime::{Engine, Store};

use crate::config::{Config, Sandbox, Settings};
use crate::engine::engine;
use crate::error::{from_call_error, RunError};
use crate::exports::{ExportedFunc, Exports};
use crate::host::Host;
use crate::store::{self, State};
use crate::wave::{self, Param};

/// One instantiated component; globals and other state persist between calls on it.
pub struct Session {
    store: Store<State>,
    exports: Exports,
    engine: &'static Engine,
    settings: Settings,
}

/// The interface a WASI command exports; its `run` function is the program's `main`.
const WASI_CLI_RUN: &str = "wasi:cli/run@0.2";

impl Session {
    /// Compiles and instantiates `wasm` (a component binary) with WASI Preview 2 plus `host`.
    /// Imports are checked first, so a missing one is reported by name; a trap in the
    /// component's start code is reported like a trap in a call.
    pub fn new(wasm: &[u8], host: &Host, config: &Config) -> Result<Session, RunError> {
        Session::sandboxed(wasm, host, config, &Sandbox::default())
    }

    /// [`Session::new`] with capabilities and limits.
    pub fn sandboxed(
        wasm: &[u8],
        host: &Host,
        config: &Config,
        sandbox: &Sandbox,
    ) -> Result<Session, RunError> {
        let engine = engine(sandbox.max_stack)?;
        let settings = Settings::shared(engine, host, config, sandbox)?;
        let component = load(engine, wasm)?;
        let pre = store::prepare(engine, &component, host)?;
        let mut store = store::new_store(engine, &settings)?;
        let instance = pre
            .instantiate(&mut store)
            .map_err(|err| from_call_error(err, &settings))?;
        let exports = Exports::new(&component, engine, &instance, &mut store);
        Ok(Session {
            store,
            exports,
            engine,
            settings,
        })
    }

    /// Whether the component is a WASI command: it exports `wasi:cli/run@0.2.x`.
    pub fn is_command(&self) -> bool {
        self.command_run().is_some()
    }

    /// Runs a WASI command's `run` function and returns its exit status: 0 when it returns `ok`,
    /// 1 when it returns `err`, or the status it passed to `wasi:cli/exit`.
    pub fn run_command(&mut self) -> Result<i32, RunError> {
        let Some(run) = self.command_run().cloned() else {
            return Err(RunError::Invoke(
                "the component is not a WASI command: it does not export `wasi:cli/run`".to_owned(),
            ));
        };
        match self.call_export(&run, &[]) {
            Ok(results) => Ok(match results.first() {
                Some(Val::Result(Err(_))) => 1,
                _ => 0,
            }),
            Err(RunError::Exit { code }) => Ok(code),
            Err(err) => Err(err),
        }
    }

    fn command_run(&self) -> Option<&ExportedFunc> {
        self.exports.all().iter().find(|func| {
            func.name == "run"
                && func
                    .interface
                    .as_deref()
                    .is_some_and(|interface| interface.starts_with(WASI_CLI_RUN))
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
        // Fuel and deadline count from now, so each call gets the whole of both.
        store::arm(&mut self.store, self.engine, &self.settings)?;
        // wasmtime 48 runs the callee's post-return itself; `Func::post_return` is a deprecated
        // no-op.
        export
            .func
            .call(&mut self.store, args, &mut results)
            .map_err(|err| from_call_error(err, &self.settings))?;
        Ok(results)
    }
}

/// Compiles a component binary, after checking that it is one.
pub(crate) fn load(engine: &Engine, wasm: &[u8]) -> Result<Component, RunError> {
    check_header(wasm)?;
    Ok(Component::new(engine, wasm)?)
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
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}
