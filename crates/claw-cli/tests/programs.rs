//! Golden programs: every `.claw` file in `tests/programs/` and `examples/` is compiled,
//! validated and run, and must behave as its own comments say:
//!
//! ```text
//! // invoke: factorial(20) == 2432902008176640000    the call returns this (WAVE)
//! // invoke: reset()                                   the call returns nothing
//! // trap: divide(1, 0) ~ divide by zero               the call traps with this in the message
//! ```
//!
//! The calls run in file order on one instance, so globals carry over from line to line. A trap
//! poisons an instance, so the line after a trap gets a fresh one. Imports are served by a test
//! host: root functions `double` and `greet-host`, and the `claw:test/logging` interface from
//! `tests/programs/wit/` (see `support::golden`).

mod support;

use std::path::Path;
use std::process::ExitCode;

use claw_compiler::Resolve;
use libtest_mimic::{Arguments, Failed, Trial};
use support::golden;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let resolve = support::load_wit("tests/programs/wit");
    let files = support::claw_files("tests/programs")
        .into_iter()
        .chain(support::claw_files("examples"));
    let trials = files
        .map(|path| {
            let resolve = resolve.clone();
            let name = format!(
                "{}::{}",
                path.parent()
                    .and_then(Path::file_name)
                    .unwrap_or_default()
                    .to_string_lossy(),
                support::stem(&path)
            );
            Trial::test(name, move || run_program(&path, resolve))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

fn run_program(path: &Path, resolve: Resolve) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path).map_err(|err| err.to_string())?;
    let expectations = golden::parse_expectations(&text)?;
    if expectations.is_empty() {
        return Err(
            "no `// invoke:` or `// trap:` lines; a golden program must check something".into(),
        );
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("test.claw");
    let component = golden::compile_valid(name, &text, resolve)?;
    golden::run_expectations(&component, &expectations)?;
    Ok(())
}
