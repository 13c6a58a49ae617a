//! The examples of the language reference: every ```` ```claw ```` block in
//! `docs/language.md` is a complete file that must compile, validate and behave as its own
//! `// invoke:` and `// trap:` comments say (see `support::golden`). A block must check at
//! least one call, unless its fence says otherwise:
//!
//! - ```` ```claw,ignore-run ```` — compiled and validated, not run;
//! - ```` ```claw,compile-fail ```` — must not compile; each `// error: CODE` line in it names a
//!   diagnostic code that must be among the errors.
//!
//! Each block is one test, named after the section it is in and its line:
//! `docs::lists::L120`. WIT imports resolve against `tests/programs/wit/`, as for the golden
//! programs, and the examples are compiled as a file named `example.claw`.

mod support;

use std::process::ExitCode;

use claw_compiler::Resolve;
use libtest_mimic::{Arguments, Failed, Trial};
use support::golden;

/// The reference, relative to the workspace root.
const DOC: &str = "docs/language.md";

/// What a block's fence asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Run,
    IgnoreRun,
    CompileFail,
}

struct Block {
    /// The section slug and the 1-based line of the opening fence.
    section: String,
    line: usize,
    mode: Mode,
    text: String,
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let path = support::root().join(DOC);
    let doc = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read `{}`: {err}", path.display()));
    let resolve = support::load_wit("tests/programs/wit");
    let trials = match blocks(&doc) {
        Ok(blocks) => blocks
            .into_iter()
            .map(|block| {
                let resolve = resolve.clone();
                let name = format!("docs::{}::L{}", block.section, block.line);
                Trial::test(name, move || run_block(&block, resolve))
            })
            .collect(),
        Err(err) => vec![Trial::test("docs::parse", move || Err(err.into()))],
    };
    libtest_mimic::run(&args, trials).exit_code()
}

/// The `claw` blocks of the document, in order.
fn blocks(doc: &str) -> Result<Vec<Block>, String> {
    let mut res = Vec::new();
    let mut section = "top".to_owned();
    let mut lines = doc.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        if let Some(heading) = line.strip_prefix("## ") {
            section = slug(heading);
            continue;
        }
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut words = info.split(',').map(str::trim);
        let is_claw = words.next() == Some("claw");
        let mut mode = Mode::Run;
        for word in words {
            mode = match word {
                "ignore-run" => Mode::IgnoreRun,
                "compile-fail" => Mode::CompileFail,
                other => {
                    return Err(format!(
                        "{DOC}:{}: unknown block attribute `{other}`",
                        index + 1
                    ))
                }
            };
        }
        let mut text = String::new();
        let mut closed = false;
        for (_, line) in lines.by_ref() {
            if line.starts_with("```") {
                closed = true;
                break;
            }
            text.push_str(line);
            text.push('\n');
        }
        if !closed {
            return Err(format!("{DOC}:{}: the block is never closed", index + 1));
        }
        if is_claw {
            res.push(Block {
                section: section.clone(),
                line: index + 1,
                mode,
                text,
            });
        }
    }
    if res.is_empty() {
        return Err(format!("{DOC} has no ```claw blocks"));
    }
    Ok(res)
}

/// A heading as a test name: `4. Lists & tuples` becomes `lists-tuples`.
fn slug(heading: &str) -> String {
    let words: Vec<String> = heading
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

fn run_block(block: &Block, resolve: Resolve) -> Result<(), Failed> {
    let expectations = golden::parse_expectations(&block.text)?;
    match block.mode {
        Mode::CompileFail => {
            let codes: Vec<&str> = block
                .text
                .lines()
                .filter_map(|line| line.trim().strip_prefix("//"))
                .filter_map(|comment| comment.trim().strip_prefix("error:"))
                .map(|code| code.trim().trim_start_matches('[').trim_end_matches(']'))
                .collect();
            let diagnostics = match golden::compile("example.claw", &block.text, resolve) {
                Ok(_) => return Err("the example compiles, but it is marked compile-fail".into()),
                Err(diagnostics) => diagnostics,
            };
            let missing: Vec<&str> = codes
                .iter()
                .copied()
                .filter(|code| !diagnostics.iter().any(|d| d.code == *code))
                .collect();
            if !missing.is_empty() {
                return Err(format!(
                    "expected errors {missing:?}, got:\n{}",
                    golden::show_diagnostics(&block.text, &diagnostics)
                )
                .into());
            }
            Ok(())
        }
        Mode::IgnoreRun => {
            for level in golden::LEVELS {
                golden::compile_valid("example.claw", &block.text, resolve.clone(), level)?;
            }
            Ok(())
        }
        Mode::Run => {
            if expectations.is_empty() {
                return Err("no `// invoke:` or `// trap:` lines; mark the block \
                            `claw,ignore-run` if it cannot be run"
                    .into());
            }
            for level in golden::LEVELS {
                let component =
                    golden::compile_valid("example.claw", &block.text, resolve.clone(), level)?;
                golden::run_expectations(&component, &expectations)
                    .map_err(|err| format!("at {level:?}: {err}"))?;
            }
            golden::interpret_expectations("example.claw", &block.text, resolve, &expectations)?;
            Ok(())
        }
    }
}
