//! `claw.toml`: the test suites of a project, so that plain `claw test` runs them all with
//! the `--with` components each needs, and the files `claw fmt` leaves alone.
//!
//! ```toml
//! [[suite]]
//! paths = ["examples/calc/calc.test.claw"]
//! with = ["calc=examples/calc/calc.claw"]
//!
//! [fmt]
//! exclude = ["tests/errors/unterminated-string.claw"]
//! ```
//!
//! Paths are relative to the folder holding `claw.toml`. A suite without `paths` finds its
//! tests as `claw test` does with none given.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail};

use crate::test::{parse_with, With};

/// One `[[suite]]`.
#[derive(Debug, Default)]
pub struct Manifest {
    pub suites: Vec<Suite>,
    /// Files and folders `claw fmt` skips when it searches a folder: those that are meant
    /// not to parse, say.
    pub fmt_exclude: Vec<PathBuf>,
}

#[derive(Debug, Default)]
pub struct Suite {
    pub paths: Vec<PathBuf>,
    pub with: Vec<With>,
}

/// The suites `file` lists; an error names what is wrong and where.
pub fn read(file: &Path) -> anyhow::Result<Manifest> {
    let text = std::fs::read_to_string(file)
        .map_err(|err| anyhow!("cannot read `{}`: {err}", file.display()))?;
    let base = file.parent().unwrap_or(Path::new("."));
    let table: toml::Table = text
        .parse()
        .map_err(|err| anyhow!("`{}` is not valid TOML: {err}", file.display()))?;
    let mut manifest = Manifest::default();
    for (key, value) in &table {
        if key == "fmt" {
            manifest.fmt_exclude = fmt_exclude(file, base, value)?;
            continue;
        }
        if key != "suite" {
            bail!(
                "`{}`: unknown key `{key}`; the file holds `[[suite]]` tables and `[fmt]`",
                file.display()
            );
        }
        let Some(array) = value.as_array() else {
            bail!(
                "`{}`: `suite` must be an array of tables (`[[suite]]`)",
                file.display()
            );
        };
        for (index, item) in array.iter().enumerate() {
            let at = format!("`{}`, suite {}", file.display(), index + 1);
            let Some(item) = item.as_table() else {
                bail!("{at}: a suite is a table of `paths` and `with`");
            };
            let mut suite = Suite::default();
            for (key, value) in item {
                let strings = strings(value)
                    .ok_or_else(|| anyhow!("{at}: `{key}` must be a list of strings"))?;
                match key.as_str() {
                    "paths" => suite.paths = strings.iter().map(|p| base.join(p)).collect(),
                    "with" => {
                        for text in strings {
                            let mut with =
                                parse_with(text).map_err(|err| anyhow!("{at}: {err}"))?;
                            with.path = base.join(&with.path);
                            suite.with.push(with);
                        }
                    }
                    _ => bail!("{at}: unknown key `{key}`; a suite has `paths` and `with`"),
                }
            }
            manifest.suites.push(suite);
        }
    }
    Ok(manifest)
}

/// `[fmt]`: `exclude`, a list of paths.
fn fmt_exclude(file: &Path, base: &Path, value: &toml::Value) -> anyhow::Result<Vec<PathBuf>> {
    let at = format!("`{}`, [fmt]", file.display());
    let Some(table) = value.as_table() else {
        bail!("{at}: `fmt` must be a table (`[fmt]`)");
    };
    let mut exclude = Vec::new();
    for (key, value) in table {
        let strings =
            strings(value).ok_or_else(|| anyhow!("{at}: `{key}` must be a list of strings"))?;
        match key.as_str() {
            "exclude" => exclude = strings.iter().map(|p| base.join(p)).collect(),
            _ => bail!("{at}: unknown key `{key}`; `[fmt]` has `exclude`"),
        }
    }
    Ok(exclude)
}

fn strings(value: &toml::Value) -> Option<Vec<&str>> {
    value.as_array()?.iter().map(toml::Value::as_str).collect()
}
