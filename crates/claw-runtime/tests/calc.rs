//! Calls into the shared `docs:calc` fixtures, components built by other toolchains: every way of
//! naming an interface export, WAVE arguments and results of each kind, call errors, and traps.

use claw_runtime::{Config, Host, RunError, Session, Val};

const CALC_C: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/calc/calc-c.wasm"
);
const CALC_BROKEN_C: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/calc/calc-broken-c.wasm"
);

type TestResult = Result<(), RunError>;

fn session(path: &str) -> Session {
    let wasm = std::fs::read(path).expect("reading a fixture");
    Session::new(&wasm, &Host::new(), &Config::default()).expect("instantiating a fixture")
}

fn invoke_err(session: &mut Session, call: &str) -> String {
    match session.invoke(call) {
        Ok(result) => panic!("`{call}` returned {result:?}, expected an error"),
        Err(err) => err.to_string(),
    }
}

#[test]
fn lists_interface_exports_qualified() {
    assert_eq!(
        session(CALC_C).exports(),
        [
            "docs:calc/ops@0.1.0#add",
            "docs:calc/ops@0.1.0#greet",
            "docs:calc/ops@0.1.0#summarize",
            "docs:calc/ops@0.1.0#parse-int",
        ]
    );
}

#[test]
fn accepts_every_spelling_of_an_interface_function() -> TestResult {
    let mut s = session(CALC_C);
    for call in [
        "docs:calc/ops@0.1.0#add(2, 3)",
        "docs:calc/ops#add(2, 3)",
        "ops@0.1.0#add(2, 3)",
        "ops#add(2, 3)",
        "docs:calc/ops.add@0.1.0(2, 3)",
        "docs:calc/ops.add(2, 3)",
        "ops.add(2, 3)",
        "add(2, 3)",
        "  add ( 2 , 3 )  ",
    ] {
        assert_eq!(s.invoke(call)?, Some("5".into()), "{call}");
    }
    Ok(())
}

#[test]
fn prints_results_as_wave() -> TestResult {
    let mut s = session(CALC_C);
    assert_eq!(s.invoke("add(2147483647, 1)")?, Some("-2147483648".into()));
    assert_eq!(
        s.invoke(r#"greet("wörld")"#)?,
        Some(r#""Hello, wörld!""#.into())
    );
    assert_eq!(
        s.invoke("summarize([1.0, 2.5, 4.0])")?,
        Some("{count: 3, mean: 2.5, max: some(4.0)}".into())
    );
    assert_eq!(
        s.invoke("summarize([])")?,
        Some("{count: 0, mean: 0.0, max: none}".into())
    );
    assert_eq!(s.invoke(r#"parse-int(" -42 ")"#)?, Some("ok(-42)".into()));
    assert_eq!(
        s.invoke(r#"parse-int("x1")"#)?,
        Some(r#"err("not an integer")"#.into())
    );
    Ok(())
}

#[test]
fn calls_with_built_values() -> TestResult {
    let mut s = session(CALC_C);
    let results = s.call("ops.add", &[Val::S32(40), Val::S32(2)])?;
    assert_eq!(results, [Val::S32(42)]);
    let results = s.call("docs:calc/ops@0.1.0#greet", &[Val::String("you".into())])?;
    assert_eq!(results, [Val::String("Hello, you!".into())]);
    Ok(())
}

#[test]
fn reports_unknown_exports_with_the_list() {
    let mut s = session(CALC_C);
    let available = "it exports `docs:calc/ops@0.1.0#add`, `docs:calc/ops@0.1.0#greet`, \
                     `docs:calc/ops@0.1.0#summarize`, `docs:calc/ops@0.1.0#parse-int`";
    assert_eq!(
        invoke_err(&mut s, "sub(1, 2)"),
        format!("the component has no export `sub`; {available}")
    );
    assert_eq!(
        invoke_err(&mut s, "other.add(1, 2)"),
        format!("the component has no export `other.add`; {available}")
    );
    assert_eq!(
        invoke_err(&mut s, "ops@0.2.0#add(1, 2)"),
        format!("the component has no export `ops@0.2.0#add`; {available}")
    );
    let err = s.call("sub", &[]).unwrap_err();
    assert!(matches!(err, RunError::Invoke(_)), "{err:?}");
}

#[test]
fn reports_bad_arguments() {
    let mut s = session(CALC_C);
    assert_eq!(
        invoke_err(&mut s, "add(1)"),
        "`add` takes 2 arguments (a: s32, b: s32), but 1 was given"
    );
    assert_eq!(
        invoke_err(&mut s, "add(1, 2, 3)"),
        "`add` takes 2 arguments (a: s32, b: s32), but 3 were given"
    );
    assert_eq!(
        invoke_err(&mut s, r#"add("1", 2)"#),
        r#"argument `a` of `add` must be `s32`: invalid value type at `"1"`"#
    );
    assert_eq!(
        invoke_err(&mut s, "add(1, 99999999999)"),
        "argument `b` of `add` must be `s32`: invalid value at `99999999999`"
    );
    assert_eq!(
        invoke_err(&mut s, "add(2, 3"),
        "invalid call `add(2, 3`: unexpected end of input"
    );
    assert_eq!(
        invoke_err(&mut s, "(2, 3)"),
        "invalid call `(2, 3)`: expected a function name, as in `f(1, \"two\")`"
    );
    let err = s.call("add", &[Val::S32(1)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`add` takes 2 argument(s) (a: s32, b: s32), but 1 were given"
    );
}

#[test]
fn state_of_a_session_is_unaffected_by_failed_calls() -> TestResult {
    let mut s = session(CALC_C);
    assert!(s.invoke("add(1)").is_err());
    assert_eq!(s.invoke("add(1, 1)")?, Some("2".into()));
    Ok(())
}

#[test]
fn broken_component_computes_wrong_answers() -> TestResult {
    let mut s = session(CALC_BROKEN_C);
    assert_eq!(s.invoke("add(2, 3)")?, Some("5".into()));
    assert_eq!(s.invoke("add(-2, -3)")?, Some("1".into()));
    Ok(())
}

#[test]
fn reports_a_trap_with_the_function_and_backtrace() {
    let mut s = session(CALC_BROKEN_C);
    let err = s.invoke(r#"parse-int("")"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "trap in `parse_int`: wasm `unreachable` instruction executed"
    );
    let RunError::Trap {
        message,
        function,
        backtrace,
    } = err
    else {
        panic!("expected a trap, got {err:?}");
    };
    assert_eq!(message, "wasm `unreachable` instruction executed");
    assert_eq!(function.as_deref(), Some("parse_int"));
    assert_eq!(backtrace, "  0: calc-broken-core.wasm!parse_int");
}

#[test]
fn refuses_calls_after_a_trap() {
    let mut s = session(CALC_BROKEN_C);
    assert!(s.invoke(r#"parse-int("")"#).is_err());
    assert_eq!(
        invoke_err(&mut s, "add(1, 2)"),
        "the instance trapped in an earlier call and cannot be called again; start a new session"
    );
}

#[test]
fn rejects_what_is_not_a_component() {
    let err = Session::new(b"not wasm", &Host::new(), &Config::default()).unwrap_err();
    assert_eq!(err.to_string(), "the file is not a WebAssembly binary");
    let core_module = b"\0asm\x01\0\0\0";
    let err = Session::new(core_module, &Host::new(), &Config::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the file is a core WebAssembly module, not a component"
    );
}
