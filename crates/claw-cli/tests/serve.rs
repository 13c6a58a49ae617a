//! `claw serve`, as a user runs it: a real server process on a free port of 127.0.0.1, real
//! HTTP/1.1 over TCP, and the example services in `examples/http/` answering it.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// A running `claw serve` and the lines it logs.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Receiver<String>,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claw"))
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(support::root())
            .stderr(Stdio::piped())
            .spawn()
            .expect("claw serve starts");
        let (sender, log) = channel();
        let stderr = child.stderr.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let first = log
            .recv_timeout(Duration::from_secs(60))
            .expect("claw serve says where it listens");
        let addr = first
            .rsplit_once("http://")
            .and_then(|(_, rest)| rest.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        Server { child, addr, log }
    }

    /// Sends raw bytes and returns everything the server answers before closing.
    fn raw(&self, request: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(self.addr).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    }

    /// One request; the status and the (de-chunked) body.
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ncontent-length: {}\r\n",
            self.addr,
            body.len()
        );
        for (name, value) in headers {
            head += &format!("{name}: {value}\r\n");
        }
        head += "\r\n";
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        parse(&self.raw(&request))
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = self.request("GET", path, &[], b"");
        (status, String::from_utf8(body).expect("text"))
    }

    /// The next log line, waiting for it.
    fn next_log(&self) -> String {
        self.log
            .recv_timeout(Duration::from_secs(30))
            .expect("a log line")
    }

    /// Stops the server with SIGINT, as Ctrl-C does; its exit status and last lines.
    fn interrupt(mut self) -> (std::process::ExitStatus, Vec<String>) {
        // SAFETY: sending a signal to a child process this test started.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGINT);
        }
        let status = self.child.wait().expect("claw serve exits");
        // The reader thread ends when the pipe closes: read on until then.
        let mut rest = Vec::new();
        while let Ok(line) = self.log.recv_timeout(Duration::from_secs(10)) {
            rest.push(line);
        }
        (status, rest)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.1 response's status and body, undoing chunked transfer coding.
fn parse(answer: &[u8]) -> (u16, Vec<u8>) {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(answer)));
    let head = String::from_utf8_lossy(&answer[..split]).to_lowercase();
    let mut rest = &answer[split + 4..];
    let status = head[9..12].parse().expect("a status code");
    if !head.contains("transfer-encoding: chunked") {
        return (status, rest.to_vec());
    }
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap(), 16)
            .expect("hex chunk size");
        rest = &rest[line_end + 2..];
        if size == 0 {
            return (status, body);
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

#[test]
fn hello_answers_and_logs() {
    let server = Server::start(&["examples/http/hello.claw"]);
    assert_eq!(server.get("/"), (200, "Hello from Claw\n".to_owned()));
    let line = server.next_log();
    assert!(line.starts_with("GET / 200 "), "{line}");
    assert!(line.ends_with(" ms"), "{line}");
    assert_eq!(server.get("/other"), (404, "not found\n".to_owned()));
    assert!(server.next_log().starts_with("GET /other 404 "));
    let (status, rest) = server.interrupt();
    assert!(status.success(), "{status:?}");
    assert_eq!(rest, ["stopped"]);
}

/// The smallest build of the hello service (`-Os --strip`) stays within 5,000 bytes, and
/// is still the same service: served, it answers as the source does, and its world still
/// reads as WIT (what `jco` and `wasm-tools component wit` need).
#[test]
fn the_smallest_hello_is_at_most_5000_bytes_and_still_serves() {
    let dir = std::env::temp_dir().join(format!("claw-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("hello-smallest.wasm");
    let build = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["build", "examples/http/hello.claw", "-Os", "--strip", "-o"])
        .arg(&out)
        .current_dir(support::root())
        .output()
        .unwrap();
    assert!(build.status.success(), "{build:?}");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.len() <= 5000, "hello.claw is {} bytes", bytes.len());
    let wit_component::DecodedWasm::Component(resolve, world) =
        wit_component::decode(&bytes).expect("the world decodes")
    else {
        panic!("a component");
    };
    let world = &resolve.worlds[world];
    let exports: Vec<String> = world
        .exports
        .keys()
        .map(|key| resolve.name_world_key(key))
        .collect();
    assert_eq!(exports, ["wasi:http/incoming-handler@0.2.0"]);
    let server = Server::start(&[out.to_str().unwrap()]);
    assert_eq!(server.get("/"), (200, "Hello from Claw\n".to_owned()));
    assert_eq!(server.get("/a?b"), (404, "not found\n".to_owned()));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn echo_sends_back_method_path_header_and_body() {
    let server = Server::start(&["examples/http/echo.claw"]);
    let (status, body) = server.request(
        "POST",
        "/say?loud=1",
        &[("content-type", "text/plain")],
        "hi thère".as_bytes(),
    );
    assert_eq!(status, 200);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "method: POST\npath: /say\nquery: loud=1\ncontent-type: text/plain\nbody: hi thère\n"
    );
    // Bigger than one read and than many 4096-byte writes.
    let big: Vec<u8> = (0..300_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let (status, body) = server.request("PUT", "/big", &[], &big);
    assert_eq!(status, 200);
    let expected = format!(
        "method: PUT\npath: /big\nquery: \ncontent-type: (none)\nbody: {}\n",
        String::from_utf8(big).unwrap()
    );
    assert_eq!(body, expected.into_bytes());
    // Not UTF-8: the service says so.
    let (status, body) = server.request("POST", "/", &[], &[b'o', b'k', 0xff]);
    assert_eq!(status, 400);
    assert_eq!(body, b"the body is not text: invalid UTF-8 at byte 2\n");
}

#[test]
fn kv_keeps_items_in_one_instance() {
    let server = Server::start(&["--keep-instance", "examples/http/kv.claw"]);
    let put = |name: &str, value: &str| {
        let (status, body) =
            server.request("PUT", &format!("/items/{name}"), &[], value.as_bytes());
        (status, String::from_utf8(body).unwrap())
    };
    assert_eq!(put("apple", "red"), (201, "created\n".to_owned()));
    assert_eq!(put("pear", "green"), (201, "created\n".to_owned()));
    assert_eq!(put("apple", "yellow"), (200, "updated\n".to_owned()));
    assert_eq!(
        server.get("/items"),
        (200, "[\"apple\",\"pear\"]\n".to_owned())
    );
    assert_eq!(server.get("/items/apple"), (200, "yellow".to_owned()));
    let (status, body) = server.request("DELETE", "/items/apple", &[], b"");
    assert_eq!((status, body.len()), (204, 0));
    assert_eq!(
        server.get("/items/apple"),
        (404, "no such item\n".to_owned())
    );
    assert_eq!(server.get("/items"), (200, "[\"pear\"]\n".to_owned()));
    assert_eq!(server.get("/elsewhere"), (404, "not found\n".to_owned()));
    let (status, _) = server.request("POST", "/items/x", &[], b"");
    assert_eq!(status, 405);
}

#[test]
fn fresh_instances_forget() {
    // Without --keep-instance every request starts from the initial globals.
    let server = Server::start(&["examples/http/kv.claw"]);
    let (status, _) = server.request("PUT", "/items/apple", &[], b"red");
    assert_eq!(status, 201);
    assert_eq!(server.get("/items"), (200, "[]\n".to_owned()));
}

/// A failed request is answered `500`, logged with its reason, and the server goes on.
fn fails_then_serves(server: &Server, path: &str, reason: &str) {
    assert_eq!(
        server.get(path),
        (500, "internal server error\n".to_owned())
    );
    let line = server.next_log();
    assert!(line.starts_with(&format!("GET {path} 500 ")), "{line}");
    assert!(line.contains(reason), "{line:?} does not say {reason:?}");
    assert_eq!(server.get("/"), (200, "ok\n".to_owned()));
    assert!(server.next_log().starts_with("GET / 200 "));
}

#[test]
fn a_trapping_handler_gets_500_and_the_server_stays_up() {
    let server = Server::start(&["tests/http/limits.claw"]);
    fails_then_serves(&server, "/trap", "index out of bounds");
    fails_then_serves(&server, "/trap", "index out of bounds");
    // The same with one kept instance: a fresh one replaces the one that trapped.
    let kept = Server::start(&["--keep-instance", "tests/http/limits.claw"]);
    fails_then_serves(&kept, "/trap", "index out of bounds");
}

#[test]
fn limits_hold_per_request() {
    let server = Server::start(&["--fuel", "1000000", "tests/http/limits.claw"]);
    fails_then_serves(&server, "/spin", "fuel");
    let server = Server::start(&["--timeout", "0.3", "tests/http/limits.claw"]);
    fails_then_serves(&server, "/spin", "`handle` timed out after 300ms");
    let server = Server::start(&["--max-memory", "2000000", "tests/http/limits.claw"]);
    fails_then_serves(&server, "/grow", "memory limit");
}

#[test]
fn malformed_http_is_refused_and_the_server_stays_up() {
    let server = Server::start(&["examples/http/hello.claw"]);
    let answer = server.raw(b"GARBAGE\r\n\r\n");
    assert!(
        answer.starts_with(b"HTTP/1.1 400"),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    let answer = server.raw(b"GET / HTTP/1.1\r\ncontent-length: nope\r\n\r\n");
    assert!(
        answer.starts_with(b"HTTP/1.1 400"),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    // HTTP/1.0 allows leaving out `Host`; the guest would have no authority to see.
    let answer = server.raw(b"GET / HTTP/1.0\r\n\r\n");
    assert!(
        answer.starts_with(b"HTTP/1.0 400"),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    assert!(answer.ends_with(b"no Host header\n"));
    // A client that goes away mid-request.
    let _ = server.raw(b"POST / HTTP/1.1\r\ncontent-length: 100\r\n\r\nabc");
    assert_eq!(server.get("/"), (200, "Hello from Claw\n".to_owned()));
}

#[test]
fn what_is_not_a_service_is_an_error() {
    let out = support::claw(&["serve", "--addr", "127.0.0.1:0", "examples/factorial.claw"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "exports neither `wasi:http/incoming-handler@0.2.x` nor `wasi:http/handler@0.3.x`"
        ),
        "{stderr}"
    );
    let out = support::claw(&["serve", "--addr", "nowhere", "examples/http/hello.claw"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_wasi_03_service_is_served_too() {
    // A Rust `wasi:http/handler@0.3` service (tests/http/rust-hello-p3).
    let server = Server::start(&["tests/http/rust-hello-p3/hello.wasm"]);
    assert_eq!(server.get("/"), (200, "Hello from WASI 0.3\n".to_owned()));
    assert!(server.next_log().starts_with("GET / 200 "));
    assert_eq!(server.get("/elsewhere"), (404, "not found\n".to_owned()));
    assert!(server.next_log().starts_with("GET /elsewhere 404 "));
    // Its `/trap` panics, which traps: a 500, and the server goes on.
    assert_eq!(
        server.get("/trap"),
        (500, "internal server error\n".to_owned())
    );
    // The guest's panic message comes first: its stderr is the server's.
    let line = std::iter::repeat_with(|| server.next_log())
        .find(|line| line.starts_with("GET "))
        .unwrap();
    assert!(line.starts_with("GET /trap 500 "), "{line}");
    assert_eq!(server.get("/"), (200, "Hello from WASI 0.3\n".to_owned()));
    let (status, _) = server.interrupt();
    assert!(status.success());
}
