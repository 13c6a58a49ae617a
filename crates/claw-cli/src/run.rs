//! `claw run`: instantiate a component once and call its exports, printing results as WAVE.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use claw_runtime::{Config, Host, RunError, Session};

use crate::compile::{compile, io_message, SourceFile};
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

Calls use WAVE syntax for arguments and results. All calls go to one instance, so globals
keep their values from one call to the next. Only WASI Preview 2 is provided to imports.")]
pub struct Opts {
    /// A `.claw` file (compiled first) or a component binary (`.wasm`).
    file: PathBuf,
    /// A call such as `add(1, 2)` or `greet("you")`; repeat for several, run in order.
    #[arg(long, value_name = "CALL")]
    invoke: Vec<String>,
    /// A folder of WIT packages to import from, when FILE is a `.claw` file.
    #[arg(long, value_name = "DIR")]
    wit: Option<PathBuf>,
}

pub fn run(opts: Opts, term: &Term) -> anyhow::Result<ExitCode> {
    let wasm = if opts.file.extension().is_some_and(|ext| ext == "wasm") {
        std::fs::read(&opts.file).map_err(|err| {
            anyhow!(
                "cannot read `{}`: {}",
                opts.file.display(),
                io_message(&err)
            )
        })?
    } else {
        let source = SourceFile::read(&opts.file)?;
        compile(&source, opts.wit.as_deref(), term)?.component
    };

    let mut session = match Session::new(&wasm, &Host::new(), &Config::default()) {
        Ok(session) => session,
        Err(err) => return Ok(report(&err, term)),
    };
    if opts.invoke.is_empty() {
        term.error("no --invoke given");
        let exports: Vec<String> = session
            .exports()
            .iter()
            .map(|name| format!("`{name}`"))
            .collect();
        eprintln!("note: the component exports {}", exports.join(", "));
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

/// Prints a runtime error and picks the exit status: the guest's own for a WASI `exit`, 1 for
/// everything else.
fn report(err: &RunError, term: &Term) -> ExitCode {
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
        RunError::Invoke(_) | RunError::Other(_) => term.error(&err.to_string()),
    }
    ExitCode::FAILURE
}
