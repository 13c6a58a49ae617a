//! `GET /` answers `200 Hello from WASI 0.3`, `/trap` panics (a trap), any other path `404`.

use wasip3::http::types::{ErrorCode, Fields, Request, Response};
use wasip3::{wit_bindgen, wit_future, wit_stream};

wasip3::http::service::export!(Hello);

struct Hello;

impl wasip3::exports::http::handler::Guest for Hello {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let path = request.get_path_with_query().unwrap_or_default();
        if path == "/trap" {
            panic!("asked to trap");
        }
        let (status, text): (u16, &[u8]) = match path.as_str() {
            "/" => (200, b"Hello from WASI 0.3\n"),
            _ => (404, b"not found\n"),
        };
        let (mut body_tx, body_rx) = wit_stream::new();
        let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
        let (response, _sent) = Response::new(Fields::new(), Some(body_rx), trailers_rx);
        drop(trailers_tx);
        response.set_status_code(status).expect("a valid status");
        wit_bindgen::spawn_local(async move {
            let rest = body_tx.write_all(text.to_vec()).await;
            assert!(rest.is_empty());
        });
        Ok(response)
    }
}
