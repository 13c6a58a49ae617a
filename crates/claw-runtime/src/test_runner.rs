//! [`TestSuite`]: the tests a component exports, each run in a fresh instance.
//!
//! A component's tests are the functions of every exported interface named `tests` (or ending in
//! `/tests`, such as `docs:calc/tests@0.1.0`) and every root function whose name starts with
//! `test-`. A test passes when it returns without trapping and its result, if any, is not an
//! `err`. A test with parameters is a property: it is called with values generated from the
//! parameters' types ([`crate::property`]), each case in a fresh instance, and a failing case
//! is shrunk to a small counterexample before it is reported.
//!
//! The component is compiled and linked once ([`InstancePre`]); every test gets a new store and
//! instance, so no state leaks from one test into the next, and its stdout and stderr are
//! captured so parallel tests don't interleave their output.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use wasmtime::component::{ComponentExportIndex, InstancePre, Type, Val};
use wasmtime::Engine;

use crate::config::{Config, Sandbox, Settings};
use crate::engine::engine;
use crate::error::{from_call_error, RunError};
use crate::exports::exported_types;
use crate::host::Host;
use crate::property::{self, Rng};
use crate::session::load;
use crate::store::{self, Captured, State};
use crate::wave::to_wave;

/// A component's tests, ready to run.
pub struct TestSuite {
    pre: InstancePre<State>,
    engine: &'static Engine,
    settings: Settings,
    tests: Vec<TestCase>,
    properties: Properties,
}

/// How properties (tests with parameters) are tried.
#[derive(Clone, Copy, Debug)]
pub struct Properties {
    /// How many generated cases each property is called with, unless one fails.
    pub cases: u32,
    /// Where the generated values come from: the same seed gives the same cases.
    pub seed: u64,
}

impl Default for Properties {
    fn default() -> Properties {
        Properties {
            cases: 100,
            seed: 0,
        }
    }
}

/// One test function.
#[derive(Clone, Debug)]
pub struct TestCase {
    /// The name shown to people: `tests.adds` (the interface's short name and the function) or
    /// `test-adds` at the root; the full name instead where two short names would collide.
    pub name: String,
    /// The export's full name: `docs:calc/tests@0.1.0#adds` or `test-adds`.
    pub export: String,
    index: ComponentExportIndex,
    /// The parameters' types: a test with any is a property.
    params: Vec<Type>,
}

impl TestCase {
    /// Whether the test is a property, called with generated arguments.
    pub fn is_property(&self) -> bool {
        !self.params.is_empty()
    }
}

/// How one test went.
#[derive(Clone, Debug)]
pub struct TestResult {
    /// `None` when the test passed, else why it failed.
    pub failure: Option<TestFailure>,
    pub duration: Duration,
    /// What the test wrote to stdout and then stderr.
    pub output: String,
}

/// Why a test failed: the `err` payload, the trap, or the exceeded limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestFailure {
    /// One line (or the `err` string as the test wrote it).
    pub message: String,
    /// The guest stack for a trap, one frame per line; empty otherwise.
    pub backtrace: String,
}

impl TestSuite {
    /// Compiles and links `wasm` and lists its tests; nothing runs yet.
    pub fn new(
        wasm: &[u8],
        host: &Host,
        config: &Config,
        sandbox: &Sandbox,
    ) -> Result<TestSuite, RunError> {
        let engine = engine(sandbox.max_stack)?;
        let component = load(engine, wasm)?;
        let pre = store::prepare(engine, &component, host)?;
        let mut tests = Vec::new();
        for func in exported_types(&component, engine) {
            let name = match &func.interface {
                None if func.name.starts_with("test-") => func.name.clone(),
                Some(interface) if is_tests_interface(interface) => {
                    format!("{}.{}", short_name(interface), func.name)
                }
                _ => continue,
            };
            tests.push(TestCase {
                name,
                export: func.qualified_name(),
                index: func.index,
                params: func.params,
            });
        }
        disambiguate(&mut tests);
        Ok(TestSuite {
            pre,
            engine,
            settings: Settings::shared(engine, host, config, sandbox)?,
            tests,
            properties: Properties::default(),
        })
    }

    /// Sets how properties are tried.
    pub fn set_properties(&mut self, properties: Properties) {
        self.properties = properties;
    }

    /// The tests in the component's export order.
    pub fn tests(&self) -> &[TestCase] {
        &self.tests
    }

    /// Runs one test in a fresh instance (a property, in one per case).
    pub fn run(&self, test: &TestCase) -> TestResult {
        let start = Instant::now();
        let (failure, output) = if test.is_property() {
            self.run_property(test)
        } else {
            let captured = Captured::new();
            (self.call(test, &[], &captured).err(), captured.text())
        };
        TestResult {
            failure,
            duration: start.elapsed(),
            output,
        }
    }

    /// Calls a property with generated arguments until a case fails or the cases run out;
    /// a failure is shrunk, and reported with the output of its smallest case.
    fn run_property(&self, test: &TestCase) -> (Option<TestFailure>, String) {
        // Each property draws from its own stream, so which others run changes nothing.
        if let Err(what) = test.params.iter().try_for_each(property::generable) {
            let message = format!(
                "`{}` is a property, but no value of {what} can be made for it",
                test.export
            );
            return (Some(failure(message)), String::new());
        }
        let mut rng = Rng::new(self.properties.seed ^ fnv1a(&test.export));
        let cases = self.properties.cases.max(1);
        for case in 0..cases {
            let size = 1 + (case as u64 * u64::from(property::MAX_SIZE) / cases as u64) as u32;
            let args: Vec<Val> = test
                .params
                .iter()
                .map(|ty| property::generate(ty, &mut rng, size))
                .collect();
            let captured = Captured::new();
            if let Err(first) = self.call(test, &args, &captured) {
                let fails = |tried: &[Val]| {
                    let captured = Captured::new();
                    let failure = self.call(test, tried, &captured).err()?;
                    Some((failure, captured.text()))
                };
                let (args, (found, output)) =
                    property::minimize(&test.params, args, (first, captured.text()), fails);
                let call = args.iter().map(to_wave).collect::<Vec<_>>().join(", ");
                let func = test.export.rsplit_once('#').map_or(&*test.export, |p| p.1);
                let message = format!("{func}({call}) failed: {}", found.message);
                let found = TestFailure { message, ..found };
                return (Some(found), output);
            }
        }
        (None, String::new())
    }

    /// Runs `tests[i]` for each `i` in `selected` on up to `jobs` threads, calling `report` with
    /// each result in `selected`'s order whatever order they finish in.
    pub fn run_all(
        &self,
        selected: &[usize],
        jobs: usize,
        mut report: impl FnMut(&TestCase, &TestResult),
    ) {
        let jobs = jobs.clamp(1, selected.len().max(1));
        if jobs == 1 {
            for &i in selected {
                report(&self.tests[i], &self.run(&self.tests[i]));
            }
            return;
        }
        let next = AtomicUsize::new(0);
        let (send, receive) = mpsc::channel();
        thread::scope(|scope| {
            for _ in 0..jobs {
                let send = send.clone();
                let next = &next;
                let worker =
                    thread::Builder::new().stack_size(self.settings.sandbox.native_stack());
                let spawned = worker.spawn_scoped(scope, move || loop {
                    let position = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = selected.get(position) else {
                        break;
                    };
                    if send.send((position, self.run(&self.tests[i]))).is_err() {
                        break;
                    }
                });
                spawned.expect("spawning a test thread");
            }
            drop(send);
            // Results that arrive early wait here until every one before them is reported.
            let mut pending: Vec<Option<TestResult>> = vec![None; selected.len()];
            let mut reported = 0;
            for (position, result) in receive {
                pending[position] = Some(result);
                while let Some(result) = pending.get_mut(reported).and_then(Option::take) {
                    report(&self.tests[selected[reported]], &result);
                    reported += 1;
                }
            }
        });
    }

    /// One call of the test with `args`, in a fresh instance.
    fn call(&self, test: &TestCase, args: &[Val], captured: &Captured) -> Result<(), TestFailure> {
        let fresh = Fresh {
            pre: &self.pre,
            engine: self.engine,
            settings: &self.settings,
        };
        let results = fresh.call(test.index, &test.export, args, captured)?;
        match results.first() {
            Some(Val::Result(Err(payload))) => Err(failure(match payload.as_deref() {
                Some(Val::String(message)) => message.clone(),
                Some(value) => to_wave(value),
                None => "the test returned `err`".to_owned(),
            })),
            _ => Ok(()),
        }
    }
}

impl std::fmt::Debug for TestSuite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestSuite")
            .field("tests", &self.tests)
            .finish_non_exhaustive()
    }
}

/// What calling an export in a fresh instance needs: the linked component, and the limits.
pub(crate) struct Fresh<'a> {
    pub(crate) pre: &'a InstancePre<State>,
    pub(crate) engine: &'static Engine,
    pub(crate) settings: &'a Settings,
}

impl Fresh<'_> {
    /// Calls export `index` (named `export` in messages) with `args` in a new instance,
    /// its output going to `captured`; the results, or why the call failed.
    pub(crate) fn call(
        &self,
        index: ComponentExportIndex,
        export: &str,
        args: &[Val],
        captured: &Captured,
    ) -> Result<Vec<Val>, TestFailure> {
        let mut store = store::new_store_captured(self.engine, self.settings, captured)
            .map_err(from_run_error)?;
        let instance = self
            .pre
            .instantiate(&mut store)
            .map_err(|err| from_run_error(from_call_error(err, self.settings)))?;
        let func = instance
            .get_func(&mut store, index)
            .ok_or_else(|| failure(format!("`{export}` is not a function")))?;
        let mut results = vec![Val::Bool(false); func.ty(&store).results().len()];
        func.call(&mut store, args, &mut results)
            .map_err(|err| from_run_error(from_call_error(err, self.settings)))?;
        Ok(results)
    }
}

/// `tests`, `docs:calc/tests`, `docs:calc/tests@0.1.0`.
fn is_tests_interface(name: &str) -> bool {
    let unversioned = name.split_once('@').map_or(name, |(name, _)| name);
    unversioned == "tests" || unversioned.ends_with("/tests")
}

/// `docs:calc/tests@0.1.0` → `tests`.
fn short_name(interface: &str) -> &str {
    let unversioned = interface
        .split_once('@')
        .map_or(interface, |(name, _)| name);
    unversioned
        .rsplit_once('/')
        .map_or(unversioned, |(_, name)| name)
}

/// Gives every test whose short name another test shares its full name instead.
fn disambiguate(tests: &mut [TestCase]) {
    let mut seen = BTreeSet::new();
    let duplicated: BTreeSet<String> = tests
        .iter()
        .filter(|test| !seen.insert(test.name.clone()))
        .map(|test| test.name.clone())
        .collect();
    for test in tests {
        if duplicated.contains(&test.name) {
            test.name = test.export.clone();
        }
    }
}

/// FNV-1a, to give each property its own seed.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn failure(message: String) -> TestFailure {
    TestFailure {
        message,
        backtrace: String::new(),
    }
}

fn from_run_error(err: RunError) -> TestFailure {
    match &err {
        RunError::Trap { backtrace, .. } => TestFailure {
            message: err.to_string(),
            backtrace: backtrace.clone(),
        },
        &RunError::Exit { code } => failure(format!("the test called `exit` with status {code}")),
        _ => failure(err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tests_interfaces() {
        for name in ["tests", "docs:calc/tests", "docs:calc/tests@0.1.0"] {
            assert!(is_tests_interface(name), "{name}");
            assert_eq!(short_name(name), "tests");
        }
        for name in ["ops", "docs:calc/ops", "docs:calc/unit-tests", "my-tests"] {
            assert!(!is_tests_interface(name), "{name}");
        }
    }
}
