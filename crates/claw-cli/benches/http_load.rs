//! `cargo bench -p claw-cli --bench http_load`: HTTP load against `claw serve`, and against
//! `wasmtime serve` when a `wasmtime` binary is on `PATH` (or named by `WASMTIME`), each
//! serving `examples/http/hello.claw` and the Rust hello in `tests/http/rust-hello/`.
//!
//! The client is plain threads on 127.0.0.1: `LOAD_CONNECTIONS` keep-alive connections (64)
//! send `LOAD_REQUESTS` requests in all (100,000), stopping early after `LOAD_SECONDS` (60).
//! For each server it prints the component's size, requests per second, the median and 99th
//! percentile latency, how many requests failed (anything but `200 Hello from …`), and the
//! server's resident memory after a warm-up and at the end. It asserts nothing, so timing
//! noise cannot fail a build.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).to_path_buf()
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A server process listening on a port of 127.0.0.1.
struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Resident memory in KiB, from `/proc`.
    fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start(mut command: Command, addr: SocketAddr) -> Server {
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let server = Server { child };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(addr).is_err() {
        assert!(
            Instant::now() < deadline,
            "the server never listened on {addr}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}

/// Reads one HTTP/1.1 response off a keep-alive connection: its status and body.
fn read_response(reader: &mut BufReader<TcpStream>) -> std::io::Result<(u16, Vec<u8>)> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status: u16 = line
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let (mut length, mut chunked) = (None, false);
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let header = line.trim_end().to_ascii_lowercase();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("content-length:") {
            length = value.trim().parse::<usize>().ok();
        }
        if header.starts_with("transfer-encoding:") && header.contains("chunked") {
            chunked = true;
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim_end(), 16)
                .map_err(|_| std::io::Error::other("bad chunk size"))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = length {
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
    }
    Ok((status, body))
}

struct Outcome {
    done: usize,
    failed: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

/// `total` requests over `connections` keep-alive connections, for at most `limit`.
fn load(addr: SocketAddr, total: usize, connections: usize, limit: Duration) -> Outcome {
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let start = Instant::now();
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            let (next, failed, latencies) = (next.clone(), failed.clone(), latencies.clone());
            std::thread::spawn(move || {
                let request = format!("GET / HTTP/1.1\r\nhost: {addr}\r\n\r\n");
                let mut mine = Vec::new();
                let mut connection: Option<(TcpStream, BufReader<TcpStream>)> = None;
                while next.fetch_add(1, Ordering::Relaxed) < total && start.elapsed() < limit {
                    let begin = Instant::now();
                    if connection.is_none() {
                        connection = TcpStream::connect(addr).ok().map(|stream| {
                            let _ = stream.set_nodelay(true);
                            let reader = BufReader::new(stream.try_clone().expect("a clone"));
                            (stream, reader)
                        });
                    }
                    let ok = match &mut connection {
                        Some((stream, reader)) => {
                            stream.write_all(request.as_bytes()).is_ok()
                                && matches!(read_response(reader),
                                    Ok((200, body)) if body.starts_with(b"Hello from "))
                        }
                        None => false,
                    };
                    if ok {
                        mine.push(begin.elapsed());
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed);
                        connection = None;
                    }
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a client thread");
    }
    let elapsed = start.elapsed();
    let mut latencies = std::mem::take(&mut *latencies.lock().unwrap());
    latencies.sort();
    Outcome {
        done: latencies.len(),
        failed: failed.load(Ordering::Relaxed),
        elapsed,
        latencies,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at].as_secs_f64() * 1000.0
}

fn main() {
    let total = setting("LOAD_REQUESTS", 100_000);
    let connections = setting("LOAD_CONNECTIONS", 64);
    let limit = Duration::from_secs(setting("LOAD_SECONDS", 60) as u64);
    let claw = PathBuf::from(env!("CARGO_BIN_EXE_claw"));
    let out = root().join("target/bench-http");
    std::fs::create_dir_all(&out).expect("an output folder");
    let hello = out.join("hello.wasm");
    let built = Command::new(&claw)
        .args(["build", "-Os", "--strip", "examples/http/hello.claw", "-o"])
        .arg(&hello)
        .current_dir(root())
        .status()
        .expect("claw build runs");
    assert!(built.success(), "examples/http/hello.claw builds");
    let rust = root().join("tests/http/rust-hello/hello.wasm");
    let wasmtime = std::env::var("WASMTIME").unwrap_or_else(|_| "wasmtime".to_owned());
    let have_wasmtime = Command::new(&wasmtime)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .ok()
        .filter(|v| !v.is_empty());

    println!(
        "{total} requests, {connections} connections, at most {} s each; {}",
        limit.as_secs(),
        have_wasmtime.as_deref().map_or(
            "no `wasmtime` found, so no `wasmtime serve` rows".to_owned(),
            |v| { format!("`wasmtime serve` is {v}") }
        )
    );
    println!(
        "{:<16} {:<12} {:>9} {:>10} {:>9} {:>9} {:>7} {:>16}",
        "server", "component", "size (B)", "req/s", "p50 (ms)", "p99 (ms)", "failed", "RSS (KiB)"
    );
    for (component, path) in [("hello.claw", &hello), ("Rust hello", &rust)] {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let mut servers: Vec<(&str, Command)> = Vec::new();
        let port = free_port();
        let mut command = Command::new(&claw);
        command
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .arg(path);
        servers.push(("claw serve", command));
        if have_wasmtime.is_some() {
            let mut command = Command::new(&wasmtime);
            // `-Scli`: Rust's standard library imports `wasi:cli/environment`, which the
            // proxy world alone does not give (`claw serve` links all of WASI 0.2).
            command
                .args([
                    "serve",
                    "-Scli",
                    "--addr",
                    &format!("127.0.0.1:{}", free_port()),
                ])
                .arg(path);
            servers.push(("wasmtime serve", command));
        }
        for (name, command) in servers {
            let addr = command
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .find_map(|a| a.parse::<SocketAddr>().ok())
                .expect("an address");
            let server = start(command, addr);
            // Warm up, then measure.
            let warm = load(addr, 2_000.min(total), connections, limit);
            let rss_before = server.rss_kib();
            let outcome = load(addr, total, connections, limit);
            let rss_after = server.rss_kib();
            let rate = outcome.done as f64 / outcome.elapsed.as_secs_f64();
            let rss = match (rss_before, rss_after) {
                (Some(a), Some(b)) => format!("{a} → {b}"),
                _ => "?".to_owned(),
            };
            println!(
                "{:<16} {:<12} {:>9} {:>10.0} {:>9.3} {:>9.3} {:>7} {:>16}",
                name,
                component,
                size,
                rate,
                percentile(&outcome.latencies, 0.50),
                percentile(&outcome.latencies, 0.99),
                outcome.failed + warm.failed,
                rss
            );
        }
    }
}
