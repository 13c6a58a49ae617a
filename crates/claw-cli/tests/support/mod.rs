//! Helpers the test suites share: where the workspace's `tests/` data lives and how to list it.
//!
//! (A `mod.rs` because cargo would build a `tests/support.rs` as a test suite of its own.)

#![allow(dead_code)] // Each suite uses a different part.

use std::path::{Path, PathBuf};

use claw_compiler::Resolve;

pub mod golden;
pub mod vals;

/// The workspace root, where `tests/` and `examples/` are.
pub fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).to_path_buf()
}

/// Runs `claw` from the workspace root with `args`, colour left to its own devices.
pub fn claw(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("claw runs")
}

/// The `.claw` files directly in `dir` (relative to the workspace root), sorted by name.
pub fn claw_files(dir: &str) -> Vec<PathBuf> {
    let dir = root().join(dir);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot list `{}`: {err}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "claw"))
        .collect();
    files.sort();
    files
}

/// The file name without `.claw`, which names each test.
pub fn stem(path: &Path) -> String {
    path.file_stem()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// The WIT packages in `dir` (relative to the workspace root).
pub fn load_wit(dir: &str) -> Resolve {
    let mut resolve = Resolve::new();
    resolve
        .push_path(root().join(dir))
        .unwrap_or_else(|err| panic!("cannot load WIT from `{dir}`: {err:#}"));
    resolve
}

/// A line-by-line comparison good enough to spot what changed in a short rendering.
pub fn diff(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for i in 0..expected.len().max(actual.len()) {
        match (expected.get(i), actual.get(i)) {
            (Some(e), Some(a)) if e == a => out.push_str(&format!("  {e}\n")),
            (e, a) => {
                if let Some(e) = e {
                    out.push_str(&format!("- {e}\n"));
                }
                if let Some(a) = a {
                    out.push_str(&format!("+ {a}\n"));
                }
            }
        }
    }
    out
}

/// Compares `actual` with the golden file at `expected_path`, or with `bless` rewrites the
/// file; `what` names the output in the message (`stderr`, `the IR`).
pub fn golden_file(
    expected_path: &Path,
    actual: &str,
    bless: bool,
    what: &str,
) -> Result<(), String> {
    if bless {
        return std::fs::write(expected_path, actual).map_err(|err| err.to_string());
    }
    let expected = std::fs::read_to_string(expected_path).map_err(|err| {
        format!(
            "cannot read `{}` ({err}); run with BLESS=1 to create it",
            expected_path.display()
        )
    })?;
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "{what} differs from `{}` (BLESS=1 rewrites it)\n{}",
            expected_path.display(),
            diff(&expected, actual)
        ))
    }
}
