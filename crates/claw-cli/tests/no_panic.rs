//! The compiler never panics, whatever it is given. For every `.claw` file in `tests/programs/`,
//! `tests/errors/`, `tests/test-files/` and `examples/` (with its folders),
//! `claw_compiler::check` runs on each prefix of the text (cut on character boundaries, so
//! every half-typed program is covered; those ending inside a comment read as the one ending
//! at its `//`) and on pseudo-random mutations of it. Inputs that check clean are also compiled, and the component must validate.
//!
//! The mutations come from a fixed-seed generator, so a failure reproduces on every run; the
//! failing input is printed in full. Each call runs on a thread of its own with a time limit,
//! because an endless loop is as much a bug as a panic and, when it allocates, can take the
//! machine's memory with it before any test fails: a call over the limit is reported with its
//! input and the whole process exits, since the runaway thread cannot be stopped otherwise.

mod support;

use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use claw_compiler::Resolve;
use claw_syntax::FileId;
use libtest_mimic::{Arguments, Failed, Trial};
use wasmparser::{Validator, WasmFeatures};

/// Mutated inputs in all, spread over the files.
const TOTAL_MUTATIONS: usize = 3000;

/// How long one `check` or `compile` may take. Real calls on these small files take
/// milliseconds even unoptimised; the limit is low because a loop that allocates fills
/// gigabytes within seconds.
const TIME_LIMIT: Duration = Duration::from_secs(2);

/// Fragments worth splicing in: delimiters and keywords whose absence or excess parsers and
/// checkers trip over.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    ";",
    ",",
    "::",
    ":",
    "->",
    "=",
    "+=",
    "-",
    "%",
    "\"",
    "\\u{",
    "\\",
    "0x",
    "99999999999999999999",
    "1.5e",
    "-128",
    "as u8",
    "as",
    "let",
    "mut",
    "loop",
    "break;",
    "continue;",
    "return",
    "return;",
    "if",
    "else",
    "while",
    "func",
    "export",
    "import",
    "from",
    "level::",
    "x",
    "%if",
    "😀",
    "\n",
    " ",
];

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let resolve = support::load_wit("tests/programs/wit");
    let files: Vec<_> = [
        "tests/programs",
        "tests/errors",
        "tests/test-files",
        "examples",
        "examples/calc",
        "examples/visits",
    ]
    .into_iter()
    .flat_map(support::claw_files)
    .collect();
    let mutations = TOTAL_MUTATIONS.div_ceil(files.len().max(1));
    let trials = files
        .into_iter()
        .map(|path| {
            let resolve = resolve.clone();
            let dir = path
                .parent()
                .and_then(Path::file_name)
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let name = format!("{dir}::{}", support::stem(&path));
            Trial::test(name, move || survive_file(&path, &resolve, mutations))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

fn survive_file(path: &Path, resolve: &Resolve, mutations: usize) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path).map_err(|err| err.to_string())?;
    // A prefix that ends inside a comment, past its `//`, reads as the one that ends at the
    // `//`: such prefixes are left out, so a file of long `// invoke:` lines costs no more
    // than its code.
    let comments = claw_syntax::comments(FileId(0), &text);
    let in_comment = |end: usize| {
        comments
            .iter()
            .any(|c| end > c.start as usize + 2 && end <= c.end as usize)
    };
    for (end, _) in text.char_indices().chain([(text.len(), ' ')]) {
        if !in_comment(end) {
            survive(&text[..end], resolve)?;
        }
    }
    let mut rng = Rng::seeded(&text);
    for _ in 0..mutations {
        let mutated = mutate(text.as_bytes(), &mut rng);
        survive(&String::from_utf8_lossy(&mutated), resolve)?;
    }
    Ok(())
}

/// The file every trial compiles.
fn source(text: &str) -> claw_compiler::Source<'_> {
    claw_compiler::Source {
        file: FileId(0),
        name: "test.claw",
        text,
    }
}

/// Checks `input`, and compiles and validates it when it checks clean. Compiling is much
/// slower than checking, so among clean prefixes only those ending in `}` (a finished item)
/// are compiled: the others differ from one of those only by trailing comments and blanks.
fn survive(input: &str, resolve: &Resolve) -> Result<(), Failed> {
    let diagnostics = guarded(input, "check", resolve, |text, resolve| {
        claw_compiler::check(source(text), resolve)
    })?;
    if !diagnostics.is_empty() || !input.trim_end().ends_with('}') {
        return Ok(());
    }
    let compiled = guarded(input, "compile", resolve, |text, resolve| {
        claw_compiler::compile(source(text), resolve)
    })?;
    match compiled {
        Ok(compiled) => Validator::new_with_features(WasmFeatures::all())
            .validate_all(&compiled.component)
            .map(|_| ())
            .map_err(|err| {
                failure(
                    &format!("checked clean and compiled, but the component is invalid: {err}"),
                    input,
                )
            }),
        Err(diagnostics) => Err(failure(
            &format!("checked clean but failed to compile: {diagnostics:?}"),
            input,
        )),
    }
}

/// Runs `f` on `input` on a thread of its own, turning a panic into a test failure and a call
/// over [`TIME_LIMIT`] into the end of the process.
fn guarded<T: Send + 'static>(
    input: &str,
    what: &str,
    resolve: &Resolve,
    f: impl FnOnce(&str, Resolve) -> T + Send + 'static,
) -> Result<T, Failed> {
    let (send, receive) = mpsc::channel();
    let text = input.to_owned();
    let resolve = resolve.clone();
    let worker = thread::spawn(move || {
        let _ = send.send(f(&text, resolve));
    });
    match receive.recv_timeout(TIME_LIMIT) {
        Ok(value) => {
            let _ = worker.join();
            Ok(value)
        }
        Err(RecvTimeoutError::Disconnected) => {
            let payload = worker.join().expect_err("the worker died without a result");
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("<non-string panic payload>");
            Err(failure(&format!("{what} panicked: {message}"), input))
        }
        Err(RecvTimeoutError::Timeout) => {
            let message = format!("{what} ran longer than {TIME_LIMIT:?}");
            eprintln!(
                "no_panic: {}",
                failure(&message, input).message().unwrap_or("")
            );
            std::process::exit(1);
        }
    }
}

fn failure(message: &str, input: &str) -> Failed {
    format!("{message}\n----- INPUT\n{input}\n-----").into()
}

/// One to three random edits of `bytes`: overwrite, delete, duplicate or splice in a fragment.
fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 if at < out.len() => out[at] = rng.below(128) as u8,
            1 if at < out.len() => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                out.drain(at..end);
            }
            2 if at < out.len() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            _ => {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
                out.splice(at..at, fragment.bytes());
            }
        }
    }
    out
}

/// xorshift64*: tiny, and good enough to pick edit positions.
struct Rng(u64);

impl Rng {
    /// Seeded from the file's text (FNV-1a), so each file gets its own, stable sequence.
    fn seeded(text: &str) -> Rng {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in text.bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(hash | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
