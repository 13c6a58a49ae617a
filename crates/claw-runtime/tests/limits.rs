//! Resource limits and WASI commands: memory growth past `max_memory`, and `wasi:cli/run`
//! exports run as programs with their exit status. (Fuel and time limits are in `synthetic.rs`,
//! whose component has an endless loop.)

mod support;

use claw_runtime::{Config, Host, RunError, Sandbox, Session};

const GROWER_WIT: &str = r#"
package claw:test;
world grower {
    export grow: func(pages: u32) -> s32;
}
"#;

/// One page of memory, and `grow(n)`, which grows it by `n` pages and returns the old size.
const GROWER_WAT: &str = r#"(module
    (memory (export "memory") 1)
    (func (export "grow") (param i32) (result i32)
        (memory.grow (local.get 0))))"#;

fn quiet() -> Config {
    Config {
        inherit_stdio: false,
        ..Config::default()
    }
}

#[test]
fn growing_memory_past_the_limit_fails_naming_the_limit() -> Result<(), RunError> {
    let wasm = support::component(GROWER_WIT, "grower", GROWER_WAT);
    let sandbox = Sandbox {
        max_memory: Some(4 * 65536),
        ..Sandbox::default()
    };
    let mut s = Session::sandboxed(&wasm, &Host::new(), &quiet(), &sandbox)?;
    assert_eq!(s.invoke("grow(3)")?, Some("1".into()));
    let err = s.invoke("grow(1)").unwrap_err();
    assert!(
        matches!(err, RunError::MemoryLimit { limit: 262144 }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "memory limit of 262144 bytes exceeded");
    Ok(())
}

#[test]
fn an_initial_memory_above_the_limit_fails_at_instantiation() {
    let wasm = support::component(GROWER_WIT, "grower", GROWER_WAT);
    let sandbox = Sandbox {
        max_memory: Some(1000),
        ..Sandbox::default()
    };
    let err = Session::sandboxed(&wasm, &Host::new(), &quiet(), &sandbox).unwrap_err();
    assert_eq!(err.to_string(), "memory limit of 1000 bytes exceeded");
}

#[test]
fn without_a_limit_memory_grows_freely() -> Result<(), RunError> {
    let wasm = support::component(GROWER_WIT, "grower", GROWER_WAT);
    let mut s = Session::new(&wasm, &Host::new(), &quiet())?;
    assert_eq!(s.invoke("grow(100)")?, Some("1".into()));
    Ok(())
}

#[test]
fn a_command_returning_ok_exits_0_and_err_exits_1() -> Result<(), RunError> {
    let mut ok = Session::new(&support::command("i32.const 0"), &Host::new(), &quiet())?;
    assert!(ok.is_command());
    assert_eq!(ok.run_command()?, 0);
    let mut err = Session::new(&support::command("i32.const 1"), &Host::new(), &quiet())?;
    assert_eq!(err.run_command()?, 1);
    Ok(())
}

#[test]
fn a_command_calling_exit_exits_with_that_status() -> Result<(), RunError> {
    let body = "(call $exit (i32.const 1)) unreachable";
    let mut s = Session::new(&support::command(body), &Host::new(), &quiet())?;
    assert_eq!(s.run_command()?, 1);
    let body = "(call $exit (i32.const 0)) unreachable";
    let mut s = Session::new(&support::command(body), &Host::new(), &quiet())?;
    assert_eq!(s.run_command()?, 0);
    Ok(())
}

#[test]
fn a_component_without_run_is_not_a_command() -> Result<(), RunError> {
    let wasm = support::component(GROWER_WIT, "grower", GROWER_WAT);
    let mut s = Session::new(&wasm, &Host::new(), &quiet())?;
    assert!(!s.is_command());
    assert_eq!(
        s.run_command().unwrap_err().to_string(),
        "the component is not a WASI command: it does not export `wasi:cli/run`"
    );
    Ok(())
}
