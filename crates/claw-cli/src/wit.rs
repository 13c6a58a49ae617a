//! `claw wit`: print the WIT world a Claw file's imports and exports make.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::compile::{compile, SourceFile};
use crate::term::Term;

/// Print the WIT world of a Claw file: what the component imports and exports.
#[derive(clap::Args)]
#[command(after_help = "\
Example:
  $ claw wit examples/factorial.claw
  package root:component;

  world root {
    export factorial: func(n: u64) -> u64;
  }")]
pub struct Opts {
    /// The `.claw` file whose world to print.
    file: PathBuf,
    /// A folder of WIT packages to import from (its `deps/` subfolder is read too).
    #[arg(long, value_name = "DIR")]
    wit: Option<PathBuf>,
}

pub fn run(opts: Opts, term: &Term) -> anyhow::Result<ExitCode> {
    let source = SourceFile::read(&opts.file)?;
    let compiled = compile(&source, opts.wit.as_deref(), term)?;
    print!("{}", compiled.wit);
    if !compiled.wit.ends_with('\n') {
        println!();
    }
    Ok(ExitCode::SUCCESS)
}
