//! `claw fuzz` as users meet it: the shared calc fixtures fuzzed from their WIT alone, a Claw
//! component with a bug, and the usage mistakes.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

fn fuzz(args: &[&str]) -> Output {
    let args: Vec<&str> = std::iter::once("fuzz")
        .chain(args.iter().copied())
        .collect();
    support::claw(&args)
}

fn stdout(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stdout);
    // The time a run took differs from run to run.
    match text.rfind("; finished in ") {
        Some(at) => format!("{}; finished in T\n", &text[..at]),
        None => text.into_owned(),
    }
}

fn calc(name: &str) -> String {
    format!("../shared/fixtures/calc/{name}.wasm")
}

#[test]
fn finds_the_broken_calcs_trap_from_its_wit_alone() {
    let broken = calc("calc-broken-c");
    for seed in ["1", "2", "3"] {
        let output = fuzz(&[&broken, "--seed", seed]);
        assert_eq!(
            stdout(&output),
            format!(
                "fuzzing 4 functions of calc-broken-c.wasm with seed {seed} (--seed {seed} \
                 replays it), 1000 calls\n\
                 \n\
                 failure 1: parse-int(\"\")\n\
                 \x20 in docs:calc/ops@0.1.0#parse-int\n\
                 \x20 trap in `parse_int`: wasm `unreachable` instruction executed\n\
                 \x20 backtrace:\n\
                 \x20   0: calc-broken-core.wasm!parse_int\n\
                 \x20 replay: claw run {broken} --fuel 100000000 --invoke 'parse-int(\"\")'\n\
                 \n\
                 1000 calls, 1 failure; finished in T\n"
            ),
            "seed {seed}"
        );
        assert_eq!(output.status.code(), Some(1));
    }
    // What it prints replays the trap.
    let replay = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args([
            "run",
            &broken,
            "--fuel",
            "100000000",
            "--invoke",
            "parse-int(\"\")",
        ])
        .current_dir(support::root())
        .output()
        .expect("claw runs");
    assert!(String::from_utf8_lossy(&replay.stderr)
        .starts_with("error: trap in `parse_int`: wasm `unreachable` instruction executed\n"));
}

#[test]
fn the_working_calc_has_nothing_to_report() {
    let output = fuzz(&[&calc("calc-c"), "--seed", "5"]);
    assert_eq!(
        stdout(&output),
        "fuzzing 4 functions of calc-c.wasm with seed 5 (--seed 5 replays it), 1000 calls\n\
         \n\
         1000 calls, 0 failures; finished in T\n"
    );
    assert_eq!(output.status.code(), Some(0));
    // A wrong answer is not a failure a fuzzer can see: the broken `add` returns one.
    let output = fuzz(&[&calc("calc-broken-c"), "--export", "add", "--cases", "200"]);
    assert!(stdout(&output).ends_with("200 calls, 0 failures; finished in T\n"));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_claw_component_is_compiled_and_its_trap_shrunk() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-claw");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pick.claw");
    std::fs::write(
        &file,
        "export func pick(xs: list<u32>, i: u32) -> u32 {\n    if i > 3 { return 0; }\n    \
         return xs[i];\n}\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let output = fuzz(&[file, "--seed", "11", "--cases", "500"]);
    let text = stdout(&output);
    assert!(
        text.contains(
            "\nfailure 1: pick([], 0)\n  in pick\n  trap in `pick`: index out of bounds\n"
        ),
        "{text}"
    );
    assert!(text.contains(", 1 failure; finished in T\n"), "{text}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn usage_mistakes_exit_2() {
    let broken = calc("calc-broken-c");
    for args in [
        vec![broken.as_str(), "--cases", "5", "--time", "1s"],
        vec![broken.as_str(), "--time", "soon"],
        vec!["no-such.wasm"],
        vec![broken.as_str(), "--export", "divide"],
    ] {
        let output = fuzz(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    let output = fuzz(&[&broken, "--export", "divide"]);
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: `calc-broken-c.wasm` exports no function `divide`\n"
    );
}
