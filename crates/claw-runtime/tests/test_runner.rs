//! [`TestSuite`] on components assembled in the test, and [`compose`] wiring a test component to
//! the shared `docs:calc` fixtures (the real one and the deliberately broken one).

mod support;

use claw_runtime::{compose, Config, Host, Part, RunError, Sandbox, TestFailure, TestSuite};

const SUITE_WIT: &str = r#"
package claw:test;
interface tests {
    passes: func() -> result<_, string>;
    fails: func() -> result<_, string>;
    fails-with-number: func() -> result<_, u32>;
    traps: func();
    plain: func();
    takes: func(x: u32);
    fresh: func() -> result<_, string>;
}
world suite {
    export tests;
    export test-root: func() -> u32;
    export helper: func() -> u32;
}
"#;

/// Memory holds an `ok` at 0, `err("boom")` at 32 and `err(7)` at 48.
const SUITE_WAT: &str = r#"(module
    (memory (export "memory") 1)
    (global $calls (mut i32) (i32.const 0))
    (data (i32.const 16) "boom")
    (data (i32.const 32) "\01\00\00\00\10\00\00\00\04\00\00\00")
    (data (i32.const 48) "\01\00\00\00\07\00\00\00")
    (func $explode unreachable)
    (func (export "claw:test/tests#passes") (result i32) (i32.const 0))
    (func (export "claw:test/tests#fails") (result i32) (i32.const 32))
    (func (export "claw:test/tests#fails-with-number") (result i32) (i32.const 48))
    (func (export "claw:test/tests#traps") (call $explode))
    (func (export "claw:test/tests#plain"))
    (func (export "claw:test/tests#takes") (param i32))
    ;; Fails if this instance ran it before.
    (func (export "claw:test/tests#fresh") (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (if (result i32) (i32.eq (global.get $calls) (i32.const 1))
            (then (i32.const 0)) (else (i32.const 32))))
    (func (export "test-root") (result i32) (i32.const 7))
    (func (export "helper") (result i32) (i32.const 1)))"#;

const CALC_C: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/calc/calc-c.wasm"
);
const CALC_BROKEN_C: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/calc/calc-broken-c.wasm"
);
const VISITS_C: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/visits/visits-c.wasm"
);

fn quiet() -> Config {
    Config {
        inherit_stdio: false,
        ..Config::default()
    }
}

fn suite(wasm: &[u8]) -> TestSuite {
    TestSuite::new(wasm, &Host::new(), &quiet(), &Sandbox::default()).unwrap()
}

/// Every test's name and failure message (`None` when it passed), in order.
fn outcomes(suite: &TestSuite, jobs: usize) -> Vec<(String, Option<String>)> {
    let all: Vec<usize> = (0..suite.tests().len()).collect();
    let mut out = Vec::new();
    suite.run_all(&all, jobs, |test, result| {
        out.push((
            test.name.clone(),
            result.failure.as_ref().map(|f| f.message.clone()),
        ));
    });
    out
}

fn expected(cases: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    cases
        .iter()
        .map(|(name, message)| (name.to_string(), message.map(str::to_owned)))
        .collect()
}

#[test]
fn finds_tests_and_judges_their_results() {
    let suite = suite(&support::component(SUITE_WIT, "suite", SUITE_WAT));
    // Export order: wit-component puts root functions before interfaces.
    let want = expected(&[
        ("test-root", None),
        ("tests.passes", None),
        ("tests.fails", Some("boom")),
        ("tests.fails-with-number", Some("7")),
        (
            "tests.traps",
            Some("trap in `explode`: wasm `unreachable` instruction executed"),
        ),
        ("tests.plain", None),
        // A test with parameters is a property, called with generated values: this one
        // holds for every `u32`.
        ("tests.takes", None),
        ("tests.fresh", None),
    ]);
    assert_eq!(outcomes(&suite, 1), want);
    // Parallel runs report in the same order, and every test still gets a fresh instance.
    assert_eq!(outcomes(&suite, 4), want);
}

#[test]
fn a_trap_comes_with_its_backtrace() {
    let suite = suite(&support::component(SUITE_WIT, "suite", SUITE_WAT));
    let traps = suite
        .tests()
        .iter()
        .find(|test| test.name == "tests.traps")
        .unwrap();
    let failure = suite.run(traps).failure.unwrap();
    assert!(
        failure.backtrace.starts_with("  0: <unknown>!explode\n"),
        "{}",
        failure.backtrace
    );
}

#[test]
fn composes_a_test_component_with_its_dependency() {
    let calc = std::fs::read(CALC_C).unwrap();
    let tests = support::calc_tests();
    let parts = [
        Part {
            name: "calc",
            wasm: &calc,
        },
        Part {
            name: "calc-test",
            wasm: &tests,
        },
    ];
    let composed = compose(&parts, &Host::new()).unwrap();
    assert_eq!(
        outcomes(&suite(&composed), 1),
        expected(&[("tests.adds", None), ("tests.adds-negatives", None)])
    );
}

#[test]
fn the_broken_calc_fails_its_test_with_the_message() {
    let calc = std::fs::read(CALC_BROKEN_C).unwrap();
    let tests = support::calc_tests();
    let parts = [
        Part {
            name: "calc",
            wasm: &calc,
        },
        Part {
            name: "calc-test",
            wasm: &tests,
        },
    ];
    let composed = compose(&parts, &Host::new()).unwrap();
    assert_eq!(
        outcomes(&suite(&composed), 1),
        expected(&[
            ("tests.adds", None),
            ("tests.adds-negatives", Some("add(-2, -3) is not -5"))
        ])
    );
}

#[test]
fn an_import_nobody_provides_names_its_importer() {
    let visits = std::fs::read(VISITS_C).unwrap();
    let tests = support::calc_tests();
    let parts = [
        Part {
            name: "visits",
            wasm: &visits,
        },
        Part {
            name: "calc-test",
            wasm: &tests,
        },
    ];
    let err = compose(&parts, &Host::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "import `docs:visits/store@0.1.0` of `visits` is not satisfied by any composed \
         component or by the host"
    );
    // Without a dependency the test component's own import is the unsatisfied one.
    let err = TestSuite::new(&tests, &Host::new(), &quiet(), &Sandbox::default()).unwrap_err();
    assert!(matches!(err, RunError::UnsatisfiedImport { .. }), "{err}");
}

#[test]
fn a_failure_is_plain_data() {
    let failure = TestFailure {
        message: "boom".into(),
        backtrace: String::new(),
    };
    assert_eq!(failure.clone(), failure);
}
