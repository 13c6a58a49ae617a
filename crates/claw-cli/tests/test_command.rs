//! `claw test` as users meet it: the report on stdout, exit statuses, `--with` composition with
//! the shared `docs:calc` and `docs:visits` fixtures, `--filter`, `--jobs` and `--junit`.
//!
//! Some test components are written in WAT, to show that `claw test` runs any component's
//! `tests` interface; the rest are the Claw test files and mocks in `examples/`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CALC_WIT: &str = r#"
package docs:calc@0.1.0 {
    interface ops {
        add: func(a: s32, b: s32) -> s32;
    }
}
"#;

/// `tests.adds` wants `add(2, 3) == 5`, `tests.adds-negatives` wants `add(-2, -3) == -5`.
const CALC_TEST_WAT: &str = r#"(module
    (import "docs:calc/ops@0.1.0" "add" (func $add (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 64) "add(2, 3) is not 5")
    (data (i32.const 96) "add(-2, -3) is not -5")
    (data (i32.const 16) "\01\00\00\00\40\00\00\00\12\00\00\00")
    (data (i32.const 32) "\01\00\00\00\60\00\00\00\15\00\00\00")
    (func (export "claw:calc-test/tests#adds") (result i32)
        (if (result i32) (i32.eq (call $add (i32.const 2) (i32.const 3)) (i32.const 5))
            (then (i32.const 0)) (else (i32.const 16))))
    (func (export "claw:calc-test/tests#adds-negatives") (result i32)
        (if (result i32) (i32.eq (call $add (i32.const -2) (i32.const -3)) (i32.const -5))
            (then (i32.const 0)) (else (i32.const 32)))))"#;

/// A test that passes, one that returns `err("a < b & \"c\"")`, one that traps.
const MIXED_WAT: &str = r#"(module
    (memory (export "memory") 1)
    (data (i32.const 64) "a < b & \"c\"")
    (data (i32.const 16) "\01\00\00\00\40\00\00\00\0b\00\00\00")
    (func $explode unreachable)
    (func (export "claw:mixed/tests#passes") (result i32) (i32.const 0))
    (func (export "claw:mixed/tests#fails") (result i32) (i32.const 16))
    (func (export "claw:mixed/tests#traps") (call $explode)))"#;

const MIXED_WIT: &str = r#"
package claw:mixed;
interface tests {
    passes: func() -> result<_, string>;
    fails: func() -> result<_, string>;
    traps: func();
}
world mixed {
    export tests;
}
"#;

fn component(wit: &str, world: &str, wat: &str) -> Vec<u8> {
    let mut module = wat::parse_str(wat).expect("valid WAT");
    let mut resolve = wit_parser::Resolve::default();
    let package = resolve.push_str("test.wit", wit).expect("valid WIT");
    let world = resolve.select_world(&[package], Some(world)).unwrap();
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )
    .unwrap();
    wit_component::ComponentEncoder::default()
        .module(&module)
        .unwrap()
        .validate(true)
        .encode()
        .expect("a component")
}

/// A scratch folder holding `calc_test.wasm` and `mixed.wasm`.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    let calc_wit = format!(
        "package claw:calc-test;\ninterface tests {{\n    adds: func() -> result<_, string>;\n    \
         adds-negatives: func() -> result<_, string>;\n}}\nworld calc-test {{\n    \
         import docs:calc/ops@0.1.0;\n    export tests;\n}}\n{CALC_WIT}"
    );
    let calc_test = component(&calc_wit, "calc-test", CALC_TEST_WAT);
    std::fs::write(dir.join("calc_test.wasm"), calc_test).unwrap();
    std::fs::write(
        dir.join("mixed.wasm"),
        component(MIXED_WIT, "mixed", MIXED_WAT),
    )
    .unwrap();
    dir
}

fn fixture(path: &str) -> String {
    support::root()
        .join("../shared/fixtures")
        .join(path)
        .to_str()
        .expect("a UTF-8 path")
        .to_owned()
}

fn claw_test(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claw"))
        .arg("test")
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("claw runs")
}

/// stdout with every `(1.2 ms)`-style duration replaced by `(T)`.
fn report(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stdout);
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.rfind(" (") {
            Some(at) if line.ends_with(" ms)") || line.ends_with(" s)") => {
                format!("{} (T)", &line[..at])
            }
            _ => match line.rfind("; finished in ") {
                Some(at) => format!("{}; finished in T", &line[..at]),
                None => line.to_owned(),
            },
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn tests_pass_against_the_real_calc() {
    let dir = scratch("test-calc");
    let output = claw_test(
        &dir,
        &[
            "calc_test.wasm",
            "--with",
            &format!("calc={}", fixture("calc/calc-c.wasm")),
        ],
    );
    assert_eq!(stderr(&output), "");
    assert_eq!(
        report(&output),
        "running 2 tests from calc_test.wasm\n\
         test tests.adds ... ok (T)\n\
         test tests.adds-negatives ... ok (T)\n\
         \n\
         2 passed, 0 failed; finished in T\n"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn the_broken_calc_fails_with_the_tests_message() {
    let dir = scratch("test-calc-broken");
    let output = claw_test(
        &dir,
        &[
            "calc_test.wasm",
            "--with",
            &format!("calc={}", fixture("calc/calc-broken-c.wasm")),
            "--jobs",
            "2",
        ],
    );
    assert_eq!(
        report(&output),
        "running 2 tests from calc_test.wasm\n\
         test tests.adds ... ok (T)\n\
         test tests.adds-negatives ... FAILED (T)\n\
         \n\
         failures:\n\
         \n\
         ---- tests.adds-negatives (calc_test.wasm) ----\n\
         add(-2, -3) is not -5\n\
         \n\
         1 passed, 1 failed; finished in T\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_python_calc_passes_too() {
    let dir = scratch("test-calc-py");
    let output = claw_test(
        &dir,
        &[
            "calc_test.wasm",
            "--with",
            &format!("calc={}", fixture("calc/calc-py.wasm")),
        ],
    );
    assert!(
        report(&output).ends_with("2 passed, 0 failed; finished in T\n"),
        "{}{}",
        report(&output),
        stderr(&output)
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn traps_show_the_backtrace_and_filter_selects_tests() {
    let dir = scratch("test-mixed");
    let output = claw_test(&dir, &["mixed.wasm", "--filter", "traps"]);
    assert_eq!(
        report(&output),
        "running 1 test from mixed.wasm\n\
         test tests.traps ... FAILED (T)\n\
         \n\
         failures:\n\
         \n\
         ---- tests.traps (mixed.wasm) ----\n\
         trap in `explode`: wasm `unreachable` instruction executed\n\
         backtrace:\n  \
         0: <unknown>!explode\n  \
         1: <unknown>!<wasm function 3>\n\
         \n\
         0 passed, 1 failed, 2 filtered out; finished in T\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn junit_reports_every_test_with_escaped_failures() {
    let dir = scratch("test-junit");
    let output = claw_test(&dir, &["mixed.wasm", "--junit", "report.xml"]);
    assert_eq!(output.status.code(), Some(1));
    let xml = std::fs::read_to_string(dir.join("report.xml")).expect("the report");
    // Times vary; everything else is fixed.
    let xml: String = xml
        .lines()
        .map(|line| match line.find(" time=\"") {
            Some(at) => {
                let end = line[at + 7..].find('"').unwrap() + at + 8;
                format!("{}{}\n", &line[..at], &line[end..])
            }
            None => format!("{line}\n"),
        })
        .collect();
    assert_eq!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"claw test\" tests=\"3\" failures=\"2\">\n  \
         <testsuite name=\"mixed.wasm\" tests=\"3\" failures=\"2\">\n    \
         <testcase name=\"tests.passes\" classname=\"mixed.wasm\"/>\n    \
         <testcase name=\"tests.fails\" classname=\"mixed.wasm\">\n      \
         <failure message=\"a &lt; b &amp; &quot;c&quot;\">a &lt; b &amp; &quot;c&quot;</failure>\n    \
         </testcase>\n    \
         <testcase name=\"tests.traps\" classname=\"mixed.wasm\">\n      \
         <failure message=\"trap in `explode`: wasm `unreachable` instruction executed\">\
         trap in `explode`: wasm `unreachable` instruction executed\nbacktrace:\n  \
         0: &lt;unknown&gt;!explode\n  1: &lt;unknown&gt;!&lt;wasm function 3&gt;</failure>\n    \
         </testcase>\n  \
         </testsuite>\n\
         </testsuites>\n"
    );
}

#[test]
fn an_import_no_one_supplies_is_named_with_its_importer() {
    let dir = scratch("test-unsatisfied");
    let output = claw_test(
        &dir,
        &[
            "calc_test.wasm",
            "--with",
            &format!("visits={}", fixture("visits/visits-c.wasm")),
        ],
    );
    assert_eq!(
        stderr(&output),
        "error: import `docs:visits/store@0.1.0` of `visits` is not satisfied by any --with \
         component or by the host\n"
    );
    assert_eq!(output.status.code(), Some(1));

    let output = claw_test(&dir, &["calc_test.wasm"]);
    assert_eq!(
        stderr(&output),
        "error: import `docs:calc/ops@0.1.0` of `calc_test.wasm` is not satisfied by any --with \
         component or by the host\n\
         help: pass a component that exports it with `--with NAME=COMPONENT`\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn usage_mistakes_exit_2_and_bad_components_exit_1() {
    let dir = scratch("test-usage");
    let output = claw_test(&dir, &["missing.wasm"]);
    assert_eq!(stderr(&output), "error: `missing.wasm` does not exist\n");
    assert_eq!(output.status.code(), Some(2));

    let output = claw_test(&dir, &["mixed.wasm", "--with", "calc"]);
    assert!(
        stderr(&output)
            .contains("expected NAME=COMPONENT (such as `calc=calc.wasm`), found `calc`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(output.status.code(), Some(2));

    std::fs::write(dir.join("junk.wasm"), "not wasm").unwrap();
    let output = claw_test(&dir, &["junk.wasm"]);
    assert_eq!(
        stderr(&output),
        "error: `junk.wasm`: the file is not a WebAssembly binary\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_folder_is_searched_for_claw_files_and_no_path_finds_test_files() {
    let dir = scratch("test-folder");
    std::fs::create_dir_all(dir.join("sub/.hidden")).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    let identity = support::root().join("examples/identity.claw");
    std::fs::copy(&identity, dir.join("sub/identity.claw")).unwrap();
    std::fs::copy(&identity, dir.join("sub/ident.test.claw")).unwrap();
    std::fs::copy(&identity, dir.join("tests/more.claw")).unwrap();
    std::fs::write(dir.join("sub/.hidden/broken.claw"), "not claw").unwrap();
    // A folder given: every `.claw` file in it.
    let output = claw_test(&dir, &["sub"]);
    assert_eq!(stderr(&output), "");
    assert_eq!(
        report(&output),
        "running 0 tests from sub/ident.test.claw\n\
         running 0 tests from sub/identity.claw\n\n0 passed, 0 failed; finished in T\n"
    );
    assert_eq!(output.status.code(), Some(0));
    // No path: `*.test.claw` files, and what is in `tests/` folders.
    let output = claw_test(&dir, &[]);
    assert_eq!(stderr(&output), "");
    assert_eq!(
        report(&output),
        "running 0 tests from ./sub/ident.test.claw\n\
         running 0 tests from ./tests/more.claw\n\n0 passed, 0 failed; finished in T\n"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn claw_toml_lists_the_suites_plain_claw_test_runs() {
    let dir = scratch("test-manifest");
    let calc = support::root().join("examples/calc");
    std::fs::create_dir_all(dir.join("wit")).unwrap();
    std::fs::copy(calc.join("wit/calc.wit"), dir.join("wit/calc.wit")).unwrap();
    std::fs::copy(calc.join("calc.test.claw"), dir.join("calc.test.claw")).unwrap();
    std::fs::write(
        dir.join("claw.toml"),
        format!(
            "# The calc tests, against the C calc.\n[[suite]]\npaths = [\"calc.test.claw\"]\n\
             with = [\"calc={}\"]\n",
            fixture("calc/calc-c.wasm")
        ),
    )
    .unwrap();
    let output = claw_test(&dir, &[]);
    assert_eq!(stderr(&output), "");
    assert!(
        report(&output).ends_with("8 passed, 0 failed; finished in T\n"),
        "{}",
        report(&output)
    );
    assert_eq!(output.status.code(), Some(0));

    std::fs::write(
        dir.join("claw.toml"),
        "[[suite]]\npath = [\"calc.test.claw\"]\n",
    )
    .unwrap();
    let output = claw_test(&dir, &[]);
    assert_eq!(
        stderr(&output),
        "error: `claw.toml`, suite 1: unknown key `path`; a suite has `paths` and `with`\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

/// Runs `claw test` from the workspace root.
fn claw_test_at_root(args: &[&str]) -> Output {
    claw_test(&support::root(), args)
}

#[test]
fn a_claw_test_file_passes_against_calc_in_claw_c_and_python() {
    for calc in [
        "examples/calc/calc.claw",
        &fixture("calc/calc-c.wasm"),
        &fixture("calc/calc-py.wasm"),
    ] {
        let with = format!("calc={calc}");
        let output = claw_test_at_root(&["examples/calc/calc.test.claw", "--with", &with]);
        assert_eq!(stderr(&output), "", "against {calc}");
        assert_eq!(
            report(&output),
            "running 8 tests from examples/calc/calc.test.claw\n\
             test tests.adds ... ok (T)\n\
             test tests.adds-negatives ... ok (T)\n\
             test tests.add-wraps ... ok (T)\n\
             test tests.greets ... ok (T)\n\
             test tests.summarizes ... ok (T)\n\
             test tests.parses ... ok (T)\n\
             test tests.rejects-garbage ... ok (T)\n\
             test tests.rejects-empty ... ok (T)\n\
             \n\
             8 passed, 0 failed; finished in T\n",
            "against {calc}"
        );
        assert_eq!(output.status.code(), Some(0), "against {calc}");
    }
}

#[test]
fn a_claw_test_file_names_the_broken_calcs_failed_check_and_trap() {
    let with = format!("calc={}", fixture("calc/calc-broken-c.wasm"));
    let output = claw_test_at_root(&["examples/calc/calc.test.claw", "--with", &with]);
    let report = report(&output);
    assert!(
        report.contains("test tests.adds-negatives ... FAILED (T)\n"),
        "{report}"
    );
    assert!(
        report.contains(
            "---- tests.adds-negatives (examples/calc/calc.test.claw) ----\n\
             check failed at calc.test.claw:15:9: add(-2, -3) == -5\n"
        ),
        "{report}"
    );
    assert!(
        report.contains(
            "---- tests.rejects-empty (examples/calc/calc.test.claw) ----\n\
             trap in `parse_int`: wasm `unreachable` instruction executed\n\
             backtrace:\n\
             \x20 0: calc-broken-core.wasm!parse_int\n"
        ),
        "{report}"
    );
    // The Claw frame names the line of the test that made the call.
    assert!(
        report.contains("  3: claw!rejects-empty\n       at calc.test.claw:49:9\n"),
        "{report}"
    );
    assert!(
        report.ends_with("6 passed, 2 failed; finished in T\n"),
        "{report}"
    );
    assert_eq!(output.status.code(), Some(1));
}

/// The shelf tests' report when every test passes.
const SHELF_PASSES: &str = "running 6 tests from examples/shelf/shelf.test.claw\n\
     test tests.builds-and-names ... ok (T)\n\
     test tests.adds-and-lists ... ok (T)\n\
     test tests.takes-books ... ok (T)\n\
     test tests.compares-borrowed ... ok (T)\n\
     test tests.merges-owned ... ok (T)\n\
     test tests.drops-what-goes-out-of-scope ... ok (T)\n\
     \n\
     6 passed, 0 failed; finished in T\n";

#[test]
fn the_shelf_tests_pass_against_the_rust_component_and_the_claw_implementation() {
    for shelf in [
        fixture("shelf/shelf.wasm"),
        "examples/shelf/shelf.claw".into(),
    ] {
        let with = format!("shelf={shelf}");
        let output = claw_test_at_root(&["examples/shelf/shelf.test.claw", "--with", &with]);
        assert_eq!(stderr(&output), "", "against {shelf}");
        assert_eq!(report(&output), SHELF_PASSES, "against {shelf}");
        assert_eq!(output.status.code(), Some(0), "against {shelf}");
    }
}

#[test]
fn the_shelf_tests_fail_exactly_where_the_broken_shelf_is_wrong() {
    // It returns none from `take`, and forgets to count a dropped shelf.
    let with = format!("shelf={}", fixture("shelf/shelf-broken.wasm"));
    let output = claw_test_at_root(&["examples/shelf/shelf.test.claw", "--with", &with]);
    assert_eq!(
        report(&output),
        "running 6 tests from examples/shelf/shelf.test.claw\n\
         test tests.builds-and-names ... ok (T)\n\
         test tests.adds-and-lists ... ok (T)\n\
         test tests.takes-books ... FAILED (T)\n\
         test tests.compares-borrowed ... ok (T)\n\
         test tests.merges-owned ... FAILED (T)\n\
         test tests.drops-what-goes-out-of-scope ... FAILED (T)\n\
         \n\
         failures:\n\
         \n\
         ---- tests.takes-books (examples/shelf/shelf.test.claw) ----\n\
         check failed at shelf.test.claw:31:9: s.take(\"Emma\") == some({title: \"Emma\", year: 1815})\n\
         \n\
         ---- tests.merges-owned (examples/shelf/shelf.test.claw) ----\n\
         check failed at shelf.test.claw:59:9: live-shelves() == 1\n\
         \n\
         ---- tests.drops-what-goes-out-of-scope (examples/shelf/shelf.test.claw) ----\n\
         check failed at shelf.test.claw:74:9: live-shelves() == before\n\
         \n\
         3 passed, 3 failed; finished in T\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_claw_mock_of_wasi_keyvalue_stands_in_front_of_a_rust_component() {
    let visits = format!("visits={}", fixture("kv/kv-visits.wasm"));
    let store = "store=examples/kv/store.claw";
    let expected = "running 3 tests from examples/kv/visits.test.claw\n\
         test tests.counts-per-user ... ok (T)\n\
         test tests.forgets ... ok (T)\n\
         test tests.reports-store-errors ... ok (T)\n\
         \n\
         3 passed, 0 failed; finished in T\n";
    let output = claw_test_at_root(&[
        "examples/kv/visits.test.claw",
        "--with",
        store,
        "--with",
        &visits,
    ]);
    assert_eq!(stderr(&output), "");
    assert_eq!(report(&output), expected);
    assert_eq!(output.status.code(), Some(0));
    // The same tests hold for the component composed with the Rust mock.
    let composed = format!("visits={}", fixture("kv/kv-visits-composed.wasm"));
    let output = claw_test_at_root(&["examples/kv/visits.test.claw", "--with", &composed]);
    assert_eq!(report(&output), expected);
}

#[test]
fn a_mock_in_claw_supplies_the_store_visits_imports() {
    let visits = format!("visits={}", fixture("visits/visits-c.wasm"));
    let store = "store=examples/visits/store.claw";
    // The counter in C, and the same contract in Claw: three Claw components composed. The
    // counter imports the store, whichever comes first.
    for (first, second) in [
        (store, visits.as_str()),
        (store, "visits=examples/visits/counter.claw"),
        (visits.as_str(), store),
    ] {
        let counter = format!("{first} then {second}");
        let output = claw_test_at_root(&[
            "examples/visits/visits.test.claw",
            "--with",
            first,
            "--with",
            second,
        ]);
        assert_eq!(stderr(&output), "", "{counter}");
        assert_eq!(
            report(&output),
            "running 2 tests from examples/visits/visits.test.claw\n\
             test tests.counts-per-user ... ok (T)\n\
             test tests.starts-from-zero ... ok (T)\n\
             \n\
             2 passed, 0 failed; finished in T\n",
            "{counter}"
        );
        assert_eq!(output.status.code(), Some(0), "{counter}");
    }

    let without_mock = claw_test_at_root(&["examples/visits/visits.test.claw", "--with", &visits]);
    assert_eq!(
        stderr(&without_mock),
        "error: import `docs:visits/store@0.1.0` of `visits` is not satisfied by any --with \
         component or by the host\n"
    );
    assert_eq!(without_mock.status.code(), Some(1));
}

#[test]
fn junit_from_a_claw_test_file_records_the_check_message() {
    let dir = scratch("claw-junit");
    let junit = dir.join("report.xml");
    let with = format!("calc={}", fixture("calc/calc-broken-c.wasm"));
    let output = claw_test_at_root(&[
        "examples/calc/calc.test.claw",
        "--with",
        &with,
        "--filter",
        "adds-negatives",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let xml = std::fs::read_to_string(&junit).expect("the JUnit file is written");
    assert!(
        xml.contains("<testcase name=\"tests.adds-negatives\""),
        "{xml}"
    );
    assert!(
        xml.contains("check failed at calc.test.claw:15:9: add(-2, -3) == -5"),
        "{xml}"
    );
    assert!(!xml.contains("tests.adds\""), "filtered out: {xml}");
}

#[test]
fn limits_stop_each_test_on_its_own() {
    let file = "tests/test-files/limits.test.claw";
    let fuel = claw_test_at_root(&[file, "--fuel", "1000000"]);
    let report_text = report(&fuel);
    assert!(
        report_text.contains("test tests.finishes ... ok (T)\n"),
        "{report_text}"
    );
    assert!(
        report_text.contains(
            "---- tests.spins (tests/test-files/limits.test.claw) ----\n\
             `spins` ran out of fuel (limit 1000000)\n"
        ),
        "{report_text}"
    );
    assert!(
        report_text.ends_with("1 passed, 2 failed; finished in T\n"),
        "{report_text}"
    );
    assert_eq!(fuel.status.code(), Some(1));

    let memory = claw_test_at_root(&[file, "--max-memory", "1000000", "--filter", "grows"]);
    assert!(
        report(&memory).contains("memory limit of 1000000 bytes exceeded\n"),
        "{}",
        report(&memory)
    );
    assert_eq!(memory.status.code(), Some(1));

    let time = claw_test_at_root(&[file, "--timeout", "0.2", "--filter", "spins"]);
    assert!(
        report(&time).contains("`spins` timed out after 200ms\n"),
        "{}",
        report(&time)
    );
    assert_eq!(time.status.code(), Some(1));
}

#[test]
fn an_adapter_in_claw_stands_in_front_of_the_component_it_wraps() {
    let broken = format!("broken={}", fixture("calc/calc-broken-c.wasm"));
    let output = claw_test_at_root(&[
        "examples/calc/calc.test.claw",
        "--with",
        &broken,
        "--with",
        "calc=examples/calc/fix-add.claw",
    ]);
    assert_eq!(stderr(&output), "");
    assert!(
        report(&output).ends_with("8 passed, 0 failed; finished in T\n"),
        "{}",
        report(&output)
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn properties_shrink_every_kind_of_value_to_its_smallest_counterexample() {
    let file = "tests/test-files/shrinking.test.claw";
    // Whatever the seed, each property's failure shrinks to the one smallest counterexample.
    for seed in ["1", "2", "3"] {
        let output = claw_test_at_root(&[file, "--seed", seed]);
        assert_eq!(stderr(&output), "", "seed {seed}");
        let report = report(&output);
        assert!(
            report.starts_with(&format!(
                "running 13 tests from {file}\n\
                 13 properties with seed {seed} (--seed {seed} replays them), 100 cases each\n"
            )),
            "{report}"
        );
        let failures: Vec<&str> = report
            .lines()
            .filter(|line| line.contains(") failed: "))
            .collect();
        assert_eq!(
            failures,
            [
                "test-records({x: 1, y: 0}) failed: check failed at shrinking.test.claw:70:5: \
                 p.x <= p.y || p.y < 0",
                "test-variants(label(\"a\")) failed: check failed at shrinking.test.claw:79:5: fine",
                "test-enums(blue) failed: check failed at shrinking.test.claw:84:5: c != blue",
                "test-flag-sets({read, exec}) failed: check failed at shrinking.test.claw:89:5: \
                 !(f.read && f.exec)",
                "integers(100, -5) failed: check failed at shrinking.test.claw:12:9: \
                 a < 100 || b > -5",
                "floats(11.0) failed: check failed at shrinking.test.claw:17:9: !(x > 10.5)",
                "chars('b') failed: check failed at shrinking.test.claw:22:9: c < 'b'",
                "strings(\"aa\") failed: check failed at shrinking.test.claw:31:9: count < 2",
                "lists([0, 0, 0]) failed: check failed at shrinking.test.claw:36:9: xs.len() < 3",
                "tuples((3, true)) failed: check failed at shrinking.test.claw:41:9: \
                 t.0 < 3 || !t.1",
                "options(some(5)) failed: check failed at shrinking.test.claw:50:9: fine",
                "results(ok(4)) failed: check failed at shrinking.test.claw:59:9: fine",
            ],
            "seed {seed}"
        );
        assert!(report.contains("test tests.holds ... ok (T)\n"), "{report}");
        assert!(
            report.ends_with("1 passed, 12 failed; finished in T\n"),
            "{report}"
        );
        assert_eq!(output.status.code(), Some(1));
    }
    // A counterexample is a call `claw run` replays.
    let output = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["run", file, "--invoke", "integers(100, -5)"])
        .current_dir(support::root())
        .output()
        .expect("claw runs");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "err(\"check failed at shrinking.test.claw:12:9: a < 100 || b > -5\")\n"
    );
}

#[test]
fn maps_cross_between_two_claw_components_both_ways() {
    let dir = scratch("map-store");
    let source = support::root().join("tests/test-files/map-store");
    let built = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["build", "store.claw", "-o"])
        .arg(dir.join("store.wasm"))
        .current_dir(&source)
        .output()
        .expect("claw runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let with = format!("store={}", dir.join("store.wasm").display());
    let output = claw_test(&source, &["store.test.claw", "--with", &with]);
    assert_eq!(stderr(&output), "");
    assert_eq!(
        report(&output),
        "running 1 test from store.test.claw\n\
         test tests.maps-cross-both-ways ... ok (T)\n\
         \n\
         1 passed, 0 failed; finished in T\n"
    );
}

#[test]
fn properties_over_maps_hold_and_a_failing_one_shrinks_to_three_entries_that_replay() {
    let file = "tests/test-files/maps.test.claw";
    for seed in ["1", "2", "3"] {
        let output = claw_test_at_root(&[file, "--seed", seed]);
        assert_eq!(stderr(&output), "", "seed {seed}");
        let report = report(&output);
        assert!(
            report.contains("test tests.lookups-find-every-entry ... ok (T)\n")
                && report.contains("test tests.insert-then-remove ... ok (T)\n")
                && report.ends_with("2 passed, 1 failed; finished in T\n"),
            "{report}"
        );
        let failure = report
            .lines()
            .find(|line| line.contains(") failed: "))
            .expect("a counterexample");
        let call = failure
            .strip_suffix(" failed: check failed at maps.test.claw:27:9: m.len() < 3")
            .unwrap_or_else(|| panic!("{failure}"));
        // Three entries, each value shrunk to 0, the keys as small as distinct keys can be.
        let entries = call
            .strip_prefix("fails-on-big-maps([")
            .and_then(|rest| rest.strip_suffix("])"))
            .unwrap_or_else(|| panic!("{call}"));
        let mut keys: Vec<&str> = entries
            .split("), (")
            .map(|e| e.trim_matches(|c| c == '(' || c == ')'))
            .map(|e| e.strip_suffix(", 0").unwrap_or_else(|| panic!("{e}")))
            .collect();
        keys.sort();
        assert_eq!(keys, ["0", "1", "2"], "{call}");
        // The counterexample replays with `claw run`, a map written as its entries.
        let replay = Command::new(env!("CARGO_BIN_EXE_claw"))
            .args(["run", file, "--invoke", &format!("tests.{call}")])
            .current_dir(support::root())
            .output()
            .expect("claw runs");
        assert_eq!(
            String::from_utf8_lossy(&replay.stdout),
            "err(\"check failed at maps.test.claw:27:9: m.len() < 3\")\n",
            "{}",
            String::from_utf8_lossy(&replay.stderr)
        );
    }
}

#[test]
fn properties_of_calc_hold_in_c_and_python_and_find_the_broken_calcs_bugs() {
    let file = "examples/calc/calc.props.claw";
    for calc in [fixture("calc/calc-c.wasm"), fixture("calc/calc-py.wasm")] {
        let with = format!("calc={calc}");
        let output = claw_test_at_root(&[file, "--with", &with, "--seed", "42"]);
        assert_eq!(stderr(&output), "", "against {calc}");
        assert_eq!(
            report(&output),
            format!(
                "running 5 tests from {file}\n\
                 5 properties with seed 42 (--seed 42 replays them), 100 cases each\n\
                 test tests.add-is-the-wrapping-sum ... ok (T)\n\
                 test tests.add-commutes ... ok (T)\n\
                 test tests.greet-wraps-the-name ... ok (T)\n\
                 test tests.parse-int-answers ... ok (T)\n\
                 test tests.parse-int-reads-decimal ... ok (T)\n\
                 \n\
                 5 passed, 0 failed; finished in T\n"
            ),
            "against {calc}"
        );
    }
    let with = format!("calc={}", fixture("calc/calc-broken-c.wasm"));
    let run = |seed: &str| claw_test_at_root(&[file, "--with", &with, "--seed", seed]);
    let output = run("42");
    let text = report(&output);
    for expected in [
        "---- tests.add-is-the-wrapping-sum (examples/calc/calc.props.claw) ----\n\
         add-is-the-wrapping-sum(-1, -1) failed: check failed at calc.props.claw:10:9: \
         add(a, b) == a + b\n",
        "---- tests.add-commutes (examples/calc/calc.props.claw) ----\n\
         add-commutes(-1, -2) failed: check failed at calc.props.claw:15:9: \
         add(a, b) == add(b, a)\n",
        "---- tests.parse-int-answers (examples/calc/calc.props.claw) ----\n\
         parse-int-answers(\"\") failed: trap in `parse_int`: wasm `unreachable` instruction \
         executed\nbacktrace:\n  0: calc-broken-core.wasm!parse_int\n",
        "test tests.greet-wraps-the-name ... ok (T)\n",
        "test tests.parse-int-reads-decimal ... ok (T)\n",
        "2 passed, 3 failed; finished in T\n",
    ] {
        assert!(text.contains(expected), "{expected}\nnot in\n{text}");
    }
    assert_eq!(output.status.code(), Some(1));
    // The same seed, the same cases and the same report.
    assert_eq!(report(&run("42")), text);
    // The counterexample replays with `claw run`, composed the same way.
    let replay = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args([
            "run",
            file,
            "--with",
            &with,
            "--invoke",
            "add-commutes(-1, -2)",
        ])
        .current_dir(support::root())
        .output()
        .expect("claw runs");
    assert_eq!(
        String::from_utf8_lossy(&replay.stdout),
        "err(\"check failed at calc.props.claw:15:9: add(a, b) == add(b, a)\")\n"
    );
}

/// Two interfaces, and a component for each that exports one and imports the other.
const CYCLE_WIT: &str = r#"
package claw:cycle;
interface a { f: func(); }
interface b { g: func(); }
world needs-b { import b; export a; }
world needs-a { import a; export b; }
world uses-a { import a; export test-uses: func(); }
"#;

#[test]
fn with_components_that_import_each_other_are_a_cycle_and_exports_of_the_test_are_named() {
    let dir = scratch("test-cycle");
    let needs_b = r#"(module (import "claw:cycle/b" "g" (func $g))
        (func (export "claw:cycle/a#f") (call $g)))"#;
    let needs_a = r#"(module (import "claw:cycle/a" "f" (func $f))
        (func (export "claw:cycle/b#g") (call $f)))"#;
    let uses_a = r#"(module (import "claw:cycle/a" "f" (func $f))
        (func (export "test-uses")))"#;
    std::fs::write(dir.join("a.wasm"), component(CYCLE_WIT, "needs-b", needs_b)).unwrap();
    std::fs::write(dir.join("b.wasm"), component(CYCLE_WIT, "needs-a", needs_a)).unwrap();
    std::fs::write(dir.join("t.wasm"), component(CYCLE_WIT, "uses-a", uses_a)).unwrap();
    let output = claw_test(
        &dir,
        &["t.wasm", "--with", "a=a.wasm", "--with", "b=b.wasm"],
    );
    assert_eq!(
        stderr(&output),
        "error: `t.wasm`: the --with components import from each other in a cycle: `a` imports \
         `claw:cycle/b` from `b`, `b` imports `claw:cycle/a` from `a`\n"
    );
    assert_eq!(output.status.code(), Some(1));

    // `a` needs `b`, which only the component under test could be asked for: it is not.
    let output = claw_test(&dir, &["b.wasm", "--with", "a=a.wasm"]);
    assert_eq!(
        stderr(&output),
        "error: import `claw:cycle/b` of `a` is not satisfied by any --with component or by the \
         host\nnote: `b.wasm` exports it, but the component under test supplies nothing to the \
         --with components\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn json_format_prints_one_event_a_line() {
    let with = format!("calc={}", fixture("calc/calc-broken-c.wasm"));
    let output = claw_test_at_root(&[
        "examples/calc/calc.test.claw",
        "--with",
        &with,
        "--format",
        "json",
        "--jobs",
        "2",
    ]);
    assert_eq!(stderr(&output), "");
    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
        .collect();
    let field = |event: &serde_json::Value, key: &str| event[key].as_str().unwrap_or("").to_owned();
    let summary: Vec<(String, String, String)> = events
        .iter()
        .map(|e| (field(e, "type"), field(e, "event"), field(e, "name")))
        .collect();
    let test = |event: &str, name: &str| ("test".to_owned(), event.to_owned(), name.to_owned());
    let suite = |event: &str| ("suite".to_owned(), event.to_owned(), String::new());
    assert_eq!(
        summary,
        [
            suite("started"),
            test("ok", "tests.adds"),
            test("failed", "tests.adds-negatives"),
            test("ok", "tests.add-wraps"),
            test("ok", "tests.greets"),
            test("ok", "tests.summarizes"),
            test("ok", "tests.parses"),
            test("ok", "tests.rejects-garbage"),
            test("failed", "tests.rejects-empty"),
            suite("failed"),
        ]
    );
    assert_eq!(events[0]["test_count"], 8);
    assert_eq!(
        events[2]["message"],
        "check failed at calc.test.claw:15:9: add(-2, -3) == -5"
    );
    assert!(field(&events[8], "stdout")
        .contains("\nbacktrace:\n  0: calc-broken-core.wasm!parse_int\n"));
    assert_eq!(
        (events[9]["passed"].as_u64(), events[9]["failed"].as_u64()),
        (Some(6), Some(2))
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn plain_claw_test_in_the_repository_runs_the_example_suites() {
    let output = claw_test_at_root(&["--seed", "1"]);
    assert_eq!(stderr(&output), "");
    let report = report(&output);
    for file in [
        "running 8 tests from examples/calc/calc.test.claw\n",
        "running 5 tests from examples/calc/calc.props.claw\n",
        "running 2 tests from examples/visits/visits.test.claw\n",
        "running 2 tests from examples/http/hello.test.claw\n",
        "running 4 tests from examples/http/echo.test.claw\n",
        "running 5 tests from examples/http/kv.test.claw\n",
    ] {
        assert!(report.contains(file), "{file} not in\n{report}");
    }
    // The hello tests run twice: against the Claw service and against the Rust one.
    assert_eq!(
        report
            .matches("running 2 tests from examples/http/hello.test.claw")
            .count(),
        2
    );
    assert!(
        report.ends_with("28 passed, 0 failed; finished in T\n"),
        "{report}"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn http_tests_reach_services_built_by_claw_and_by_rust_in_process() {
    let expected = "running 2 tests from examples/http/hello.test.claw\n\
         test tests.greets-at-the-root ... ok (T)\n\
         test tests.other-paths-are-not-found ... ok (T)\n\
         \n\
         2 passed, 0 failed; finished in T\n";
    for service in [
        "examples/http/hello.claw",
        "tests/http/rust-hello/hello.wasm",
    ] {
        let with = format!("api={service}");
        let output = claw_test_at_root(&["examples/http/hello.test.claw", "--with", &with]);
        assert_eq!(stderr(&output), "");
        assert_eq!(report(&output), expected, "against {service}");
        assert_eq!(output.status.code(), Some(0));
    }
}

#[test]
fn http_tests_fail_with_what_the_service_did() {
    // The echo service answers everything with 200 and its echo.
    let output = claw_test_at_root(&[
        "examples/http/hello.test.claw",
        "--with",
        "api=examples/http/echo.claw",
    ]);
    assert_eq!(
        report(&output),
        "running 2 tests from examples/http/hello.test.claw\n\
         test tests.greets-at-the-root ... FAILED (T)\n\
         test tests.other-paths-are-not-found ... FAILED (T)\n\
         \n\
         failures:\n\
         \n\
         ---- tests.greets-at-the-root (examples/http/hello.test.claw) ----\n\
         check failed at hello.test.claw:8:9: r.text == \"Hello from Claw\\n\" || r.text == \"Hello from Rust\\n\"\n\
         \n\
         ---- tests.other-paths-are-not-found (examples/http/hello.test.claw) ----\n\
         check failed at hello.test.claw:14:9: r.status == 404\n\
         \n\
         0 passed, 2 failed; finished in T\n"
    );
    assert_eq!(output.status.code(), Some(1));
    // A trap in the service is the request's error; a host no service answers is denied,
    // unless the network is allowed (where nothing listens on that port).
    for (flag, closed) in [
        ("--cases=100", "request denied"),
        ("--allow-network", "connection refused"),
    ] {
        let output = claw_test_at_root(&[
            flag,
            "tests/test-files/http-failures.test.claw",
            "--with",
            "api=tests/http/limits.claw",
        ]);
        assert_eq!(
            report(&output),
            format!(
                "running 4 tests from tests/test-files/http-failures.test.claw\n\
                 test tests.answers ... ok (T)\n\
                 test tests.traps ... FAILED (T)\n\
                 test tests.nothing-listens ... FAILED (T)\n\
                 test tests.not-a-url ... FAILED (T)\n\
                 \n\
                 failures:\n\
                 \n\
                 ---- tests.traps (tests/test-files/http-failures.test.claw) ----\n\
                 GET http://api/trap failed: trap in `handle`: index out of bounds\n\
                 \n\
                 ---- tests.nothing-listens (tests/test-files/http-failures.test.claw) ----\n\
                 GET http://127.0.0.1:9/ failed: {closed}\n\
                 \n\
                 ---- tests.not-a-url (tests/test-files/http-failures.test.claw) ----\n\
                 `api/` is not a URL such as `http://host/path`\n\
                 \n\
                 1 passed, 3 failed; finished in T\n"
            ),
            "{flag}"
        );
        assert_eq!(output.status.code(), Some(1));
    }
}

#[test]
fn routed_services_call_services_and_a_loop_stops() {
    let run = |next: &str| {
        let with = format!("next={next}");
        let output = claw_test_at_root(&[
            "tests/test-files/forward.test.claw",
            "--with",
            "api=tests/http/forward.claw",
            "--with",
            &with,
        ]);
        let report = report(&output);
        report
            .lines()
            .skip_while(|line| !line.starts_with("---- "))
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        run("examples/http/hello.claw"),
        "200 forwarded: Hello from Claw"
    );
    // Forwarding to itself: sixteen services deep, the next request is refused, and each
    // of the fifteen below passes the refusal up.
    assert_eq!(
        run("tests/http/forward.claw"),
        format!(
            "508 {}GET http://next/ failed: loop detected",
            "forwarded: ".repeat(15)
        )
    );
}
