//! A component assembled in the test from a hand-written core module, for what the shared
//! fixtures lack: root-level imports and exports, state kept across calls, traps in functions
//! named by the name section, endless loops stopped by the timeout, and ambiguous bare names.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use claw_runtime::{Config, Host, RunError, Sandbox, Session, Val};
use wasm_encoder::{
    CodeSection, ConstExpr, EntityType, ExportKind, ExportSection, Function, FunctionSection,
    GlobalSection, GlobalType, ImportSection, Instruction, Module, NameMap, NameSection,
    TypeSection, ValType,
};

const WIT: &str = r#"
package claw:test;

interface logging {
    log: func(code: u32);
}

interface math {
    triple: func(x: u32) -> u32;
}

interface more-math {
    triple: func(x: u32) -> u32;
}

world synthetic {
    import double: func(x: u32) -> u32;
    import logging;
    export quad: func(x: u32) -> u32;
    export divide: func(a: u32, b: u32) -> u32;
    export bump: func() -> u32;
    export spin: func();
    export log-twice: func(code: u32);
    export math;
    export more-math;
}
"#;

/// The `synthetic` world's component: a core module implementing it, wrapped by wit-component.
fn component() -> Vec<u8> {
    let mut module = Module::new();

    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I32]); // 0: (u32) -> u32
    types
        .ty()
        .function([ValType::I32, ValType::I32], [ValType::I32]); // 1: (u32, u32) -> u32
    types.ty().function([], [ValType::I32]); // 2: () -> u32
    types.ty().function([], []); // 3: ()
    types.ty().function([ValType::I32], []); // 4: (u32)
    module.section(&types);

    let mut imports = ImportSection::new();
    imports.import("$root", "double", EntityType::Function(0)); // func 0
    imports.import("claw:test/logging", "log", EntityType::Function(4)); // func 1
    module.section(&imports);

    // Funcs 2.. in this order: quad, divide, bump, spin, log-twice, triple.
    let mut funcs = FunctionSection::new();
    for ty in [0, 1, 2, 3, 4, 0] {
        funcs.function(ty);
    }
    module.section(&funcs);

    let mut globals = GlobalSection::new();
    let counter = GlobalType {
        val_type: ValType::I32,
        mutable: true,
        shared: false,
    };
    globals.global(counter, &ConstExpr::i32_const(0));
    module.section(&globals);

    let mut exports = ExportSection::new();
    for (name, func) in [
        ("quad", 2),
        ("divide", 3),
        ("bump", 4),
        ("spin", 5),
        ("log-twice", 6),
        ("claw:test/math#triple", 7),
        ("claw:test/more-math#triple", 7),
    ] {
        exports.export(name, ExportKind::Func, func);
    }
    module.section(&exports);

    let bodies: [&[Instruction]; 6] = [
        // quad(x) = double(double(x))
        &[
            Instruction::LocalGet(0),
            Instruction::Call(0),
            Instruction::Call(0),
            Instruction::End,
        ],
        // divide(a, b) = a / b, trapping when b is 0
        &[
            Instruction::LocalGet(0),
            Instruction::LocalGet(1),
            Instruction::I32DivU,
            Instruction::End,
        ],
        // bump() = counter += 1
        &[
            Instruction::GlobalGet(0),
            Instruction::I32Const(1),
            Instruction::I32Add,
            Instruction::GlobalSet(0),
            Instruction::GlobalGet(0),
            Instruction::End,
        ],
        // spin() never returns
        &[
            Instruction::Loop(wasm_encoder::BlockType::Empty),
            Instruction::Br(0),
            Instruction::End,
            Instruction::End,
        ],
        // log-twice(code) = log(code); log(code)
        &[
            Instruction::LocalGet(0),
            Instruction::Call(1),
            Instruction::LocalGet(0),
            Instruction::Call(1),
            Instruction::End,
        ],
        // triple(x) = x * 3
        &[
            Instruction::LocalGet(0),
            Instruction::I32Const(3),
            Instruction::I32Mul,
            Instruction::End,
        ],
    ];
    let mut code = CodeSection::new();
    for body in bodies {
        let mut func = Function::new([]);
        for instruction in body {
            func.instruction(instruction);
        }
        code.function(&func);
    }
    module.section(&code);

    // Names unlike the export names, to show traps are attributed through the name section.
    let mut func_names = NameMap::new();
    for (index, name) in [
        (2, "quad_impl"),
        (3, "divide_numbers"),
        (4, "bump_counter"),
        (5, "spin_forever"),
        (6, "log_twice_impl"),
        (7, "triple_impl"),
    ] {
        func_names.append(index, name);
    }
    let mut names = NameSection::new();
    names.functions(&func_names);
    module.section(&names);

    let mut bytes = module.finish();
    let mut resolve = wit_parser::Resolve::default();
    let package = resolve.push_str("synthetic.wit", WIT).unwrap();
    let world = resolve.select_world(&[package], Some("synthetic")).unwrap();
    wit_component::embed_component_metadata(
        &mut bytes,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )
    .unwrap();
    wit_component::ComponentEncoder::default()
        .module(&bytes)
        .unwrap()
        .validate(true)
        .encode()
        .unwrap()
}

/// A host that doubles and records logged codes in `log`.
fn host(log: &Arc<Mutex<Vec<u32>>>) -> Host {
    let mut host = Host::new();
    host.func("double", |args, results| {
        let [Val::U32(x)] = args else {
            anyhow::bail!("`double` expects one u32, got {args:?}");
        };
        results[0] = Val::U32(x * 2);
        Ok(())
    });
    let log = log.clone();
    host.interface_func("claw:test/logging", "log", move |args, _results| {
        let [Val::U32(code)] = args else {
            anyhow::bail!("`log` expects one u32, got {args:?}");
        };
        log.lock().unwrap().push(*code);
        Ok(())
    });
    host
}

fn session() -> Session {
    Session::new(&component(), &host(&Arc::default()), &Config::default()).unwrap()
}

fn new_err(host: &Host) -> String {
    match Session::new(&component(), host, &Config::default()) {
        Ok(session) => panic!("instantiated {session:?}, expected an error"),
        Err(err) => err.to_string(),
    }
}

#[test]
fn lists_root_and_interface_exports() {
    assert_eq!(
        session().exports(),
        [
            "quad",
            "divide",
            "bump",
            "spin",
            "log-twice",
            "claw:test/math#triple",
            "claw:test/more-math#triple",
        ]
    );
}

#[test]
fn calls_a_root_import_supplied_by_the_host() -> Result<(), RunError> {
    assert_eq!(session().invoke("quad(5)")?, Some("20".into()));
    Ok(())
}

#[test]
fn returns_none_for_functions_without_results() -> Result<(), RunError> {
    let log = Arc::default();
    let mut s = Session::new(&component(), &host(&log), &Config::default())?;
    assert_eq!(s.invoke("log-twice(7)")?, None);
    assert_eq!(s.call("log-twice", &[Val::U32(8)])?, []);
    assert_eq!(*log.lock().unwrap(), [7, 7, 8, 8]);
    Ok(())
}

#[test]
fn names_a_missing_root_import() {
    let mut host = Host::new();
    host.interface_func("claw:test/logging", "log", |_, _| Ok(()));
    assert_eq!(new_err(&host), "the host cannot satisfy import `double`");
}

#[test]
fn names_a_missing_interface_import() {
    let mut host = Host::new();
    host.func("double", |_, _| Ok(()));
    assert_eq!(
        new_err(&host),
        "the host cannot satisfy import `claw:test/logging`"
    );
}

#[test]
fn keeps_state_across_calls_of_one_session() -> Result<(), RunError> {
    let mut s = session();
    assert_eq!(s.invoke("bump()")?, Some("1".into()));
    assert_eq!(s.invoke("bump()")?, Some("2".into()));
    assert_eq!(s.call("bump", &[])?, [Val::U32(3)]);
    assert_eq!(session().invoke("bump()")?, Some("1".into()));
    Ok(())
}

#[test]
fn attributes_a_trap_to_the_named_function() {
    let err = session().invoke("divide(1, 0)").unwrap_err();
    assert_eq!(
        err.to_string(),
        "trap in `divide_numbers`: integer divide by zero"
    );
    let RunError::Trap { backtrace, .. } = err else {
        panic!("expected a trap, got {err:?}");
    };
    assert!(
        backtrace.starts_with("  0: <unknown>!divide_numbers"),
        "{backtrace}"
    );
}

#[test]
fn stops_an_endless_loop_at_the_timeout() {
    let config = Config {
        timeout: Some(Duration::from_millis(100)),
        ..Config::default()
    };
    let mut s = Session::new(&component(), &host(&Arc::default()), &config).unwrap();
    assert_eq!(s.invoke("divide(7, 2)").unwrap(), Some("3".into()));
    let err = s.invoke("spin()").unwrap_err();
    assert_eq!(err.to_string(), "`spin_forever` timed out after 100ms");
}

#[test]
fn stops_an_endless_loop_when_its_fuel_runs_out() {
    let sandbox = Sandbox {
        fuel: Some(1000),
        ..Sandbox::default()
    };
    let mut s = Session::sandboxed(
        &component(),
        &host(&Arc::default()),
        &Config::default(),
        &sandbox,
    )
    .unwrap();
    // Each call gets a full tank: these two together cost more than one.
    for _ in 0..200 {
        assert_eq!(s.invoke("divide(7, 2)").unwrap(), Some("3".into()));
    }
    let err = s.invoke("spin()").unwrap_err();
    assert!(
        matches!(err, RunError::OutOfFuel { limit: 1000, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "`spin_forever` ran out of fuel (limit 1000)"
    );
}

#[test]
fn bare_names_prefer_the_root_and_must_be_unambiguous() -> Result<(), RunError> {
    let mut s = session();
    let err = s.invoke("triple(2)").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`triple` is ambiguous: it could be `claw:test/math#triple` or \
         `claw:test/more-math#triple`; write the interface too"
    );
    assert_eq!(s.invoke("math.triple(2)")?, Some("6".into()));
    assert_eq!(s.invoke("claw:test/more-math#triple(3)")?, Some("9".into()));
    assert_eq!(s.call("more-math.triple", &[Val::U32(4)])?, [Val::U32(12)]);
    Ok(())
}
