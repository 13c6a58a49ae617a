//! `claw fmt`: the layout is a function of the program alone, it changes nothing a program
//! compiles to, every `.claw` file in the repository and every docs example is a fixed point,
//! and the command's modes and exit codes are as documented.

mod support;

use std::path::{Path, PathBuf};

use claw_compiler::{Options, Resolve, Source};
use claw_syntax::{lex, FileId};

/// Every `.claw` file in the repository, but those under hidden folders and build output.
fn repository_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("a readable folder")
            .map(|e| e.expect("an entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    walk(&path, out);
                }
            } else if name.ends_with(".claw") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&support::root(), &mut files);
    assert!(files.len() > 50, "found only {} .claw files", files.len());
    files
}

/// The ```` ```claw ```` blocks of the docs and the README.
fn docs_examples() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for doc in ["docs/language.md", "docs/testing.md", "README.md"] {
        let Ok(text) = std::fs::read_to_string(support::root().join(doc)) else {
            continue;
        };
        let mut block: Option<(usize, String)> = None;
        for (index, line) in text.lines().enumerate() {
            match &mut block {
                None if line.starts_with("```claw") => block = Some((index + 1, String::new())),
                Some((start, body)) if line.starts_with("```") => {
                    out.push((format!("{doc}:{start}"), std::mem::take(body)));
                    block = None;
                }
                Some((_, body)) => {
                    body.push_str(line);
                    body.push('\n');
                }
                None => {}
            }
        }
    }
    assert!(out.len() > 20, "found only {} docs examples", out.len());
    out
}

/// `text` with the whitespace between its tokens changed at random (a space, a line break,
/// deeper indentation), except where a comment or a blank line is, which are the layout's
/// to keep. The program is the same; its layout should be too once formatted.
fn deformat(text: &str, seed: u64) -> String {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (tokens, _) = lex(FileId(0), text);
    let mut out = String::new();
    let mut from = 0;
    for token in tokens {
        let gap = &text[from..token.span.start as usize];
        let keep = gap.is_empty()
            || gap.contains("//")
            || gap.contains('\u{FEFF}')
            || gap.matches('\n').count() >= 2;
        if keep {
            out.push_str(gap);
        } else {
            out.push_str([" ", "\n", "  ", "\n        ", " \n "][(next() % 5) as usize]);
        }
        out.push_str(&text[token.span.range()]);
        from = token.span.end as usize;
    }
    out.push_str(&text[from..]);
    out
}

/// The WIT a repository file compiles against: its folder's `wit/`, or none.
fn wit_for(path: &Path) -> Resolve {
    let mut resolve = Resolve::new();
    if let Some(dir) = path.parent().map(|d| d.join("wit")).filter(|d| d.is_dir()) {
        if resolve.push_path(&dir).is_err() {
            return Resolve::new();
        }
    }
    resolve
}

/// The stripped component and the IR of `text`, with the source positions in `check!`
/// messages masked (they say where the check is, like debug info).
fn compiled(text: &str, resolve: Resolve) -> Option<(Vec<u8>, String)> {
    let source = Source {
        file: FileId(0),
        name: "program.claw",
        text,
    };
    let options = Options {
        debug_info: false,
        keep_ir: true,
        ..Default::default()
    };
    let compiled = claw_compiler::compile_with(source, resolve, options).ok()?;
    let ir = compiled.ir.expect("asked for the IR");
    Some((compiled.component, mask_positions(&ir)))
}

/// `program.claw:12:5` as `program.claw:L:C`.
fn mask_positions(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("program.claw:") {
        let (head, tail) = rest.split_at(at + "program.claw:".len());
        out.push_str(head);
        let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line = digits(tail);
        let column = tail[line..]
            .strip_prefix(':')
            .map_or(0, |after| 1 + digits(after));
        out.push_str("L:C");
        rest = &tail[line + column..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_file_and_docs_example_is_a_fixed_point() {
    let mut checked = 0;
    for path in repository_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(once) = claw_fmt::format(&text) else {
            continue;
        };
        let twice = claw_fmt::format(&once).expect("formatted text formats");
        assert_eq!(twice, once, "{}: formatting twice differs", path.display());
        checked += 1;
    }
    for (place, text) in docs_examples() {
        let Ok(once) = claw_fmt::format(&text) else {
            continue;
        };
        let twice = claw_fmt::format(&once).expect("formatted text formats");
        assert_eq!(twice, once, "{place}: formatting twice differs");
        checked += 1;
    }
    assert!(checked > 100, "only {checked} files formatted");
}

#[test]
fn the_layout_depends_on_the_program_not_on_how_it_was_laid_out() {
    for path in repository_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(expected) = claw_fmt::format(&text) else {
            continue;
        };
        for seed in 0..3 {
            let shuffled = deformat(&text, seed);
            let got = claw_fmt::format(&shuffled)
                .unwrap_or_else(|err| panic!("{} seed {seed}: {err:?}", path.display()));
            assert_eq!(
                got,
                expected,
                "{} seed {seed}:\n{}",
                path.display(),
                support::diff(&expected, &got)
            );
        }
    }
}

#[test]
fn formatting_changes_nothing_the_program_compiles_to() {
    let mut compared = 0;
    for path in repository_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let shuffled = deformat(&text, 7);
        let Some((component, ir)) = compiled(&shuffled, wit_for(&path)) else {
            continue;
        };
        let formatted = claw_fmt::format(&shuffled).expect("a program that compiles formats");
        let (after, after_ir) =
            compiled(&formatted, wit_for(&path)).expect("the formatted program compiles");
        assert_eq!(after_ir, ir, "{}: the IR changed", path.display());
        if !text.contains("check!") {
            assert!(
                after == component,
                "{}: the component changed",
                path.display()
            );
        }
        compared += 1;
    }
    assert!(compared > 60, "only {compared} programs compiled");
}

/// A fresh folder of its own for a test that writes files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claw-fmt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_lists_what_fmt_would_change_and_fmt_changes_it() {
    let dir = scratch("check");
    let neat = "export func one() -> u32 {\n    return 1;\n}\n";
    std::fs::write(dir.join("neat.claw"), neat).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("sub/messy.claw"),
        "export func two()->u32{return 2;}",
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "not claw {").unwrap();
    let d = dir.to_str().unwrap();

    let out = support::claw(&["fmt", "--check", d]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), format!("{d}/sub/messy.claw\n"));
    assert_eq!(
        std::fs::read_to_string(dir.join("sub/messy.claw")).unwrap(),
        "export func two()->u32{return 2;}",
        "--check changes nothing"
    );

    let out = support::claw(&["fmt", d]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        std::fs::read_to_string(dir.join("sub/messy.claw")).unwrap(),
        "export func two() -> u32 {\n    return 2;\n}\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("neat.claw")).unwrap(),
        neat
    );

    let out = support::claw(&["fmt", "--check", d]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_left_alone() {
    let dir = scratch("syntax");
    let broken = "export func f() -> u32 {\n    return 1 +;\n}\n";
    let path = dir.join("broken.claw");
    std::fs::write(&path, broken).unwrap();
    let out = support::claw(&["fmt", "--color", "never", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error[unexpected-token]: expected an expression, found `;`"),
        "{stderr}"
    );
    assert!(stderr.contains("broken.claw:2:15 ]"), "{stderr}");
    assert!(
        stderr.ends_with("error: could not format `") || stderr.contains("due to 1 previous error"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
}

#[test]
fn stdin_goes_to_stdout() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"let   x : u32=1 ;// one\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "let x: u32 = 1; // one\n");
}

#[test]
fn stdin_with_other_paths_is_a_usage_error() {
    let out = support::claw(&["fmt", "-", "examples"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`-` (stdin) cannot be combined with other paths"));
}

#[test]
fn positions_in_check_messages_are_masked() {
    assert_eq!(
        mask_positions("\"check failed at program.claw:12:5: x\" program.claw:3:44"),
        "\"check failed at program.claw:L:C: x\" program.claw:L:C"
    );
}

#[test]
fn the_repository_is_formatted() {
    let out = support::claw(&["fmt", "--check", "."]);
    assert_eq!(
        (out.status.code(), text(&out.stdout), text(&out.stderr)),
        (Some(0), String::new(), String::new()),
        "run `claw fmt` at the repository root"
    );
}
