//! `claw build`: compile a `.claw` file into a component binary.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;

use crate::compile::{compile_with, io_message, SourceFile};
use crate::term::Term;

/// Compile a Claw file into a WebAssembly component.
#[derive(clap::Args)]
#[command(after_help = "\
Example:
  $ cat factorial.claw
  export func factorial(n: u64) -> u64 {
      if n <= 1 { return 1; }
      return n * factorial(n - 1);
  }
  $ claw build factorial.claw          # writes factorial.wasm
  $ claw build factorial.claw -o out/f.wasm --wit ../shared-wit
  $ claw build factorial.claw --strip  # no source lines in backtraces, a smaller component

WIT packages for `import { … } from ns:pkg/iface;` come from `--wit DIR`, else from a `wit/`
folder next to the source file.")]
pub struct Opts {
    /// The `.claw` file to compile.
    file: PathBuf,
    /// Where to write the component; defaults to FILE with a `.wasm` extension.
    #[arg(short, long, value_name = "OUT.wasm")]
    output: Option<PathBuf>,
    /// A folder of WIT packages to import from (its `deps/` subfolder is read too).
    #[arg(long, value_name = "DIR")]
    wit: Option<PathBuf>,
    /// Leave out the DWARF line table: a smaller component, whose backtraces name functions
    /// but not source lines.
    #[arg(long)]
    strip: bool,
}

pub fn run(opts: Opts, term: &Term) -> anyhow::Result<ExitCode> {
    let source = SourceFile::read(&opts.file)?;
    let options = claw_compiler::Options {
        debug_info: !opts.strip,
    };
    let compiled = compile_with(&source, opts.wit.as_deref(), options, term)?;
    let output = opts
        .output
        .unwrap_or_else(|| opts.file.with_extension("wasm"));
    std::fs::write(&output, &compiled.component)
        .map_err(|err| anyhow!("cannot write `{}`: {}", output.display(), io_message(&err)))?;
    Ok(ExitCode::SUCCESS)
}
