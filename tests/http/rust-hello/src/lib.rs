//! `GET /` answers `200 Hello from Rust`, any other path `404`: the same service as
//! `examples/http/hello.claw`, built with `wasm32-wasip2`.

use wasi::exports::http::incoming_handler::Guest;
use wasi::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

struct Hello;

impl Guest for Hello {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let (status, text) = match request.path_with_query().as_deref() {
            Some("/") => (200, "Hello from Rust\n"),
            _ => (404, "not found\n"),
        };
        let response = OutgoingResponse::new(Fields::new());
        response.set_status_code(status).expect("a valid status");
        let body = response.body().expect("the body, taken once");
        ResponseOutparam::set(out, Ok(response));
        let stream = body.write().expect("the stream, taken once");
        stream
            .blocking_write_and_flush(text.as_bytes())
            .expect("written");
        drop(stream);
        OutgoingBody::finish(body, None).expect("finished");
    }
}

wasi::http::proxy::export!(Hello);
