//! `bash bench/kernels.sh` (or `cargo bench -p claw-cli --bench kernels` for the Claw column
//! alone): the same small algorithms written in Claw, in C and in AssemblyScript, each made a
//! component exporting `run: func(n: u32) -> u64` (`-> f64` for the float kernel), timed side
//! by side on one wasmtime engine.
//!
//! The kernels live in `bench/kernels/NAME.{claw,c,ts}`. Claw ones are compiled here; the C
//! and AssemblyScript core modules come from the folders named by `CLAW_KERNELS_C` and
//! `CLAW_KERNELS_AS` (`NAME.wasm` each, built by the script) and are wrapped into components
//! here with `wit-component`, as their toolchains' component tooling would. A language whose
//! folder is not given is left out of the table, with the reason from `CLAW_KERNELS_C_MISSING`
//! or `CLAW_KERNELS_AS_MISSING` when the script could not build it.
//!
//! Every language must return the same result for the same `n`: a difference is a bug in one
//! of them (quite possibly in the Claw compiler), so the run prints it and exits with status 1.
//! Times are otherwise only printed, never asserted, so noise cannot fail a build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use std::{env, fs};

use anyhow::{bail, Context};
use claw_compiler::{Options, Resolve, Source};
use claw_syntax::FileId;
use wasmtime::component::{Component, InstancePre, Linker};
use wasmtime::{Engine, Store};

/// Each kernel, the first `n` calibration tries, and how it makes `n` bigger: `fib` is
/// exponential in `n`, so it steps by two; the rest double.
const KERNELS: &[Kernel] = &[
    Kernel::new("fib", Output::U64, 20, Grow::Add(2)),
    Kernel::new("intloop", Output::U64, 10_000, Grow::Double),
    Kernel::new("sieve", Output::U64, 10_000, Grow::Double),
    Kernel::new("sort", Output::U64, 256, Grow::Double),
    Kernel::new("collatz", Output::U64, 1_000, Grow::Double),
    Kernel::new("springs", Output::F64, 1_000, Grow::Double),
    Kernel::new("strings", Output::U64, 1_000, Grow::Double),
    Kernel::new("records", Output::U64, 1_000, Grow::Double),
    Kernel::new("vm", Output::U64, 1_000, Grow::Double),
];

/// Calibration stops once the slowest language's call takes at least this long; with `n`
/// growing at most fourfold a step (a quadratic kernel doubling), a call then stays under
/// about 50 ms.
const TARGET: Duration = Duration::from_millis(10);
/// Calibration times each language this many times per `n` and keeps the fastest, so one call
/// slowed by other work on the machine does not stop it early.
const CALIBRATION_CALLS: usize = 3;
const WARMUP_CALLS: usize = 2;
const ROUNDS: usize = 15;

/// The string kernel is also timed at these two sizes, ten times apart, to show whether
/// appending is linear. They are fixed rather than calibrated because string building that
/// copies the string on every append is quadratic in memory as well as time: at ten times a
/// calibrated `n` it could run out of the 4 GiB a component can address.
const LINEARITY_N: u32 = 3_000;
const LINEARITY_ROUNDS: usize = 7;
/// The bound the string kernel should meet: ten times the appends in at most this many times
/// the time.
const LINEARITY_LIMIT: f64 = 12.0;

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

/// The options every Claw kernel is compiled with, in one place: the default optimization
/// level, and no line table, since the C and AssemblyScript modules carry no debug information
/// either and sizes should compare like with like.
fn claw_options() -> Options {
    Options {
        debug_info: false,
        ..Options::default()
    }
}

/// Returns whether every language agreed on every result.
fn run() -> anyhow::Result<bool> {
    let kernels_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/kernels");
    let mut langs = vec![Lang {
        name: "Claw",
        source: LangSource::Claw(kernels_dir),
    }];
    for (name, var) in [("C", "CLAW_KERNELS_C"), ("AS", "CLAW_KERNELS_AS")] {
        match env::var_os(var) {
            Some(dir) => langs.push(Lang {
                name,
                source: LangSource::Core(PathBuf::from(dir)),
            }),
            None => {
                let why = env::var(format!("{var}_MISSING")).unwrap_or_else(|_| {
                    format!("`{var}` is not set; `bash bench/kernels.sh` builds it")
                });
                println!("{name}: not measured: {why}");
            }
        }
    }
    let has_c = langs.iter().any(|lang| lang.name == "C");
    let engine = Engine::new(&wasmtime::Config::new()).map_err(from_wasmtime)?;

    let built_with: Vec<String> = langs
        .iter()
        .map(|lang| match lang.name {
            "Claw" => format!("Claw at {:?}", claw_options().opt_level),
            "C" => "C with `zig cc -O2`".to_owned(),
            _ => "AS with `asc -O3`".to_owned(),
        })
        .collect();
    println!(
        "{}; wasmtime 48 (Cranelift, default settings); per kernel, the median of {ROUNDS} \
         interleaved calls, each on a fresh instance, instantiation not timed",
        built_with.join(", "),
    );
    println!();
    let mut header = format!("{:<9} {:>9}", "kernel", "n");
    for lang in &langs {
        header += &format!(" {:>10}", format!("{} (ms)", lang.name));
    }
    if has_c {
        for lang in langs.iter().filter(|lang| lang.name != "C") {
            header += &format!(" {:>8}", format!("{}/C", lang.name));
        }
    }
    for lang in &langs {
        header += &format!(" {:>10}", format!("{} (B)", lang.name));
    }
    println!("{header}");
    println!("{}", "-".repeat(header.chars().count()));

    let mut agreed = true;
    let mut ratios: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut string_kernel = None;
    for kernel in KERNELS {
        let loaded = langs
            .iter()
            .map(|lang| lang.load(&engine, kernel))
            .collect::<anyhow::Result<Vec<_>>>()?;
        // A trap or a disagreement fails the run, but only after the other kernels are timed.
        let measured = calibrate(kernel, &loaded).and_then(|n| match n {
            Some(n) => Ok(Some((n, medians(kernel, &loaded, n, ROUNDS)?))),
            None => Ok(None),
        });
        let (n, times) = match measured {
            Ok(Some(measured)) => measured,
            Ok(None) => {
                agreed = false;
                continue;
            }
            Err(err) => {
                println!("{:<9} FAILED: {err:#}", kernel.name);
                agreed = false;
                continue;
            }
        };
        let mut row = format!("{:<9} {:>9}", kernel.name, n);
        for time in &times {
            row += &format!(" {:>10.2}", time.as_secs_f64() * 1e3);
        }
        if let Some(c) = loaded.iter().position(|impl_| impl_.lang == "C") {
            for (impl_, time) in loaded.iter().zip(&times).filter(|(i, _)| i.lang != "C") {
                let ratio = time.as_secs_f64() / times[c].as_secs_f64();
                ratios.entry(impl_.lang).or_default().push(ratio);
                row += &format!(" {:>8.2}", ratio);
            }
        }
        for impl_ in &loaded {
            row += &format!(" {:>10}", impl_.size);
        }
        println!("{row}");
        if kernel.name == "strings" {
            string_kernel = Some((kernel, loaded));
        }
    }
    if has_c && !ratios.is_empty() {
        let mut row = format!("{:<9} {:>9}", "geomean", "");
        row += &" ".repeat(11 * langs.len());
        for lang in langs.iter().filter(|lang| lang.name != "C") {
            let values = ratios.get(lang.name).map_or(&[][..], Vec::as_slice);
            row += &format!(" {:>8.2}", geomean(values));
        }
        println!("{row}");
    }

    if let Some((kernel, loaded)) = string_kernel {
        agreed &= linearity(kernel, &loaded)?;
    }
    if !agreed {
        eprintln!("error: a kernel failed or the languages disagree on its result (see above)");
    }
    Ok(agreed)
}

/// Times the string kernel at [`LINEARITY_N`] and ten times that, per language.
fn linearity(kernel: &Kernel, loaded: &[Loaded]) -> anyhow::Result<bool> {
    println!();
    println!(
        "string building, {LINEARITY_N} vs {} appends (linear if the time grows at most \
         {LINEARITY_LIMIT}×; medians of {LINEARITY_ROUNDS} calls):",
        LINEARITY_N * 10
    );
    let mut times = Vec::new();
    for n in [LINEARITY_N, LINEARITY_N * 10] {
        if !agree(kernel, loaded, n)? {
            return Ok(false);
        }
        times.push(medians(kernel, loaded, n, LINEARITY_ROUNDS)?);
    }
    for (i, impl_) in loaded.iter().enumerate() {
        let (small, large) = (times[0][i], times[1][i]);
        let growth = large.as_secs_f64() / small.as_secs_f64();
        let verdict = if growth <= LINEARITY_LIMIT {
            "linear"
        } else {
            "superlinear"
        };
        println!(
            "  {:<5} {:>10.3} ms {:>10.3} ms {:>8.1}×  {verdict}",
            impl_.lang,
            small.as_secs_f64() * 1e3,
            large.as_secs_f64() * 1e3,
            growth,
        );
    }
    Ok(true)
}

/// Finds an `n` at which the slowest language's call takes at least [`TARGET`], and checks
/// that all languages return the same result for it. `None` when they do not (reported).
fn calibrate(kernel: &Kernel, loaded: &[Loaded]) -> anyhow::Result<Option<u32>> {
    let mut n = kernel.start;
    loop {
        let mut slowest = Duration::ZERO;
        for impl_ in loaded {
            let mut fastest = Duration::MAX;
            for _ in 0..CALIBRATION_CALLS {
                fastest = fastest.min(impl_.call(n)?.0);
            }
            slowest = slowest.max(fastest);
        }
        if slowest >= TARGET {
            break;
        }
        n = match kernel.grow {
            Grow::Add(step) => n + step,
            Grow::Double => n.checked_mul(2).context("calibration overflowed `n`")?,
        };
    }
    Ok(agree(kernel, loaded, n)?.then_some(n))
}

/// Whether every language returns the same result for `n`; prints the results when not.
fn agree(kernel: &Kernel, loaded: &[Loaded], n: u32) -> anyhow::Result<bool> {
    let results = loaded
        .iter()
        .map(|impl_| Ok((impl_.lang, impl_.call(n)?.1)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if results.iter().all(|(_, value)| *value == results[0].1) {
        return Ok(true);
    }
    println!(
        "{:<9} {:>9} MISMATCH: the languages disagree",
        kernel.name, n
    );
    for (lang, value) in &results {
        println!("    {lang}: run({n}) == {value}");
    }
    Ok(false)
}

/// The median time of each language's call over `rounds` rounds, after a warm-up. Each round
/// calls every language once, starting with a different one each time, so a slow spell of the
/// machine hits all of them alike.
fn medians(
    kernel: &Kernel,
    loaded: &[Loaded],
    n: u32,
    rounds: usize,
) -> anyhow::Result<Vec<Duration>> {
    for impl_ in loaded {
        for _ in 0..WARMUP_CALLS {
            impl_.call(n)?;
        }
    }
    let expected = loaded[0].call(n)?.1;
    let mut samples = vec![Vec::with_capacity(rounds); loaded.len()];
    for round in 0..rounds {
        for k in 0..loaded.len() {
            let i = (round + k) % loaded.len();
            let (time, value) = loaded[i].call(n)?;
            if value != expected {
                bail!(
                    "`{}` in {} returned {value} for n = {n}, but {expected} in {}",
                    kernel.name,
                    loaded[i].lang,
                    loaded[0].lang,
                );
            }
            samples[i].push(time);
        }
    }
    Ok(samples
        .into_iter()
        .map(|mut times| {
            times.sort();
            times[times.len() / 2]
        })
        .collect())
}

fn geomean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp()
}

struct Kernel {
    name: &'static str,
    output: Output,
    start: u32,
    grow: Grow,
}

impl Kernel {
    const fn new(name: &'static str, output: Output, start: u32, grow: Grow) -> Kernel {
        Kernel {
            name,
            output,
            start,
            grow,
        }
    }
}

#[derive(Clone, Copy)]
enum Output {
    U64,
    F64,
}

#[derive(Clone, Copy)]
enum Grow {
    Add(u32),
    Double,
}

/// A kernel's result, compared bit for bit (a float result must match exactly too: all three
/// languages evaluate the same IEEE operations in the same order).
#[derive(Clone, Copy, PartialEq)]
enum Value {
    U64(u64),
    F64Bits(u64),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::U64(v) => write!(f, "{v}"),
            Value::F64Bits(bits) => write!(f, "{:?}", f64::from_bits(*bits)),
        }
    }
}

/// Where a language's kernels come from.
struct Lang {
    name: &'static str,
    source: LangSource,
}

enum LangSource {
    /// The folder of `NAME.claw` files, compiled here.
    Claw(PathBuf),
    /// A folder of core modules `NAME.wasm`, wrapped into components here.
    Core(PathBuf),
}

impl Lang {
    fn load(&self, engine: &Engine, kernel: &Kernel) -> anyhow::Result<Loaded> {
        let component = match &self.source {
            LangSource::Claw(dir) => {
                let path = dir.join(format!("{}.claw", kernel.name));
                let text = fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                let source = Source {
                    file: FileId(0),
                    name: kernel.name,
                    text: &text,
                };
                match claw_compiler::compile_with(source, Resolve::new(), claw_options()) {
                    Ok(compiled) => compiled.component,
                    Err(diagnostics) => {
                        let messages: Vec<String> =
                            diagnostics.iter().map(|d| d.message.clone()).collect();
                        bail!(
                            "{} does not compile: {}",
                            path.display(),
                            messages.join("; ")
                        );
                    }
                }
            }
            LangSource::Core(dir) => {
                let path = dir.join(format!("{}.wasm", kernel.name));
                let module =
                    fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                componentize(module, kernel.output)
                    .with_context(|| format!("wrapping {} as a component", path.display()))?
            }
        };
        let compiled = Component::new(engine, &component)
            .map_err(from_wasmtime)
            .with_context(|| format!("compiling {} `{}`", self.name, kernel.name))?;
        let pre = Linker::new(engine)
            .instantiate_pre(&compiled)
            .map_err(from_wasmtime)?;
        Ok(Loaded {
            lang: self.name,
            output: kernel.output,
            size: component.len(),
            pre,
        })
    }
}

/// One language's kernel, ready to instantiate.
struct Loaded {
    lang: &'static str,
    output: Output,
    /// The component's size in bytes.
    size: usize,
    pre: InstancePre<()>,
}

impl Loaded {
    /// Calls `run(n)` on a fresh instance; only the call is timed.
    fn call(&self, n: u32) -> anyhow::Result<(Duration, Value)> {
        let mut store = Store::new(self.pre.engine(), ());
        let instance = self.pre.instantiate(&mut store).map_err(from_wasmtime)?;
        let trapped = |err| from_wasmtime(err).context(format!("{} `run({n})` failed", self.lang));
        Ok(match self.output {
            Output::U64 => {
                let func = instance
                    .get_typed_func::<(u32,), (u64,)>(&mut store, "run")
                    .map_err(from_wasmtime)?;
                let start = Instant::now();
                let (value,) = func.call(&mut store, (n,)).map_err(trapped)?;
                (start.elapsed(), Value::U64(value))
            }
            Output::F64 => {
                let func = instance
                    .get_typed_func::<(u32,), (f64,)>(&mut store, "run")
                    .map_err(from_wasmtime)?;
                let start = Instant::now();
                let (value,) = func.call(&mut store, (n,)).map_err(trapped)?;
                (start.elapsed(), Value::F64Bits(value.to_bits()))
            }
        })
    }
}

/// Wraps a core module exporting `run` into a component of the one-function world.
fn componentize(mut module: Vec<u8>, output: Output) -> anyhow::Result<Vec<u8>> {
    let result = match output {
        Output::U64 => "u64",
        Output::F64 => "f64",
    };
    let wit = format!(
        "package claw:kernels;\nworld kernel {{\n    export run: func(n: u32) -> {result};\n}}\n"
    );
    let mut resolve = Resolve::default();
    let package = resolve.push_str("kernel.wit", &wit)?;
    let world = resolve.select_world(&[package], Some("kernel"))?;
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )?;
    wit_component::ComponentEncoder::default()
        .module(&module)?
        .validate(true)
        .encode()
}

/// wasmtime's error as anyhow's, with its context chain. (The direct conversion needs
/// wasmtime's `anyhow` feature, which the workspace does not enable.)
fn from_wasmtime(err: wasmtime::Error) -> anyhow::Error {
    anyhow::Error::from_boxed(err.into())
}
