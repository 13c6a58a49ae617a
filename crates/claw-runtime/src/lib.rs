//! The wasmtime embedding behind `claw run` and `claw test`: instantiate a component with WASI
//! Preview 2 plus embedder-supplied host functions, then call its exports by name with WAVE text
//! (`add(2, 3)`) or with already-built [`Val`]s, keeping one instance alive across calls so guest
//! state persists.
//!
//! Nothing here knows about Claw source: the input is a component binary, and errors are plain
//! data ([`RunError`]) that the CLI renders. Calls are synchronous; HTTP services, served by
//! [`Server`] (`claw serve`) or reached by a test's requests, run on tokio, which `wasi:http`
//! is built on.

mod compose;
mod config;
mod engine;
mod error;
mod exports;
mod fuzz;
mod host;
mod http;
mod imports;
pub mod property;
mod serve;
mod session;
mod store;
mod test_runner;
mod wave;

pub use compose::{compose, Part};
pub use config::{Config, Preopen, Sandbox};
pub use error::RunError;
pub use fuzz::{Budget, Finding, Fuzzer, Target};
pub use host::Host;
pub use http::is_http_service;
pub use serve::{RequestLog, Server};
pub use session::Session;
pub use test_runner::{Properties, TestCase, TestFailure, TestResult, TestSuite};
pub use wave::{to_val, to_wave};

/// A component-model value, re-exported so embedders can build arguments and read results without
/// depending on wasmtime themselves.
pub use wasmtime::component::Val;
