//! The shared `docs:visits` fixture, which imports a key-value store: the import must be named
//! when nothing provides it, and a store mocked through [`Host::interface_func`] must see the
//! component's reads and writes.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use claw_runtime::{Config, Host, RunError, Session, Val};

const VISITS_C: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/visits/visits-c.wasm"
);
const STORE: &str = "docs:visits/store@0.1.0";

fn wasm() -> Vec<u8> {
    std::fs::read(VISITS_C).expect("reading the fixture")
}

fn new_err(host: &Host) -> RunError {
    match Session::new(&wasm(), host, &Config::default()) {
        Ok(session) => panic!("instantiated {session:?}, expected an error"),
        Err(err) => err,
    }
}

/// A host whose store lives in `map`, shared so the test can inspect it.
fn host_with_store(map: &Arc<Mutex<BTreeMap<String, String>>>) -> Host {
    let mut host = Host::new();
    let store = map.clone();
    host.interface_func(STORE, "get", move |args, results| {
        let [Val::String(key)] = args else {
            anyhow::bail!("`get` expects one string, got {args:?}");
        };
        let value = store.lock().unwrap().get(key).cloned();
        results[0] = Val::Option(value.map(|v| Box::new(Val::String(v))));
        Ok(())
    });
    let store = map.clone();
    host.interface_func(STORE, "set", move |args, _results| {
        let [Val::String(key), Val::String(value)] = args else {
            anyhow::bail!("`set` expects two strings, got {args:?}");
        };
        store.lock().unwrap().insert(key.clone(), value.clone());
        Ok(())
    });
    host
}

#[test]
fn names_the_missing_interface() {
    let err = new_err(&Host::new());
    assert_eq!(
        err.to_string(),
        "the host cannot satisfy import `docs:visits/store@0.1.0`"
    );
    assert!(
        matches!(&err, RunError::UnsatisfiedImport { name } if name == STORE),
        "{err:?}"
    );
}

#[test]
fn names_the_missing_function_of_a_partly_defined_interface() {
    let mut host = Host::new();
    host.interface_func(STORE, "get", |_, results| {
        results[0] = Val::Option(None);
        Ok(())
    });
    assert_eq!(
        new_err(&host).to_string(),
        "the host cannot satisfy import `docs:visits/store@0.1.0#set`"
    );
}

#[test]
fn counts_visits_in_the_mocked_store() -> Result<(), RunError> {
    let map = Arc::new(Mutex::new(BTreeMap::new()));
    let mut s = Session::new(&wasm(), &host_with_store(&map), &Config::default())?;
    assert_eq!(s.exports(), ["docs:visits/counter@0.1.0#visit"]);
    assert_eq!(s.invoke(r#"visit("ann")"#)?, Some("1".into()));
    assert_eq!(s.invoke(r#"visit("bob")"#)?, Some("1".into()));
    assert_eq!(s.invoke(r#"visit("ann")"#)?, Some("2".into()));
    assert_eq!(s.invoke(r#"counter.visit("ann")"#)?, Some("3".into()));
    let expected = BTreeMap::from([
        ("visits/ann".to_owned(), "3".to_owned()),
        ("visits/bob".to_owned(), "1".to_owned()),
    ]);
    assert_eq!(*map.lock().unwrap(), expected);
    Ok(())
}

#[test]
fn reports_a_failing_host_function_as_a_trap_in_the_caller() {
    let map = Arc::new(Mutex::new(BTreeMap::new()));
    let mut host = host_with_store(&map);
    host.interface_func(STORE, "set", |_, _| anyhow::bail!("the disk is full"));
    let mut s = Session::new(&wasm(), &host, &Config::default()).unwrap();
    let err = s.invoke(r#"visit("ann")"#).unwrap_err();
    assert_eq!(err.to_string(), "trap in `visit`: the disk is full");
    let RunError::Trap { backtrace, .. } = err else {
        panic!("expected a trap, got {err:?}");
    };
    assert_eq!(
        backtrace,
        // The C component carries DWARF, so its frame names the source line.
        "  0: wit-component:shim!indirect-docs:visits/store@0.1.0-set\n  1: visits-core.wasm!visit\n       at /opt/peers/fixtures/visits-c/visits.c:40:5"
    );
}
