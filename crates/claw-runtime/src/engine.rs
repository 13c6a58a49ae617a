//! The process-wide wasmtime [`Engine`] and the clock that drives call timeouts.
//!
//! One engine per process (per Wasm stack limit, which is an engine setting) because engines
//! own compiled-code caches and configuration, and components compiled by one engine cannot
//! run in another. Timeouts use wasmtime's epoch
//! interruption: compiled code checks a shared counter at loop headers and function entries, and
//! a background thread bumps that counter every [`TICK`]. A store's deadline is counted in ticks.

use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use wasmtime::Engine;

use crate::config::DEFAULT_MAX_STACK;

/// How often the epoch advances, and so the granularity of timeouts. Coarse on purpose: the
/// ticker thread wakes this often for the life of the process once any timeout is in use.
pub(crate) const TICK: Duration = Duration::from_millis(10);

/// A deadline so far away it never arrives, for sessions without a timeout. Not `u64::MAX`:
/// wasmtime adds it to the current epoch.
pub(crate) const NO_DEADLINE: u64 = u64::MAX / 2;

/// The engines made so far, one per Wasm stack limit (a setting of the engine, not the store);
/// nearly every process uses one.
static ENGINES: Mutex<Vec<(usize, &'static Engine)>> = Mutex::new(Vec::new());
static TICKER: OnceLock<()> = OnceLock::new();
/// The engines whose epochs the ticker advances: every one a deadline was asked of (the
/// shared ones, and `claw serve`'s own).
static TICKED: Mutex<Vec<&'static Engine>> = Mutex::new(Vec::new());

/// The shared engine whose Wasm stack limit is `max_stack` (wasmtime's default for `None`),
/// created on first use.
pub(crate) fn engine(max_stack: Option<usize>) -> wasmtime::Result<&'static Engine> {
    let max_stack = max_stack.unwrap_or(DEFAULT_MAX_STACK);
    let mut engines = ENGINES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, engine)) = engines.iter().find(|(stack, _)| *stack == max_stack) {
        return Ok(engine);
    }
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    // `map<K, V>`: Claw's maps cross the boundary as maps.
    config.wasm_component_model_map(true);
    // Epoch checks are cheap (a load and compare) and must be compiled in up front: the engine is
    // shared, so whether some later session wants a timeout is not known yet.
    config.epoch_interruption(true);
    // Fuel likewise: stores without a fuel limit get an effectively endless tank. Counting costs
    // a little speed, which `claw run` and `claw test` can afford.
    config.consume_fuel(true);
    // Backtraces name source lines when a component carries DWARF (Claw's always do).
    config.wasm_backtrace_details(wasmtime::WasmBacktraceDetails::Enable);
    config.max_wasm_stack(max_stack);
    // wasmtime insists that an async fiber could hold that stack too (WASI brings async
    // support in, though calls here are synchronous): its default is 2 MiB.
    config.async_stack_size((max_stack + (1 << 20)).max(2 << 20));
    // Engines live as long as the process: components compiled by one run only in it.
    let engine: &'static Engine = Box::leak(Box::new(Engine::new(&config)?));
    engines.push((max_stack, engine));
    Ok(engine)
}

/// The number of ticks covering `timeout`, starting the ticker thread if it isn't running yet.
pub(crate) fn deadline_ticks(engine: &'static Engine, timeout: Option<Duration>) -> u64 {
    let Some(timeout) = timeout else {
        return NO_DEADLINE;
    };
    {
        let mut ticked = TICKED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !ticked.iter().any(|e| std::ptr::eq(*e, engine)) {
            ticked.push(engine);
        }
    }
    TICKER.get_or_init(|| {
        thread::Builder::new()
            .name("claw-runtime-epoch".into())
            .spawn(|| loop {
                thread::sleep(TICK);
                let ticked = TICKED
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                for engine in ticked.iter() {
                    engine.increment_epoch();
                }
            })
            .expect("spawning the epoch ticker thread");
    });
    // Round up, and add one tick because the first may arrive almost immediately.
    let ticks = timeout.as_nanos().div_ceil(TICK.as_nanos()) + 1;
    u64::try_from(ticks).unwrap_or(NO_DEADLINE).min(NO_DEADLINE)
}
