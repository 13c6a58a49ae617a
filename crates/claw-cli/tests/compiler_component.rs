//! The compiler component (`crates/claw-web`, built by its `build.sh`) run in wasmtime, as any
//! host runs it: for every example it makes the same bytes as `claw build`, its diagnostics
//! render to what `claw check` prints, and calls typed by it print results as `claw run` does.

mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use support::{claw, root};
use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, Store};

wasmtime::component::bindgen!({
    path: "../claw-web/wit",
    world: "compiler",
});

use exports::claw::compiler::api::{OptLevel, Options, WitFile};

/// The compiler component, built once for the whole file.
fn component_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let out = root().join("target/claw-web-test.wasm");
        let status = std::process::Command::new("bash")
            .arg(root().join("crates/claw-web/build.sh"))
            .arg(&out)
            .status()
            .expect("bash runs");
        assert!(status.success(), "crates/claw-web/build.sh failed");
        std::fs::read(&out).expect("build.sh wrote the component")
    })
}

/// A fresh instance of the compiler. The component is compiled once for every test: it is
/// 3.8 MB of Wasm.
fn compiler() -> (Store<()>, Compiler) {
    static COMPILED: OnceLock<(Engine, Component)> = OnceLock::new();
    let (engine, component) = COMPILED.get_or_init(|| {
        let engine = Engine::default();
        let component = Component::new(&engine, component_bytes()).expect("the component compiles");
        (engine, component)
    });
    let mut store = Store::new(engine, ());
    // The component imports nothing: an empty linker instantiates it.
    let instance = Compiler::instantiate(&mut store, component, &Linker::new(engine))
        .expect("the component instantiates without imports");
    (store, instance)
}

/// The files of the `wit/` folder beside `source`, as the page sends them.
fn wit_files(source: &Path) -> Vec<WitFile> {
    let dir = source.parent().expect("a file has a folder").join("wit");
    let mut files = Vec::new();
    collect(&dir, &dir, &mut files);
    files
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<WitFile>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("entry").path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect(base, &path, out);
        } else {
            out.push(WitFile {
                path: path
                    .strip_prefix(base)
                    .expect("under base")
                    .to_string_lossy()
                    .replace('\\', "/"),
                text: std::fs::read_to_string(&path).expect("a WIT file reads"),
            });
        }
    }
}

/// Every `.claw` file under `examples/`.
fn examples() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("examples/ reads") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "claw") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("examples"), &mut out);
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .expect("under the root")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn every_example_compiles_to_the_bytes_claw_build_makes() {
    let (mut store, compiler) = compiler();
    let api = compiler.claw_compiler_api();
    let out = std::env::temp_dir().join(format!("claw-web-native-{}.wasm", std::process::id()));
    let levels = [
        (OptLevel::O2, true, vec![]),
        (OptLevel::O0, true, vec!["-O0"]),
        (OptLevel::Os, false, vec!["-Os", "--strip"]),
    ];
    let examples = examples();
    assert!(examples.len() >= 20, "found {} examples", examples.len());
    for path in &examples {
        let name = relative(path);
        let source = std::fs::read_to_string(path).expect("the example reads");
        let wit = wit_files(path);
        for (level, debug_info, flags) in &levels {
            let mut args = vec!["build", name.as_str(), "-o", out.to_str().expect("utf-8")];
            args.extend(flags.iter().copied());
            let native = claw(&args);
            assert!(
                native.status.success(),
                "claw build {name} {flags:?} failed"
            );
            let native = std::fs::read(&out).expect("claw build wrote the component");
            let options = Options {
                opt_level: *level,
                debug_info: *debug_info,
            };
            let compiled = api
                .call_compile(&mut store, &name, &source, &wit, options)
                .expect("the call returns")
                .unwrap_or_else(|errors| panic!("{name} did not compile: {errors:?}"));
            assert!(
                compiled.component == native,
                "{name} {flags:?}: the component made {} bytes, claw build {}",
                compiled.component.len(),
                native.len()
            );
            let wit_text = claw(&["wit", name.as_str()]);
            assert_eq!(
                compiled.wit,
                String::from_utf8_lossy(&wit_text.stdout),
                "{name}"
            );
        }
    }
    let _ = std::fs::remove_file(&out);
}

#[test]
fn diagnostics_render_as_claw_check_prints_them() {
    let (mut store, compiler) = compiler();
    let api = compiler.claw_compiler_api();
    let dir = root().join("tests/errors");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/errors reads") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "claw") {
            continue;
        }
        let name = relative(&path);
        let source = std::fs::read_to_string(&path).expect("reads");
        let wit = wit_files(&path);
        let diagnostics = api
            .call_check(&mut store, &name, &source, &wit)
            .expect("the call returns");
        let native = claw(&["check", "--color", "never", name.as_str()]);
        if diagnostics.is_empty() {
            assert!(
                native.status.success(),
                "{name}: only claw check found errors"
            );
            continue;
        }
        let rendered = api
            .call_render_diagnostics(&mut store, &name, &source, &diagnostics)
            .expect("the call returns");
        assert_eq!(rendered, String::from_utf8_lossy(&native.stderr), "{name}");
        // The editor's offsets count UTF-16 units of the same place.
        for label in diagnostics.iter().filter_map(|d| d.primary.as_ref()) {
            let span = &label.span;
            let before = &source[..span.start as usize];
            assert_eq!(span.utf16_start as usize, before.encode_utf16().count());
            assert_eq!(span.line as usize, before.matches('\n').count() + 1);
        }
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} error files had diagnostics");
}

#[test]
fn calls_are_typed_and_results_printed_as_claw_run_does() {
    let (mut store, compiler) = compiler();
    let api = compiler.claw_compiler_api();
    let compile = |store: &mut Store<()>, path: &str| {
        let source = std::fs::read_to_string(root().join(path)).expect("reads");
        let options = Options {
            opt_level: OptLevel::O2,
            debug_info: true,
        };
        api.call_compile(
            store,
            path,
            &source,
            &wit_files(&root().join(path)),
            options,
        )
        .expect("the call returns")
        .expect("the example compiles")
    };
    let factorial = compile(&mut store, "examples/factorial.claw");
    assert_eq!(factorial.exports.len(), 1);
    assert_eq!(factorial.exports[0].name, "factorial");
    assert_eq!(factorial.exports[0].signature, "func(n: u64) -> u64");
    let call = api
        .call_parse_call(&mut store, &factorial.component, "factorial(20)")
        .expect("the call returns")
        .expect("the call is well-typed");
    assert_eq!(
        (call.interface.as_deref(), call.func.as_str()),
        (None, "factorial")
    );
    assert_eq!(call.args, r#"[{"$bigint":"20"}]"#);
    let printed = api
        .call_print_result(
            &mut store,
            &factorial.component,
            &call.name,
            r#"{"ok":{"$bigint":"2432902008176640000"}}"#,
        )
        .expect("the call returns");
    assert_eq!(printed, Ok(Some("2432902008176640000".to_owned())));
    // The same messages as `claw run` for a wrong call.
    let wrong = api
        .call_parse_call(&mut store, &factorial.component, r#"factorial("x")"#)
        .expect("the call returns");
    let native = claw(&[
        "run",
        "examples/factorial.claw",
        "--invoke",
        r#"factorial("x")"#,
    ]);
    let message = wrong.expect_err("a string is not a u64");
    assert!(
        String::from_utf8_lossy(&native.stderr).contains(&message),
        "{message} vs {}",
        String::from_utf8_lossy(&native.stderr)
    );

    // An interface function, a list of floats (a typed array for jco), a record back, and a
    // `result` whose error jco throws.
    let calc = compile(&mut store, "examples/calc/calc.claw");
    let names: Vec<&str> = calc.exports.iter().map(|e| e.name.as_str()).collect();
    assert!(
        names.contains(&"docs:calc/ops@0.1.0#parse-int"),
        "{names:?}"
    );
    let call = api
        .call_parse_call(&mut store, &calc.component, "ops.summarize([1.5, 2.0])")
        .expect("the call returns")
        .expect("well-typed");
    assert_eq!(call.interface.as_deref(), Some("docs:calc/ops@0.1.0"));
    assert_eq!(
        call.args,
        r#"[{"$typed":"Float64Array","items":[1.5,2.0]}]"#
    );
    let printed = api
        .call_print_result(
            &mut store,
            &calc.component,
            &call.name,
            r#"{"ok":{"count":2,"mean":1.75,"max":2}}"#,
        )
        .expect("the call returns");
    assert_eq!(
        printed,
        Ok(Some("{count: 2, mean: 1.75, max: some(2.0)}".to_owned()))
    );
    let call = api
        .call_parse_call(&mut store, &calc.component, r#"parse-int("x")"#)
        .expect("the call returns")
        .expect("well-typed");
    assert_eq!(call.func, "parseInt");
    let printed = api
        .call_print_result(&mut store, &calc.component, &call.name, r#"{"err":"bad"}"#)
        .expect("the call returns");
    assert_eq!(printed, Ok(Some(r#"err("bad")"#.to_owned())));
}

#[test]
fn format_is_claw_fmt_and_bad_input_is_a_diagnostic() {
    let (mut store, compiler) = compiler();
    let api = compiler.claw_compiler_api();
    // Every example is laid out as `claw fmt` lays it out; a scrambled copy comes back the same.
    for path in examples() {
        let name = relative(&path);
        let source = std::fs::read_to_string(&path).expect("reads");
        let formatted = api
            .call_format(&mut store, &name, &source)
            .expect("the call returns")
            .unwrap_or_else(|errors| panic!("{name}: {errors:?}"));
        assert_eq!(formatted, source, "{name} is not as `claw fmt` leaves it");
        let scrambled: String = source
            .lines()
            .map(|l| format!("{}\n", l.trim_start()))
            .collect();
        let again = api
            .call_format(&mut store, &name, &scrambled)
            .expect("the call returns");
        assert_eq!(again.ok(), Some(source), "{name}");
    }
    // Syntax errors keep `format` from laying out, with the parser's diagnostics.
    let errors = api
        .call_format(&mut store, "a.claw", "func f( {")
        .expect("the call returns")
        .expect_err("does not parse");
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e.primary.is_some()), "{errors:?}");

    // A broken WIT folder is a diagnostic, with wit-parser's own place in it.
    let wit = vec![WitFile {
        path: "calc.wit".to_owned(),
        text: "package docs:calc@0.1.0;\ninterface ops { add: func(a: s32) -> nope; }\n".to_owned(),
    }];
    let source = "import { add } from docs:calc/ops;\nexport func f() -> s32 { return add(1); }\n";
    let errors = api
        .call_check(&mut store, "main.claw", source, &wit)
        .expect("the call returns");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "invalid-wit");
    assert!(
        errors[0].notes[0].contains("wit/calc.wit:2"),
        "{:?}",
        errors[0].notes
    );

    // Bytes that are not a component, and calls that cannot be typed, are messages too.
    let not_a_component = api
        .call_parse_call(&mut store, b"\0asm", "f()")
        .expect("the call returns");
    assert!(not_a_component.is_err());
}

/// The golden programs hold the classic shapes (loops in loops over lists, allocation inside
/// loops, values through every construct): the component must compile each exactly as
/// `claw build` does.
#[test]
fn every_golden_program_compiles_to_the_bytes_claw_build_makes() {
    let (mut store, compiler) = compiler();
    let api = compiler.claw_compiler_api();
    let out = std::env::temp_dir().join(format!("claw-web-golden-{}.wasm", std::process::id()));
    let dir = root().join("tests/programs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/programs reads")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "claw"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 60, "found {} golden programs", paths.len());
    for path in &paths {
        let name = relative(path);
        let native = claw(&["build", name.as_str(), "-o", out.to_str().expect("utf-8")]);
        assert!(native.status.success(), "claw build {name} failed");
        let source = std::fs::read_to_string(path).expect("reads");
        let options = Options {
            opt_level: OptLevel::O2,
            debug_info: true,
        };
        let compiled = api
            .call_compile(&mut store, &name, &source, &wit_files(path), options)
            .expect("the call returns")
            .unwrap_or_else(|errors| panic!("{name} did not compile: {errors:?}"));
        let native = std::fs::read(&out).expect("claw build wrote the component");
        assert!(compiled.component == native, "{name}: the bytes differ");
    }
    let _ = std::fs::remove_file(&out);
}
