//! The `wasi:http` side of a store: the context `wasmtime-wasi-http` keeps per instance, and the
//! hooks that decide where a guest's outgoing requests go.
//!
//! An outgoing request goes to the network, as `wasmtime serve` sends it, unless its host names
//! a [`Route`]: an HTTP service (a component exporting `wasi:http/incoming-handler`) that
//! answers in-process. That is how `claw test --with api=service.wasm` tests a service: the
//! test sends `GET http://api/items` and the service handles it, no socket involved. Each store
//! keeps one instance of each service it has called, made on its first request, so the requests
//! of one test see each other's effects and the next test starts afresh.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use http_body_util::BodyExt;
use wasmtime::component::Linker;
use wasmtime::{Engine, Store};
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::bindings::{Proxy, ProxyPre};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::{
    Error, RequestOptions, WasiBody, WasiHttpCtx, WasiHttpHooks, WasiHttpView,
};

use crate::config::Settings;
use crate::error::{from_call_error, RunError};
use crate::store::{arm, new_store, State};

/// Per-store `wasi:http` state.
pub(crate) struct HttpState {
    pub(crate) ctx: WasiHttpCtx,
    pub(crate) hooks: HttpHooks,
}

impl HttpState {
    pub(crate) fn new(settings: &Settings) -> HttpState {
        HttpState {
            ctx: WasiHttpCtx::new(),
            hooks: HttpHooks {
                settings: settings.clone(),
                kept: HashMap::new(),
            },
        }
    }
}

/// A service that answers the requests sent to one host name, in-process.
pub(crate) struct Route {
    /// The host part of the URL that reaches it: `api` for `http://api/items`.
    pub(crate) host: String,
    pre: ProxyPre<State>,
    engine: &'static Engine,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route").field("host", &self.host).finish()
    }
}

impl Route {
    /// Compiles and links `wasm`, which must export `wasi:http/incoming-handler`.
    pub(crate) fn new(engine: &'static Engine, host: &str, wasm: &[u8]) -> Result<Route, RunError> {
        check_routable(wasm)?;
        let component = crate::session::load(engine, wasm)?;
        let pre = proxy_pre(engine, &component)?;
        Ok(Route {
            host: host.to_owned(),
            pre,
            engine,
        })
    }
}

/// `component` linked against WASI and `wasi:http` for async calls, as a service.
pub(crate) fn proxy_pre(
    engine: &Engine,
    component: &wasmtime::component::Component,
) -> Result<ProxyPre<State>, RunError> {
    let pre = linker(engine, false)?
        .instantiate_pre(component)
        .map_err(crate::imports::from_link_error)?;
    ProxyPre::new(pre).map_err(|_| not_a_service())
}

/// A linker with WASI 0.2 and its `wasi:http` for async calls, and with `wasi_03` their 0.3
/// versions too (which need an engine with the component model's async features).
pub(crate) fn linker(engine: &Engine, wasi_03: bool) -> Result<Linker<State>, RunError> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    if wasi_03 {
        wasmtime_wasi::p3::add_to_linker(&mut linker)?;
        wasmtime_wasi_http::p3::add_to_linker(&mut linker)?;
    }
    Ok(linker)
}

pub(crate) fn not_a_service() -> RunError {
    RunError::Other(anyhow::anyhow!(
        "the component exports neither `wasi:http/incoming-handler@0.2.x` nor \
         `wasi:http/handler@0.3.x`, so it is not an HTTP service"
    ))
}

/// Whether `wasm` is a component that exports `wasi:http/incoming-handler` (WASI 0.2) or
/// `wasi:http/handler` (WASI 0.3), by its export section alone (nothing is compiled).
pub fn is_http_service(wasm: &[u8]) -> bool {
    !http_exports(wasm).is_empty()
}

/// The `wasi:http` handler interfaces `wasm` exports at its top level.
fn http_exports(wasm: &[u8]) -> Vec<String> {
    use wasmparser::{Parser, Payload};
    let mut depth = 0;
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload {
            Ok(Payload::ModuleSection { .. } | Payload::ComponentSection { .. }) => depth += 1,
            Ok(Payload::End(_)) => depth -= 1,
            Ok(Payload::ComponentExportSection(exports)) if depth == 0 => {
                for export in exports.into_iter().flatten() {
                    let name = export.name.name;
                    if name.starts_with("wasi:http/incoming-handler@")
                        || name.starts_with("wasi:http/handler@")
                    {
                        found.push(name.to_owned());
                    }
                }
            }
            Err(_) => break,
            _ => {}
        }
    }
    found
}

/// Refuses a WASI 0.3 service by name where only WASI 0.2 ones are run (tests' routes),
/// before the shared engine would fail to parse its async types.
pub(crate) fn check_routable(wasm: &[u8]) -> Result<(), RunError> {
    match http_exports(wasm)
        .iter()
        .find(|name| name.starts_with("wasi:http/handler@"))
    {
        Some(name) => Err(RunError::Other(anyhow::anyhow!(
            "the component is a WASI 0.3 service (it exports `{name}`); tests reach WASI 0.2 \
             services (`wasi:http/incoming-handler@0.2.x`) for now, and `claw serve` runs both"
        ))),
        None => Ok(()),
    }
}

/// How deep routed requests may nest (a service calling a service …) before the next is
/// refused as a loop.
const MAX_ROUTE_DEPTH: u32 = 16;

/// One instance of a service and the store it lives in.
pub(crate) struct Kept {
    pub(crate) store: Store<State>,
    pub(crate) proxy: Proxy,
}

/// Where a store's outgoing requests go.
pub(crate) struct HttpHooks {
    settings: Settings,
    /// This store's instance of each routed service it has called.
    kept: HashMap<String, Arc<tokio::sync::Mutex<Option<Kept>>>>,
}

type Sent = Result<
    (
        http::Response<WasiBody>,
        Box<dyn Future<Output = Result<(), Error>> + Send>,
    ),
    Error,
>;

impl WasiHttpHooks for HttpHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<dyn Future<Output = Sent> + Send> {
        let host = request.uri().host().unwrap_or_default().to_owned();
        let Some(route) = self
            .settings
            .routes
            .iter()
            .find(|r| r.host == host)
            .cloned()
        else {
            if !self.settings.sandbox.network {
                return Box::new(async { Err(Error::HttpRequestDenied) });
            }
            let network = wasmtime_wasi_http::WasiHttpHooks::send_request(
                &mut Network,
                request,
                options,
                fut,
            );
            return network;
        };
        let slot = self.kept.entry(host).or_default().clone();
        if self.settings.route_depth >= MAX_ROUTE_DEPTH {
            return Box::new(async { Err(Error::LoopDetected) });
        }
        let settings = Settings {
            route_depth: self.settings.route_depth + 1,
            ..self.settings.clone()
        };
        Box::new(async move {
            let (response, rest) = route
                .handle(slot, &settings, request)
                .await
                .map_err(|err| Error::InternalError(Some(err.to_string())))?;
            let response = response.map(|body| body.boxed_unsync());
            let rest: Box<dyn Future<Output = Result<(), Error>> + Send> = Box::new(async move {
                match rest.await {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(err)) => Err(Error::InternalError(Some(err.to_string()))),
                    Err(err) => Err(Error::InternalError(Some(err.to_string()))),
                }
            });
            Ok((response, rest))
        })
    }
}

/// The default hooks: requests go out to the network.
struct Network;

impl WasiHttpHooks for Network {}

/// A running handler: what is left of it once the response's head is out.
pub(crate) type Handling = tokio::task::JoinHandle<Result<(), RunError>>;

impl Route {
    /// Hands `request` to the instance in `slot` (made first if there is none, and dropped
    /// if the handler fails), and returns the response's head and the running handler.
    async fn handle(
        &self,
        slot: Arc<tokio::sync::Mutex<Option<Kept>>>,
        settings: &Settings,
        request: http::Request<WasiBody>,
    ) -> Result<(http::Response<HyperOutgoingBody>, Handling), RunError> {
        let kept = slot.lock_owned().await;
        handle_kept(&self.pre, self.engine, settings, kept, request).await
    }
}

/// Runs the handler of the instance `kept` holds (making one from `pre` if it holds none,
/// and dropping it if the handler fails) on `request`, until the response's head is set.
pub(crate) async fn handle_kept<B>(
    pre: &ProxyPre<State>,
    engine: &'static Engine,
    settings: &Settings,
    mut kept: tokio::sync::OwnedMutexGuard<Option<Kept>>,
    request: http::Request<B>,
) -> Result<(http::Response<HyperOutgoingBody>, Handling), RunError>
where
    B: hyper::body::Body<Data = hyper::body::Bytes> + Send + 'static,
    B::Error: Into<Error>,
{
    let failed = {
        let settings = settings.clone();
        move |err| from_call_error(err, &settings)
    };
    if kept.is_none() {
        let mut store = new_store(engine, settings)?;
        let proxy = pre
            .instantiate_async(&mut store)
            .await
            .map_err(failed.clone())?;
        *kept = Some(Kept { store, proxy });
    }
    let instance = kept.as_mut().expect("made above");
    arm(&mut instance.store, engine, settings)?;
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let request = instance
        .store
        .data_mut()
        .http()
        .new_incoming_request(Scheme::Http, request)?;
    let out = instance
        .store
        .data_mut()
        .http()
        .new_response_outparam(sender)?;
    // Held until the handler returns: one request at a time.
    let task = tokio::spawn(async move {
        let instance = kept.as_mut().expect("made above");
        let called = instance
            .proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut instance.store, request, out)
            .await;
        if called.is_err() {
            *kept = None;
        }
        called.map_err(failed)
    });
    respond(receiver, task).await
}

/// Runs the handler of a fresh instance made from `pre` on `request`, until the response's
/// head is set.
pub(crate) async fn handle_fresh<B>(
    pre: &ProxyPre<State>,
    engine: &'static Engine,
    settings: &Settings,
    request: http::Request<B>,
) -> Result<(http::Response<HyperOutgoingBody>, Handling), RunError>
where
    B: hyper::body::Body<Data = hyper::body::Bytes> + Send + 'static,
    B::Error: Into<Error>,
{
    let mut store = new_store(engine, settings)?;
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let request = store
        .data_mut()
        .http()
        .new_incoming_request(Scheme::Http, request)?;
    let out = store.data_mut().http().new_response_outparam(sender)?;
    let pre = pre.clone();
    let settings = settings.clone();
    let task = tokio::spawn(async move {
        let failed = |err| from_call_error(err, &settings);
        let proxy = pre.instantiate_async(&mut store).await.map_err(failed)?;
        proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut store, request, out)
            .await
            .map_err(failed)
    });
    respond(receiver, task).await
}

/// The response the handler sets, or why there is none.
async fn respond(
    receiver: tokio::sync::oneshot::Receiver<
        Result<
            http::Response<HyperOutgoingBody>,
            wasmtime_wasi_http::p2::bindings::http::types::ErrorCode,
        >,
    >,
    task: Handling,
) -> Result<(http::Response<HyperOutgoingBody>, Handling), RunError> {
    match receiver.await {
        Ok(Ok(response)) => Ok((response, task)),
        Ok(Err(code)) => Err(RunError::Other(anyhow::anyhow!(
            "the handler answered with error code {code:?}"
        ))),
        // The handler dropped the outparam: it returned or failed without answering.
        Err(_) => Err(match task.await {
            Ok(Ok(())) => RunError::Other(anyhow::anyhow!(
                "the handler returned without setting a response"
            )),
            Ok(Err(err)) => err,
            Err(err) => RunError::Other(err.into()),
        }),
    }
}
