//! Building small components from text in tests: a core module in WAT and the WIT world it
//! implements, wrapped by wit-component as any guest toolchain would.
//!
//! (A `mod.rs` because cargo would build a `tests/support.rs` as a test suite of its own.)

#![allow(dead_code)] // Each suite uses a different part.

/// WIT for the parts of `wasi:cli` the command tests need, as a nested package (which must come
/// after the file's own `package` header).
pub const WASI_CLI: &str = r#"
package wasi:cli@0.2.0 {
    interface run {
        run: func() -> result;
    }
    interface exit {
        exit: func(status: result);
    }
}
"#;

/// The component for world `world` of `wit`, implemented by the core module `wat`.
pub fn component(wit: &str, world: &str, wat: &str) -> Vec<u8> {
    let mut module = wat::parse_str(wat).unwrap_or_else(|err| panic!("invalid WAT: {err}"));
    let mut resolve = wit_parser::Resolve::default();
    let package = resolve
        .push_str("test.wit", wit)
        .unwrap_or_else(|err| panic!("invalid WIT: {err:#}"));
    let world = resolve.select_world(&[package], Some(world)).unwrap();
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )
    .unwrap();
    wit_component::ComponentEncoder::default()
        .module(&module)
        .unwrap()
        .validate(true)
        .encode()
        .unwrap_or_else(|err| panic!("cannot encode the component: {err:#}"))
}

/// A WASI command whose `run` is the WAT function body `body` (returning i32: 0 for `ok`, 1 for
/// `err`), able to call `$exit` with 0 or 1.
pub fn command(body: &str) -> Vec<u8> {
    let wit = format!(
        "package claw:test;\nworld command {{\n    import wasi:cli/exit@0.2.0;\n    \
         export wasi:cli/run@0.2.0;\n}}\n{WASI_CLI}"
    );
    let wat = format!(
        r#"(module
            (import "wasi:cli/exit@0.2.0" "exit" (func $exit (param i32)))
            (func (export "wasi:cli/run@0.2.0#run") (result i32) {body}))"#
    );
    component(&wit, "command", &wat)
}

/// `docs:calc/ops@0.1.0` from the shared fixtures, for worlds that import it.
pub const CALC_WIT: &str = r#"
package docs:calc@0.1.0 {
    interface ops {
        add: func(a: s32, b: s32) -> s32;
    }
}
"#;

/// A component whose `tests` interface checks `docs:calc/ops#add`: `adds` wants `add(2, 3) == 5`
/// and `adds-negatives` wants `add(-2, -3) == -5`, each failing with `err("…")` otherwise.
pub fn calc_tests() -> Vec<u8> {
    let wit = format!(
        "package claw:calc-test;\ninterface tests {{\n    adds: func() -> result<_, string>;\n    \
         adds-negatives: func() -> result<_, string>;\n}}\nworld calc-test {{\n    \
         import docs:calc/ops@0.1.0;\n    export tests;\n}}\n{CALC_WIT}"
    );
    let wat = r#"(module
        (import "docs:calc/ops@0.1.0" "add" (func $add (param i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 64) "add(2, 3) is not 5")
        (data (i32.const 96) "add(-2, -3) is not -5")
        (data (i32.const 16) "\01\00\00\00\40\00\00\00\12\00\00\00")
        (data (i32.const 32) "\01\00\00\00\60\00\00\00\15\00\00\00")
        (func (export "claw:calc-test/tests#adds") (result i32)
            (if (result i32) (i32.eq (call $add (i32.const 2) (i32.const 3)) (i32.const 5))
                (then (i32.const 0)) (else (i32.const 16))))
        (func (export "claw:calc-test/tests#adds-negatives") (result i32)
            (if (result i32) (i32.eq (call $add (i32.const -2) (i32.const -3)) (i32.const -5))
                (then (i32.const 0)) (else (i32.const 32)))))"#;
    component(&wit, "calc-test", wat)
}
