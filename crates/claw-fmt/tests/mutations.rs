//! Random edits of the repository's `.claw` files never make the formatter panic: it either
//! formats the result (and then the result is a fixed point) or reports a syntax error.

use std::path::{Path, PathBuf};

fn files() -> Vec<PathBuf> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let mut out = Vec::new();
    for dir in [
        "examples",
        "tests/programs",
        "tests/errors",
        "tests/test-files",
        "bench/kernels",
    ] {
        let mut stack = vec![root.join(dir)];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "claw") {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    assert!(out.len() > 40, "found only {} files", out.len());
    out
}

/// Deletes, duplicates or inserts a few characters at random places (on char boundaries).
fn mutate(text: &str, seed: u64) -> String {
    let mut state = seed;
    let mut next = move |n: usize| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    };
    let mut chars: Vec<char> = text.chars().collect();
    const INSERTS: &[char] = &[
        '{', '}', '(', ')', '[', ']', ',', ';', '/', '\n', '"', '\'', '<', '>', '=', '-', 'x', '0',
        ' ', '.', ':', '!', '?', '|', '&',
    ];
    for _ in 0..1 + next(3) {
        let at = next(chars.len() + 1);
        match next(3) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 if at < chars.len() => {
                let c = chars[at];
                chars.insert(at, c);
            }
            _ => chars.insert(at, INSERTS[next(INSERTS.len())]),
        }
    }
    chars.into_iter().collect()
}

#[test]
fn random_edits_never_panic() {
    let files = files();
    let mut formatted = 0;
    for (index, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        for round in 0..40u64 {
            let seed = (index as u64) << 16 | round;
            let edited = mutate(&text, seed);
            let result = std::panic::catch_unwind(|| claw_fmt::format(&edited));
            match result {
                Err(_) => panic!("{} seed {seed}: the formatter panicked", path.display()),
                Ok(Ok(out)) => {
                    formatted += 1;
                    let again = claw_fmt::format(&out)
                        .unwrap_or_else(|err| panic!("{} seed {seed}: {err:?}", path.display()));
                    assert_eq!(
                        again,
                        out,
                        "{} seed {seed}: not a fixed point",
                        path.display()
                    );
                }
                Ok(Err(claw_fmt::Error::Syntax(_))) => {}
                Ok(Err(claw_fmt::Error::Changed(why))) => {
                    panic!(
                        "{} seed {seed}: the layout changed the program: {why}",
                        path.display()
                    )
                }
            }
        }
    }
    assert!(formatted > 100, "only {formatted} edits still parsed");
}
