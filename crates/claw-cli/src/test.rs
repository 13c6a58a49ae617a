//! `claw test`: find the tests that components export, run each in a fresh instance, and report
//! like `cargo test` (plus JUnit XML on request).
//!
//! Which functions are tests, and what passing means, is [`claw_runtime::TestSuite`]'s business;
//! this module finds the files, compiles Claw sources, composes `--with` dependencies in front
//! of each test component, and does the printing. `junit.rs` below writes the XML.

mod junit;

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use claw_runtime::{compose, Host, Part, Properties, RunError, TestResult, TestSuite};

use crate::compile::io_message;
use crate::run::{read_component, GuestOpts};
use crate::term::Term;

/// Run the tests that Claw files or components export.
#[derive(clap::Args)]
#[command(after_help = "\
Example:
  $ claw test calc_test.wasm --with calc=calc.wasm
  running 2 tests from calc_test.wasm
  test tests.adds ... ok (0.1 ms)
  test tests.adds-negatives ... ok (0.1 ms)

  2 passed, 0 failed; finished in 3.1 ms
  $ claw test tests/ --filter parse --jobs 1 --junit report.xml

Tests are the functions of an exported interface named `tests` (or `ns:pkg/tests`) and the
root functions named `test-…`. A test passes when it returns without trapping and does not
return `err(…)`. Every test runs in a new instance with its output captured (shown when it
fails).

A test with parameters is a property: it is called with --cases generated arguments, each in
a new instance; a failing case is shrunk to a small counterexample, reported as the call
that fails (`sorted([1, 0]) failed: …`), which `claw run --invoke` replays. The seed is
printed; --seed replays the same cases. Tests run on as many threads as
the machine has cores unless --jobs says otherwise; the report keeps the export order.

Each import of each --with component and of the component under test is wired to the --with
component that exports that name, whatever their order; only when several export it does
order decide (the nearest earlier one, so an adapter given after what it wraps stands in front
of it). What is left must come from WASI.")]
pub struct Opts {
    /// `.claw` files, components (`.wasm`) or folders searched for `.claw` files [default: the
    /// suites of `claw.toml`, else `*.test.claw` files and `.claw` files in `tests/` folders]
    paths: Vec<PathBuf>,
    /// Run only the tests whose name contains TEXT.
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// Also write the results as JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// How many tests to run at once [default: the number of cores]
    #[arg(long, value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// A component (`.wasm`, or `.claw` compiled first) that supplies imports of the component
    /// under test, named NAME in messages; repeatable, in any order.
    #[arg(long = "with", value_name = "NAME=COMPONENT", value_parser = parse_with)]
    with: Vec<With>,
    /// A folder of WIT packages to import from, for `.claw` files.
    #[arg(long, value_name = "DIR")]
    wit: Option<PathBuf>,
    /// How many generated cases each property (a test with parameters) is called with.
    #[arg(long, value_name = "N", default_value_t = 100)]
    cases: u32,
    /// The seed properties' cases are generated from [default: a new one each run]
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// `json` prints one JSON object a line for tools, as libtest's `--format json` does:
    /// a `suite` event as each file starts and ends, a `test` event as each test ends.
    #[arg(long, value_enum, default_value_t = Format::Pretty)]
    format: Format,
    #[command(flatten)]
    pub limits: GuestOpts,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Pretty,
    Json,
}

/// One `--with NAME=COMPONENT`.
#[derive(Clone, Debug)]
pub struct With {
    pub name: String,
    pub path: PathBuf,
}

/// The results of one test file, for the summary and the JUnit report.
pub struct FileReport {
    pub path: String,
    pub results: Vec<(String, TestResult)>,
}

pub fn run(opts: Opts, term: &Term) -> anyhow::Result<ExitCode> {
    let (mut config, sandbox) = opts.limits.settings()?;
    config.inherit_stdio = false;
    // What to run: the paths and components given, or the suites of `claw.toml`, or the
    // test files found here.
    let manifest = Path::new("claw.toml");
    let plans = if !opts.paths.is_empty() || !opts.with.is_empty() || !manifest.exists() {
        vec![crate::manifest::Suite {
            paths: opts.paths.clone(),
            with: opts.with.clone(),
        }]
    } else {
        match crate::manifest::read(manifest).map(|m| m.suites) {
            Ok(suites) => suites,
            Err(err) => {
                term.error(&format!("{err:#}"));
                return Ok(ExitCode::FAILURE);
            }
        }
    };
    let missing = plans
        .iter()
        .flat_map(|plan| {
            plan.paths
                .iter()
                .chain(plan.with.iter().map(|with| &with.path))
        })
        .find(|path| !path.exists());
    if let Some(path) = missing {
        term.error(&format!("`{}` does not exist", path.display()));
        return Ok(ExitCode::from(2));
    }
    let seed = opts.seed.unwrap_or_else(fresh_seed);
    let host = Host::new();
    let mut suites = Vec::new();
    for plan in &plans {
        let mut files = Vec::new();
        if plan.paths.is_empty() {
            find_test_files(Path::new("."), false, &mut files)?;
        }
        for root in &plan.paths {
            collect_files(root, &mut files)?;
        }
        let withs = read_withs(&plan.with, opts.wit.as_deref(), opts.limits.opt, term)?;
        for file in &files {
            let name = display_name(file);
            let wasm = read_component(file, opts.wit.as_deref(), opts.limits.opt, term)?;
            let (wasm, host) = match in_front(&withs, &name, wasm, &host) {
                Ok(both) => both,
                Err(err) => return Ok(report_load_error(&err, &name, term)),
            };
            match TestSuite::new(&wasm, &host, &config, &sandbox) {
                Ok(mut suite) => {
                    suite.set_properties(Properties {
                        cases: opts.cases,
                        seed,
                    });
                    suites.push((file.display().to_string(), suite))
                }
                Err(err) => return Ok(report_load_error(&err, &name, term)),
            }
        }
    }

    let jobs = opts
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    let start = Instant::now();
    let mut reports = Vec::new();
    let mut filtered_out = 0;
    for (path, suite) in &suites {
        let selected: Vec<usize> = suite
            .tests()
            .iter()
            .enumerate()
            .filter(|(_, test)| {
                opts.filter
                    .as_deref()
                    .is_none_or(|filter| test.name.contains(filter))
            })
            .map(|(i, _)| i)
            .collect();
        let filtered = suite.tests().len() - selected.len();
        filtered_out += filtered;
        let properties = selected
            .iter()
            .filter(|&&i| suite.tests()[i].is_property())
            .count();
        let json = opts.format == Format::Json;
        if json {
            let mut event = serde_json::json!({
                "type": "suite",
                "event": "started",
                "path": path,
                "test_count": selected.len(),
            });
            if properties > 0 {
                event["seed"] = seed.into();
                event["cases"] = opts.cases.into();
            }
            println!("{event}");
        } else {
            println!("running {} from {path}", plural(selected.len(), "test"));
            if properties > 0 {
                println!(
                    "{} with seed {seed} (--seed {seed} replays them), {} cases each",
                    plural(properties, "property"),
                    opts.cases
                );
            }
        }
        let suite_start = Instant::now();
        let mut results = Vec::new();
        suite.run_all(&selected, jobs, |test, result| {
            if json {
                println!("{}", json_test_event(test.name.as_str(), result));
            } else {
                let verdict = if result.failure.is_none() {
                    "ok"
                } else {
                    "FAILED"
                };
                println!(
                    "test {} ... {verdict} ({})",
                    test.name,
                    format_duration(result.duration)
                );
            }
            results.push((test.name.clone(), result.clone()));
        });
        if json {
            let failed = results.iter().filter(|(_, r)| r.failure.is_some()).count();
            let event = serde_json::json!({
                "type": "suite",
                "event": if failed == 0 { "ok" } else { "failed" },
                "path": path,
                "passed": results.len() - failed,
                "failed": failed,
                "ignored": 0,
                "measured": 0,
                "filtered_out": filtered,
                "exec_time": suite_start.elapsed().as_secs_f64(),
            });
            println!("{event}");
        }
        reports.push(FileReport {
            path: path.clone(),
            results,
        });
    }
    let elapsed = start.elapsed();
    if opts.format == Format::Json {
        write_junit(opts.junit.as_deref(), &reports, elapsed)?;
        let failed = reports
            .iter()
            .any(|report| report.results.iter().any(|(_, r)| r.failure.is_some()));
        return Ok(if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }

    let failures: Vec<(&FileReport, &String, &TestResult)> = reports
        .iter()
        .flat_map(|report| {
            report
                .results
                .iter()
                .filter(|(_, result)| result.failure.is_some())
                .map(move |(name, result)| (report, name, result))
        })
        .collect();
    if !failures.is_empty() {
        println!("\nfailures:");
        for (report, name, result) in &failures {
            print_failure(&report.path, name, result);
        }
    }
    let total: usize = reports.iter().map(|report| report.results.len()).sum();
    let mut summary = format!(
        "{} passed, {} failed",
        total - failures.len(),
        failures.len()
    );
    if filtered_out > 0 {
        summary.push_str(&format!(", {filtered_out} filtered out"));
    }
    println!("\n{summary}; finished in {}", format_duration(elapsed));

    write_junit(opts.junit.as_deref(), &reports, elapsed)?;
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn write_junit(
    path: Option<&Path>,
    reports: &[FileReport],
    elapsed: Duration,
) -> anyhow::Result<()> {
    if let Some(path) = path {
        std::fs::write(path, junit::render(reports, elapsed))
            .map_err(|err| anyhow!("cannot write `{}`: {}", path.display(), io_message(&err)))?;
    }
    Ok(())
}

/// A test's end as a libtest-style JSON event; a failure carries its message, backtrace
/// and output in `stdout`, as libtest puts a failed test's output there.
fn json_test_event(name: &str, result: &TestResult) -> serde_json::Value {
    let mut event = serde_json::json!({
        "type": "test",
        "name": name,
        "event": if result.failure.is_none() { "ok" } else { "failed" },
        "exec_time": result.duration.as_secs_f64(),
    });
    if let Some(failure) = &result.failure {
        let mut text = failure.message.clone();
        if !failure.backtrace.is_empty() {
            text.push_str(&format!("\nbacktrace:\n{}", failure.backtrace));
        }
        if !result.output.is_empty() {
            text.push_str(&format!("\noutput:\n{}", result.output.trim_end()));
        }
        event["message"] = failure.message.clone().into();
        event["stdout"] = text.into();
    }
    event
}

/// The test files under `dir` when `claw test` is given no paths: `*.test.claw` files, and
/// every `.claw` file inside a folder named `tests` (`inside_tests`), skipping hidden folders,
/// `target` and `node_modules`. Sorted, so runs are repeatable.
fn find_test_files(dir: &Path, inside_tests: bool, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in sorted_entries(dir)? {
        let name = entry
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        if entry.is_dir() {
            let skipped = name.starts_with('.') || name == "target" || name == "node_modules";
            if !skipped {
                find_test_files(&entry, inside_tests || name == "tests", files)?;
            }
        } else if name.ends_with(".test.claw") || inside_tests && name.ends_with(".claw") {
            files.push(entry);
        }
    }
    Ok(())
}

/// `path` itself if it is a file, else every `.claw` file under it (skipping hidden folders and
/// `target`), sorted so runs are repeatable.
fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if !path.is_dir() {
        files.push(path.to_owned());
        return Ok(());
    }
    for entry in sorted_entries(path)? {
        let name = entry
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        let skipped = name
            .as_deref()
            .is_some_and(|name| name.starts_with('.') || name == "target");
        if entry.is_dir() && !skipped {
            collect_files(&entry, files)?;
        } else if entry.extension().is_some_and(|ext| ext == "claw") {
            files.push(entry);
        }
    }
    Ok(())
}

/// The `--with` components, read (and compiled, for `.claw` files).
pub fn read_withs<'w>(
    withs: &'w [With],
    wit: Option<&Path>,
    opt: crate::build::OptArg,
    term: &Term,
) -> anyhow::Result<Vec<(&'w With, Vec<u8>)>> {
    withs
        .iter()
        .map(|with| Ok((with, read_component(&with.path, wit, opt, term)?)))
        .collect()
}

/// `wasm` (named `name`) with the `--with` components composed in front of it, and `host`
/// with the HTTP services among them: a component exporting `wasi:http/incoming-handler` is
/// not composed but answers the requests `wasm` sends to `http://NAME/…`, in-process.
pub fn in_front(
    withs: &[(&With, Vec<u8>)],
    name: &str,
    wasm: Vec<u8>,
    host: &Host,
) -> Result<(Vec<u8>, Host), RunError> {
    let mut host = host.clone();
    let mut parts: Vec<Part<'_>> = Vec::new();
    for (with, part) in withs {
        if claw_runtime::is_http_service(part) {
            host.http_service(&with.name, part);
        } else {
            parts.push(Part {
                name: &with.name,
                wasm: part,
            });
        }
    }
    if parts.is_empty() {
        return Ok((wasm, host));
    }
    parts.push(Part { name, wasm: &wasm });
    Ok((compose(&parts, &host)?, host))
}

/// What is in folder `dir`, sorted so runs are repeatable.
fn sorted_entries(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|err| anyhow!("cannot read `{}`: {}", dir.display(), io_message(&err)))?;
    let mut entries: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

/// A component or test file that could not be loaded: one error line (and a hint for imports),
/// exit status 1.
pub fn report_load_error(err: &RunError, name: &str, term: &Term) -> ExitCode {
    match err {
        RunError::UnsatisfiedComposedImport {
            name,
            importer,
            why,
        } => {
            term.error(&format!(
                "import `{name}` of `{importer}` is not satisfied by any --with component or by \
                 the host"
            ));
            if let Some(why) = why {
                eprintln!("note: {why}");
            }
        }
        RunError::UnsatisfiedImport { name: import } => {
            term.error(&format!(
                "import `{import}` of `{name}` is not satisfied by any --with component or by \
                 the host"
            ));
            eprintln!("help: pass a component that exports it with `--with NAME=COMPONENT`");
        }
        _ => term.error(&format!("`{name}`: {err}")),
    }
    ExitCode::FAILURE
}

fn print_failure(path: &str, name: &str, result: &TestResult) {
    let Some(failure) = &result.failure else {
        return;
    };
    println!("\n---- {name} ({path}) ----");
    println!("{}", failure.message);
    if !failure.backtrace.is_empty() {
        println!("backtrace:\n{}", failure.backtrace);
    }
    if !result.output.is_empty() {
        println!("output:\n{}", result.output.trim_end());
    }
}

/// `NAME=COMPONENT` for `--with`.
pub fn parse_with(text: &str) -> Result<With, String> {
    match text.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => Ok(With {
            name: name.to_owned(),
            path: PathBuf::from(path),
        }),
        _ => Err(format!(
            "expected NAME=COMPONENT (such as `calc=calc.wasm`), found `{text}`"
        )),
    }
}

pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `0.3 ms` below a second, `1.25 s` above.
pub fn format_duration(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", duration.as_secs_f64())
    }
}

pub fn plural(count: usize, noun: &str) -> String {
    match (count, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{count} {stem}ies"),
        _ => format!("{count} {noun}s"),
    }
}

/// A seed for a run that was not given one: different each time, from the clock.
pub fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    // Short enough to type back in.
    (nanos % 1_000_000_000) as u64
}
