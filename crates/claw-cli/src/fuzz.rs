//! `claw fuzz`: call the functions a component exports with arguments generated from their WIT
//! types alone, and report each distinct failure once, shrunk to a call `claw run` replays.
//!
//! The generating, calling and shrinking are [`claw_runtime::Fuzzer`]'s; this module reads and
//! composes the components, and does the printing.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use claw_runtime::{Budget, Fuzzer, Host};

use crate::run::{read_component, GuestOpts};
use crate::term::Term;
use crate::test::{
    display_name, fresh_seed, in_front, parse_with, plural, read_withs, report_load_error, With,
};

/// Call a component's exports with generated arguments, and report what fails.
#[derive(clap::Args)]
#[command(after_help = "\
Example:
  $ claw fuzz ../shared/fixtures/calc/calc-broken-c.wasm --seed 7
  fuzzing 4 functions of calc-broken-c.wasm with seed 7 (--seed 7 replays it), 1000 calls

  failure 1: parse-int(\"\")
    in docs:calc/ops@0.1.0#parse-int
    trap in `parse_int`: wasm `unreachable` instruction executed
    …
    replay: claw run calc-broken-c.wasm --fuel 100000000 --invoke 'parse-int(\"\")'

  1000 calls, 1 failure; finished in 0.3 s

Every call runs in a new instance. A failure is a trap, an exceeded limit (each call gets 10^8
units of fuel, about a tenth of a second, unless --fuel or --timeout say otherwise) or a host
error; returning `err(…)` is an answer, not a failure. Failures that are the same (same
function, message and innermost frame) are reported once, shrunk to the smallest arguments
that still fail that way. The exit status is 1 when anything failed.")]
pub struct Opts {
    /// The component (`.wasm`, or a `.claw` file compiled first).
    file: PathBuf,
    /// A component that supplies imports of the one fuzzed, as for `claw test`; repeatable.
    #[arg(long = "with", value_name = "NAME=COMPONENT", value_parser = parse_with)]
    with: Vec<With>,
    /// Call only this export (`parse-int`, or `docs:calc/ops@0.1.0#parse-int`).
    #[arg(long, value_name = "NAME")]
    export: Option<String>,
    /// How many calls to make in all [default: 1000]
    #[arg(long, value_name = "N", conflicts_with = "time")]
    cases: Option<u64>,
    /// How long to fuzz instead: `90s`, `5m`, or seconds.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    time: Option<Duration>,
    /// The seed the arguments are generated from [default: a new one each run]
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// A folder of WIT packages to import from, for `.claw` files.
    #[arg(long, value_name = "DIR")]
    wit: Option<PathBuf>,
    #[command(flatten)]
    pub limits: GuestOpts,
}

pub fn run(opts: Opts, term: &Term) -> anyhow::Result<ExitCode> {
    let (mut config, mut sandbox) = opts.limits.settings()?;
    config.inherit_stdio = false;
    if config.timeout.is_none() && sandbox.fuel.is_none() {
        // A generated argument may well make a loop run for ever. Fuel, unlike a clock,
        // stops the same call at the same point every time, which shrinking relies on.
        sandbox.fuel = Some(DEFAULT_FUEL);
    }
    let missing = std::iter::once(&opts.file)
        .chain(opts.with.iter().map(|with| &with.path))
        .find(|path| !path.exists());
    if let Some(path) = missing {
        term.error(&format!("`{}` does not exist", path.display()));
        return Ok(ExitCode::from(2));
    }
    let name = display_name(&opts.file);
    let host = Host::new();
    let wasm = read_component(&opts.file, opts.wit.as_deref(), opts.limits.opt, term)?;
    let withs = read_withs(&opts.with, opts.wit.as_deref(), opts.limits.opt, term)?;
    let (wasm, host) = match in_front(&withs, &name, wasm, &host) {
        Ok(both) => both,
        Err(err) => return Ok(report_load_error(&err, &name, term)),
    };
    let fuzzer = match Fuzzer::new(&wasm, &host, &config, &sandbox, opts.export.as_deref()) {
        Ok(fuzzer) => fuzzer,
        Err(err) => return Ok(report_load_error(&err, &name, term)),
    };
    for (export, why) in fuzzer.skipped() {
        println!("skipping {export}: {why}");
    }
    if fuzzer.targets().is_empty() {
        match &opts.export {
            Some(export) => term.error(&format!("`{name}` exports no function `{export}`")),
            None => term.error(&format!("`{name}` exports no function that can be called")),
        }
        return Ok(ExitCode::from(2));
    }
    let seed = opts.seed.unwrap_or_else(fresh_seed);
    let budget = match (opts.time, opts.cases) {
        (Some(time), _) => Budget::Time(time),
        (None, cases) => Budget::Cases(cases.unwrap_or(1000)),
    };
    let spent = match budget {
        Budget::Cases(cases) => format!("{cases} calls"),
        Budget::Time(time) => format!("for {:.1} s", time.as_secs_f64()),
    };
    println!(
        "fuzzing {} of {name} with seed {seed} (--seed {seed} replays it), {spent}",
        plural(fuzzer.targets().len(), "function")
    );
    // The limits a failure needs to happen again.
    let mut limits = String::new();
    if let Some(fuel) = sandbox.fuel {
        limits.push_str(&format!(" --fuel {fuel}"));
    }
    if let Some(timeout) = config.timeout {
        limits.push_str(&format!(" --timeout {}", timeout.as_secs_f64()));
    }
    if let Some(bytes) = sandbox.max_memory {
        limits.push_str(&format!(" --max-memory {bytes}"));
    }
    let start = Instant::now();
    let mut failures = 0;
    let calls = fuzzer.run(seed, budget, |finding| {
        failures += 1;
        println!("\nfailure {failures}: {}", finding.call);
        println!("  in {}", finding.export);
        println!("  {}", finding.failure.message);
        if !finding.failure.backtrace.is_empty() {
            println!("  backtrace:");
            for line in finding.failure.backtrace.lines() {
                println!("  {line}");
            }
        }
        if opts.with.is_empty() {
            println!(
                "  replay: claw run {}{limits} --invoke '{}'",
                opts.file.display(),
                finding.call
            );
        }
    });
    println!(
        "\n{calls} calls, {}; finished in {}",
        plural(failures, "failure"),
        crate::test::format_duration(start.elapsed())
    );
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Fuel for each call unless --fuel or --timeout is given: about a tenth of a second.
const DEFAULT_FUEL: u64 = 100_000_000;

/// `90s`, `5m`, `1.5` (seconds).
fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = match text.strip_suffix('s') {
        Some(number) => (number, 1.0),
        None => match text.strip_suffix('m') {
            Some(number) => (number, 60.0),
            None => (text, 1.0),
        },
    };
    match number.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(Duration::from_secs_f64(value * unit)),
        _ => Err(format!(
            "expected a duration such as `90s`, `5m` or `1.5`, found `{text}`"
        )),
    }
}
