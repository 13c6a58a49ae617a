//! [`Server`]: any `wasi:http` proxy component (one exporting `wasi:http/incoming-handler`)
//! behind an HTTP/1.1 server, as `claw serve` runs it.
//!
//! The component is compiled and linked once; every request gets a fresh instance in a fresh
//! store, made from the pre-instantiated component with the pooling allocator, so one request
//! cannot see another's state and instantiation costs microseconds. The sandbox's limits hold
//! per request: a request that runs out of fuel, memory or time, or whose handler traps, gets a
//! `500` and a log line, and the server goes on serving.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::server::conn::http1;
use wasmtime::{Engine, InstanceAllocationStrategy, PoolingAllocationConfig};
use wasmtime_wasi_http::handler::{
    self, HandlerState, Instance, ProxyHandler, ShouldAccept, WorkerExpiration, WorkerState,
    WorkerStatus,
};
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::p3::bindings::ServicePre;
use wasmtime_wasi_http::WasiHttpView;

use crate::config::{Config, Sandbox, Settings, DEFAULT_MAX_STACK};
use crate::error::{from_call_error, RunError};
use crate::http::{handle_fresh, handle_kept, not_a_service, Handling, Kept};
use crate::store::new_store;
use crate::store::State;

/// A bound listening socket and the component that answers on it.
pub struct Server {
    listener: std::net::TcpListener,
    shared: Shared,
}

/// What every request's task needs.
struct Shared {
    handler: Handler,
    engine: &'static Engine,
    settings: Settings,
}

/// How a request reaches the guest.
enum Handler {
    /// A WASI 0.2 service: this server calls its handler once per request. With
    /// [`Server::keep_instance`], `kept` has the one instance, made on the first request, and
    /// made again after one fails.
    Wasi02 {
        pre: ProxyPre<State>,
        kept: Option<Arc<tokio::sync::Mutex<Option<Kept>>>>,
    },
    /// A WASI 0.3 service, whose calls are concurrent and need the store's event loop
    /// running for as long as a response's body streams: `wasmtime-wasi-http`'s handler
    /// drives that.
    Wasi03(ProxyHandler<Wasi03>),
}

/// One request, as the server logs it.
#[derive(Debug)]
pub struct RequestLog {
    pub method: String,
    /// The path and query, as the client sent them.
    pub path: String,
    pub status: u16,
    /// From the request's arrival to its response's head.
    pub elapsed: Duration,
    /// Why the guest failed this request: a trap, an exceeded limit, no response given. A
    /// failure before the response's head makes the status `500`; one after it (while writing
    /// the body) is logged with the status already sent.
    pub error: Option<RunError>,
}

/// How long a stopping server waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(5);

impl Server {
    /// Compiles `wasm`, links it against WASI and `wasi:http`, and binds `addr` (port 0 picks a
    /// free one). `config.inherit_stdio` connects the guest's stdout and stderr to the server's.
    pub fn bind(
        wasm: &[u8],
        addr: SocketAddr,
        config: &Config,
        sandbox: &Sandbox,
    ) -> Result<Server, RunError> {
        let settings = Settings {
            config: config.clone(),
            sandbox: sandbox.clone(),
            ..Settings::default()
        };
        let engine = serving_engine(&settings)?;
        let component = crate::session::load(engine, wasm)?;
        let pre = crate::http::linker(engine, true)?
            .instantiate_pre(&component)
            .map_err(crate::imports::from_link_error)?;
        let handler = match ServicePre::new(pre.clone()) {
            Ok(service) => Handler::Wasi03(ProxyHandler::new(Wasi03 {
                pre: handler::ProxyPre::P3(service),
                engine,
                settings: settings.clone(),
                keep: Arc::new(AtomicBool::new(false)),
            })),
            Err(_) => Handler::Wasi02 {
                pre: ProxyPre::new(pre).map_err(|_| not_a_service())?,
                kept: None,
            },
        };
        let listener = std::net::TcpListener::bind(addr)
            .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
            .map_err(|err| RunError::Other(anyhow::anyhow!("cannot listen on {addr}: {err}")))?;
        Ok(Server {
            listener,
            shared: Shared {
                handler,
                engine,
                settings,
            },
        })
    }

    /// Serve every request from one instance (in turn for WASI 0.2, concurrently for 0.3)
    /// rather than a fresh instance each:
    /// its globals then last from one request to the next (a mock or a demo keeping state).
    /// An instance that fails a request is replaced by a fresh one for the next.
    pub fn keep_instance(mut self) -> Server {
        match &mut self.shared.handler {
            Handler::Wasi02 { kept, .. } => *kept = Some(Arc::new(tokio::sync::Mutex::new(None))),
            // A WASI 0.3 instance takes requests concurrently, so one is enough.
            Handler::Wasi03(handler) => handler.state().keep.store(true, Ordering::Relaxed),
        }
        self
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound socket has an address")
    }

    /// Serves until Ctrl-C (or SIGTERM), calling `log` once for each request.
    pub fn run(self, log: impl Fn(&RequestLog) + Send + Sync + 'static) -> Result<(), RunError> {
        self.run_until(log, stop_signal())
    }

    /// Serves until `stop` completes, then stops accepting connections and gives the requests
    /// in flight a few seconds to finish.
    pub fn run_until(
        self,
        log: impl Fn(&RequestLog) + Send + Sync + 'static,
        stop: impl Future<Output = ()> + Send,
    ) -> Result<(), RunError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|err| RunError::Other(err.into()))?;
        let Server { listener, shared } = self;
        let shared = Arc::new(shared);
        let log: Arc<dyn Fn(&RequestLog) + Send + Sync> = Arc::new(log);
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)
                .map_err(|err| RunError::Other(err.into()))?;
            let graceful = hyper_util::server::graceful::GracefulShutdown::new();
            tokio::pin!(stop);
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        // A failed accept (a client gone already, no file descriptors left)
                        // concerns one connection, not the server.
                        let Ok((stream, _)) = accepted else { continue };
                        let _ = stream.set_nodelay(true);
                        let (shared, log) = (shared.clone(), log.clone());
                        let service = hyper::service::service_fn(move |request| {
                            let (shared, log) = (shared.clone(), log.clone());
                            async move { Ok::<_, Infallible>(shared.answer(request, log).await) }
                        });
                        let connection = http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(stream), service);
                        let connection = graceful.watch(connection);
                        // Malformed HTTP ends its own connection (hyper answers 400 where it
                        // can); nothing to report beyond that.
                        tokio::spawn(async move {
                            let _ = connection.await;
                        });
                    }
                    () = &mut stop => break,
                }
            }
            drop(listener);
            tokio::select! {
                () = graceful.shutdown() => {}
                () = tokio::time::sleep(DRAIN) => {}
            }
            Ok(())
        })
    }
}

impl Shared {
    /// The guest's response to `request`, or a `500` when the guest fails it.
    async fn answer(
        self: Arc<Self>,
        request: hyper::Request<hyper::body::Incoming>,
        log: Arc<dyn Fn(&RequestLog) + Send + Sync>,
    ) -> hyper::Response<HyperOutgoingBody> {
        let start = Instant::now();
        let method = request.method().to_string();
        let path = request
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), ToString::to_string);
        // A request must say which host it is for (HTTP/1.1 requires `Host`); without one
        // it is the client's mistake, and the guest never sees it.
        let addressed = request.uri().authority().is_some()
            || request.headers().contains_key(hyper::header::HOST);
        let (response, error, rest) = if !addressed {
            (
                plain(hyper::StatusCode::BAD_REQUEST, "no Host header\n"),
                None,
                None,
            )
        } else {
            match self.clone().handle(request).await {
                Ok((response, rest)) => (response, None, Some(rest)),
                Err(err) => (
                    plain(
                        hyper::StatusCode::INTERNAL_SERVER_ERROR,
                        "internal server error\n",
                    ),
                    Some(err),
                    None,
                ),
            }
        };
        let entry = RequestLog {
            method,
            path,
            status: response.status().as_u16(),
            elapsed: start.elapsed(),
            error,
        };
        log(&entry);
        // The handler may still be writing the body; a failure there is logged when it ends.
        if let Some(rest) = rest {
            tokio::spawn(async move {
                if let Ok(Err(err)) = rest.await {
                    log(&RequestLog {
                        error: Some(err),
                        elapsed: start.elapsed(),
                        ..entry
                    });
                }
            });
        }
        response
    }

    /// Runs the handler until it sets the response; returns the response and the task still
    /// running the handler.
    async fn handle(
        self: Arc<Self>,
        request: hyper::Request<hyper::body::Incoming>,
    ) -> Result<(hyper::Response<HyperOutgoingBody>, Handling), RunError> {
        match &self.handler {
            Handler::Wasi02 { pre, kept: None } => {
                handle_fresh(pre, self.engine, &self.settings, request).await
            }
            Handler::Wasi02 {
                pre,
                kept: Some(kept),
            } => {
                let kept = kept.clone().lock_owned().await;
                handle_kept(pre, self.engine, &self.settings, kept, request).await
            }
            Handler::Wasi03(handler) => {
                let request = request.map(|body| body.map_err(Into::into).boxed_unsync());
                let response = handler
                    .handle((), request)
                    .await
                    .map_err(|err| from_call_error(err, &self.settings))?;
                // The handler's worker goes on until the body is out; nothing to wait for.
                Ok((response, tokio::spawn(async { Ok(()) })))
            }
        }
    }
}

/// What `ProxyHandler` needs to make instances of a WASI 0.3 service: a fresh one for each
/// request, or with `keep` one for all.
struct Wasi03 {
    pre: handler::ProxyPre<State>,
    engine: &'static Engine,
    settings: Settings,
    keep: Arc<AtomicBool>,
}

impl HandlerState for Wasi03 {
    type StoreData = State;
    type WorkerExpiration = Unbounded;
    type WorkerState = Requests;

    async fn instantiate(&self) -> wasmtime::Result<Instance<State, Unbounded, Requests>> {
        let mut store =
            new_store(self.engine, &self.settings).map_err(|err| wasmtime::format_err!("{err}"))?;
        let proxy = self.pre.instantiate_async(&mut store).await?;
        Ok(Instance {
            store,
            proxy,
            view: <State as WasiHttpView>::http,
            expiration: Unbounded,
            state: Requests {
                keep: self.keep.load(Ordering::Relaxed),
                engine: self.engine,
                settings: self.settings.clone(),
            },
        })
    }
}

/// Limits come from the store (fuel, the epoch deadline, the memory limiter), not from
/// the worker's age.
struct Unbounded;

impl WorkerExpiration for Unbounded {
    fn poll(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
        _state: WorkerStatus,
        _start: Instant,
    ) -> std::task::Poll<()> {
        std::task::Poll::Pending
    }
}

/// Which requests an instance takes: its first only, or with `keep` every one; each gets
/// the limits afresh.
struct Requests {
    keep: bool,
    engine: &'static Engine,
    settings: Settings,
}

impl WorkerState for Requests {
    type StoreData = State;
    type RequestData = ();

    fn should_accept_request(&self, _concurrent: usize, total: usize) -> ShouldAccept {
        if self.keep || total == 0 {
            ShouldAccept::Yes
        } else {
            ShouldAccept::Never
        }
    }

    fn on_request_start(
        &self,
        mut store: wasmtime::StoreContextMut<'_, State>,
        _data: (),
        _task: wasmtime::component::GuestTaskId,
    ) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send + Sync>> {
        // A kept instance serves many requests: each gets a full tank and a fresh deadline.
        // (A store with no fuel counted refuses `set_fuel`, so only a set limit is applied.)
        if let Some(fuel) = self.settings.sandbox.fuel {
            let _ = store.set_fuel(fuel);
        }
        if let Some(timeout) = self.settings.config.timeout {
            store.set_epoch_deadline(crate::engine::deadline_ticks(self.engine, Some(timeout)));
        }
        Box::pin(std::future::pending())
    }

    fn drop(&self, _store: wasmtime::Store<State>, _result: wasmtime::Result<()>) {}
}

/// An answer of the server's own: to a request the guest failed (which says nothing of why:
/// that is for the log, not for clients), or to one it never saw.
fn plain(status: hyper::StatusCode, text: &'static str) -> hyper::Response<HyperOutgoingBody> {
    let body = Full::new(Bytes::from_static(text.as_bytes()))
        .map_err(|never| match never {})
        .boxed_unsync();
    let mut response = hyper::Response::new(body);
    *response.status_mut() = status;
    response
}

/// An engine of its own: pooled instances (a request's instance is a few page mappings, not
/// a fresh allocation of everything), and fuel and epoch checks compiled in only when a limit
/// needs them, so a server without limits runs the guest at full speed.
fn serving_engine(settings: &Settings) -> Result<&'static Engine, RunError> {
    let max_stack = settings.sandbox.max_stack.unwrap_or(DEFAULT_MAX_STACK);
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    config.wasm_component_model_map(true);
    config.epoch_interruption(settings.config.timeout.is_some());
    // WASI 0.3 services use the component model's async types and calls.
    config.wasm_component_model_async(true);
    config.consume_fuel(settings.sandbox.fuel.is_some());
    config.wasm_backtrace_details(wasmtime::WasmBacktraceDetails::Enable);
    config.max_wasm_stack(max_stack);
    config.async_stack_size((max_stack + (1 << 20)).max(2 << 20));
    let mut pooling = PoolingAllocationConfig::default();
    if let Some(limit) = settings.sandbox.max_memory {
        // Growth past the limit is refused by the store's limiter first, with a clear error.
        pooling.max_memory_size(limit.saturating_add(1 << 16));
    }
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    // The pool reserves address space up front; where that is refused, allocate per instance.
    let engine = Engine::new(&config).or_else(|_| {
        config.allocation_strategy(InstanceAllocationStrategy::OnDemand);
        Engine::new(&config)
    })?;
    Ok(Box::leak(Box::new(engine)))
}

/// Completes on Ctrl-C, or on SIGTERM where there is one.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
