//! `claw run`: instantiate a component once and either call its exports, printing results as
//! WAVE, or run it as a WASI command. Also parses the capability and limit options that
//! `claw test` shares.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::anyhow;
use claw_runtime::{Config, Host, Preopen, RunError, Sandbox, Session};

use crate::compile::{compile_with, io_message, SourceFile};
use crate::term::Term;

/// Run a Claw file or a component binary, calling exported functions.
#[derive(clap::Args)]
#[command(after_help = "\
Example:
  $ claw run examples/factorial.claw --invoke 'factorial(20)'
  2432902008176640000
  $ claw run examples/counter.claw --invoke 'increment()' --invoke 'increment()'
  1
  2
  $ claw run examples/strings.claw --invoke 'greet(\"wörld\")'
  \"hello, wörld\"
  $ claw run app.wasm --dir data::/data --env HOME -- input.txt

Calls use WAVE syntax for arguments and results. All calls go to one instance, so globals
keep their values from one call to the next. Without --invoke, a component that exports
`wasi:cli/run` runs as a program: it gets the terminal's stdin, stdout and stderr, the
arguments after `--`, and its exit status becomes claw's.

The guest sees no files and no environment variables unless granted with --dir and --env.
Exceeding --fuel, --max-memory or --timeout stops it with an error naming the limit, and
recursion deeper than --max-stack allows traps with `call stack exhausted`.")]
pub struct Opts {
    /// A `.claw` file (compiled first) or a component binary (`.wasm`).
    file: PathBuf,
    /// A call such as `add(1, 2)` or `greet("you")`; repeat for several, run in order.
    #[arg(long, value_name = "CALL")]
    invoke: Vec<String>,
    /// A folder of WIT packages to import from, when FILE is a `.claw` file.
    #[arg(long, value_name = "DIR")]
    wit: Option<PathBuf>,
    /// A component that supplies imports of FILE, as for `claw test` (so a counterexample
    /// `claw test` found replays here); repeatable.
    #[arg(long = "with", value_name = "NAME=COMPONENT", value_parser = crate::test::parse_with)]
    with: Vec<crate::test::With>,
    #[command(flatten)]
    pub limits: GuestOpts,
    /// Arguments for a WASI command (its first argument is FILE's name).
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

/// What a guest may see and use; shared by `claw run` and `claw test`.
#[derive(clap::Args)]
pub struct GuestOpts {
    /// Let the guest read and write host folder HOST, seen by the guest as GUEST (default: the
    /// same path); repeatable.
    #[arg(long, value_name = "HOST[::GUEST]")]
    dir: Vec<String>,
    /// Give the guest environment variable NAME, with VALUE or else the value it has here;
    /// repeatable.
    #[arg(long, value_name = "NAME[=VALUE]")]
    env: Vec<String>,
    /// Let the guest send HTTP requests (`wasi:http/outgoing-handler`) to the network; without
    /// this they are denied, but those for a `--with` HTTP service, which answers in-process.
    #[arg(long)]
    allow_network: bool,
    /// Stop a call after it executes about N Wasm instructions.
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Stop the guest when a linear memory would grow beyond BYTES.
    #[arg(long, value_name = "BYTES")]
    max_memory: Option<usize>,
    /// Stop a call after SECS seconds (fractions allowed).
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    timeout: Option<Duration>,
    /// Let the guest's calls use up to BYTES of stack (default 524288, room for about 10,000
    /// frames of a small recursive function); deeper recursion traps.
    #[arg(long, value_name = "BYTES")]
    pub max_stack: Option<usize>,
    /// Optimization level for `.claw` files, as for `claw build`; `-O0` keeps every function
    /// a function of its own, so a trap names the one it happened in.
    #[arg(short = 'O', value_name = "LEVEL", default_value = "2")]
    pub opt: crate::build::OptArg,
}

impl GuestOpts {
    /// The runtime settings these options ask for; `--env NAME` of an unset variable is an
    /// error, since the guest would silently miss it otherwise.
    pub fn settings(&self) -> anyhow::Result<(Config, Sandbox)> {
        let dirs = self.dir.iter().map(|dir| parse_dir(dir)).collect();
        let env = self
            .env
            .iter()
            .map(|env| parse_env(env))
            .collect::<anyhow::Result<_>>()?;
        let config = Config {
            timeout: self.timeout,
            ..Config::default()
        };
        let sandbox = Sandbox {
            dirs,
            env,
            network: self.allow_network,
            fuel: self.fuel,
            max_memory: self.max_memory,
            max_stack: self.max_stack,
        };
        Ok((config, sandbox))
    }
}

pub fn run(opts: Opts, term: &Term) -> anyhow::Result<ExitCode> {
    let (mut config, sandbox) = opts.limits.settings()?;
    let wasm = read_component(&opts.file, opts.wit.as_deref(), opts.limits.opt, term)?;
    config.args = std::iter::once(file_name(&opts.file))
        .chain(opts.args.iter().cloned())
        .collect();

    let host = Host::new();
    let name = file_name(&opts.file);
    let withs = crate::test::read_withs(&opts.with, opts.wit.as_deref(), opts.limits.opt, term)?;
    let (wasm, host) = match crate::test::in_front(&withs, &name, wasm, &host) {
        Ok(both) => both,
        Err(err) => return Ok(crate::test::report_load_error(&err, &name, term)),
    };
    let mut session = match Session::sandboxed(&wasm, &host, &config, &sandbox) {
        Ok(session) => session,
        Err(err) => return Ok(report(&err, term)),
    };
    if opts.invoke.is_empty() {
        if session.is_command() {
            return Ok(match session.run_command() {
                Ok(status) => ExitCode::from(u8::try_from(status).unwrap_or(1)),
                Err(err) => report(&err, term),
            });
        }
        term.error("no --invoke given, and the component is not a WASI command");
        let exports: Vec<String> = session
            .exports()
            .iter()
            .map(|name| format!("`{name}`"))
            .collect();
        if exports.is_empty() {
            eprintln!("note: the component exports no functions");
        } else {
            eprintln!("note: the component exports {}", exports.join(", "));
        }
        eprintln!("help: call one with `--invoke 'NAME(ARGS)'`");
        return Ok(ExitCode::from(2));
    }
    for call in &opts.invoke {
        match session.invoke(call) {
            Ok(Some(result)) => println!("{result}"),
            Ok(None) => {}
            Err(err) => return Ok(report(&err, term)),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The component in `path`: read from a `.wasm` file, else compiled from Claw source (printing
/// diagnostics on failure).
pub fn read_component(
    path: &Path,
    wit: Option<&Path>,
    opt: crate::build::OptArg,
    term: &Term,
) -> anyhow::Result<Vec<u8>> {
    if path.extension().is_some_and(|ext| ext == "wasm") {
        std::fs::read(path)
            .map_err(|err| anyhow!("cannot read `{}`: {}", path.display(), io_message(&err)))
    } else {
        let source = SourceFile::read(path)?;
        let options = claw_compiler::Options {
            opt_level: opt.into(),
            ..Default::default()
        };
        Ok(compile_with(&source, wit, options, term)?.component)
    }
}

/// Prints a runtime error and picks the exit status: the guest's own for a WASI `exit`, 1 for
/// everything else.
pub(crate) fn report(err: &RunError, term: &Term) -> ExitCode {
    match err {
        RunError::Exit { code } => return ExitCode::from(u8::try_from(*code).unwrap_or(1)),
        RunError::Trap { backtrace, .. } => {
            term.error(&err.to_string());
            if !backtrace.is_empty() {
                eprintln!("backtrace:\n{backtrace}");
            }
        }
        RunError::UnsatisfiedImport { .. } => {
            term.error(&err.to_string());
            eprintln!(
                "help: `claw run` provides only WASI Preview 2; a component that imports other \
                 functions needs a host that supplies them"
            );
        }
        _ => term.error(&err.to_string()),
    }
    ExitCode::FAILURE
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `HOST::GUEST`, or `HOST` seen under the same path.
fn parse_dir(text: &str) -> Preopen {
    let (host, guest) = text.split_once("::").unwrap_or((text, text));
    Preopen {
        host: PathBuf::from(host),
        guest: guest.to_owned(),
    }
}

/// `NAME=VALUE`, or `NAME` with the value it has in claw's own environment.
fn parse_env(text: &str) -> anyhow::Result<(String, String)> {
    if let Some((name, value)) = text.split_once('=') {
        return Ok((name.to_owned(), value.to_owned()));
    }
    match std::env::var(text) {
        Ok(value) => Ok((text.to_owned(), value)),
        Err(_) => Err(anyhow!(
            "`--env {text}` passes on a variable that is not set (or not UTF-8); \
             write `--env {text}=VALUE` to give it a value"
        )),
    }
}

/// Seconds as a positive decimal number, for `--timeout`.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("expected a number of seconds, found `{text}`"))?;
    if !(seconds.is_finite() && seconds > 0.0) {
        return Err(format!(
            "expected a positive number of seconds, found `{text}`"
        ));
    }
    Duration::try_from_secs_f64(seconds).map_err(|err| err.to_string())
}
