//! Golden IR: for every `NAME.claw` in `tests/ir/`, `claw build --emit ir` must print exactly
//! `NAME.ir`. A first line `// emit-ir: -O1` picks the level (`-O2` otherwise), so each file
//! shows what lowering or one pass does to a program. The file's `// invoke:` and `// trap:`
//! lines must also hold at `-O0` and `-O2` and in the interpreter, so an expected IR is
//! never the IR of a wrong program. `BLESS=1` rewrites the `.ir` files; read the diff first.

mod support;

use std::path::Path;
use std::process::{Command, ExitCode};

use claw_compiler::Resolve;
use libtest_mimic::{Arguments, Failed, Trial};
use support::golden;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let bless = std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let trials = support::claw_files("tests/ir")
        .into_iter()
        .map(|path| Trial::test(support::stem(&path), move || check_file(&path, bless)))
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

fn check_file(path: &Path, bless: bool) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path).map_err(|err| err.to_string())?;
    let level = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("// emit-ir: "))
        .unwrap_or("-O2")
        .trim();
    let output = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["build", "--emit", "ir", level, "--color", "never"])
        .arg(path)
        .output()
        .map_err(|err| format!("cannot run claw: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "`claw build` failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let ir = String::from_utf8_lossy(&output.stdout).into_owned();

    let name = support::stem(path);
    let expectations = golden::parse_expectations(&text)?;
    for level in golden::ALL_LEVELS {
        let component = golden::compile_valid(&name, &text, Resolve::new(), level)?;
        golden::run_expectations(&component, &expectations)
            .map_err(|err| format!("at {level:?}: {err}"))?;
    }
    golden::interpret_expectations(&name, &text, Resolve::new(), &expectations)?;

    support::golden_file(&path.with_extension("ir"), &ir, bless, "the IR")?;
    Ok(())
}
