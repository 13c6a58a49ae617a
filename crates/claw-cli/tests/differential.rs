//! The differential test: random programs (from `claw-gen`) are compiled at `-O0` and at
//! `-O2`, validated and run in wasmtime, and the same calls are made in the reference interpreter
//! (`claw_compiler::interp`); every result, trap and final state of the globals must agree.
//!
//! `CLAW_DIFF_CASES=N` sets how many programs (300 by default, which CI runs), and
//! `CLAW_DIFF_SEED=S` the first seed (0 by default), so a run is reproducible and a larger one
//! can start where the last stopped. A disagreement is shrunk to a small program (lines are
//! deleted while the program still compiles and the two still disagree) and printed as a
//! golden file for `tests/programs/`, with the interpreter's results as its expectations.

mod support;

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use claw_compiler::interp::{CallError, Host as Host2, OUT_OF_FUEL};
use claw_compiler::{Resolve, Source};
use claw_runtime::{Config, Host, RunError, Sandbox, Session};
use claw_syntax::FileId;
use libtest_mimic::{Arguments, Failed, Trial};
use wasm_wave::value::Value as WaveValue;

/// Fuel for each compiled call: generated programs are small, so running out means the
/// generator made a loop it should not have, and the case is skipped rather than failed.
const FUEL: u64 = 200_000_000;

/// The interpreter's equivalent: statements and loop rounds per call.
const INTERPRETER_FUEL: u64 = 20_000_000;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let cases = env_u64("CLAW_DIFF_CASES", 300);
    let first = env_u64("CLAW_DIFF_SEED", 0);
    let trial = Trial::test(
        format!("random-programs ({cases} from seed {first})"),
        move || run_cases(first, cases),
    );
    libtest_mimic::run(&args, vec![trial]).exit_code()
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs seeds `first..first + cases` on every core; reports the first disagreement, shrunk.
fn run_cases(first: u64, cases: u64) -> Result<(), Failed> {
    let next = AtomicU64::new(first);
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let stats = Mutex::new(Stats::default());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            // The interpreter recurses on the host stack, a few frames per Claw call and
            // expression level: give it room.
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(scope, || loop {
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if seed >= first + cases || failure.lock().unwrap().is_some() {
                        break;
                    }
                    let generated = claw_gen::generate(seed, &config_for(seed));
                    let outcome = compare(&generated.source, &generated.calls);
                    let done = {
                        let mut stats = stats.lock().unwrap();
                        stats.count(&outcome);
                        stats.maps += u64::from(generated.source.contains(": map<"));
                        stats.programs
                    };
                    // Long runs say how far they have got.
                    if cases >= 10_000 && done % (cases / 20) == 0 {
                        eprintln!("{done} of {cases} programs");
                    }
                    if let Outcome::Disagree(_) | Outcome::Broken(_) = outcome {
                        let report = report(seed, &generated.source, &generated.calls, outcome);
                        failure.lock().unwrap().get_or_insert(report);
                        break;
                    }
                })
                .expect("spawning a worker");
        }
    });
    let stats = stats.into_inner().unwrap();
    eprintln!(
        "{} programs ({} with a map): {} agreed on {} calls ({} traps), {} stopped at a limit",
        stats.programs, stats.maps, stats.agreed, stats.calls, stats.traps, stats.inconclusive
    );
    match failure.into_inner().unwrap() {
        Some(report) => Err(report.into()),
        None => Ok(()),
    }
}

/// Sizes and nesting depths vary with the seed, so one run sees small programs with deep
/// expressions and large ones with shallow expressions too.
fn config_for(seed: u64) -> claw_gen::Config {
    let default = claw_gen::Config::default();
    claw_gen::Config {
        size: [6, 10, 16][(seed % 3) as usize],
        expr_depth: [2, 3, 4][(seed / 3 % 3) as usize],
        ..default
    }
}

#[derive(Default)]
struct Stats {
    programs: u64,
    agreed: u64,
    calls: u64,
    traps: u64,
    inconclusive: u64,
    /// Programs with a map, the newest feature the generator writes.
    maps: u64,
}

impl Stats {
    fn count(&mut self, outcome: &Outcome) {
        self.programs += 1;
        match outcome {
            Outcome::Agree { calls, traps } => {
                self.agreed += 1;
                self.calls += *calls as u64;
                self.traps += *traps as u64;
            }
            Outcome::Inconclusive => self.inconclusive += 1,
            _ => {}
        }
    }
}

enum Outcome {
    /// Every call gave the same result or the same trap.
    Agree { calls: usize, traps: usize },
    /// A limit (fuel, memory, stack depth) stopped one side: nothing to compare.
    Inconclusive,
    /// The two disagree on a call: the explanation.
    Disagree(String),
    /// The program does not compile or validate, which a generated program always must.
    Broken(String),
}

/// One call's result on either side, as text that compares: `= WAVE`, `= ()`, `trap: REASON`.
#[derive(Debug, PartialEq)]
enum Result2 {
    Value(Option<String>),
    Trap(String),
    Limit,
}

fn source(text: &str) -> Source<'_> {
    Source {
        file: FileId(0),
        name: "generated.claw",
        text,
    }
}

/// Compiles `text` at each of the golden levels, runs `calls` on one instance of each in
/// wasmtime and on one in the interpreter, and compares each call's results. A trap ends the
/// sequence (it poisons the instance).
fn compare(text: &str, calls: &[String]) -> Outcome {
    let config = Config {
        inherit_stdio: false,
        args: Vec::new(),
        timeout: Some(Duration::from_secs(20)),
    };
    let sandbox = Sandbox {
        fuel: Some(FUEL),
        max_memory: Some(256 << 20),
        ..Sandbox::default()
    };
    let mut host = Host::new();
    for name in echo_imports(text) {
        host.func(name, |args, results| {
            results[0] = args[0].clone();
            Ok(())
        });
    }
    let mut sessions = Vec::new();
    for level in support::golden::LEVELS {
        let component =
            match support::golden::compile_at("generated.claw", text, Resolve::default(), level) {
                Ok(component) => component,
                Err(diagnostics) => {
                    return Outcome::Broken(format!(
                        "does not compile:\n{}",
                        support::golden::show_diagnostics(text, &diagnostics)
                    ))
                }
            };
        if let Err(err) = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
            .validate_all(&component)
        {
            return Outcome::Broken(format!(
                "at {level:?} the component does not validate: {err}"
            ));
        }
        match Session::sandboxed(&component, &host, &config, &sandbox) {
            Ok(session) => sessions.push((level, session)),
            Err(err) => return Outcome::Broken(format!("cannot instantiate: {err}")),
        }
    }
    let mut interpreter =
        match claw_compiler::interpret(source(text), Resolve::default(), Box::new(Echoes)) {
            Ok(instance) => instance,
            Err(_) => return Outcome::Broken("the interpreter rejects it".into()),
        };
    // Shrinking can delete the line that ends a loop; both sides then stop at a limit.
    interpreter.set_fuel(Some(INTERPRETER_FUEL));
    let mut traps = 0;
    for (i, call) in calls.iter().enumerate() {
        let mut compiled = Vec::new();
        for (level, session) in &mut sessions {
            let result = match session.invoke(call) {
                Ok(value) => Result2::Value(value),
                Err(RunError::Trap { message, .. }) if message == "call stack exhausted" => {
                    Result2::Limit
                }
                Err(RunError::Trap { message, .. }) => Result2::Trap(message),
                Err(RunError::OutOfFuel { .. } | RunError::MemoryLimit { .. })
                | Err(RunError::Timeout { .. }) => Result2::Limit,
                Err(err) => return Outcome::Broken(format!("`{call}` cannot be called: {err}")),
            };
            if result == Result2::Limit {
                // Not worth interpreting: a call that outgrew the component's memory limit
                // (say, doubling a list in a loop) takes several times that as interpreter
                // values.
                return Outcome::Inconclusive;
            }
            compiled.push((*level, result));
        }
        let interpreted = match interpreter.call(call) {
            Ok(value) => Result2::Value(support::golden::wave_text(value)),
            Err(CallError::Trap(trap))
                if trap.message == "call stack exhausted" || trap.message == OUT_OF_FUEL =>
            {
                Result2::Limit
            }
            Err(CallError::Trap(trap)) => Result2::Trap(trap.message),
            Err(CallError::Invoke(err)) => {
                return Outcome::Broken(format!("the interpreter cannot call `{call}`: {err}"))
            }
        };
        if interpreted == Result2::Limit {
            return Outcome::Inconclusive;
        }
        for (level, result) in &compiled {
            if *result != interpreted {
                return Outcome::Disagree(format!(
                    "call {} `{call}`:\n  compiled at {level:?}: {}\n  interpreted: {}",
                    i + 1,
                    show(result),
                    show(&interpreted)
                ));
            }
        }
        if let Result2::Trap(_) = interpreted {
            traps += 1;
            return Outcome::Agree {
                calls: i + 1,
                traps,
            };
        }
    }
    Outcome::Agree {
        calls: calls.len(),
        traps,
    }
}

/// The functions a generated program imports: each `import echo-…: func(x: T) -> T;`.
fn echo_imports(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let name = line.strip_prefix("import ")?.split(':').next()?;
        name.starts_with(claw_gen::ECHO).then_some(name)
    })
}

/// The interpreter's side of [`echo_imports`]: every import gives back its argument.
struct Echoes;

impl Host2 for Echoes {
    fn call(
        &mut self,
        _interface: Option<&str>,
        _name: &str,
        args: &[WaveValue],
    ) -> Result<Option<WaveValue>, String> {
        Ok(args.first().cloned())
    }
}

fn show(result: &Result2) -> String {
    match result {
        Result2::Value(Some(text)) => text.clone(),
        Result2::Value(None) => "(nothing)".into(),
        Result2::Trap(message) => format!("trap: {message}"),
        Result2::Limit => "(a limit)".into(),
    }
}

/// The failure message: the seed, the shrunk program as a golden file, and what differed.
fn report(seed: u64, text: &str, calls: &[String], outcome: Outcome) -> String {
    let (why, lines, calls) = match outcome {
        Outcome::Disagree(_) => {
            let (lines, calls) = shrink(text, calls);
            let why = match compare(&lines.join("\n"), &calls) {
                Outcome::Disagree(why) => why,
                _ => unreachable!("shrinking keeps the disagreement"),
            };
            (why, lines, calls)
        }
        Outcome::Broken(why) => (
            why,
            text.lines().map(str::to_owned).collect(),
            calls.to_vec(),
        ),
        _ => unreachable!("only failures are reported"),
    };
    let program = lines.join("\n");
    format!(
        "seed {seed} (rerun with CLAW_DIFF_SEED={seed} CLAW_DIFF_CASES=1): {why}\n\n\
         ----- as a golden program for tests/programs/ (expectations from the interpreter)\n\
         {}{program}\n",
        expectations(&program, &calls)
    )
}

/// `// invoke:` and `// trap:` lines for `calls`, from the interpreter.
fn expectations(text: &str, calls: &[String]) -> String {
    let Ok(mut instance) =
        claw_compiler::interpret(source(text), Resolve::default(), Box::new(Echoes))
    else {
        return String::new();
    };
    let mut out = String::new();
    for call in calls {
        match instance.call(call) {
            Ok(value) => match support::golden::wave_text(value) {
                Some(text) => out.push_str(&format!("// invoke: {call} == {text}\n")),
                None => out.push_str(&format!("// invoke: {call}\n")),
            },
            Err(CallError::Trap(trap)) => {
                out.push_str(&format!("// trap: {call} ~ {}\n", trap.message));
                break;
            }
            Err(CallError::Invoke(_)) => break,
        }
    }
    out
}

/// Deletes calls and lines (runs of lines, whole `{ … }` blocks, or a block's braces) while
/// the program still compiles and the two sides still disagree.
fn shrink(text: &str, calls: &[String]) -> (Vec<String>, Vec<String>) {
    let disagrees = |lines: &[String], calls: &[String]| {
        matches!(compare(&lines.join("\n"), calls), Outcome::Disagree(_))
    };
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut calls = calls.to_vec();
    loop {
        let before = (lines.len(), calls.len());
        let mut i = 0;
        while i < calls.len() {
            let mut fewer = calls.clone();
            fewer.remove(i);
            if disagrees(&lines, &fewer) {
                calls = fewer;
            } else {
                i += 1;
            }
        }
        for (start, end) in blocks(&lines).into_iter().rev() {
            if end >= lines.len() {
                continue;
            }
            let mut without = lines.clone();
            without.drain(start..=end);
            if disagrees(&without, &calls) {
                lines = without;
                continue;
            }
            let mut unwrapped = lines.clone();
            unwrapped.remove(end);
            unwrapped.remove(start);
            if disagrees(&unwrapped, &calls) {
                lines = unwrapped;
            }
        }
        let mut size = lines.len() / 2;
        while size >= 1 {
            let mut start = 0;
            while start + size <= lines.len() {
                let mut without = lines.clone();
                without.drain(start..start + size);
                if disagrees(&without, &calls) {
                    lines = without;
                } else {
                    start += 1;
                }
            }
            size /= 2;
        }
        if (lines.len(), calls.len()) == before {
            return (lines, calls);
        }
    }
}

/// The line ranges of `{ … }` blocks that open at the end of a line and close on a line of
/// their own, innermost last.
fn blocks(lines: &[String]) -> Vec<(usize, usize)> {
    let mut open = Vec::new();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('}') {
            if let Some(start) = open.pop() {
                found.push((start, i));
            }
        }
        if trimmed.ends_with('{') {
            open.push(i);
        }
    }
    found.sort();
    found
}
