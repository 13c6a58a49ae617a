//! `claw serve`: an HTTP server in front of a `wasi:http` component, one log line per request.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use claw_runtime::{RequestLog, Server};

use crate::run::{read_component, report, GuestOpts};
use crate::term::Term;

/// Serve a `wasi:http` component (a Claw file, or any `.wasm` exporting
/// `wasi:http/incoming-handler` (WASI 0.2) or `wasi:http/handler` (WASI 0.3)) over HTTP/1.1.
#[derive(clap::Args)]
#[command(after_help = "\
Example:
  $ claw serve examples/http/hello.claw
  serving examples/http/hello.claw on http://127.0.0.1:8080/
  $ curl http://127.0.0.1:8080/
  Hello from Claw

Every request gets a fresh instance of the component, so nothing a request does outlives it
(with --keep-instance, one instance answers every request, in turn for a WASI 0.2 component
and concurrently for a WASI 0.3 one, and its globals last).
--fuel, --max-memory and --timeout hold per request: a request over a limit, or whose handler
traps, is answered `500 Internal Server Error` and logged, and the server goes on serving.
Each request is logged on stderr as `METHOD PATH STATUS TIME`; Ctrl-C stops the server after
the requests in flight.")]
pub struct Opts {
    /// A `.claw` file (compiled first) or a component binary (`.wasm`).
    file: PathBuf,
    /// The address and port to listen on; port 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Serve all requests from one instance, one at a time, so globals last between them
    /// (for mocks and demos that keep state); an instance that fails is replaced.
    #[arg(long)]
    keep_instance: bool,
    /// A folder of WIT packages to import from, when FILE is a `.claw` file.
    #[arg(long, value_name = "DIR")]
    wit: Option<PathBuf>,
    #[command(flatten)]
    pub limits: GuestOpts,
}

pub fn run(opts: Opts, term: &Term) -> anyhow::Result<ExitCode> {
    let (config, sandbox) = opts.limits.settings()?;
    let wasm = read_component(&opts.file, opts.wit.as_deref(), opts.limits.opt, term)?;
    let mut server = match Server::bind(&wasm, opts.addr, &config, &sandbox) {
        Ok(server) => server,
        Err(err) => return Ok(report(&err, term)),
    };
    if opts.keep_instance {
        server = server.keep_instance();
    }
    eprintln!(
        "serving {} on http://{}/",
        opts.file.display(),
        server.local_addr()
    );
    if let Err(err) = server.run(log) {
        return Ok(report(&err, term));
    }
    eprintln!("stopped");
    Ok(ExitCode::SUCCESS)
}

fn log(entry: &RequestLog) {
    let ms = entry.elapsed.as_secs_f64() * 1000.0;
    let line = format!(
        "{} {} {} {ms:.2} ms",
        entry.method, entry.path, entry.status
    );
    match &entry.error {
        Some(err) => eprintln!("{line}: {err}"),
        None => eprintln!("{line}"),
    }
}
