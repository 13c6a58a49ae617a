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
//! `tests/programs/wit/`.

mod support;

use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::bail;
use claw_compiler::Resolve;
use claw_runtime::{Config, Host, RunError, Session, Val};
use claw_syntax::{FileId, LineIndex};
use libtest_mimic::{Arguments, Failed, Trial};
use wasmparser::{Validator, WasmFeatures};

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

/// One expectation line.
enum Expect {
    /// `invoke: CALL == RESULT`, or `invoke: CALL` for a call with no result.
    Returns {
        call: String,
        result: Option<String>,
    },
    /// `trap: CALL ~ TEXT`
    Traps { call: String, message: String },
}

fn run_program(path: &Path, resolve: Resolve) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path).map_err(|err| err.to_string())?;
    let expectations = parse_expectations(&text)?;
    if expectations.is_empty() {
        return Err(
            "no `// invoke:` or `// trap:` lines; a golden program must check something".into(),
        );
    }

    let compiled = claw_compiler::compile(
        claw_compiler::Source {
            file: FileId(0),
            name: path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("test.claw"),
            text: &text,
        },
        resolve,
    )
    .map_err(|diagnostics| {
        let index = LineIndex::new(&text);
        let lines: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                let place = d.primary.as_ref().map_or(String::new(), |label| {
                    let (line, col) = index.line_col(&text, label.span.start as usize);
                    format!(" at {line}:{col} ({})", label.message)
                });
                format!("error[{}]{place}: {}", d.code, d.message)
            })
            .collect();
        format!("compile errors:\n{}", lines.join("\n"))
    })?;
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(&compiled.component)
        .map_err(|err| format!("the component does not validate: {err}"))?;

    let log = Arc::new(Mutex::new(String::new()));
    let host = test_host(&log);
    let config = Config {
        inherit_stdio: false,
        args: Vec::new(),
        // A miscompiled loop should fail its test, not hang the suite.
        timeout: Some(Duration::from_secs(20)),
    };
    let new_session = || {
        Session::new(&compiled.component, &host, &config)
            .map_err(|err| format!("cannot instantiate: {err}"))
    };
    let mut session = new_session()?;
    let mut failures = Vec::new();
    for expect in &expectations {
        match expect {
            Expect::Returns { call, result } => match session.invoke(call) {
                Ok(got) if got == *result => {}
                Ok(got) => failures.push(format!(
                    "`{call}` returned {}, expected {}",
                    show(&got),
                    show(result)
                )),
                Err(err) => {
                    failures.push(format!("`{call}` failed: {err}, expected {}", show(result)));
                    if matches!(err, RunError::Trap { .. }) {
                        session = new_session()?;
                    }
                }
            },
            Expect::Traps { call, message } => {
                match session.invoke(call) {
                    Err(RunError::Trap { message: got, .. }) if got.contains(message.as_str()) => {}
                    Err(err) => failures.push(format!(
                        "`{call}` failed with `{err}`, expected a trap containing `{message}`"
                    )),
                    Ok(got) => failures.push(format!(
                        "`{call}` returned {}, expected a trap containing `{message}`",
                        show(&got)
                    )),
                }
                session = new_session()?;
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}

fn show(result: &Option<String>) -> String {
    match result {
        Some(text) => format!("`{text}`"),
        None => "nothing".to_owned(),
    }
}

fn parse_expectations(text: &str) -> Result<Vec<Expect>, Failed> {
    let mut res = Vec::new();
    for line in text.lines() {
        let Some(comment) = line.trim().strip_prefix("//") else {
            continue;
        };
        let comment = comment.trim();
        if let Some(rest) = comment.strip_prefix("invoke:") {
            let (call, result) = match rest.split_once(" == ") {
                Some((call, result)) => (call, Some(result.trim().to_owned())),
                None => (rest, None),
            };
            res.push(Expect::Returns {
                call: call.trim().to_owned(),
                result,
            });
        } else if let Some(rest) = comment.strip_prefix("trap:") {
            let Some((call, message)) = rest.split_once(" ~ ") else {
                return Err(format!("`{line}`: a trap line needs `CALL ~ MESSAGE`").into());
            };
            res.push(Expect::Traps {
                call: call.trim().to_owned(),
                message: message.trim().to_owned(),
            });
        }
    }
    Ok(res)
}

/// The imports golden programs may use; `log` is where `logging` keeps its messages.
fn test_host(log: &Arc<Mutex<String>>) -> Host {
    let mut host = Host::new();
    host.func("double", |args, results| {
        let [Val::U32(x)] = args else {
            bail!("double: expected one u32, got {args:?}")
        };
        results[0] = Val::U32(x.wrapping_mul(2));
        Ok(())
    });
    host.func("greet-host", |args, results| {
        let [Val::String(name)] = args else {
            bail!("greet-host: expected one string, got {args:?}")
        };
        results[0] = Val::String(format!("host says hi to {name}"));
        Ok(())
    });
    let sink = log.clone();
    host.interface_func("claw:test/logging", "log", move |args, _| {
        let [Val::Enum(level), Val::String(message)] = args else {
            bail!("log: expected a level and a string, got {args:?}")
        };
        *sink.lock().unwrap() = format!("{level}: {message}");
        Ok(())
    });
    host.interface_func("claw:clock/time@1.2.3", "now", |_, results| {
        results[0] = Val::U64(1_700_000_000);
        Ok(())
    });
    let source = log.clone();
    host.interface_func("claw:test/logging", "last", move |_, results| {
        results[0] = Val::String(source.lock().unwrap().clone());
        Ok(())
    });
    host
}
