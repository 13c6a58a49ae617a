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
//!
//! A few programs too large to keep as files (and to feed the no-panic suite every prefix of)
//! are written by [`generated`] and run the same way.

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
        .chain(generated().into_iter().map(|(name, text)| {
            let resolve = resolve.clone();
            Trial::test(format!("generated::{name}"), move || {
                run_text(&format!("{name}.claw"), &text, resolve)
            })
        }))
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

/// Programs made here rather than kept in `tests/programs/`: (name, source).
fn generated() -> Vec<(&'static str, String)> {
    // A 50,000-element table of constants (the elements go to the data segment) and a
    // 20,000-element literal of computed values (each needs code, but no locals of its own).
    let table: Vec<u64> = (0..50_000).map(|i| i * 7 % 1000).collect();
    let computed = 20_000u64;
    let large = format!(
        "// invoke: table-sum() == {sum}\n\
         // invoke: table-len() == {len}\n\
         // invoke: computed(2) == {computed_sum}\n\
         // invoke: table-sum() == {sum}\n\
         func table() -> list<u32> {{ return [{items}]; }}\n\
         export func table-sum() -> u64 {{\n\
             let mut xs = table();\n\
             xs[0] += 1000;\n\
             let mut t: u64 = 0;\n\
             for x in xs {{ t += x as u64; }}\n\
             return t - 1000;\n\
         }}\n\
         export func table-len() -> u32 {{ return table().len(); }}\n\
         export func computed(k: u32) -> u64 {{\n\
             let xs: list<u32> = [{computed_items}];\n\
             let mut t: u64 = 0;\n\
             for x in xs {{ t += x as u64; }}\n\
             return t;\n\
         }}\n",
        sum = table.iter().sum::<u64>(),
        len = table.len(),
        items = join(table.iter().map(u64::to_string)),
        computed_sum = (0..computed).map(|i| i + 2).sum::<u64>(),
        computed_items = join((0..computed).map(|i| format!("{i} + k"))),
    );
    vec![("large-literals", large)]
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

fn run_program(path: &Path, resolve: Resolve) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path).map_err(|err| err.to_string())?;
    if golden::parse_expectations(&text)?.is_empty() {
        return Err(
            "no `// invoke:` or `// trap:` lines; a golden program must check something".into(),
        );
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("test.claw");
    run_text(name, &text, resolve)
}

fn run_text(name: &str, text: &str, resolve: Resolve) -> Result<(), Failed> {
    let expectations = golden::parse_expectations(text)?;
    let mut errors = Vec::new();
    for level in golden::ALL_LEVELS {
        let compiled = golden::compile_valid(name, text, resolve.clone(), level)
            .and_then(|component| golden::run_expectations(&component, &expectations));
        if let Err(err) = compiled {
            errors.push(format!("at {level:?}: {err}"));
        }
    }
    if let Err(err) = golden::interpret_expectations(name, text, resolve, &expectations) {
        errors.push(err);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n").into())
    }
}
