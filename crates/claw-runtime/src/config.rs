//! [`Config`]: the knobs an embedder sets per [`Session`](crate::Session) — what the guest sees of
//! the process (stdio, arguments) and how long a single call may run.

use std::time::Duration;

/// Per-session settings; `Config::default()` is what `claw run` wants.
#[derive(Clone, Debug)]
pub struct Config {
    /// Connect the guest's WASI stdin/stdout/stderr to the host process's. When false the guest
    /// reads an empty stdin and its output is discarded, which keeps test output clean.
    pub inherit_stdio: bool,
    /// The guest's WASI command-line arguments (by convention the first is the program name).
    pub args: Vec<String>,
    /// Wall-clock limit for each call; a call running longer traps. `None` lets calls run forever,
    /// which is right for `claw run` but lets a runaway loop hang `claw test`.
    pub timeout: Option<Duration>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            inherit_stdio: true,
            args: Vec::new(),
            timeout: None,
        }
    }
}
