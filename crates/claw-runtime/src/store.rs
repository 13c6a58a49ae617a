//! What every instance lives in: the linker that supplies WASI Preview 2 and the embedder's
//! [`Host`] functions, and a [`Store`] set up from a [`Config`](crate::Config) and a [`Sandbox`](crate::Sandbox) — the guest's view of the
//! process (stdio, arguments, environment, preopened directories) and its limits (fuel, memory,
//! time). [`Session`](crate::Session) makes one store; a [`TestSuite`](crate::TestSuite) makes a
//! fresh one per test.

use wasmtime::component::{Component, InstancePre, Linker, ResourceTable};
use wasmtime::{Engine, ResourceLimiter, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::config::Settings;
use crate::engine::deadline_ticks;
use crate::error::{MemoryLimitExceeded, RunError};
use crate::host::Host;
use crate::imports;

/// What the store carries: WASI's state (`wasi:http`'s too) and the memory limit.
pub(crate) struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: MemoryLimiter,
    pub(crate) http: crate::http::HttpState,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Output a guest wrote while its stdio was captured rather than inherited.
#[derive(Clone)]
pub(crate) struct Captured {
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

/// The most a test may print before further output is dropped, per stream.
const CAPTURE_LIMIT: usize = 1 << 20;

impl Captured {
    pub(crate) fn new() -> Captured {
        Captured {
            stdout: MemoryOutputPipe::new(CAPTURE_LIMIT),
            stderr: MemoryOutputPipe::new(CAPTURE_LIMIT),
        }
    }

    /// Everything written to stdout, then to stderr, as text.
    pub(crate) fn text(&self) -> String {
        let mut out = String::from_utf8_lossy(&self.stdout.contents()).into_owned();
        out.push_str(&String::from_utf8_lossy(&self.stderr.contents()));
        out
    }
}

/// Checks `component`'s imports against WASI and `host`, then links them once so instances are
/// cheap to make.
pub(crate) fn prepare(
    engine: &Engine,
    component: &Component,
    host: &Host,
) -> Result<InstancePre<State>, RunError> {
    imports::check(component, engine, host)?;
    let mut linker = Linker::new(engine);
    // The host is linked after WASI and may replace some of its functions.
    linker.allow_shadowing(true);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker)?;
    host.add_to_linker(&mut linker)?;
    linker
        .instantiate_pre(component)
        .map_err(imports::from_link_error)
}

/// A store granting what `settings` allow.
pub(crate) fn new_store(
    engine: &'static Engine,
    settings: &Settings,
) -> Result<Store<State>, RunError> {
    build_store(engine, settings, None)
}

/// [`new_store`], but the guest's stdout and stderr go to `captured` (and stdin is empty)
/// whatever `inherit_stdio` says.
pub(crate) fn new_store_captured(
    engine: &'static Engine,
    settings: &Settings,
    captured: &Captured,
) -> Result<Store<State>, RunError> {
    build_store(engine, settings, Some(captured))
}

fn build_store(
    engine: &'static Engine,
    settings: &Settings,
    captured: Option<&Captured>,
) -> Result<Store<State>, RunError> {
    let mut store = Store::new(engine, new_state(settings, captured)?);
    State::limit(&mut store);
    arm(&mut store, engine, settings)?;
    Ok(store)
}

/// The guest's view of the process as `settings` grant it, with stdout and stderr going to
/// `captured` when given.
pub(crate) fn new_state(
    settings: &Settings,
    captured: Option<&Captured>,
) -> Result<State, RunError> {
    let (config, sandbox) = (&settings.config, &settings.sandbox);
    let mut wasi = WasiCtxBuilder::new();
    match captured {
        Some(captured) => {
            wasi.stdout(captured.stdout.clone());
            wasi.stderr(captured.stderr.clone());
        }
        None if config.inherit_stdio => {
            wasi.inherit_stdio();
        }
        None => {}
    }
    wasi.args(&config.args);
    for (name, value) in &sandbox.env {
        wasi.env(name, value);
    }
    for dir in &sandbox.dirs {
        wasi.preopened_dir(&dir.host, &dir.guest, FsPerms::ReadWrite)
            .map_err(|err| {
                RunError::Other(anyhow::anyhow!(
                    "cannot open directory `{}`: {}",
                    dir.host.display(),
                    crate::error::to_anyhow(err)
                ))
            })?;
    }
    Ok(State {
        wasi: wasi.build(),
        table: ResourceTable::new(),
        limiter: MemoryLimiter {
            limit: sandbox.max_memory,
        },
        http: crate::http::HttpState::new(settings),
    })
}

impl State {
    /// Puts the store's memory limit in force (a store takes its limiter from its data).
    pub(crate) fn limit(store: &mut Store<State>) {
        store.limiter(|state| &mut state.limiter);
    }
}

impl wasmtime_wasi_http::WasiHttpView for State {
    fn http(&mut self) -> wasmtime_wasi_http::WasiHttpCtxView<'_> {
        wasmtime_wasi_http::WasiHttpCtxView {
            ctx: &mut self.http.ctx,
            table: &mut self.table,
            hooks: &mut self.http.hooks,
        }
    }
}

/// Gives the store a full tank and a fresh deadline, so each call gets the whole of both.
/// An engine that counts only where a limit is set (`claw serve`'s) gets only those limits.
pub(crate) fn arm(
    store: &mut Store<State>,
    engine: &'static Engine,
    settings: &Settings,
) -> Result<(), RunError> {
    if settings.metered {
        store.set_fuel(settings.sandbox.fuel.unwrap_or(u64::MAX))?;
        store.set_epoch_deadline(deadline_ticks(engine, settings.config.timeout));
        return Ok(());
    }
    if let Some(fuel) = settings.sandbox.fuel {
        store.set_fuel(fuel)?;
    }
    if let Some(timeout) = settings.config.timeout {
        store.set_epoch_deadline(deadline_ticks(engine, Some(timeout)));
    }
    Ok(())
}

/// Fails memory growth past the configured size with [`MemoryLimitExceeded`], which traps the
/// guest, rather than letting `memory.grow` return -1: a clear error beats an allocator quietly
/// failing somewhere later.
struct MemoryLimiter {
    limit: Option<usize>,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        match self.limit {
            Some(limit) if desired > limit => {
                Err(wasmtime::Error::new(MemoryLimitExceeded { limit }))
            }
            _ => Ok(maximum.is_none_or(|max| desired <= max)),
        }
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(maximum.is_none_or(|max| desired <= max))
    }
}
