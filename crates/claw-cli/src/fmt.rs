//! `claw fmt`: rewrite files in the one canonical layout.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;
use claw_compiler::Diagnostic;

use crate::compile::{io_message, report_as, SourceFile};
use crate::term::Term;

/// Format Claw files in the one canonical layout (no options, as `gofmt`).
///
/// Indentation of 4 spaces, lines of at most 100 columns where the code allows, trailing
/// commas in broken lists, at most one blank line in a row, every comment kept. A file with
/// a syntax error is reported and left as it is.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  $ claw fmt                    # every .claw file under the current folder
  $ claw fmt --check .          # for CI: list files not formatted, exit 1 if any
  $ claw fmt - < in.claw        # for editors: stdin to stdout")]
pub struct Opts {
    /// Files or folders (searched for `.claw` files, skipping hidden folders, `target`,
    /// `node_modules` and what `claw.toml`'s `[fmt] exclude` lists); `-` reads stdin and
    /// writes stdout. Default: the current folder.
    paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted, and exit 1 if there are any.
    #[arg(long)]
    check: bool,
}

pub fn run(opts: Opts, term: &Term) -> anyhow::Result<ExitCode> {
    let mut paths = opts.paths;
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            term.error("`-` (stdin) cannot be combined with other paths");
            return Ok(ExitCode::from(2));
        }
        return stdin(term, opts.check);
    }
    let manifest = Path::new("claw.toml");
    let exclude: Vec<PathBuf> = if manifest.exists() {
        crate::manifest::read(manifest)?
            .fmt_exclude
            .iter()
            .filter_map(|p| p.canonicalize().ok())
            .collect()
    } else {
        Vec::new()
    };
    let mut files = Vec::new();
    for path in &paths {
        if path.is_dir() {
            collect(path, &exclude, &mut files)
                .map_err(|err| anyhow!("cannot read `{}`: {}", path.display(), io_message(&err)))?;
        } else {
            files.push(path.clone());
        }
    }
    let mut failed = false;
    let mut unformatted = false;
    for path in files {
        let source = SourceFile::read(&path)?;
        let Some(formatted) = format(&source, term) else {
            failed = true;
            continue;
        };
        if formatted == source.text {
            continue;
        }
        if opts.check {
            println!("{}", path.display());
            unformatted = true;
        } else {
            std::fs::write(&path, formatted).map_err(|err| {
                anyhow!("cannot write `{}`: {}", path.display(), io_message(&err))
            })?;
        }
    }
    Ok(if failed || unformatted {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn stdin(term: &Term, check: bool) -> anyhow::Result<ExitCode> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|err| anyhow!("cannot read stdin: {}", io_message(&err)))?;
    let source = SourceFile {
        path: PathBuf::from("<stdin>"),
        text,
    };
    let Some(formatted) = format(&source, term) else {
        return Ok(ExitCode::FAILURE);
    };
    if check {
        return Ok(if formatted == source.text {
            ExitCode::SUCCESS
        } else {
            println!("<stdin>");
            ExitCode::FAILURE
        });
    }
    std::io::stdout().write_all(formatted.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The formatted text, or `None` once the reason it cannot be formatted is printed.
fn format(source: &SourceFile, term: &Term) -> Option<String> {
    match claw_fmt::format(&source.text) {
        Ok(text) => Some(text),
        Err(claw_fmt::Error::Syntax(errors)) => {
            let diagnostics: Vec<Diagnostic> = errors.into_iter().map(Diagnostic::from).collect();
            report_as("format", source, &diagnostics, term);
            None
        }
        Err(claw_fmt::Error::Changed(why)) => {
            term.error(&format!(
                "formatting `{}` would change the program ({why}); it is left as it is. \
                 This is a bug in `claw fmt`",
                source.name()
            ));
            None
        }
    }
}

/// The `.claw` files under `dir` but those in `exclude` (canonical paths), in a stable order.
fn collect(dir: &Path, exclude: &[PathBuf], out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.canonicalize().is_ok_and(|p| exclude.contains(&p)) {
            continue;
        }
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                collect(&path, exclude, out)?;
            }
        } else if name.ends_with(".claw") {
            out.push(path);
        }
    }
    Ok(())
}
