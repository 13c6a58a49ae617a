//! [`RunError`], everything that can go wrong between a component binary and a call's result,
//! and the one place where wasmtime's errors are sorted into it.
//!
//! wasmtime 48 reports a failed call as a `wasmtime::Error` whose root cause is a [`Trap`] for
//! guest faults or whatever a host function returned, with the guest's stack attached as a
//! [`WasmBacktrace`] context; [`from_call_error`] takes that apart.

use std::fmt;
use std::time::Duration;

use crate::config::Settings;

use wasmtime::{Trap, WasmBacktrace};
use wasmtime_wasi::I32Exit;

/// Why a component could not be loaded or a call did not return.
#[derive(Debug)]
pub enum RunError {
    /// Before instantiation: an import neither WASI Preview 2 nor the [`Host`](crate::Host)
    /// provides. `name` is the import (`double`), the interface (`docs:visits/store@0.1.0`), or
    /// the interface and the function the host left out (`docs:visits/store@0.1.0#get`).
    UnsatisfiedImport { name: String },
    /// When composing: `importer` (a part's name) imports `name`, which no other part can
    /// supply and neither WASI nor the [`Host`](crate::Host) provides; `why` says why a part
    /// that exports it was not used, if one does.
    UnsatisfiedComposedImport {
        name: String,
        importer: String,
        why: Option<String>,
    },
    /// The call itself is wrong: unknown or ambiguous export, bad WAVE syntax, an argument that
    /// doesn't fit its parameter's type, the wrong number of arguments.
    Invoke(String),
    /// The guest trapped, or a host function it called failed.
    Trap {
        /// What happened: the trap (`integer divide by zero`) or the host function's error.
        message: String,
        /// The innermost function on the guest stack that has a name in its module's name
        /// section; for Claw-built components, the Claw function that trapped.
        function: Option<String>,
        /// The guest stack, innermost frame first, one frame per line.
        backtrace: String,
    },
    /// A call used up its fuel ([`Sandbox::fuel`](crate::Sandbox::fuel)).
    OutOfFuel {
        limit: u64,
        /// The innermost named guest function, as for [`RunError::Trap`].
        function: Option<String>,
    },
    /// A linear memory would have grown past [`Sandbox::max_memory`](crate::Sandbox::max_memory) bytes.
    MemoryLimit { limit: usize },
    /// A call ran longer than [`Config::timeout`](crate::Config::timeout).
    Timeout {
        limit: Duration,
        /// The innermost named guest function, as for [`RunError::Trap`].
        function: Option<String>,
    },
    /// The guest called WASI `exit` with this status (including 0).
    Exit { code: i32 },
    /// Anything else, such as a binary that isn't a valid component.
    Other(anyhow::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::UnsatisfiedImport { name } => {
                write!(f, "the host cannot satisfy import `{name}`")
            }
            RunError::UnsatisfiedComposedImport { name, importer, .. } => write!(
                f,
                "import `{name}` of `{importer}` is not satisfied by any composed component or \
                 by the host"
            ),
            RunError::Invoke(message) => f.write_str(message),
            RunError::Trap {
                message,
                function: Some(function),
                ..
            } => write!(f, "trap in `{function}`: {message}"),
            RunError::Trap { message, .. } => write!(f, "trap: {message}"),
            RunError::OutOfFuel {
                limit,
                function: Some(function),
            } => write!(f, "`{function}` ran out of fuel (limit {limit})"),
            RunError::OutOfFuel { limit, .. } => write!(f, "ran out of fuel (limit {limit})"),
            RunError::MemoryLimit { limit } => {
                write!(f, "memory limit of {limit} bytes exceeded")
            }
            RunError::Timeout {
                limit,
                function: Some(function),
            } => write!(f, "`{function}` timed out after {limit:?}"),
            RunError::Timeout { limit, .. } => write!(f, "timed out after {limit:?}"),
            RunError::Exit { code } => write!(f, "the component exited with status {code}"),
            // The alternate form prints the whole context chain on one line, so the message is
            // complete on its own and `source` stays empty to avoid printing it twice.
            RunError::Other(err) => write!(f, "{err:#}"),
        }
    }
}

impl std::error::Error for RunError {}

impl From<wasmtime::Error> for RunError {
    fn from(err: wasmtime::Error) -> RunError {
        RunError::Other(to_anyhow(err))
    }
}

/// Converts wasmtime's error type into anyhow's, keeping the context chain as `source`s. (The
/// direct conversion needs wasmtime's `anyhow` feature, which this workspace doesn't enable.)
pub(crate) fn to_anyhow(err: wasmtime::Error) -> anyhow::Error {
    anyhow::Error::from_boxed(err.into())
}

/// The error the store's limiter raises when a memory would outgrow [`Sandbox::max_memory`](crate::Sandbox::max_memory).
#[derive(Debug)]
pub(crate) struct MemoryLimitExceeded {
    pub(crate) limit: usize,
}

impl fmt::Display for MemoryLimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "memory limit of {} bytes exceeded", self.limit)
    }
}

impl std::error::Error for MemoryLimitExceeded {}

/// Sorts the error from a call (or from instantiation, which runs start code) into guest exit,
/// exceeded limit, trap, host failure or other; `settings` hold the limits that explain an out-of-fuel
/// trap or an epoch interrupt.
pub(crate) fn from_call_error(err: wasmtime::Error, settings: &Settings) -> RunError {
    if let Some(exit) = err.downcast_ref::<I32Exit>() {
        return RunError::Exit { code: exit.0 };
    }
    if let Some(exceeded) = err.downcast_ref::<MemoryLimitExceeded>() {
        return RunError::MemoryLimit {
            limit: exceeded.limit,
        };
    }
    let backtrace = err.downcast_ref::<WasmBacktrace>();
    let function = || backtrace.and_then(innermost_named_function);
    let message = match (err.downcast_ref::<Trap>(), settings.config.timeout) {
        (Some(Trap::Interrupt), Some(limit)) => {
            return RunError::Timeout {
                limit,
                function: function(),
            };
        }
        (Some(Trap::OutOfFuel), _) => {
            return RunError::OutOfFuel {
                limit: settings.sandbox.fuel.unwrap_or(u64::MAX),
                function: function(),
            };
        }
        // After a trap wasmtime refuses to enter the instance again; the error carries no guest
        // frames because the guest never ran.
        (Some(Trap::CannotEnterComponent), _) if backtrace.is_none() => {
            return RunError::Invoke(
                "the instance trapped in an earlier call and cannot be called again; \
                 start a new session"
                    .to_owned(),
            );
        }
        // Claw's compiler traps by calling a function named `claw:trap:REASON`.
        (Some(Trap::UnreachableCodeReached), _) if claw_trap_reason(backtrace).is_some() => {
            let reason = claw_trap_reason(backtrace).unwrap_or_default();
            return RunError::Trap {
                message: reason,
                function: backtrace.and_then(|b| {
                    b.frames()
                        .iter()
                        .skip(1)
                        .find_map(|frame| frame.func_name())
                        .map(str::to_owned)
                }),
                backtrace: backtrace.map(render_backtrace).unwrap_or_default(),
            };
        }
        // wasmtime's `Display` says "wasm trap: …"; the variant already says it's a trap.
        (Some(trap), _) => {
            let message = trap.to_string();
            match message.strip_prefix("wasm trap: ") {
                Some(rest) => rest.to_owned(),
                None => message,
            }
        }
        // A host function failed: its error is the rest of the chain under the backtrace. The
        // backtrace layer is recognised by its text because the chain hands out context layers
        // as wrappers that don't downcast to their payload.
        (None, _) if backtrace.is_some() => {
            let backtrace_text = backtrace.map(ToString::to_string).unwrap_or_default();
            err.chain()
                .map(|cause| cause.to_string())
                .filter(|cause| *cause != backtrace_text)
                .collect::<Vec<_>>()
                .join(": ")
        }
        // Without a trap or guest frames the call never entered the guest.
        (None, _) => return RunError::Other(to_anyhow(err)),
    };
    RunError::Trap {
        message,
        function: function(),
        backtrace: backtrace.map(render_backtrace).unwrap_or_default(),
    }
}

/// The reason a Claw component gave for trapping, from the name of its innermost frame.
fn claw_trap_reason(backtrace: Option<&WasmBacktrace>) -> Option<String> {
    let frame = backtrace?.frames().first()?;
    let name = frame.func_name()?.strip_prefix("claw:trap:")?;
    Some(name.to_owned())
}

fn innermost_named_function(backtrace: &WasmBacktrace) -> Option<String> {
    // Frames come innermost first. wit-component's generated modules (`wit-component:shim`,
    // `wit-component:fixups`, adapters) name their functions after the import they forward to,
    // which says nothing about where the guest was, so they are passed over.
    backtrace
        .frames()
        .iter()
        .filter(|frame| {
            !frame
                .module()
                .name()
                .is_some_and(|name| name.starts_with("wit-component:"))
        })
        .find_map(|frame| frame.func_name())
        .map(str::to_owned)
}

/// One line per frame: index, function (or its index when unnamed), and the source position
/// when the module carries DWARF. wasmtime's own `Display` adds a header and an environment
/// hint that don't belong in `claw` output.
fn render_backtrace(backtrace: &WasmBacktrace) -> String {
    let mut out = String::new();
    for (i, frame) in backtrace.frames().iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let module = frame.module().name().unwrap_or("<unknown>");
        match frame.func_name() {
            Some(name) => out.push_str(&format!("{i:>3}: {module}!{name}")),
            None => out.push_str(&format!(
                "{i:>3}: {module}!<wasm function {}>",
                frame.func_index()
            )),
        }
        for symbol in frame.symbols() {
            if let (Some(file), Some(line)) = (symbol.file(), symbol.line()) {
                match symbol.column() {
                    Some(column) if column > 0 => {
                        out.push_str(&format!("\n       at {file}:{line}:{column}"))
                    }
                    _ => out.push_str(&format!("\n       at {file}:{line}")),
                }
            }
        }
    }
    out
}
