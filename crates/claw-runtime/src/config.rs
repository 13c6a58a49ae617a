//! [`Config`] and [`Sandbox`]: the knobs an embedder sets per [`Session`](crate::Session) or
//! [`TestSuite`](crate::TestSuite). `Config` says what the guest sees of the process (stdio,
//! arguments) and how long a call may run; `Sandbox` grants capabilities (environment
//! variables, directories) and limits consumption (fuel, memory).
//!
//! Capabilities are off by default: a guest gets no files, no environment variables and no
//! network (outgoing HTTP) unless the embedder grants them. (The two structs are separate because embedders
//! build `Config` as a literal with all its fields; new settings go into `Sandbox`.)

use std::path::PathBuf;
use std::time::Duration;

/// Per-session settings; `Config::default()` is what `claw run` wants.
#[derive(Clone, Debug)]
pub struct Config {
    /// Connect the guest's WASI stdin/stdout/stderr to the host process's. When false the guest
    /// reads an empty stdin and its output is discarded (a [`TestSuite`](crate::TestSuite)
    /// captures it instead).
    pub inherit_stdio: bool,
    /// The guest's WASI command-line arguments (by convention the first is the program name).
    pub args: Vec<String>,
    /// Wall-clock limit for each call; a call running longer fails with
    /// [`RunError::Timeout`](crate::RunError::Timeout). `None` lets calls run forever.
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

/// What a guest may use beyond computing; `Sandbox::default()` grants nothing and limits nothing.
#[derive(Clone, Debug, Default)]
pub struct Sandbox {
    /// Environment variables the guest sees, in order.
    pub env: Vec<(String, String)>,
    /// Host directories the guest may read and write, each under a guest path.
    pub dirs: Vec<Preopen>,
    /// Whether the guest's outgoing HTTP requests (`wasi:http/outgoing-handler`) may go to
    /// the network; otherwise they are denied, except those an HTTP service given to
    /// [`Host::http_service`](crate::Host::http_service) answers.
    pub network: bool,
    /// Fuel for each call (roughly one unit per Wasm instruction); running out fails with
    /// [`RunError::OutOfFuel`](crate::RunError::OutOfFuel). `None` is unlimited.
    pub fuel: Option<u64>,
    /// The most bytes each linear memory may grow to; growing past it fails with
    /// [`RunError::MemoryLimit`](crate::RunError::MemoryLimit). `None` is unlimited.
    pub max_memory: Option<usize>,
    /// The most bytes of stack the guest's calls may use together (wasmtime's
    /// `max_wasm_stack`); deeper recursion traps with `call stack exhausted`. `None` keeps
    /// wasmtime's default, [`DEFAULT_MAX_STACK`]. Wasm runs on the calling thread's stack, so
    /// a thread that calls the guest needs [`Sandbox::native_stack`] bytes of stack.
    pub max_stack: Option<usize>,
}

/// wasmtime's default limit on the stack Wasm may use: 512 KiB, which is room for some
/// thousands of frames of a small recursive function.
pub const DEFAULT_MAX_STACK: usize = 512 << 10;

impl Sandbox {
    /// The stack a thread needs to call the guest: its Wasm stack limit plus room for the
    /// host's own frames.
    pub fn native_stack(&self) -> usize {
        self.max_stack.unwrap_or(DEFAULT_MAX_STACK) + (8 << 20)
    }
}

/// A host directory made visible to the guest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preopen {
    pub host: PathBuf,
    /// Where the guest finds it, such as `/data` or `.`.
    pub guest: String,
}

/// Both halves together, as the store and error sorting need them, and what the engine and
/// the host add.
#[derive(Clone, Debug, Default)]
pub(crate) struct Settings {
    pub(crate) config: Config,
    pub(crate) sandbox: Sandbox,
    /// Whether the engine counts fuel and epochs for every store (the shared engine does),
    /// rather than only where a limit is set (`claw serve`'s).
    pub(crate) metered: bool,
    /// The HTTP services outgoing requests may reach in-process, by host name.
    pub(crate) routes: Vec<std::sync::Arc<crate::http::Route>>,
    /// How many routed requests the store's instance is inside: a service that calls
    /// itself must stop somewhere.
    pub(crate) route_depth: u32,
}

impl Settings {
    /// Settings for the shared engine, with `host`'s HTTP services compiled for it.
    pub(crate) fn shared(
        engine: &'static wasmtime::Engine,
        host: &crate::host::Host,
        config: &Config,
        sandbox: &Sandbox,
    ) -> Result<Settings, crate::RunError> {
        let routes = host
            .http_services
            .iter()
            .map(|(name, wasm)| {
                crate::http::Route::new(engine, name, wasm).map(std::sync::Arc::new)
            })
            .collect::<Result<_, _>>()?;
        Ok(Settings {
            config: config.clone(),
            sandbox: sandbox.clone(),
            metered: true,
            routes,
            route_depth: 0,
        })
    }
}
