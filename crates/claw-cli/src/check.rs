//! `claw check`: report diagnostics without generating code.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::compile::{check, SourceFile};
use crate::term::Term;

/// Check a Claw file for errors without building it; prints nothing when it is fine.
#[derive(clap::Args)]
#[command(after_help = "\
Example:
  $ claw check counter.claw && echo ok
  ok
  $ claw check broken.claw
  error[unbound-name]: cannot find value `cuont` in this scope
     ╭─[ broken.claw:4:5 ]
  …
  error: could not compile `broken.claw` due to 1 previous error")]
pub struct Opts {
    /// The `.claw` file to check.
    file: PathBuf,
    /// A folder of WIT packages to import from (its `deps/` subfolder is read too).
    #[arg(long, value_name = "DIR")]
    wit: Option<PathBuf>,
}

pub fn run(opts: Opts, term: &Term) -> anyhow::Result<ExitCode> {
    let source = SourceFile::read(&opts.file)?;
    check(&source, opts.wit.as_deref(), term)?;
    Ok(ExitCode::SUCCESS)
}
