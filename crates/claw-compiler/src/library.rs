//! The libraries that ship with the compiler, written in Claw (`lib/*.claw`): a file that calls
//! `http::respond(…)` gets the `http` library's functions added to its own, named `http::…`,
//! and checked, lowered and compiled with them. Dead-function elimination then keeps only what
//! the file's exports reach, so a library costs nothing where it is not called.
//!
//! The methods of strings, chars, numbers and lists that are not built in are library
//! functions too: `s.contains(x)` calls `string::contains(s, x)`, the function of the
//! receiver type's namespace whose first parameter takes the receiver. The integer methods
//! are one template (`lib/int.claw`, written for `s64`), compiled once per integer type with
//! the type's name and bounds in place of `s64`'s, so `u8::parse` and `s64::parse` are two
//! functions of the same text.
//!
//! A library file's items keep their spans in [`LIBRARY_FILE`], which no caller's file uses:
//! the line table, the editor queries and diagnostics all leave such spans out.

use std::collections::HashSet;
use std::sync::OnceLock;

use claw_syntax::ast::{ExprKind, Item, SourceFile};
use claw_syntax::FileId;

use crate::diagnostics::Diagnostic;
use crate::types::{TypeDef, TypeId, Types};

/// The file of every span in a library's code.
pub const LIBRARY_FILE: FileId = FileId(u32::MAX);

struct Library {
    /// What calls of its functions are qualified with.
    namespace: String,
    file: String,
    text: String,
    /// Its functions are also methods of the type named by the namespace (`string`, `char`,
    /// `u32`, `list`): `x.f(a)` is `namespace::f(x, a)`.
    methods: bool,
}

/// The integer types, with the smallest and largest values, which take the place of `s64`'s
/// in the template.
const INTEGERS: &[(&str, &str, &str)] = &[
    ("u8", "0", "255"),
    ("u16", "0", "65535"),
    ("u32", "0", "4294967295"),
    ("u64", "0", "18446744073709551615"),
    ("s8", "-128", "127"),
    ("s16", "-32768", "32767"),
    ("s32", "-2147483648", "2147483647"),
    ("s64", "-9223372036854775808", "9223372036854775807"),
];

const S64_MIN: &str = "-9223372036854775808";
const S64_MAX: &str = "9223372036854775807";

fn libraries() -> &'static [Library] {
    static LIBRARIES: OnceLock<Vec<Library>> = OnceLock::new();
    LIBRARIES.get_or_init(|| {
        let fixed = |namespace: &str, file: &str, text: &str, methods: bool| Library {
            namespace: namespace.to_owned(),
            file: file.to_owned(),
            text: text.to_owned(),
            methods,
        };
        let mut all = vec![
            fixed("http", "http.claw", include_str!("../lib/http.claw"), false),
            fixed(
                "http",
                "http-client.claw",
                include_str!("../lib/http-client.claw"),
                false,
            ),
            fixed(
                "string",
                "string.claw",
                include_str!("../lib/string.claw"),
                true,
            ),
            fixed("char", "char.claw", include_str!("../lib/char.claw"), true),
            fixed(
                "float-text",
                "float-text.claw",
                include_str!("../lib/float-text.claw"),
                false,
            ),
            fixed(
                "list<string>",
                "list-string.claw",
                include_str!("../lib/list-string.claw"),
                true,
            ),
        ];
        // Lists of every element type that `==` compares by value; `sorted` for those `<`
        // orders. The template is written for `s64`.
        let ordered = INTEGERS.iter().map(|&(int, _, _)| int);
        let ordered = ordered.chain(["f32", "f64", "char", "string"]);
        for (elem, ordered) in ordered.map(|t| (t, true)).chain([("bool", false)]) {
            let mut text = include_str!("../lib/list-of.claw").to_owned();
            if ordered {
                text.push('\n');
                text.push_str(include_str!("../lib/list-ordered.claw"));
            }
            all.push(Library {
                namespace: format!("list<{elem}>"),
                file: format!("list-of.claw ({elem})"),
                text: text.replace("s64", elem),
                methods: true,
            });
        }
        for &(int, min, max) in INTEGERS {
            let mut text = include_str!("../lib/int.claw").to_owned();
            if min.starts_with('-') {
                text.push('\n');
                text.push_str(include_str!("../lib/signed.claw"));
            }
            // The templates are written for `s64`; its minimum goes first, as it holds the
            // maximum's digits but one.
            let text = text
                .replace(S64_MIN, min)
                .replace(S64_MAX, max)
                .replace("s64", int);
            all.push(Library {
                namespace: int.to_owned(),
                file: format!("int.claw ({int})"),
                text,
                methods: true,
            });
        }
        // Each float type's precision in bits and the least and greatest exponents of its
        // normal numbers, for `to-string` and `parse`.
        for (float, format) in [("f32", "24, -126, 127"), ("f64", "53, -1022, 1023")] {
            let methods = include_str!("../lib/float-methods.claw")
                .replace("fnum", float)
                .replace("FORMAT", format);
            all.push(Library {
                namespace: float.to_owned(),
                file: format!("float.claw ({float})"),
                text: include_str!("../lib/float.claw").replace("f64", float) + "\n" + &methods,
                methods: true,
            });
        }
        all
    })
}

/// Library `index`'s syntax tree, parsed once per process (the editor and the tests check
/// many files), and whether it parsed without errors.
fn parsed_library(index: usize) -> &'static (SourceFile, bool) {
    static PARSED: OnceLock<Vec<(SourceFile, bool)>> = OnceLock::new();
    &PARSED.get_or_init(|| {
        libraries()
            .iter()
            .map(|lib| {
                let (file, errors) = claw_syntax::parse(LIBRARY_FILE, &lib.text);
                (file, errors.is_empty())
            })
            .collect()
    })[index]
}

/// Whether `namespace` is a library's, so that `namespace::f(…)` calls one of its functions.
pub fn is_namespace(namespace: &str) -> bool {
    libraries().iter().any(|lib| lib.namespace == namespace)
}

/// The functions of `namespace`'s libraries, by their unqualified names, each with its
/// signature as written (`func http::respond(out: response-outparam, …)`): for the editor
/// and for messages, before any library is linked.
pub fn functions(namespace: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (index, lib) in libraries().iter().enumerate() {
        if lib.namespace != namespace {
            continue;
        }
        for item in &parsed_library(index).0.items {
            if let Item::Func(func) = item {
                let qualified = format!("{namespace}::{}", func.name.text);
                let signature = signature(lib, &qualified, &func.sig.params, &func.sig);
                out.push((func.name.text.clone(), signature));
            }
        }
    }
    if namespace == "string" {
        // Built in, as its check is a loop over UTF-8's rules.
        out.push((
            "from-utf8".to_owned(),
            "func string::from-utf8(bytes: list<u8>) -> result<string, string>".to_owned(),
        ));
    }
    out.sort();
    out
}

/// `func name(params) -> result`, with the types as the library's source writes them.
fn signature(
    lib: &Library,
    name: &str,
    params: &[claw_syntax::ast::Param],
    sig: &claw_syntax::ast::FuncSig,
) -> String {
    let text = |span: claw_syntax::Span| &lib.text[span.start as usize..span.end as usize];
    let params: Vec<String> = params
        .iter()
        .map(|p| format!("{}: {}", p.name.text, text(p.ty.span)))
        .collect();
    let mut signature = format!("func {name}({})", params.join(", "));
    if let Some(result) = &sig.result {
        signature.push_str(" -> ");
        signature.push_str(text(result.span));
    }
    signature
}

/// The namespace whose library functions are the methods of values of type `ty`, if any:
/// the type's name (`string`, `u32`, `list<u8>`).
pub fn method_namespace(types: &Types, ty: TypeId) -> Option<String> {
    let scalar = |ty: TypeId| match types.def(ty) {
        TypeDef::String => Some("string"),
        TypeDef::Char => Some("char"),
        TypeDef::Bool => Some("bool"),
        TypeDef::U8 => Some("u8"),
        TypeDef::U16 => Some("u16"),
        TypeDef::U32 => Some("u32"),
        TypeDef::U64 => Some("u64"),
        TypeDef::S8 => Some("s8"),
        TypeDef::S16 => Some("s16"),
        TypeDef::S32 => Some("s32"),
        TypeDef::S64 => Some("s64"),
        TypeDef::F32 => Some("f32"),
        TypeDef::F64 => Some("f64"),
        _ => None,
    };
    match types.def(ty) {
        TypeDef::List(elem) => scalar(*elem).map(|elem| format!("list<{elem}>")),
        _ => scalar(ty).map(str::to_owned),
    }
}

/// A function of a method library, described from its source: for the editor and for
/// messages, before any library is linked.
pub struct Method {
    pub name: String,
    /// `func(…) -> …` without the first parameter.
    pub signature: String,
}

/// The functions of `namespace`'s method libraries.
pub fn methods(namespace: &str) -> Vec<Method> {
    let mut out = Vec::new();
    for (index, lib) in libraries().iter().enumerate() {
        if !lib.methods || lib.namespace != namespace {
            continue;
        }
        for item in &parsed_library(index).0.items {
            let Item::Func(func) = item else { continue };
            // A method takes the value first (`parse(text: string)` is no method of `u8`).
            let text = |span: claw_syntax::Span| &lib.text[span.start as usize..span.end as usize];
            match func.sig.params.first() {
                Some(first) if text(first.ty.span) == namespace => {}
                _ => continue,
            }
            out.push(Method {
                name: func.name.text.clone(),
                signature: signature(lib, "", &func.sig.params[1..], &func.sig),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Adds to `ast` the library files whose functions it calls, as `namespace::f(…)` or as
/// methods, and the files those call in turn. A name the file defines that a linked library
/// also brings in (a type it imports, a record it declares) is reported at the file's
/// definition: the two would be one name.
pub fn link(ast: &mut SourceFile) -> Vec<Diagnostic> {
    let libraries = libraries();
    let mut uses = Uses::default();
    uses.add(ast);
    // Each library function is taken only where something calls it, so a file that calls
    // `x.min(y)` checks eight small `min`s rather than eight integer libraries.
    let mut parsed: Vec<Option<&'static (SourceFile, bool)>> =
        libraries.iter().map(|_| None).collect();
    let mut taken: Vec<HashSet<usize>> = libraries.iter().map(|_| HashSet::new()).collect();
    // What a taken function calls may call for more (the string library parses numbers).
    loop {
        let mut grew = false;
        for (i, lib) in libraries.iter().enumerate() {
            if !uses.may_call(lib) {
                continue;
            }
            let (file, _) = parsed[i].get_or_insert_with(|| parsed_library(i));
            for (index, item) in file.items.iter().enumerate() {
                if let Item::Func(func) = item {
                    if !taken[i].contains(&index) && uses.calls(lib, &func.name.text) {
                        taken[i].insert(index);
                        uses.add_body(&func.body);
                        grew = true;
                    }
                }
            }
        }
        if !grew {
            break;
        }
    }
    let mut diagnostics = Vec::new();
    let defined = file_names(ast, true);
    let mut reported: HashSet<String> = HashSet::new();
    for ((lib, parsed), taken) in libraries.iter().zip(parsed).zip(taken) {
        let Some((file, parses)) = parsed.filter(|_| !taken.is_empty()) else {
            continue;
        };
        if !*parses {
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
        for (name, origin) in file_names(file, false) {
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
        for (index, item) in file.items.iter().enumerate() {
            let mut item = item.clone();
            match &mut item {
                Item::Func(_) if !taken.contains(&index) => continue,
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

/// The functions a file (and the libraries linked so far) may call: `a::b(…)` calls, and the
/// names of methods called on values whose types are not known before checking.
#[derive(Default)]
struct Uses {
    qualified: HashSet<(String, String)>,
    methods: HashSet<String>,
}

impl Uses {
    fn add(&mut self, ast: &SourceFile) {
        for item in &ast.items {
            match item {
                Item::Func(func) => self.add_body(&func.body),
                Item::Global(global) => self.add_body(&global.body),
                _ => {}
            }
        }
    }

    fn add_body(&mut self, body: &claw_syntax::ast::Body) {
        // `for c in s.chars()` walks the string itself: no `string::chars` list is made.
        let walked: HashSet<claw_syntax::ast::ExprId> = body
            .stmts
            .iter()
            .filter_map(|(_, stmt)| match stmt.kind {
                claw_syntax::ast::StmtKind::For { iter, .. } => Some(body.unparen(iter)),
                _ => None,
            })
            .collect();
        for (id, expr) in body.exprs.iter() {
            match &expr.kind {
                ExprKind::Call { callee, .. } => {
                    if let [namespace, name] = callee.as_slice() {
                        self.qualified
                            .insert((namespace.text.clone(), name.text.clone()));
                    }
                }
                ExprKind::Method { name, .. }
                    if !(name.text == "chars" && walked.contains(&id)) =>
                {
                    self.methods.insert(name.text.clone());
                }
                // A float in a `format!` is written by its library's `to-string`.
                ExprKind::Format(_) => {
                    self.methods.insert("to-string".to_owned());
                }
                _ => {}
            }
        }
    }

    /// Whether anything could call into `lib` (a cheap test before parsing it).
    fn may_call(&self, lib: &Library) -> bool {
        lib.methods && !self.methods.is_empty()
            || self.qualified.iter().any(|(ns, _)| *ns == lib.namespace)
    }

    fn calls(&self, lib: &Library, func: &str) -> bool {
        lib.methods && self.methods.contains(func)
            || self
                .qualified
                .contains(&(lib.namespace.clone(), func.to_owned()))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every library parses; that each also checks and compiles is shown by the files that
    /// call them (the HTTP examples and their tests, `tests/http/`).
    #[test]
    fn libraries_parse() {
        for lib in libraries() {
            let (_, errors) = claw_syntax::parse(LIBRARY_FILE, &lib.text);
            assert!(errors.is_empty(), "{}: {errors:?}", lib.file);
        }
    }
}
