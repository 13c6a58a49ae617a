//! A `wit/` folder given as files of text, loaded as the CLI loads the folder beside a source
//! file: its own package with the packages under `deps/`, or, when it holds only `deps/`, each of
//! those packages.

use std::collections::BTreeMap;

use claw_compiler::{Diagnostic, Resolve};
use wit_parser::{SourceMap, UnresolvedPackageGroup};

use crate::WitFile;

/// The packages in `files` (none for no files), or the diagnostic that says why they cannot
/// be loaded.
pub fn resolve(files: &[WitFile]) -> Result<Resolve, Box<Diagnostic>> {
    let mut resolve = Resolve::new();
    if files.is_empty() {
        return Ok(resolve);
    }
    load(&mut resolve, files).map_err(|detail| {
        Box::new(
            Diagnostic::error("invalid-wit", "cannot load the WIT packages in `wit`")
                .note(detail)
                .hint("fix the WIT files"),
        )
    })?;
    Ok(resolve)
}

/// Loads `files`, or says why not, with wit-parser's own `--> file.wit:3:11` snippet.
fn load(resolve: &mut Resolve, files: &[WitFile]) -> Result<(), String> {
    // Group the files into packages: the folder's own files, and each `deps/NAME/` folder or
    // `deps/NAME.wit` file.
    let mut own = SourceMap::new();
    let mut has_own = false;
    let mut deps: BTreeMap<&str, SourceMap> = BTreeMap::new();
    for file in files {
        let path = file.path.trim_start_matches("./");
        if !path.ends_with(".wit") {
            continue;
        }
        match path.strip_prefix("deps/") {
            Some(rest) => {
                let package = rest.split_once('/').map_or(rest, |(dir, _)| dir);
                deps.entry(package)
                    .or_default()
                    .push_str(&format!("wit/{path}"), file.text.clone());
            }
            None if !path.contains('/') => {
                has_own = true;
                own.push_str(&format!("wit/{path}"), file.text.clone());
            }
            None => {}
        }
    }
    let mut groups = Vec::new();
    for map in deps.into_values() {
        groups.push(parse(map)?);
    }
    if has_own {
        let own = parse(own)?;
        return match resolve.push_groups(own, groups) {
            Ok(_) => Ok(()),
            Err(err) => Err(resolve.render_error(&anyhow::Error::from(err))),
        };
    }
    // Only dependencies: push each once the ones it uses are in.
    while !groups.is_empty() {
        let before = groups.len();
        let mut last_error = None;
        let mut pending = Vec::new();
        for group in groups {
            let mut attempt = resolve.clone();
            // A failed push consumes the group; the next round needs it again.
            match attempt.push_group(group.clone()) {
                Ok(_) => *resolve = attempt,
                Err(err) => {
                    last_error = Some(attempt.render_error(&anyhow::Error::from(err)));
                    pending.push(group);
                }
            }
        }
        if pending.len() == before {
            return Err(last_error.expect("a package failed to load"));
        }
        groups = pending;
    }
    Ok(())
}

fn parse(map: SourceMap) -> Result<UnresolvedPackageGroup, String> {
    map.parse().map_err(|(map, err)| err.render(&map))
}
