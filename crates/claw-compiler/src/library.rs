//! The libraries that ship with the compiler, written in Claw (`lib/*.claw`): a file that calls
//! `http::respond(…)` gets the `http` library's functions added to its own, named `http::…`,
//! and checked, lowered and compiled with them. Dead-function elimination then keeps only what
//! the file's exports reach, so a library costs nothing where it is not called.
//!
//! A library file's items keep their spans in [`LIBRARY_FILE`], which no caller's file uses:
//! the line table, the editor queries and diagnostics all leave such spans out.

use std::collections::HashSet;

use claw_syntax::ast::{ExprKind, Item, SourceFile};
use claw_syntax::FileId;

use crate::diagnostics::Diagnostic;

/// The file of every span in a library's code.
pub const LIBRARY_FILE: FileId = FileId(u32::MAX);

struct Library {
    /// What calls of its functions are qualified with.
    namespace: &'static str,
    file: &'static str,
    text: &'static str,
    /// The other library files its functions call.
    needs: &'static [&'static str],
}

const LIBRARIES: &[Library] = &[
    Library {
        namespace: "http",
        file: "http.claw",
        text: include_str!("../lib/http.claw"),
        needs: &[],
    },
    Library {
        namespace: "http",
        file: "http-client.claw",
        text: include_str!("../lib/http-client.claw"),
        needs: &["http.claw"],
    },
];

/// Whether `namespace` is a library's, so that `namespace::f(…)` calls one of its functions.
pub fn is_namespace(namespace: &str) -> bool {
    LIBRARIES.iter().any(|lib| lib.namespace == namespace)
}

/// The functions of `namespace`'s libraries, by their unqualified names.
pub fn functions(namespace: &str) -> Vec<String> {
    let mut names = Vec::new();
    for lib in LIBRARIES.iter().filter(|lib| lib.namespace == namespace) {
        let (ast, _) = claw_syntax::parse(LIBRARY_FILE, lib.text);
        for item in &ast.items {
            if let Item::Func(func) = item {
                names.push(func.name.text.clone());
            }
        }
    }
    names.sort();
    names
}

/// Adds to `ast` the library files whose functions it calls (and the files those need). A
/// name the file defines that a linked library also brings in (a type it imports, a record
/// it declares) is reported at the file's definition: the two would be one name.
pub fn link(ast: &mut SourceFile) -> Vec<Diagnostic> {
    let called = qualified_calls(ast);
    if !called.iter().any(|(namespace, _)| is_namespace(namespace)) {
        return Vec::new();
    }
    let mut parsed: Vec<(SourceFile, bool)> = LIBRARIES
        .iter()
        .map(|lib| {
            let (file, errors) = claw_syntax::parse(LIBRARY_FILE, lib.text);
            (file, errors.is_empty())
        })
        .collect();
    let mut wanted: Vec<bool> = LIBRARIES
        .iter()
        .zip(&parsed)
        .map(|(lib, (file, _))| {
            file.items.iter().any(|item| match item {
                Item::Func(func) => {
                    called.contains(&(lib.namespace.to_owned(), func.name.text.clone()))
                }
                _ => false,
            })
        })
        .collect();
    for i in 0..LIBRARIES.len() {
        if wanted[i] {
            for need in LIBRARIES[i].needs {
                if let Some(j) = LIBRARIES.iter().position(|lib| lib.file == *need) {
                    wanted[j] = true;
                }
            }
        }
    }
    let mut diagnostics = Vec::new();
    let defined = file_names(ast, true);
    let mut reported: HashSet<String> = HashSet::new();
    for ((lib, (file, parses)), wanted) in LIBRARIES.iter().zip(parsed.drain(..)).zip(wanted) {
        if !wanted {
            continue;
        }
        if !parses {
            diagnostics.push(
                Diagnostic::error(
                    "internal-error",
                    format!("the bundled library `{}` does not parse", lib.file),
                )
                .note("this is a bug in the Claw compiler"),
            );
            continue;
        }
        // Its functions are renamed `http::…`, so they meet nothing.
        for (name, origin) in file_names(&file, false) {
            let clash = defined
                .iter()
                .find(|(theirs, how)| theirs.text == name.text && how.clashes_with(&origin));
            if let Some((theirs, _)) = clash.filter(|_| reported.insert(name.text.clone())) {
                diagnostics.push(
                    Diagnostic::error(
                        "library-name-clash",
                        format!(
                            "`{}` is also a name the `{}` library uses",
                            name.text, lib.namespace
                        ),
                    )
                    .at(theirs.span, "defined here")
                    .note(match &origin {
                        Origin::Import(interface) => {
                            format!("the library imports `{}` from `{interface}`", name.text)
                        }
                        Origin::Defined => format!("the library declares `{}`", name.text),
                    })
                    .hint(format!(
                        "rename yours: a file that calls `{}::…` shares the library's names",
                        lib.namespace
                    )),
                );
            }
        }
        for mut item in file.items {
            match &mut item {
                Item::Func(func) => {
                    func.name.text = format!("{}::{}", lib.namespace, func.name.text);
                }
                Item::ImportFrom(import) => {
                    for name in &mut import.names {
                        if let Some(alias) = &mut name.alias {
                            alias.text = format!("{}::{}", lib.namespace, alias.text);
                        }
                    }
                }
                Item::ExportInterface(_) | Item::ImportFunc(_) => {
                    unreachable!("libraries export nothing and import only from interfaces")
                }
                Item::Global(_) | Item::TypeDecl(_) => {}
            }
            ast.items.push(item);
        }
    }
    diagnostics
}

/// How a file-level name came to be.
enum Origin {
    /// Imported (unrenamed) from this interface.
    Import(String),
    /// Declared or defined in the file (or imported under another name).
    Defined,
}

impl Origin {
    /// Whether a name of this origin and one of `other` would be two things under one name
    /// (the same import twice is one thing).
    fn clashes_with(&self, other: &Origin) -> bool {
        !matches!((self, other), (Origin::Import(a), Origin::Import(b)) if a == b)
    }
}

/// A name a file brings into its namespace, and where it is written.
struct FileName {
    text: String,
    span: claw_syntax::Span,
}

/// The type, global and (with `functions`) function names a file brings in: what it
/// imports under their own names, and what it declares.
fn file_names(file: &SourceFile, functions: bool) -> Vec<(FileName, Origin)> {
    let mut out = Vec::new();
    let mut add = |name: &claw_syntax::ast::Name, origin: Origin| {
        out.push((
            FileName {
                text: name.text.clone(),
                span: name.span,
            },
            origin,
        ));
    };
    for item in &file.items {
        match item {
            Item::ImportFrom(import) => {
                let path = &import.interface;
                let mut interface = format!(
                    "{}:{}/{}",
                    path.namespace.text, path.package.text, path.interface.text
                );
                if let Some(version) = &path.version {
                    interface = format!("{interface}@{}", version.text);
                }
                for name in &import.names {
                    match &name.alias {
                        None => add(&name.name, Origin::Import(interface.clone())),
                        Some(alias) => add(alias, Origin::Defined),
                    }
                }
            }
            Item::ImportFunc(import) => {
                let local = import.alias.as_ref().unwrap_or(&import.name);
                add(local, Origin::Defined);
            }
            Item::TypeDecl(decl) => add(&decl.name, Origin::Defined),
            Item::Func(func) if functions && func.interface.is_none() => {
                add(&func.name, Origin::Defined);
            }
            Item::Global(global) => add(&global.name, Origin::Defined),
            Item::Func(_) | Item::ExportInterface(_) => {}
        }
    }
    out
}

/// `diagnostic` with only the places in the file: a label in library code (the parameter a
/// wrong argument was for) becomes a note naming the library. A diagnostic whose main place
/// is in library code is a bug in the library.
pub fn outside(mut diagnostic: Diagnostic) -> Diagnostic {
    let inside = |label: &crate::diagnostics::Label| label.span.file == LIBRARY_FILE;
    if diagnostic.primary.as_ref().is_some_and(inside) {
        let message = diagnostic.message.clone();
        return Diagnostic::error(
            "internal-error",
            format!("a bundled library does not check: {message}"),
        )
        .note("this is a bug in the Claw compiler");
    }
    let before = diagnostic.secondary.len();
    diagnostic.secondary.retain(|label| !inside(label));
    if diagnostic.secondary.len() < before {
        diagnostic
            .notes
            .push("the other place is in a library that ships with the compiler".to_owned());
    }
    diagnostic
}

/// Every `a::b(…)` call in the file, as `(a, b)`.
fn qualified_calls(ast: &SourceFile) -> HashSet<(String, String)> {
    let mut calls = HashSet::new();
    for item in &ast.items {
        let body = match item {
            Item::Func(func) => &func.body,
            Item::Global(global) => &global.body,
            _ => continue,
        };
        for (_, expr) in body.exprs.iter() {
            if let ExprKind::Call { callee, .. } = &expr.kind {
                if let [namespace, name] = callee.as_slice() {
                    calls.insert((namespace.text.clone(), name.text.clone()));
                }
            }
        }
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every library parses; that each also checks and compiles is shown by the files that
    /// call them (the HTTP examples and their tests, `tests/http/`).
    #[test]
    fn libraries_parse() {
        for lib in LIBRARIES {
            let (_, errors) = claw_syntax::parse(LIBRARY_FILE, lib.text);
            assert!(errors.is_empty(), "{}: {errors:?}", lib.file);
        }
    }
}
