//! Golden diagnostics: for every `NAME.claw` in `tests/errors/`, `claw check NAME.claw` must
//! fail with exit status 1 and print exactly `NAME.stderr`. `BLESS=1` rewrites the `.stderr`
//! files from what `claw` prints now; read the diff before committing it.
//!
//! The binary runs inside `tests/errors/`, so locations read `NAME.claw:3:5` wherever the
//! checkout is, and the `wit/` folder there is found the way users' projects find theirs.

mod support;

use std::path::Path;
use std::process::{Command, ExitCode};

use libtest_mimic::{Arguments, Failed, Trial};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let bless = std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let trials = support::claw_files("tests/errors")
        .into_iter()
        .map(|path| Trial::test(support::stem(&path), move || check_file(&path, bless)))
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

fn check_file(path: &Path, bless: bool) -> Result<(), Failed> {
    let dir = path.parent().expect("a file in a folder");
    let file_name = path.file_name().expect("a file name");
    let output = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["check", "--color", "never"])
        .arg(file_name)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .map_err(|err| format!("cannot run claw: {err}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.code() != Some(1) {
        return Err(format!(
            "expected exit status 1 (compile errors), got {:?}; stderr:\n{stderr}",
            output.status.code()
        )
        .into());
    }
    support::golden_file(&path.with_extension("stderr"), &stderr, bless, "stderr")?;
    Ok(())
}
