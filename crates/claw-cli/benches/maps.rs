//! `cargo bench -p claw-cli --bench maps`: lookups in a `map<K, V>` against a scan of a
//! `list<tuple<K, V>>` holding the same entries, at 10, 1,000 and 100,000 entries, with `u32`
//! keys and with `string` keys (`bench/maps/lookup.claw`), and the time to fill each.
//!
//! Both ways must find the same values (their sums are compared; a difference is a compiler
//! bug and fails the run). Times are printed, never asserted.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use claw_compiler::{Options, Resolve, Source};
use claw_syntax::FileId;
use wasmtime::component::{Component, Instance, Linker, TypedFunc};
use wasmtime::{Config, Engine, Store};

const SIZES: [u32; 3] = [10, 1_000, 100_000];
/// Lookups per timed call: enough to time at 10 entries, few enough that a scan of 100,000
/// string entries takes seconds rather than minutes.
const LOOKUPS: [u32; 3] = [100_000, 20_000, 200];
const ROUNDS: usize = 5;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<bool> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/maps/lookup.claw");
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let source = Source {
        file: FileId(0),
        name: "lookup.claw",
        text: &text,
    };
    let options = Options {
        debug_info: false,
        ..Options::default()
    };
    let component = match claw_compiler::compile_with(source, Resolve::new(), options) {
        Ok(compiled) => compiled.component,
        Err(diagnostics) => {
            let messages: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
            bail!("{path} does not compile: {}", messages.join("; "));
        }
    };
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.wasm_component_model_map(true);
    let engine = Engine::new(&config).map_err(anyhow::Error::msg)?;
    let compiled = Component::new(&engine, &component).map_err(anyhow::Error::msg)?;
    let pre = Linker::new(&engine)
        .instantiate_pre(&compiled)
        .map_err(anyhow::Error::msg)?;

    println!(
        "map<K, V> lookups against a list<tuple<K, V>> scan (median of {ROUNDS}; ns per lookup)"
    );
    println!();
    println!(
        "| {:>8} | {:>7} | {:>10} | {:>10} | {:>8} | {:>10} | {:>10} |",
        "entries", "keys", "map", "list scan", "speedup", "map fill", "list fill"
    );
    println!(
        "|{:-<10}|{:-<9}|{:-<12}|{:-<12}|{:-<10}|{:-<12}|{:-<12}|",
        "", "", "", "", "", "", ""
    );
    let mut agreed = true;
    for (&n, &count) in SIZES.iter().zip(&LOOKUPS) {
        // One instance per size: both structures are filled once, then looked up in.
        let mut store = Store::new(&engine, ());
        let instance = pre.instantiate(&mut store).map_err(anyhow::Error::msg)?;
        let fill_map = median_of(|| time_fill(&mut store, &instance, "fill-map", n))?;
        let fill_list = median_of(|| time_fill(&mut store, &instance, "fill-list", n))?;
        for keys in ["numbers", "names"] {
            let (map_time, map_sum) =
                lookups(&mut store, &instance, &format!("map-{keys}"), n, count)?;
            let (list_time, list_sum) =
                lookups(&mut store, &instance, &format!("list-{keys}"), n, count)?;
            if map_sum != list_sum {
                eprintln!("{keys} at {n} entries: the map found {map_sum}, the scan {list_sum}");
                agreed = false;
            }
            let per = |d: Duration| d.as_nanos() as f64 / count as f64;
            // Per entry: each fill inserts a `u32` and a `string` entry for every `n`.
            let fill = |d: Duration| format!("{:.0} ns", d.as_nanos() as f64 / (2 * n) as f64);
            println!(
                "| {:>8} | {:>7} | {:>10.1} | {:>10.1} | {:>7.1}x | {:>10} | {:>10} |",
                n,
                keys,
                per(map_time),
                per(list_time),
                per(list_time) / per(map_time),
                fill(fill_map),
                fill(fill_list),
            );
        }
    }
    println!();
    println!(
        "Lookups include making the key (`user-N` for names). Fill times are per entry: the \
         map's `insert` against the list's `push`."
    );
    Ok(agreed)
}

fn time_fill(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    n: u32,
) -> anyhow::Result<Duration> {
    let func: TypedFunc<(u32,), (u32,)> = instance
        .get_typed_func(&mut *store, name)
        .map_err(anyhow::Error::msg)?;
    let start = Instant::now();
    let (len,) = func.call(&mut *store, (n,)).map_err(anyhow::Error::msg)?;
    let elapsed = start.elapsed();
    if len != 2 * n {
        bail!("{name}({n}) holds {len} entries, not {}", 2 * n);
    }
    Ok(elapsed)
}

/// The median time of [`ROUNDS`] calls of `name(n, count)`, and the sum it returned (the same
/// every call).
fn lookups(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    n: u32,
    count: u32,
) -> anyhow::Result<(Duration, u64)> {
    let func: TypedFunc<(u32, u32), (u64,)> = instance
        .get_typed_func(&mut *store, name)
        .map_err(anyhow::Error::msg)?;
    let mut sum = 0;
    let time = median_of(|| {
        let start = Instant::now();
        let (found,) = func
            .call(&mut *store, (n, count))
            .map_err(anyhow::Error::msg)?;
        sum = found;
        Ok(start.elapsed())
    })?;
    Ok((time, sum))
}

fn median_of(mut f: impl FnMut() -> anyhow::Result<Duration>) -> anyhow::Result<Duration> {
    let mut times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        times.push(f()?);
    }
    times.sort();
    Ok(times[ROUNDS / 2])
}
