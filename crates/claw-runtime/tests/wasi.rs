//! A component that needs WASI Preview 2: the componentize-py build of `docs:calc`, which carries
//! a whole CPython and imports a dozen `wasi:` interfaces. Slow to compile (seconds), so one test.

use claw_runtime::{Config, Host, RunError, Session};

const CALC_PY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/calc/calc-py.wasm"
);

#[test]
fn runs_a_python_component_on_wasi() -> Result<(), RunError> {
    let wasm = std::fs::read(CALC_PY).expect("reading the fixture");
    let config = Config {
        inherit_stdio: false,
        ..Config::default()
    };
    let mut s = Session::new(&wasm, &Host::new(), &config)?;
    assert_eq!(s.invoke("ops.add(2, 3)")?, Some("5".into()));
    assert_eq!(
        s.invoke(r#"greet("wörld")"#)?,
        Some(r#""Hello, wörld!""#.into())
    );
    assert_eq!(
        s.invoke("summarize([1.0, 2.5, 4.0])")?,
        Some("{count: 3, mean: 2.5, max: some(4.0)}".into())
    );
    assert_eq!(
        s.invoke(r#"parse-int("x1")"#)?,
        Some(r#"err("not an integer: 'x1'")"#.into())
    );
    Ok(())
}
