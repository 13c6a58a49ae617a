//! Parser tests: each case prints the tree it parsed as a compact S-expression and compares
//! it with the expected text, or checks that malformed input is reported without a panic.

use claw_syntax::ast::*;
use claw_syntax::{parse, FileId, SyntaxError};

/// Prints a parsed file compactly so expectations stay one line per construct.
struct Printer<'a> {
    body: &'a Body,
}

fn names(names: &[Name]) -> String {
    names
        .iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join("::")
}

fn ty(ty: &TypeExpr) -> String {
    if ty.args.is_empty() {
        return ty.name.text.clone();
    }
    let args: Vec<_> = ty.args.iter().map(self::ty).collect();
    format!("{}<{}>", ty.name.text, args.join(", "))
}

fn interface(path: &InterfacePath) -> String {
    let version = path
        .version
        .as_ref()
        .map_or(String::new(), |v| format!("@{}", v.text));
    format!(
        "{}:{}/{}{}",
        path.namespace.text, path.package.text, path.interface.text, version
    )
}

fn item(item: &Item) -> String {
    Printer::item(item)
}

impl Printer<'_> {
    fn item(item: &Item) -> String {
        match item {
            Item::Func(func) => {
                let params: Vec<_> = func
                    .sig
                    .params
                    .iter()
                    .map(|p| format!("{}: {}", p.name.text, ty(&p.ty)))
                    .collect();
                let result = func
                    .sig
                    .result
                    .as_ref()
                    .map_or(String::new(), |t| format!(" -> {}", ty(t)));
                let export = if func.exported { "export " } else { "" };
                let iface = func.interface.map_or(String::new(), |i| format!("in {i} "));
                let iface = match func.member {
                    Some(m) => format!("{iface}{:?} of {} ", m.kind, m.resource),
                    None => iface,
                };
                format!(
                    "(func {export}{iface}{}({}){result} {})",
                    func.name.text,
                    params.join(", "),
                    Printer { body: &func.body }.block(&func.block)
                )
            }
            Item::TypeDecl(decl) => {
                let (word, body) = match &decl.kind {
                    TypeDeclKind::Record(fields) => (
                        "record",
                        fields
                            .iter()
                            .map(|(n, t)| format!(" ({} {})", n.text, ty(t)))
                            .collect::<String>(),
                    ),
                    TypeDeclKind::Variant(cases) => (
                        "variant",
                        cases
                            .iter()
                            .map(|(n, t)| match t {
                                Some(t) => format!(" ({} {})", n.text, ty(t)),
                                None => format!(" {}", n.text),
                            })
                            .collect(),
                    ),
                    TypeDeclKind::Enum(cases) => (
                        "enum",
                        cases.iter().map(|n| format!(" {}", n.text)).collect(),
                    ),
                    TypeDeclKind::Flags(flags) => (
                        "flags",
                        flags.iter().map(|n| format!(" {}", n.text)).collect(),
                    ),
                    TypeDeclKind::Alias(t) => ("type", format!(" {}", ty(t))),
                };
                format!("({word} {}{body})", decl.name.text)
            }
            Item::ExportInterface(export) => {
                let target = match &export.target {
                    ExportTarget::Wit(path) => interface(path),
                    ExportTarget::Inline(name) => format!("{}: interface", name.text),
                };
                let resources: String = export
                    .resources
                    .iter()
                    .map(|r| {
                        let fields: String = r
                            .fields
                            .iter()
                            .map(|(n, t)| format!(" ({} {})", n.text, ty(t)))
                            .collect();
                        format!(" (resource {}{fields} {:?})", r.name.text, r.members)
                    })
                    .collect();
                format!("(export {target} {:?}{resources})", export.funcs)
            }
            Item::ImportFunc(import) => format!("(import {})", import.name.text),
            Item::ImportFrom(import) => format!("(import-from {})", interface(&import.interface)),
            Item::Global(global) => format!("(global {})", global.name.text),
        }
    }

    fn block(&self, block: &Block) -> String {
        let stmts: Vec<_> = block.stmts.iter().map(|&s| self.stmt(s)).collect();
        format!("{{{}}}", stmts.join(" "))
    }

    fn stmt(&self, id: StmtId) -> String {
        match &self.body.stmts[id].kind {
            StmtKind::Let {
                mutable,
                name,
                ty: t,
                init,
            } => {
                let m = if *mutable { "mut " } else { "" };
                let t = t.as_ref().map_or(String::new(), |t| format!(": {}", ty(t)));
                format!("(let {m}{}{t} {})", name.text, self.expr(*init))
            }
            StmtKind::Assign { place, op, value } => {
                let op = op.map_or("=".to_string(), |op| format!("{}=", op.symbol()));
                format!("({op} {} {})", self.expr(*place), self.expr(*value))
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let mut out = "(if".to_string();
                for (cond, body) in branches {
                    out += &format!(" {} {}", self.expr(*cond), self.block(body));
                }
                if let Some(body) = otherwise {
                    out += &format!(" else {}", self.block(body));
                }
                out + ")"
            }
            StmtKind::While { label, cond, body } => format!(
                "({}while {} {})",
                labelled(label),
                self.expr(*cond),
                self.block(body)
            ),
            StmtKind::Loop { label, body } => {
                format!("({}loop {})", labelled(label), self.block(body))
            }
            StmtKind::For {
                label,
                binding,
                iter,
                body,
            } => format!(
                "({}for {} {} {})",
                labelled(label),
                binding.text,
                self.expr(*iter),
                self.block(body)
            ),
            StmtKind::Break(label) => format!("break{}", jump_label(label)),
            StmtKind::Continue(label) => format!("continue{}", jump_label(label)),
            StmtKind::Return(value) => match value {
                Some(v) => format!("(return {})", self.expr(*v)),
                None => "(return)".into(),
            },
            StmtKind::Expr(e) => self.expr(*e),
        }
    }

    fn exprs(&self, ids: &[ExprId]) -> String {
        ids.iter().map(|&e| format!(" {}", self.expr(e))).collect()
    }

    fn expr(&self, id: ExprId) -> String {
        match &self.body.exprs[id].kind {
            ExprKind::Int(v) => v.to_string(),
            ExprKind::Float(v) => format!("{v:?}"),
            ExprKind::Str(v) => format!("{v:?}"),
            ExprKind::Char(v) => format!("{v:?}"),
            ExprKind::Bool(v) => v.to_string(),
            ExprKind::Path(path) => names(path),
            ExprKind::Call { callee, args } => {
                format!("(call {}{})", names(callee), self.exprs(args))
            }
            ExprKind::List(elems) => format!("(list{})", self.exprs(elems)),
            ExprKind::Tuple(elems) => format!("(tuple{})", self.exprs(elems)),
            ExprKind::Paren(inner) => format!("(paren {})", self.expr(*inner)),
            ExprKind::Record(fields) => {
                let fields: String = fields
                    .iter()
                    .map(|(n, e)| format!(" ({} {})", n.text, self.expr(*e)))
                    .collect();
                format!("(record{fields})")
            }
            ExprKind::Flags(flags) => {
                let flags: String = flags.iter().map(|n| format!(" {}", n.text)).collect();
                format!("(flags{flags})")
            }
            ExprKind::Map(entries) => {
                let entries: String = entries
                    .iter()
                    .map(|(k, v)| format!(" ({} {})", self.expr(*k), self.expr(*v)))
                    .collect();
                format!("(map{entries})")
            }
            ExprKind::Field { base, name } => format!("(. {} {})", self.expr(*base), name.text),
            ExprKind::Index { base, index } => {
                format!("(index {} {})", self.expr(*base), self.expr(*index))
            }
            ExprKind::Method {
                receiver,
                name,
                args,
            } => format!(
                "(method {} {}{})",
                self.expr(*receiver),
                name.text,
                self.exprs(args)
            ),
            ExprKind::Range {
                start,
                end,
                inclusive,
            } => {
                let op = if *inclusive { "..=" } else { ".." };
                format!("({op} {} {})", self.expr(*start), self.expr(*end))
            }
            ExprKind::Match { scrutinee, arms } => {
                let arms: String = arms
                    .iter()
                    .map(|arm| {
                        let body = match &arm.body {
                            ArmBody::Expr(e) => self.expr(*e),
                            ArmBody::Block(b) => self.block(b),
                        };
                        let guard = arm
                            .guard
                            .map(|g| format!(" if {}", self.expr(g)))
                            .unwrap_or_default();
                        format!(" ({}{guard} => {body})", self.pat(arm.pat))
                    })
                    .collect();
                format!("(match {}{arms})", self.expr(*scrutinee))
            }
            ExprKind::Let { pat, value } => {
                format!("(let {} {})", self.pat(*pat), self.expr(*value))
            }
            ExprKind::Try(e) => format!("(? {})", self.expr(*e)),
            ExprKind::Format(parts) => {
                let parts: Vec<String> = parts
                    .iter()
                    .map(|part| match part {
                        claw_syntax::ast::FormatPart::Text(text) => format!("{text:?}"),
                        claw_syntax::ast::FormatPart::Expr(e) => self.expr(*e),
                    })
                    .collect();
                format!("(format {})", parts.join(" "))
            }
            ExprKind::Check { cond } => format!("(check {})", self.expr(*cond)),
            ExprKind::Unary { op, operand } => {
                let op = match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Not => "!",
                };
                format!("({op} {})", self.expr(*operand))
            }
            ExprKind::Binary { op, lhs, rhs } => {
                format!("({} {} {})", op.symbol(), self.expr(*lhs), self.expr(*rhs))
            }
            ExprKind::Cast { expr, ty: t } => format!("(as {} {})", self.expr(*expr), ty(t)),
            ExprKind::New { ty, fields } => {
                let fields: String = fields
                    .iter()
                    .map(|(n, e)| format!(" ({} {})", n.text, self.expr(*e)))
                    .collect();
                format!("(new {}{fields})", ty.text)
            }
            ExprKind::Error => "error".into(),
        }
    }

    fn pat(&self, id: PatId) -> String {
        match &self.body.pats[id].kind {
            PatKind::Wildcard => "_".into(),
            PatKind::Name(name) => name.text.clone(),
            PatKind::Case { path, payload } => match payload {
                Some(p) => format!("(case {} {})", names(path), self.pat(*p)),
                None => format!("(case {})", names(path)),
            },
            PatKind::Int(v) => v.to_string(),
            PatKind::Str(v) => format!("{v:?}"),
            PatKind::Char(v) => format!("{v:?}"),
            PatKind::Bool(v) => v.to_string(),
            PatKind::Tuple(elems) => {
                let elems: String = elems.iter().map(|&p| format!(" {}", self.pat(p))).collect();
                format!("(tuple{elems})")
            }
            PatKind::Or(alternatives) => {
                let alternatives: String = alternatives
                    .iter()
                    .map(|&p| format!(" {}", self.pat(p)))
                    .collect();
                format!("(or{alternatives})")
            }
            PatKind::Range {
                start,
                end,
                inclusive,
            } => {
                let end_of = |end: &Option<PatId>| end.map(|p| self.pat(p)).unwrap_or_default();
                let op = if *inclusive { "..=" } else { ".." };
                format!("(range {} {op} {})", end_of(start), end_of(end))
            }
        }
    }
}

fn parse_ok(src: &str) -> SourceFile {
    let (file, errors) = parse(FileId(0), src);
    assert!(errors.is_empty(), "errors in {src:?}: {errors:?}");
    file
}

/// Every item of `src`, one per line.
fn items(src: &str) -> String {
    let file = parse_ok(src);
    let lines: Vec<_> = file.items.iter().map(item).collect();
    lines.join("\n")
}

/// The statements of `src` placed in a function body.
fn stmts(src: &str) -> String {
    let file = parse_ok(&format!("func f() {{ {src} }}"));
    let Item::Func(func) = &file.items[0] else {
        panic!("not a function")
    };
    let printer = Printer { body: &func.body };
    let stmts: Vec<_> = func.block.stmts.iter().map(|&s| printer.stmt(s)).collect();
    stmts.join(" ")
}

/// `src` as an expression statement.
fn expr(src: &str) -> String {
    stmts(&format!("{src};"))
}

/// The errors of `src`, which must be some.
fn errors(src: &str) -> Vec<SyntaxError> {
    let (_, errors) = parse(FileId(0), src);
    assert!(!errors.is_empty(), "no error for {src:?}");
    errors
}

#[test]
fn existing_syntax_still_parses() {
    assert_eq!(
        stmts("let mut x: u32 = 1 + 2 * 3; x += -x as u32; if a < b { return; } else { break; }"),
        "(let mut x: u32 (+ 1 (* 2 3))) (+= x (as (- x) u32)) (if (< a b) {(return)} else {break})"
    );
    assert_eq!(
        items("export func f(a: u32) -> u32 { return a; }"),
        "(func export f(a: u32) -> u32 {(return a)})"
    );
}

#[test]
fn resource_blocks_in_export_blocks() {
    assert_eq!(
        items(
            "export shop: interface { func a() {} resource cart { n: u32, items: list<string>, \
             constructor(n: u32) { return new cart {n: n, items: []}; } \
             drop { log(); } func count() -> u32 { return self.n; } \
             static func merge(a: cart, b: cart) -> cart { return a; } } func b() {} }"
        ),
        "(export shop: interface [1, 6] (resource cart (n u32) (items list<string>) [2, 3, 4, 5]))\n\
         (func export in 0 a() {})\n\
         (func export in 0 Constructor of 0 constructor(n: u32) {(return (new cart (n n) (items (list))))})\n\
         (func export in 0 Drop of 0 drop() {(call log)})\n\
         (func export in 0 Method of 0 count() -> u32 {(return (. self n))})\n\
         (func export in 0 Static of 0 merge(a: cart, b: cart) -> cart {(return a)})\n\
         (func export in 0 b() {})"
    );
    // `new`, `resource`, `constructor`, `static` and `drop` stay usable as names.
    assert_eq!(
        stmts("let new = resource + drop(static); constructor(new);"),
        "(let new (+ resource (call drop static))) (call constructor new)"
    );
}

#[test]
fn type_declarations() {
    assert_eq!(
        items("record point { x: f64, y: f64, }"),
        "(record point (x f64) (y f64))"
    );
    assert_eq!(
        items("variant shape { circle(f64), rect(point), empty }"),
        "(variant shape (circle f64) (rect point) empty)"
    );
    assert_eq!(
        items("enum color { red, green, blue }"),
        "(enum color red green blue)"
    );
    assert_eq!(
        items("flags perms { read, write, exec }"),
        "(flags perms read write exec)"
    );
    assert_eq!(items("type id = u64;"), "(type id u64)");
}

#[test]
fn declaration_words_are_still_names() {
    assert_eq!(
        stmts("let type = record + enum;"),
        "(let type (+ record enum))"
    );
    assert_eq!(
        items("func type(record: u32) {}"),
        "(func type(record: u32) {})"
    );
}

#[test]
fn type_expressions() {
    assert_eq!(
        items("type a = list<list<u8>>; type b = result<_, string>;"),
        "(type a list<list<u8>>)\n(type b result<_, string>)"
    );
    assert_eq!(
        items("type c = tuple<option<u8>, result, result<u32>>;"),
        "(type c tuple<option<u8>, result, result<u32>>)"
    );
    assert_eq!(
        stmts("let x: list<list<list<u8>>>= y;"),
        "(let x: list<list<list<u8>>> y)"
    );
}

#[test]
fn export_blocks() {
    assert_eq!(
        items(
            "func a() {} export ns:pkg/iface@1.2.3 { func b(x: u32) -> u32 { return x; } func c() {} } export func d() {}"
        ),
        "(func a() {})\n\
         (export ns:pkg/iface@1.2.3 [2, 3])\n\
         (func export in 1 b(x: u32) -> u32 {(return x)})\n\
         (func export in 1 c() {})\n\
         (func export d() {})"
    );
    assert_eq!(
        items("export tests: interface { func t() {} }"),
        "(export tests: interface [1])\n(func export in 0 t() {})"
    );
    assert_eq!(
        items("export ns:interface/iface {}"),
        "(export ns:interface/iface [])"
    );
}

#[test]
fn for_loops() {
    assert_eq!(stmts("for x in xs { f(x); }"), "(for x xs {(call f x)})");
    assert_eq!(
        stmts("for c in s.chars() {}"),
        "(for c (method s chars) {})"
    );
    assert_eq!(stmts("for i in 0..n {}"), "(for i (.. 0 n) {})");
    assert_eq!(stmts("for i in 0..=n - 1 {}"), "(for i (..= 0 (- n 1)) {})");
    assert_eq!(
        stmts("for _ in 0..3 {} let _ = f();"),
        "(for _ (.. 0 3) {}) (let _ (call f))"
    );
}

#[test]
fn assignment_places() {
    assert_eq!(stmts("p.x = 1;"), "(= (. p x) 1)");
    assert_eq!(stmts("xs[i] = 1;"), "(= (index xs i) 1)");
    assert_eq!(
        stmts("p.items[0].name += s;"),
        "(+= (. (index (. p items) 0) name) s)"
    );
}

#[test]
fn literals() {
    assert_eq!(expr(r"'a'"), "'a'");
    assert_eq!(expr(r"'\n'"), "'\\n'");
    assert_eq!(expr(r"'\''"), "'\\''");
    assert_eq!(expr(r"'\\'"), "'\\\\'");
    assert_eq!(expr(r"'\u{1F600}'"), "'😀'");
    assert_eq!(expr("[1, 2, 3,]"), "(list 1 2 3)");
    assert_eq!(expr("[]"), "(list)");
    assert_eq!(expr("(a, b)"), "(tuple a b)");
    assert_eq!(expr("(a,)"), "(tuple a)");
    assert_eq!(expr("(a)"), "(paren a)");
    assert_eq!(expr("()"), "(tuple)");
    assert_eq!(expr("{x: 1.0, y: 2.0,}"), "(record (x 1.0) (y 2.0))");
    assert_eq!(expr("{read, write}"), "(flags read write)");
    assert_eq!(expr("{}"), "(flags)");
    assert_eq!(
        expr("f({x: [{a}], y: ({b})})"),
        "(call f (record (x (list (flags a))) (y (paren (flags b)))))"
    );
}

#[test]
fn braces_in_heads_open_the_body() {
    assert_eq!(stmts("if x {}"), "(if x {})");
    assert_eq!(stmts("while x {}"), "(while x {})");
    assert_eq!(stmts("for a in xs {}"), "(for a xs {})");
    assert_eq!(
        stmts("if x == ({a}) { f({b}); }"),
        "(if (== x (paren (flags a))) {(call f (flags b))})"
    );
    assert_eq!(stmts("if f([{a}]) {}"), "(if (call f (list (flags a))) {})");
    assert_eq!(stmts("match p {}"), "(match p)");
}

#[test]
fn postfix_chains() {
    assert_eq!(
        expr("xs[0].name.len()"),
        "(method (. (index xs 0) name) len)"
    );
    assert_eq!(expr("f(x)?.y"), "(. (? (call f x)) y)");
    assert_eq!(expr("t.0"), "(. t 0)");
    assert_eq!(expr("t.0.1"), "(. (. t 0) 1)");
    assert_eq!(expr("t.0.1.2"), "(. (. (. t 0) 1) 2)");
    assert_eq!(expr("xs.push(v, w)"), "(method xs push v w)");
    assert_eq!(expr("-a.b as u8"), "(as (- (. a b)) u8)");
}

#[test]
fn check_is_a_node_of_its_own() {
    assert_eq!(
        expr("check!(a.len()  == 3)"),
        "(check (== (method a len) 3))"
    );
    assert_eq!(expr("check(x)"), "(call check x)");
}

#[test]
fn ranges() {
    assert_eq!(expr("a + 1..b * 2"), "(.. (+ a 1) (* b 2))");
    assert_eq!(expr("a || b..=c"), "(..= (|| a b) c)");
    errors("func f() { a..b..c; }");
}

#[test]
fn calls_and_paths() {
    assert_eq!(expr("some(x)"), "(call some x)");
    assert_eq!(expr("shape::circle(1.0)"), "(call shape::circle 1.0)");
    assert_eq!(expr("level::warn"), "level::warn");
    assert_eq!(expr("none"), "none");
}

#[test]
fn match_expressions() {
    assert_eq!(
        stmts("let y = match x { some(v) => v, none => 0 };"),
        "(let y (match x ((case some v) => v) (none => 0)))"
    );
    assert_eq!(
        stmts("match s { shape::circle(r) => { f(r); } color::red => g(), _ => {} } h();"),
        "(match s ((case shape::circle r) => {(call f r)}) ((case color::red) => (call g)) (_ => {})) (call h)"
    );
    assert_eq!(
        stmts("match x { a => { f(); }, b => 1, }"),
        "(match x (a => {(call f)}) (b => 1))"
    );
    assert_eq!(
        stmts("match x { a => {x: 1}, b => {read} }"),
        "(match x (a => (record (x 1))) (b => (flags read)))"
    );
}

#[test]
fn patterns() {
    assert_eq!(
        expr(
            r#"match x { -3 => 0, 0xff => 1, "s" => 2, 'c' => 3, true => 4, (a, _) => 5, (b) => 6, ok(err(e)) => 7 }"#
        ),
        r#"(match x (-3 => 0) (255 => 1) ("s" => 2) ('c' => 3) (true => 4) ((tuple a _) => 5) (b => 6) ((case ok (case err e)) => 7))"#
    );
}

#[test]
fn guards_and_ranges() {
    assert_eq!(
        expr("match x { n if n > 0 && ok => 1, some(v) if f(v) => 2, _ => 3 }"),
        "(match x (n if (&& (> n 0) ok) => 1) ((case some v) if (call f v) => 2) (_ => 3))"
    );
    // A guard may be a record or flags literal: `=>` ends it, not `{`.
    assert_eq!(
        expr("match x { v if v == {read} => 1 }"),
        "(match x (v if (== v (flags read)) => 1))"
    );
    assert_eq!(
        expr("match x { 1..=9 => 0, -5..0 => 1, 'a'..='z' | 'A'..='Z' => 2, 10.. => 3, ..=-6 => 4 }"),
        "(match x ((range 1 ..= 9) => 0) ((range -5 .. 0) => 1) ((or (range 'a' ..= 'z') (range 'A' ..= 'Z')) => 2) ((range 10 .. ) => 3) ((range  ..= -6) => 4))"
    );
    assert_eq!(
        expr("match p { (0..10, some(1..)) => 0 }"),
        "(match p ((tuple (range 0 .. 10) (case some (range 1 .. ))) => 0))"
    );
}

#[test]
fn if_let() {
    assert_eq!(
        stmts("if let some(v) = lookup(k) { f(v); }"),
        "(if (let (case some v) (call lookup k)) {(call f v)})"
    );
    assert_eq!(
        stmts("if let (a, ok(b)) = p { } else if x > 0 { } else if let none = q { } else { g(); }"),
        "(if (let (tuple a (case ok b)) p) {} (> x 0) {} (let none q) {} else {(call g)})"
    );
    // The value is an `if` head: its braces open the body.
    assert_eq!(
        stmts("if let v = x { f({a}); }"),
        "(if (let v x) {(call f (flags a))})"
    );
    // The value binds tighter than `&&` and `||`, so a `let` never swallows a chain.
    assert_eq!(
        stmts("if let v = a + 1 == b && c {}"),
        "(if (&& (let v (== (+ a 1) b)) c) {})"
    );
    // Anywhere else `let` still parses as an expression, for the checker to reject.
    assert_eq!(stmts("while let x = y {}"), "(while (let x y) {})");
    assert_eq!(stmts("z = let x = y;"), "(= z (let x y))");
    errors("func f() { if let = x {} }");
    errors("func f() { if let some(v) x {} }");
    errors("func f() { if let some(v) = {} }");
}

#[test]
fn malformed_input_is_reported() {
    for src in [
        "func f() { let x = [1, 2; }",
        "func f() { [1, 2",
        "func f() { match x {",
        "func f() { match x { a } }",
        "func f() { match x { 1 + } }",
        "record p { x }",
        "variant v { a( }",
        "type t = list<u8;",
        "func f() { let c = 'ab'; }",
        "func f() { let c = ''; }",
        "func f() { let c = '\\q'; }",
        "export tests: interface {",
        "export tests: interface { let x = 1; func g() {} }",
        "export ns:pkg {}",
        "func f() { x.; }",
        "func f() { t.1e3; }",
        "func f() { check!(x; }",
        "func f() { for in xs {} }",
        "func f() { (a b); }",
        "func f() { {x: }; }",
    ] {
        errors(src);
    }
}

#[test]
fn export_block_recovers_from_a_bad_function() {
    let (file, errors) = parse(
        FileId(0),
        "export tests: interface { func a( {} func b() {} } func c() {}",
    );
    assert!(!errors.is_empty());
    let lines: Vec<_> = file.items.iter().map(item).collect();
    assert_eq!(
        lines.join("\n"),
        "(export tests: interface [1])\n(func export in 0 b() {})\n(func c() {})"
    );
}

#[test]
fn a_bad_item_recovers_at_a_type_declaration() {
    let (file, errors) = parse(
        FileId(0),
        "func f(; record p { x: u8 } export a:b/c@0.2.0-rc.1{}",
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    let lines: Vec<_> = file.items.iter().map(item).collect();
    assert_eq!(
        lines.join("\n"),
        "(record p (x u8))\n(export a:b/c@0.2.0-rc.1 [])"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = 100_000;
    for src in [
        format!(
            "func f() {{ let x = {}1{}; }}",
            "[".repeat(n),
            "]".repeat(n)
        ),
        format!(
            "func f() {{ match x {{ {}a{} => 1 }} }}",
            "(".repeat(n),
            ")".repeat(n)
        ),
        format!(
            "func f() {{ match x {{ {}a{} => 1 }} }}",
            "some(".repeat(n),
            ")".repeat(n)
        ),
        format!("type t = {}u8{};", "list<".repeat(n), ">".repeat(n)),
        format!("func f() {{ x{}; }}", ".a".repeat(n)),
        format!("func f() {{ x{}; }}", "[0]".repeat(n)),
        format!(
            "func f() {{ let x = {}1{}; }}",
            "{a: ".repeat(n),
            "}".repeat(n)
        ),
    ] {
        let errors = errors(&src);
        assert!(errors
            .iter()
            .any(|e| matches!(e, SyntaxError::TooDeep { .. })));
    }
}

#[test]
fn closing_angles_split_in_types_only() {
    assert_eq!(
        stmts("let x: list<list<u8>> = y >> 1; let z: option<list<u8>>= w;"),
        "(let x: list<list<u8>> (>> y 1)) (let z: option<list<u8>> w)"
    );
    assert_eq!(
        stmts("let x: result<list<u8>, list<list<u8>>> = y;"),
        "(let x: result<list<u8>, list<list<u8>>> y)"
    );
}

#[test]
fn a_missing_brace_at_the_end_is_reported_once() {
    for src in [
        "func f() {",
        "func f() { if x { while y { let z = 1;",
        "export a: interface { func f() { g(",
    ] {
        let errors = errors(src);
        assert_eq!(errors.len(), 1, "{src}: {errors:?}");
        assert_eq!(errors[0].span().range(), src.len()..src.len(), "{src}");
    }
}

#[test]
fn an_unterminated_string_is_its_only_error() {
    for src in [
        "func f() { return \"abc; }",
        "func f() { g(\"abc, 1); }",
        "func f() {\n  return \"abc;\n}\n",
        "func f() { let c = 'a; }",
        "let s: string = \"abc\\",
    ] {
        let errors = errors(src);
        assert_eq!(errors.len(), 1, "{src}: {errors:?}");
        let quote = src.find(['"', '\'']).unwrap();
        assert_eq!(errors[0].span().range(), quote..quote + 1, "{src}");
    }
}

#[test]
fn a_name_word_starting_with_a_digit_is_one_error_over_the_name() {
    for (src, name) in [
        ("export func passes-0-to-9() {}", "passes-0-to-9"),
        ("func f(a-1: u32) {}", "a-1"),
        ("record r { x-2d: u32 }", "x-2d"),
        ("func f() { let v-1-x = 1; }", "v-1-x"),
        ("func 9lives() {}", "9lives"),
        ("func f() { match x { some(a-1) => 1 } }", "a-1"),
        ("func f(x: point-3d) {}", "point-3d"),
        ("type t = list<2d-point>;", "2d-point"),
    ] {
        let errors = errors(src);
        assert_eq!(errors.len(), 1, "{src}: {errors:?}");
        let start = src.find(name).unwrap();
        assert_eq!(
            errors[0],
            SyntaxError::NameWordStartsWithDigit {
                span: claw_syntax::Span::new(FileId(0), start, start + name.len()),
                name: name.to_string(),
            },
            "{src}"
        );
    }
    // Where an expression or a type goes on, `-` still subtracts.
    assert_eq!(
        stmts("x = a-1; y = p.f-2; z = n as u32-1;"),
        "(= x (- a 1)) (= y (- (. p f) 2)) (= z (- (as n u32) 1))"
    );
    // A `-` after the name is the next token's.
    assert_eq!(errors("func f() { let a-1 -b = 1; }").len(), 2);
}

#[test]
fn a_byte_order_mark_is_not_an_error() {
    let src = "\u{FEFF}func f() {}";
    assert_eq!(items(src), "(func f() {})");
    let file = parse_ok(src);
    let Item::Func(func) = &file.items[0] else {
        panic!("a function");
    };
    assert_eq!(&src[func.name.span.range()], "f");
}

fn labelled(label: &Option<claw_syntax::ast::Name>) -> String {
    label
        .as_ref()
        .map_or(String::new(), |l| format!("{}: ", l.text))
}

fn jump_label(label: &Option<claw_syntax::ast::Name>) -> String {
    label
        .as_ref()
        .map_or(String::new(), |l| format!(" {}", l.text))
}
