//! Running a Claw program against its own `// invoke:` and `// trap:` comments, shared by the
//! golden programs (`programs.rs`) and the examples of the language reference (`docs.rs`):
//!
//! ```text
//! // invoke: factorial(20) == 2432902008176640000    the call returns this (WAVE)
//! // invoke: reset()                                   the call returns nothing
//! // trap: divide(1, 0) ~ divide by zero               the call traps with this in the message
//! ```
//!
//! The calls run in order on one instance, so globals carry over from line to line. A trap
//! poisons an instance, so the line after a trap gets a fresh one. Imports are served by
//! [`test_host`].
//!
//! The same lines also hold for the reference interpreter ([`interpret_expectations`]), with
//! [`InterpHost`] serving the same imports: the compiler and the interpreter must agree on the
//! whole hand-written corpus, not only on random programs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::bail;
use claw_compiler::interp::CallError;
use claw_compiler::{Diagnostic, OptLevel, Resolve};
use claw_runtime::{Config, Host, RunError, Session, Val};
use claw_syntax::{FileId, LineIndex};
use wasm_wave::value::Value as WaveValue;
use wasm_wave::wasm::WasmValue;
use wasmparser::{Validator, WasmFeatures};

/// One expectation line.
pub enum Expect {
    /// `invoke: CALL == RESULT`, or `invoke: CALL` for a call with no result.
    Returns {
        call: String,
        result: Option<String>,
    },
    /// `trap: CALL ~ TEXT`
    Traps { call: String, message: String },
}

/// The `// invoke:` and `// trap:` lines of `text`, in order.
pub fn parse_expectations(text: &str) -> Result<Vec<Expect>, String> {
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
                return Err(format!("`{line}`: a trap line needs `CALL ~ MESSAGE`"));
            };
            res.push(Expect::Traps {
                call: call.trim().to_owned(),
                message: message.trim().to_owned(),
            });
        }
    }
    Ok(res)
}

/// The optimization levels every golden program, docs example and value suite runs at: the
/// IR as lowered, and fully optimized.
pub const LEVELS: [OptLevel; 2] = [OptLevel::O0, OptLevel::O2];

/// The levels golden programs also run at: `-Os` besides, whose component is shaped
/// differently (its internal names shortened) and whose inlining differs.
pub const ALL_LEVELS: [OptLevel; 3] = [OptLevel::O0, OptLevel::O2, OptLevel::Os];

/// Compiles `text` (reported as file `name`) at the default level, returning the component
/// or the diagnostics.
pub fn compile(name: &str, text: &str, resolve: Resolve) -> Result<Vec<u8>, Vec<Diagnostic>> {
    compile_at(name, text, resolve, OptLevel::default())
}

/// [`compile`] at optimization level `level`.
pub fn compile_at(
    name: &str,
    text: &str,
    resolve: Resolve,
    level: OptLevel,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    claw_compiler::compile_with(
        claw_compiler::Source {
            file: FileId(0),
            name,
            text,
        },
        resolve,
        claw_compiler::Options {
            opt_level: level,
            ..Default::default()
        },
    )
    .map(|compiled| compiled.component)
}

/// Diagnostics as one line each: `error[code] at LINE:COL (label): message`.
pub fn show_diagnostics(text: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(text);
    let lines: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let place = d.primary.as_ref().map_or(String::new(), |label| {
                let (line, col) = index.line_col(text, label.span.start as usize);
                format!(" at {line}:{col} ({})", label.message)
            });
            format!("error[{}]{place}: {}", d.code, d.message)
        })
        .collect();
    lines.join("\n")
}

/// Compiles `text` at `level` and checks that the component validates.
pub fn compile_valid(
    name: &str,
    text: &str,
    resolve: Resolve,
    level: OptLevel,
) -> Result<Vec<u8>, String> {
    let component = compile_at(name, text, resolve, level).map_err(|diagnostics| {
        format!("compile errors:\n{}", show_diagnostics(text, &diagnostics))
    })?;
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(&component)
        .map_err(|err| format!("the component does not validate: {err}"))?;
    Ok(component)
}

/// Runs the expectations through the reference interpreter instead of wasmtime, on a thread
/// with room for it: it recurses on the host stack, many frames per Claw call.
pub fn interpret_expectations(
    name: &str,
    text: &str,
    resolve: Resolve,
    expectations: &[Expect],
) -> Result<(), String> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(scope, || {
                interpret_on_this_thread(name, text, resolve, expectations)
            })
            .expect("a thread for the interpreter")
            .join()
            .unwrap_or_else(|_| Err("the interpreter panicked".into()))
    })
}

fn interpret_on_this_thread(
    name: &str,
    text: &str,
    resolve: Resolve,
    expectations: &[Expect],
) -> Result<(), String> {
    let new_instance = || {
        claw_compiler::interpret(
            claw_compiler::Source {
                file: FileId(0),
                name,
                text,
            },
            resolve.clone(),
            Box::new(InterpHost::default()),
        )
        .map_err(|diagnostics| show_diagnostics(text, &diagnostics))
    };
    check_lines(
        "interpreted ",
        expectations,
        new_instance,
        |instance, call| match instance.call(call) {
            Ok(value) => Called::Returned(wave_text(value)),
            Err(CallError::Trap(trap)) => Called::Trapped(trap.message),
            Err(CallError::Invoke(err)) => Called::Failed(err),
        },
    )
}

/// How one call went, on whichever side made it.
enum Called {
    Returned(Option<String>),
    Trapped(String),
    Failed(String),
}

/// Makes each expectation's call on an instance from `new` and collects what differs, with
/// `side` in front of each message. A trap poisons an instance, so the next line gets a fresh
/// one.
fn check_lines<I>(
    side: &str,
    expectations: &[Expect],
    new: impl Fn() -> Result<I, String>,
    call: impl Fn(&mut I, &str) -> Called,
) -> Result<(), String> {
    let mut instance = new()?;
    let mut failures = Vec::new();
    for expect in expectations {
        let (call_text, got) = match expect {
            Expect::Returns { call: text, .. } | Expect::Traps { call: text, .. } => {
                (text, call(&mut instance, text))
            }
        };
        let failure = match (expect, &got) {
            (Expect::Returns { result, .. }, Called::Returned(value)) if value == result => None,
            (Expect::Traps { message, .. }, Called::Trapped(got)) if got.contains(message) => None,
            (expect, got) => {
                let wanted = match expect {
                    Expect::Returns { result, .. } => show(result),
                    Expect::Traps { message, .. } => format!("a trap containing `{message}`"),
                };
                let happened = match got {
                    Called::Returned(value) => format!("returned {}", show(value)),
                    Called::Trapped(message) => format!("trapped: {message}"),
                    Called::Failed(err) => format!("failed: {err}"),
                };
                Some(format!("{side}`{call_text}` {happened}, expected {wanted}"))
            }
        };
        failures.extend(failure);
        if matches!(expect, Expect::Traps { .. }) || matches!(got, Called::Trapped(_)) {
            instance = new()?;
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// An interpreter's result as `claw run` prints it.
pub fn wave_text(value: Option<WaveValue>) -> Option<String> {
    value.map(|v| claw_runtime::to_wave(&claw_runtime::to_val(&v)))
}

/// [`test_host`]'s imports for the interpreter, over WAVE values.
#[derive(Default)]
pub struct InterpHost {
    log: String,
}

impl claw_compiler::interp::Host for InterpHost {
    fn call(
        &mut self,
        interface: Option<&str>,
        name: &str,
        args: &[WaveValue],
    ) -> Result<Option<WaveValue>, String> {
        Ok(match (interface, name, args) {
            (None, "double", [x]) => Some(WaveValue::make_u32(x.unwrap_u32().wrapping_mul(2))),
            (None, "greet-host", [who]) => Some(WaveValue::make_string(
                format!("host says hi to {}", who.unwrap_string()).into(),
            )),
            (Some("claw:test/logging"), "log", [level, message]) => {
                self.log = format!("{}: {}", level.unwrap_enum(), message.unwrap_string());
                None
            }
            (Some("claw:test/logging"), "last", []) => {
                Some(WaveValue::make_string(self.log.clone().into()))
            }
            (Some("claw:clock/time@1.2.3"), "now", []) => Some(WaveValue::make_u64(1_700_000_000)),
            _ => return Err(format!("the test host has no `{name}` in {interface:?}")),
        })
    }
}

/// Instantiates `component` on the test host and checks every expectation in order.
pub fn run_expectations(component: &[u8], expectations: &[Expect]) -> Result<(), String> {
    let log = Arc::new(Mutex::new(String::new()));
    let host = test_host(&log);
    let config = Config {
        inherit_stdio: false,
        args: Vec::new(),
        // A miscompiled loop should fail its test, not hang the suite.
        timeout: Some(Duration::from_secs(20)),
    };
    let new_session = || {
        Session::new(component, &host, &config).map_err(|err| format!("cannot instantiate: {err}"))
    };
    check_lines(
        "",
        expectations,
        new_session,
        |session, call| match session.invoke(call) {
            Ok(value) => Called::Returned(value),
            Err(RunError::Trap { message, .. }) => Called::Trapped(message),
            Err(err) => Called::Failed(err.to_string()),
        },
    )
}

fn show(result: &Option<String>) -> String {
    match result {
        Some(text) => format!("`{text}`"),
        None => "nothing".to_owned(),
    }
}

/// The imports test programs may use: root functions `double` and `greet-host`, the
/// `claw:test/logging` interface of `tests/programs/wit/` (`log` keeps the latest message in
/// `log`, `last` reads it back) and `claw:clock/time@1.2.3`, whose `now` is always 1700000000.
pub fn test_host(log: &Arc<Mutex<String>>) -> Host {
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
