//! The process-wide wasmtime [`Engine`] and the clock that drives call timeouts.
//!
//! One engine per process because engines own compiled-code caches and configuration, and
//! components compiled by one engine cannot run in another. Timeouts use wasmtime's epoch
//! interruption: compiled code checks a shared counter at loop headers and function entries, and
//! a background thread bumps that counter every [`TICK`]. A store's deadline is counted in ticks.

use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

use wasmtime::Engine;

/// How often the epoch advances, and so the granularity of timeouts. Coarse on purpose: the
/// ticker thread wakes this often for the life of the process once any timeout is in use.
pub(crate) const TICK: Duration = Duration::from_millis(10);

/// A deadline so far away it never arrives, for sessions without a timeout. Not `u64::MAX`:
/// wasmtime adds it to the current epoch.
pub(crate) const NO_DEADLINE: u64 = u64::MAX / 2;

static ENGINE: OnceLock<Engine> = OnceLock::new();
static TICKER: OnceLock<()> = OnceLock::new();

/// The shared engine, created on first use.
pub(crate) fn engine() -> wasmtime::Result<&'static Engine> {
    if let Some(engine) = ENGINE.get() {
        return Ok(engine);
    }
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    // Epoch checks are cheap (a load and compare) and must be compiled in up front: the engine is
    // shared, so whether some later session wants a timeout is not known yet.
    config.epoch_interruption(true);
    // Fuel likewise: stores without a fuel limit get an effectively endless tank. Counting costs
    // a little speed, which `claw run` and `claw test` can afford.
    config.consume_fuel(true);
    // Backtraces name source lines when a component carries DWARF (Claw's always do).
    config.wasm_backtrace_details(wasmtime::WasmBacktraceDetails::Enable);
    let engine = Engine::new(&config)?;
    // Two threads may race to build an engine; both are equivalent and the loser's is dropped.
    Ok(ENGINE.get_or_init(|| engine))
}

/// The number of ticks covering `timeout`, starting the ticker thread if it isn't running yet.
pub(crate) fn deadline_ticks(engine: &'static Engine, timeout: Option<Duration>) -> u64 {
    let Some(timeout) = timeout else {
        return NO_DEADLINE;
    };
    TICKER.get_or_init(|| {
        thread::Builder::new()
            .name("claw-runtime-epoch".into())
            .spawn(move || loop {
                thread::sleep(TICK);
                engine.increment_epoch();
            })
            .expect("spawning the epoch ticker thread");
    });
    // Round up, and add one tick because the first may arrive almost immediately.
    let ticks = timeout.as_nanos().div_ceil(TICK.as_nanos()) + 1;
    u64::try_from(ticks).unwrap_or(NO_DEADLINE).min(NO_DEADLINE)
}
