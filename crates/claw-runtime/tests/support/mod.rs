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
