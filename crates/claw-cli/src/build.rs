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
  $ claw build factorial.claw -Os --strip   # the smallest component
  $ claw build factorial.claw --emit ir     # print the optimized IR instead

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
    /// Optimization level: 0 (none), 1 (cheap passes), 2 (all, the default), s (all,
    /// preferring smaller code, without function names).
    #[arg(short = 'O', value_name = "LEVEL", default_value = "2")]
    opt: OptArg,
    /// What to write: the component, the optimized IR as text, or the core module as WAT.
    #[arg(long, value_enum, default_value_t = Emit::Component)]
    emit: Emit,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum OptArg {
    #[value(name = "0")]
    O0,
    #[value(name = "1")]
    O1,
    #[value(name = "2")]
    O2,
    #[value(name = "s")]
    Os,
}

impl From<OptArg> for claw_compiler::OptLevel {
    fn from(arg: OptArg) -> Self {
        match arg {
            OptArg::O0 => claw_compiler::OptLevel::O0,
            OptArg::O1 => claw_compiler::OptLevel::O1,
            OptArg::O2 => claw_compiler::OptLevel::O2,
            OptArg::Os => claw_compiler::OptLevel::Os,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Emit {
    Component,
    Ir,
    Wat,
}

pub fn run(opts: Opts, term: &Term) -> anyhow::Result<ExitCode> {
    let source = SourceFile::read(&opts.file)?;
    let options = claw_compiler::Options {
        debug_info: !opts.strip,
        opt_level: opts.opt.into(),
        keep_ir: opts.emit == Emit::Ir,
    };
    let compiled = compile_with(&source, opts.wit.as_deref(), options, term)?;
    let text = match opts.emit {
        Emit::Component => None,
        Emit::Ir => compiled.ir,
        Emit::Wat => Some(
            wasmprinter::print_bytes(&compiled.core)
                .map_err(|err| anyhow!("cannot print the core module: {err}"))?,
        ),
    };
    let (output, bytes) = match text {
        // Text goes to standard output unless `-o` names a file.
        Some(text) => match opts.output {
            Some(output) => (output, text.into_bytes()),
            None => {
                print!("{text}");
                return Ok(ExitCode::SUCCESS);
            }
        },
        None => (
            opts.output
                .unwrap_or_else(|| opts.file.with_extension("wasm")),
            compiled.component,
        ),
    };
    std::fs::write(&output, bytes)
        .map_err(|err| anyhow!("cannot write `{}`: {}", output.display(), io_message(&err)))?;
    Ok(ExitCode::SUCCESS)
}
