use crate::{format, Error};

/// Formats `input` and checks the result, and that formatting it again changes nothing.
#[track_caller]
fn check(input: &str, expected: &str) {
    let out = format(input).unwrap_or_else(|err| panic!("{err:?}"));
    assert_eq!(out, expected, "\n--- got ---\n{out}");
    let again = format(&out).unwrap_or_else(|err| panic!("{err:?}"));
    assert_eq!(again, out, "not idempotent");
}

#[test]
fn blocks_break_and_short_lists_stay_on_one_line() {
    check(
        "export func f(a:u32,b:u32)->u32{if a>b{return a;}return b;}",
        "export func f(a: u32, b: u32) -> u32 {\n    if a > b {\n        return a;\n    }\n    return b;\n}\n",
    );
}

#[test]
fn long_calls_break_one_argument_a_line_with_trailing_commas() {
    let args: Vec<String> = (0..12).map(|i| format!("argument{i}")).collect();
    let input = format!("func f() {{ g({}); }}", args.join(", "));
    let out = format(&input).unwrap();
    assert!(out.contains("    g(\n        argument0,\n"), "{out}");
    assert!(out.contains("        argument11,\n    );\n"), "{out}");
    assert!(out.lines().all(|line| line.len() <= crate::WIDTH), "{out}");
}

#[test]
fn comments_stay_with_what_they_annotate() {
    check(
        "// file header\n\n// about f\nfunc f() { // opening\n    let x = 1; // trailing\n\n\n    // before y\n    let y = [\n        1, // one\n        // before two\n        2,\n    ];\n    // at the end\n}\n// at the very end\n",
        "// file header\n\n// about f\nfunc f() {\n    // opening\n    let x = 1; // trailing\n\n    // before y\n    let y = [\n        1, // one\n        // before two\n        2,\n    ];\n    // at the end\n}\n// at the very end\n",
    );
}

#[test]
fn comments_in_match_arms_and_export_blocks() {
    check(
        "export tests: interface {\n    // one test\n    func a() -> u32 {\n        return match 1 {\n            // the first\n            1 => 2, // two\n            _ => 3,\n            // no more\n        };\n    }\n    // the end of the block\n}\n",
        "export tests: interface {\n    // one test\n    func a() -> u32 {\n        return match 1 {\n            // the first\n            1 => 2, // two\n            _ => 3,\n            // no more\n        };\n    }\n    // the end of the block\n}\n",
    );
}

#[test]
fn a_trailing_comment_after_a_closing_bracket_is_the_statements() {
    check(
        "func f() {\n    g(a, b); // after the call\n}\n",
        "func f() {\n    g(a, b); // after the call\n}\n",
    );
}

#[test]
fn literals_and_names_are_kept_as_written() {
    check(
        "func %func() -> u32 { return 0xff_ff + 1_000 + '\\u{41}' as u32; }\n",
        "func %func() -> u32 {\n    return 0xff_ff + 1_000 + '\\u{41}' as u32;\n}\n",
    );
}

#[test]
fn one_element_tuples_keep_their_comma() {
    check(
        "func f() -> tuple<u32> { let t = (1,); return match t { (x,) => (x,) }; }",
        "func f() -> tuple<u32> {\n    let t = (1,);\n    return match t {\n        (x,) => (x,),\n    };\n}\n",
    );
}

#[test]
fn types_imports_and_globals() {
    check(
        "import {a,b as c} from ns:pkg/iface@1.0.0;\nimport log: func(msg: string);\nrecord point {x: f64, y: f64}\nvariant shape {circle(f64), empty}\nenum color {red, green}\ntype id = u64;\nlet mut n: u32 = 0;\n",
        "import { a, b as c } from ns:pkg/iface@1.0.0;\nimport log: func(msg: string);\nrecord point { x: f64, y: f64 }\nvariant shape { circle(f64), empty }\nenum color { red, green }\ntype id = u64;\nlet mut n: u32 = 0;\n",
    );
}

#[test]
fn match_statements_lose_the_optional_semicolon() {
    check(
        "func f(x: u32) { match x { 1 => {} _ => {} }; }",
        "func f(x: u32) {\n    match x {\n        1 => {}\n        _ => {}\n    }\n}\n",
    );
}

#[test]
fn guards_ranges_and_negative_patterns() {
    check(
        "func f(x: s32) -> u32 { return match x { - 3..4 => 1, ..=- 9 | 10.. => 2, n if n>0 => 3, _ => 4 }; }",
        "func f(x: s32) -> u32 {\n    return match x {\n        -3..4 => 1,\n        ..=-9 | 10.. => 2,\n        n if n > 0 => 3,\n        _ => 4,\n    };\n}\n",
    );
}

#[test]
fn a_file_that_does_not_parse_is_an_error() {
    assert!(matches!(format("func f( {"), Err(Error::Syntax(_))));
}

#[test]
fn a_byte_order_mark_is_kept() {
    check("\u{FEFF}func f() {}", "\u{FEFF}func f() {}\n");
}

#[test]
fn one_line_is_the_canonical_layout_of_an_expression() {
    let text = "func f() { check!(a.len()  ==\n   3 && g(1,2)); }";
    let (ast, errors) = claw_syntax::parse(claw_syntax::FileId(0), text);
    assert!(errors.is_empty());
    let claw_syntax::ast::Item::Func(func) = &ast.items[0] else {
        panic!("a function")
    };
    let (id, _) = func
        .body
        .exprs
        .iter()
        .find(|(_, e)| matches!(e.kind, claw_syntax::ast::ExprKind::Check { .. }))
        .expect("a check");
    let claw_syntax::ast::ExprKind::Check { cond } = func.body.exprs[id].kind else {
        unreachable!()
    };
    assert_eq!(
        crate::one_line(text, &func.body, cond),
        "a.len() == 3 && g(1, 2)"
    );
}

#[test]
fn an_empty_file_stays_empty_and_a_comment_alone_is_kept() {
    check("", "");
    check("  \n\n", "");
    check("// only a comment", "// only a comment\n");
}
