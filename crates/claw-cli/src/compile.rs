//! What `build`, `check`, `run` and `wit` share: reading a source file, finding and loading the
//! WIT packages it may import from, calling the compiler, and printing its diagnostics.
//!
//! All of the compiler's IO happens here, because `claw-compiler` does none: it gets the text
//! and a ready [`Resolve`].

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use claw_compiler::{Compiled, Diagnostic, Resolve};
use claw_syntax::FileId;

use crate::term::{Reported, Term};

/// The one file a command works on.
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// The id of the only file in a compilation; spans in diagnostics carry it.
const FILE: FileId = FileId(0);

impl SourceFile {
    pub fn read(path: &Path) -> anyhow::Result<SourceFile> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| anyhow!("cannot read `{}`: {}", path.display(), io_message(&err)))?;
        Ok(SourceFile {
            path: path.to_owned(),
            text,
        })
    }

    /// The file as the compiler sees it; `check!` messages name it by its file name alone, so
    /// they read the same wherever the tests run from.
    pub fn unit(&self) -> claw_compiler::Source<'_> {
        claw_compiler::Source {
            file: FILE,
            name: self
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("<input>"),
            text: &self.text,
        }
    }

    /// The name diagnostics show: the path as the user wrote it.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }
}

/// Compiles `source`, printing every diagnostic and a summary line on failure. `wit_dir` is the
/// `--wit` option.
pub fn compile(
    source: &SourceFile,
    wit_dir: Option<&Path>,
    term: &Term,
) -> anyhow::Result<Compiled> {
    compile_with(source, wit_dir, claw_compiler::Options::default(), term)
}

/// [`compile`] with compiler options.
pub fn compile_with(
    source: &SourceFile,
    wit_dir: Option<&Path>,
    options: claw_compiler::Options,
    term: &Term,
) -> anyhow::Result<Compiled> {
    let resolve = load_wit(source, wit_dir, term)?;
    claw_compiler::compile_with(source.unit(), resolve, options)
        .map_err(|diagnostics| report(source, &diagnostics, term))
}

/// Checks `source` without generating code, printing diagnostics as [`compile`] does.
pub fn check(source: &SourceFile, wit_dir: Option<&Path>, term: &Term) -> anyhow::Result<()> {
    let resolve = load_wit(source, wit_dir, term)?;
    let diagnostics = claw_compiler::check(source.unit(), resolve);
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(report(source, &diagnostics, term))
    }
}

/// The WIT packages for `source`: the `--wit` folder if given, else a `wit/` folder beside the
/// source file, else none. A folder that fails to load is reported like a diagnostic, since it
/// is as much a mistake in the user's project as a type error is.
/// Loads a WIT folder: its own package with `deps/`, or, when it holds only `deps/`, each of
/// those packages (in whatever order lets each find the ones it uses).
fn push_wit_folder(resolve: &mut Resolve, dir: &Path) -> anyhow::Result<()> {
    let has_own_package = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .any(|entry| entry.path().extension().is_some_and(|ext| ext == "wit"));
    let deps = dir.join("deps");
    if has_own_package || !deps.is_dir() {
        resolve.push_path(dir)?;
        return Ok(());
    }
    let mut pending: Vec<_> = std::fs::read_dir(&deps)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    pending.sort();
    while !pending.is_empty() {
        let mut last_error = None;
        let before = pending.len();
        pending.retain(|path| {
            let mut attempt = resolve.clone();
            match attempt.push_path(path) {
                Ok(_) => {
                    *resolve = attempt;
                    false
                }
                Err(err) => {
                    last_error = Some(err);
                    true
                }
            }
        });
        if pending.len() == before {
            return Err(last_error.expect("a package failed to load"));
        }
    }
    Ok(())
}

fn load_wit(source: &SourceFile, wit_dir: Option<&Path>, term: &Term) -> anyhow::Result<Resolve> {
    let resolve = Resolve::new();
    let beside = source
        .path
        .parent()
        .map(|dir| dir.join("wit"))
        .filter(|dir| dir.is_dir());
    let Some(dir) = wit_dir.map(Path::to_owned).or(beside) else {
        return Ok(resolve);
    };
    if !dir.exists() {
        // Only `--wit` can name a missing path; a folder beside the source was seen to exist.
        anyhow::bail!("cannot read `{}`: No such file or directory", dir.display());
    }
    wit_folder(&dir).map_err(|diagnostic| report(source, &[*diagnostic], term))
}

/// The WIT packages in `dir`, or the diagnostic that says why they cannot be loaded.
pub fn wit_folder(dir: &Path) -> Result<Resolve, Box<Diagnostic>> {
    let mut resolve = Resolve::new();
    match push_wit_folder(&mut resolve, dir) {
        Ok(()) => Ok(resolve),
        Err(err) => Err(Box::new(
            Diagnostic::error(
                "invalid-wit",
                format!("cannot load the WIT packages in `{}`", dir.display()),
            )
            .note(wit_error_detail(&resolve, &err))
            .hint("fix the WIT files, or point `--wit` at another folder"),
        )),
    }
}

/// What went wrong in a WIT folder, with wit-parser's own `--> file.wit:3:11` snippet. The
/// context layers above the root cause only repeat the folder's path, which the diagnostic's
/// title already names, so they are cut off.
fn wit_error_detail(resolve: &Resolve, err: &anyhow::Error) -> String {
    let rendered = resolve.render_error(err);
    let layers: Vec<String> = err.chain().map(ToString::to_string).collect();
    let context = match layers.split_last() {
        Some((_, above)) if !above.is_empty() => format!("{}: ", above.join(": ")),
        _ => String::new(),
    };
    match rendered.strip_prefix(&context) {
        Some(root) => root.to_owned(),
        None => rendered,
    }
}

/// Prints `diagnostics` and the summary line, returning the error that makes `main` exit 1.
fn report(source: &SourceFile, diagnostics: &[Diagnostic], term: &Term) -> anyhow::Error {
    report_as("compile", source, diagnostics, term)
}

/// Prints `diagnostics` and a last line saying what could not be done (`could not VERB …`).
pub fn report_as(
    verb: &str,
    source: &SourceFile,
    diagnostics: &[Diagnostic],
    term: &Term,
) -> anyhow::Error {
    let text = claw_render::report(verb, &source.name(), &source.text, diagnostics, term.color);
    eprint!("{text}");
    Reported.into()
}

/// An IO error's message without the `(os error 2)` that std appends, which means nothing to
/// most readers.
pub fn io_message(err: &std::io::Error) -> String {
    let message = err.to_string();
    match message.find(" (os error ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    }
}
