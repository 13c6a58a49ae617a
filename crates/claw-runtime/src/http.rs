//! The `wasi:http` side of a store: the context `wasmtime-wasi-http` keeps per instance, and the
//! hooks that decide where a guest's outgoing requests go.

use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpHooks};

/// Per-store `wasi:http` state.
#[derive(Default)]
pub(crate) struct HttpState {
    pub(crate) ctx: WasiHttpCtx,
    pub(crate) hooks: HttpHooks,
}

/// Outgoing requests go to the network, as `wasmtime serve` sends them.
#[derive(Default)]
pub(crate) struct HttpHooks;

impl WasiHttpHooks for HttpHooks {}
