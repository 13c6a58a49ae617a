//! The `claw` command: argument parsing and dispatch to one module per subcommand.
//!
//! Each subcommand module owns its `Opts` and a `run` that returns the process exit code. Errors
//! that reach `main` are printed as one `error: …` line and exit with status 1; errors whose
//! details were already printed (compile diagnostics) travel as [`term::Reported`].

mod build;
mod check;
mod compile;
mod fmt;
mod fuzz;
mod lsp;
mod manifest;
mod run;
mod serve;
mod term;
mod test;
mod wit;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::term::{ColorChoice, Term};

/// Compile and run Claw programs (WebAssembly components).
#[derive(Parser)]
#[command(name = "claw", version)]
struct Cli {
    /// When to colour diagnostics; `auto` colours a terminal unless `NO_COLOR` is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Build(build::Opts),
    Check(check::Opts),
    Fmt(fmt::Opts),
    Fuzz(fuzz::Opts),
    Lsp(lsp::Opts),
    Run(run::Opts),
    Serve(serve::Opts),
    Test(test::Opts),
    Wit(wit::Opts),
}

fn main() -> ExitCode {
    #[cfg(unix)]
    // SAFETY: restoring the default action of a signal, before any other thread exists.
    unsafe {
        // Rust ignores SIGPIPE, so a closed pipe would make every `println!` panic.
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // clap exits with status 2 on usage errors, as the exit-code contract wants.
    let cli = Cli::parse();
    // Wasm runs on the stack of the thread that calls it, so a guest allowed a deep stack
    // needs a thread with at least that much.
    let max_stack = match &cli.command {
        Command::Run(opts) => opts.limits.max_stack,
        Command::Test(opts) => opts.limits.max_stack,
        Command::Fuzz(opts) => opts.limits.max_stack,
        Command::Serve(opts) => opts.limits.max_stack,
        _ => None,
    };
    let sandbox = claw_runtime::Sandbox {
        max_stack,
        ..Default::default()
    };
    std::thread::Builder::new()
        .name("claw".into())
        .stack_size(sandbox.native_stack())
        .spawn(move || dispatch(cli))
        .expect("spawning the main thread")
        .join()
        .unwrap_or(ExitCode::FAILURE)
}

fn dispatch(cli: Cli) -> ExitCode {
    let term = Term::new(cli.color);
    let res = match cli.command {
        Command::Build(opts) => build::run(opts, &term),
        Command::Check(opts) => check::run(opts, &term),
        Command::Fmt(opts) => fmt::run(opts, &term),
        Command::Fuzz(opts) => fuzz::run(opts, &term),
        Command::Lsp(opts) => lsp::run(opts, &term),
        Command::Run(opts) => run::run(opts, &term),
        Command::Serve(opts) => serve::run(opts, &term),
        Command::Test(opts) => test::run(opts, &term),
        Command::Wit(opts) => wit::run(opts, &term),
    };
    match res {
        Ok(code) => code,
        Err(err) => {
            if !err.is::<term::Reported>() {
                term.error(&format!("{err:#}"));
            }
            ExitCode::FAILURE
        }
    }
}
