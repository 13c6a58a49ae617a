//! The `claw` binary as users meet it: exit statuses, what goes to stdout and stderr, and the
//! worked examples in the README.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use support::claw;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A scratch folder of this test's own under cargo's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

#[test]
fn run_prints_the_result_and_exits_0() {
    let output = claw(&[
        "run",
        "examples/factorial.claw",
        "--invoke",
        "factorial(20)",
    ]);
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output), "2432902008176640000\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn invokes_share_one_instance() {
    let output = claw(&[
        "run",
        "examples/counter.claw",
        "--invoke",
        "increment()",
        "--invoke",
        "increment()",
    ]);
    assert_eq!(stdout(&output), "1\n2\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_call_without_result_prints_nothing() {
    let output = claw(&[
        "run",
        "tests/programs/counters.claw",
        "--invoke",
        "reset()",
        "--invoke",
        "get()",
    ]);
    assert_eq!(stdout(&output), "0\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn strings_print_as_wave() {
    let output = claw(&[
        "run",
        "examples/strings.claw",
        "--invoke",
        "greet(\"wörld\")",
    ]);
    assert_eq!(stdout(&output), "\"hello, wörld!\"\n");
}

#[test]
fn compile_errors_exit_1_with_rendered_diagnostics() {
    let output = claw(&["run", "tests/errors/unbound-name.claw", "--invoke", "f()"]);
    let err = stderr(&output);
    assert!(err.contains("error[unbound-name]"), "{err}");
    assert!(err.contains("tests/errors/unbound-name.claw:4:5"), "{err}");
    assert!(
        err.ends_with(
            "error: could not compile `tests/errors/unbound-name.claw` due to 1 previous error\n"
        ),
        "{err}"
    );
    assert!(
        !err.contains('\x1b'),
        "no colour when stderr is not a terminal: {err}"
    );
    assert_eq!(stdout(&output), "");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn colour_is_on_when_asked_and_no_color_only_affects_auto() {
    let always = claw(&[
        "check",
        "--color",
        "always",
        "tests/errors/unbound-name.claw",
    ]);
    assert!(stderr(&always).contains('\x1b'));
    let never = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["check", "tests/errors/unbound-name.claw"])
        .current_dir(support::root())
        .env("NO_COLOR", "1")
        .output()
        .expect("claw runs");
    assert!(!stderr(&never).contains('\x1b'));
}

#[test]
fn check_prints_nothing_on_success() {
    let output = claw(&["check", "examples/counter.claw"]);
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), "");
    assert_eq!(output.status.code(), Some(0));
}

/// A file of garbage has thousands of errors: the first hundred are shown (top to bottom),
/// then one line counts the rest, and the summary line keeps the true count.
#[test]
fn check_shows_the_first_hundred_errors_and_counts_the_rest() {
    let dir = scratch("many-errors");
    let file = dir.join("garbage.claw");
    // 20,000 invalid tokens, one per line, so each is an error of its own.
    std::fs::write(&file, "$\n".repeat(20_000)).unwrap();
    let output = claw(&["check", "--color", "never", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr(&output);
    assert_eq!(stderr.matches("error[invalid-token]").count(), 100);
    assert!(stderr.contains("garbage.claw:100:1 ]"), "{stderr}");
    assert!(!stderr.contains("garbage.claw:101:1 ]"));
    let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
    assert_eq!(
        tail,
        [
            format!(
                "error: could not compile `{}` due to 20000 previous errors",
                file.display()
            )
            .as_str(),
            "",
            "note: 19900 more errors not shown",
        ]
    );
}

#[test]
fn usage_errors_exit_2() {
    let output = claw(&["--frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    let output = claw(&["run"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("FILE"), "{}", stderr(&output));
}

#[test]
fn run_without_invoke_exits_2_and_lists_exports() {
    let output = claw(&["run", "examples/counter.claw"]);
    let err = stderr(&output);
    assert!(
        err.starts_with("error: no --invoke given, and the component is not a WASI command\n"),
        "{err}"
    );
    assert!(err.contains("increment"), "{err}");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_missing_file_exits_1_with_a_clear_message() {
    let output = claw(&["check", "does-not-exist.claw"]);
    assert_eq!(
        stderr(&output),
        "error: cannot read `does-not-exist.claw`: No such file or directory\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn wit_prints_the_world() {
    let output = claw(&["wit", "examples/factorial.claw"]);
    let out = stdout(&output);
    assert!(out.contains("world"), "{out}");
    assert!(
        out.contains("export factorial: func(n: u64) -> u64;"),
        "{out}"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn wit_declares_the_resources_of_an_inline_interface() {
    let output = claw(&["wit", "examples/accounts.claw"]);
    assert_eq!(
        stdout(&output),
        "package root:component;\n\
         \n\
         world root {\n\
         \x20 export demo: func() -> result<u64, string>;\n\
         \x20 export overdraw: func() -> result<u64, string>;\n\
         \x20 export bank: interface {\n\
         \x20   resource account {\n\
         \x20     constructor(owner: string);\n\
         \x20     deposit: func(amount: u64);\n\
         \x20     withdraw: func(amount: u64) -> result<_, string>;\n\
         \x20     balance: func() -> u64;\n\
         \x20     absorb: func(other: account);\n\
         \x20   }\n\
         \x20   open-accounts: func() -> u32;\n\
         \x20 }\n\
         }\n"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn wit_shows_imports_from_the_wit_folder() {
    let output = claw(&["wit", "tests/programs/logging.claw"]);
    let out = stdout(&output);
    assert!(out.contains("claw:test/logging"), "{out}");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_trap_exits_1_and_names_the_function() {
    let output = claw(&[
        "run",
        "tests/programs/traps.claw",
        "--invoke",
        "divide(7, 2)",
        "--invoke",
        "nested(0)",
    ]);
    assert_eq!(stdout(&output), "3\n");
    let err = stderr(&output);
    // At -O2 the small `divide` is inlined into `nested`; the line table still points at
    // the division, in `divide`'s body.
    assert!(err.starts_with("error: trap in `nested`: "), "{err}");
    assert!(err.contains("divide by zero"), "{err}");
    assert!(err.contains("backtrace:"), "{err}");
    assert!(
        err.contains("traps.claw:22:5"),
        "the backtrace shows the line that divides: {err}"
    );
    assert_eq!(output.status.code(), Some(1));
    // At -O0 every function stays one: the trap is in `divide`, called from `nested`.
    let unoptimized = claw(&[
        "run",
        "-O0",
        "tests/programs/traps.claw",
        "--invoke",
        "nested(0)",
    ]);
    let err = stderr(&unoptimized);
    assert!(err.starts_with("error: trap in `divide`: "), "{err}");
    assert!(
        err.contains("nested"),
        "the backtrace shows the caller: {err}"
    );
    assert_eq!(unoptimized.status.code(), Some(1));
}

#[test]
fn an_unsatisfiable_import_exits_1_naming_it() {
    let output = claw(&[
        "run",
        "tests/programs/proxy.claw",
        "--invoke",
        "quadruple(1)",
    ]);
    let err = stderr(&output);
    assert!(
        err.contains("`double`") || err.contains("`greet-host`"),
        "{err}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_bad_call_exits_1() {
    let output = claw(&[
        "run",
        "examples/factorial.claw",
        "--invoke",
        "factorial(\"x\")",
    ]);
    assert!(
        stderr(&output).starts_with("error: "),
        "{}",
        stderr(&output)
    );
    assert_eq!(output.status.code(), Some(1));
    let output = claw(&["run", "examples/factorial.claw", "--invoke", "nope()"]);
    assert!(stderr(&output).contains("nope"), "{}", stderr(&output));
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn build_writes_a_component_that_run_accepts() {
    let dir = scratch("build");
    let out = dir.join("f.wasm");
    let out_arg = out.to_str().expect("a UTF-8 path");
    let output = claw(&["build", "examples/factorial.claw", "-o", out_arg]);
    assert_eq!(stderr(&output), "");
    assert_eq!(output.status.code(), Some(0));
    let output = claw(&["run", out_arg, "--invoke", "factorial(5)"]);
    assert_eq!(stdout(&output), "120\n");
}

#[test]
fn build_defaults_to_the_source_name_with_wasm() {
    let dir = scratch("build-default");
    let source = dir.join("identity.claw");
    std::fs::copy(support::root().join("examples/identity.claw"), &source).expect("copy");
    let output = claw(&["build", source.to_str().expect("a UTF-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(dir.join("identity.wasm").is_file());
}

#[test]
fn a_broken_wit_folder_is_reported_like_a_diagnostic() {
    let dir = scratch("bad-wit");
    std::fs::create_dir(dir.join("wit")).expect("create wit/");
    std::fs::write(
        dir.join("wit/broken.wit"),
        "package a:b;\ninterface i {\n  f: func(;\n}\n",
    )
    .expect("write WIT");
    let source = dir.join("main.claw");
    std::fs::copy(support::root().join("examples/identity.claw"), &source).expect("copy");
    let output = claw(&["check", source.to_str().expect("a UTF-8 path")]);
    let err = stderr(&output);
    assert!(
        err.starts_with("error[invalid-wit]: cannot load the WIT packages in"),
        "{err}"
    );
    assert!(err.contains("broken.wit"), "{err}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn every_subcommand_has_a_worked_example() {
    for subcommand in ["build", "check", "run", "test", "wit"] {
        let output = claw(&[subcommand, "--help"]);
        assert!(stdout(&output).contains("Example:"), "{subcommand}");
        assert_eq!(output.status.code(), Some(0));
    }
}

/// `claw run` is not only for Claw: a component built from C, whose functions sit in an
/// exported interface, is called by the interface's short name.
#[test]
fn run_calls_an_interface_export_of_a_c_component() {
    let fixture = support::root().join("../shared/fixtures/calc/calc-c.wasm");
    let fixture = fixture.to_str().expect("utf-8 path");
    let output = claw(&[
        "run",
        fixture,
        "--invoke",
        "ops.add(2147483647, 1)",
        "--invoke",
        r#"docs:calc/ops@0.1.0#greet("wörld")"#,
    ]);
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output), "-2147483648\n\"Hello, wörld!\"\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn running_out_of_fuel_names_the_function_and_the_limit() {
    let output = claw(&[
        "run",
        "tests/programs/loops.claw",
        "--fuel",
        "1000",
        "--invoke",
        "sum-to(10)",
        "--invoke",
        "sum-to(100000)",
    ]);
    assert_eq!(stdout(&output), "55\n");
    assert_eq!(
        stderr(&output),
        "error: `sum-to` ran out of fuel (limit 1000)\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_call_past_the_timeout_is_stopped() {
    let output = claw(&[
        "run",
        "tests/programs/loops.claw",
        "--timeout",
        "0.2",
        "--invoke",
        "sum-to(4000000000)",
    ]);
    assert_eq!(stderr(&output), "error: `sum-to` timed out after 200ms\n");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_memory_limit_below_the_initial_memory_stops_instantiation() {
    let output = claw(&[
        "run",
        "examples/strings.claw",
        "--max-memory",
        "1000",
        "--invoke",
        "greet(\"x\")",
    ]);
    assert_eq!(
        stderr(&output),
        "error: memory limit of 1000 bytes exceeded\n"
    );
    assert_eq!(output.status.code(), Some(1));
    let output = claw(&[
        "run",
        "examples/strings.claw",
        "--max-memory",
        "10000000",
        "--invoke",
        "greet(\"x\")",
    ]);
    assert_eq!(stdout(&output), "\"hello, x!\"\n");
}

#[test]
fn bad_capability_options_are_one_line_errors() {
    let output = claw(&[
        "run",
        "examples/factorial.claw",
        "--dir",
        "does-not-exist::/data",
        "--invoke",
        "factorial(1)",
    ]);
    let err = stderr(&output);
    assert!(
        err.starts_with("error: cannot open directory `does-not-exist`: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(output.status.code(), Some(1));

    let output = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["run", "examples/factorial.claw", "--env", "CLAW_TEST_UNSET"])
        .current_dir(support::root())
        .env_remove("CLAW_TEST_UNSET")
        .output()
        .expect("claw runs");
    assert_eq!(
        stderr(&output),
        "error: `--env CLAW_TEST_UNSET` passes on a variable that is not set (or not UTF-8); \
         write `--env CLAW_TEST_UNSET=VALUE` to give it a value\n"
    );
    assert_eq!(output.status.code(), Some(1));

    let output = claw(&["run", "examples/factorial.claw", "--timeout", "-1"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn hello_prints_through_wasi_stdout_as_a_command() {
    let output = claw(&["run", "examples/hello.claw"]);
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output), "Hello, world!\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn an_index_out_of_bounds_names_the_reason_the_function_and_the_line() {
    let output = claw(&[
        "run",
        "tests/programs/lists.claw",
        "--invoke",
        "at([1, 2], 2)",
    ]);
    assert!(
        stderr(&output).starts_with(
            "error: trap in `at`: index out of bounds\nbacktrace:\n  0: claw!claw:trap:index out of bounds\n  1: claw!at\n       at lists.claw:41:5\n"
        ),
        "{}",
        stderr(&output)
    );
    assert_eq!(output.status.code(), Some(1));
}

/// The world `claw wit` prints parses with `wit-parser`, and the types it declares are the
/// ones the built component carries.
#[test]
fn the_printed_world_describes_the_components_types() {
    let dir = scratch("wit-types");
    let out = dir.join("values.wasm");
    let build = claw(&[
        "build",
        "tests/programs/values.claw",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let printed = stdout(&claw(&["wit", "tests/programs/values.claw"]));

    let mut from_text = wit_parser::Resolve::default();
    let package = from_text
        .push_str("root.wit", &printed)
        .expect("the printed world parses");
    let world = from_text.select_world(&[package], Some("root")).unwrap();

    let bytes = std::fs::read(&out).unwrap();
    let wit_component::DecodedWasm::Component(from_binary, binary_world) =
        wit_component::decode(&bytes).expect("the component decodes")
    else {
        panic!("not a component")
    };

    // Every named type, printed structurally (ids differ between the two resolves).
    let describe = |resolve: &wit_parser::Resolve, world: wit_parser::WorldId| {
        let mut types: Vec<String> = resolve.worlds[world]
            .imports
            .values()
            .filter_map(|item| match item {
                wit_parser::WorldItem::Type { id, .. } => Some(format!(
                    "{} = {}",
                    resolve.types[*id].name.clone().unwrap_or_default(),
                    wit_shape(resolve, &wit_parser::Type::Id(*id), true)
                )),
                _ => None,
            })
            .collect();
        types.sort();
        types
    };
    let text_types = describe(&from_text, world);
    assert_eq!(text_types, describe(&from_binary, binary_world));
    for name in ["point", "shape", "color", "perms", "entry", "mixed"] {
        assert!(
            text_types
                .iter()
                .any(|t| t.starts_with(&format!("{name} = "))),
            "{name} missing from {text_types:?}"
        );
    }
    assert!(
        text_types.contains(&"point = record { x: f64, y: f64 }".to_string()),
        "{text_types:?}"
    );
    assert!(
        text_types.contains(
            &"entry = record { name: string, tags: list<string>, at: option<tuple<u32, char>> }"
                .to_string()
        ),
        "{text_types:?}"
    );
}

/// A WIT type written out in full, following named types only at the top (`expand`).
fn wit_shape(resolve: &wit_parser::Resolve, ty: &wit_parser::Type, expand: bool) -> String {
    use wit_parser::{Type, TypeDefKind};
    let Type::Id(id) = ty else {
        return match ty {
            Type::String => "string".into(),
            Type::Char => "char".into(),
            other => format!("{other:?}").to_lowercase(),
        };
    };
    let def = &resolve.types[*id];
    if let (Some(name), false) = (&def.name, expand) {
        return name.clone();
    }
    let all = |types: &mut dyn Iterator<Item = &Type>| {
        types
            .map(|t| wit_shape(resolve, t, false))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &def.kind {
        TypeDefKind::Record(r) => format!(
            "record {{ {} }}",
            r.fields
                .iter()
                .map(|f| format!("{}: {}", f.name, wit_shape(resolve, &f.ty, false)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        TypeDefKind::Variant(v) => format!(
            "variant {{ {} }}",
            v.cases
                .iter()
                .map(|c| match &c.ty {
                    Some(t) => format!("{}({})", c.name, wit_shape(resolve, t, false)),
                    None => c.name.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        TypeDefKind::Enum(e) => format!(
            "enum {{ {} }}",
            e.cases
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        TypeDefKind::Flags(f) => format!(
            "flags {{ {} }}",
            f.flags
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        TypeDefKind::List(t) => format!("list<{}>", wit_shape(resolve, t, false)),
        TypeDefKind::Option(t) => format!("option<{}>", wit_shape(resolve, t, false)),
        TypeDefKind::Tuple(t) => format!("tuple<{}>", all(&mut t.types.iter())),
        TypeDefKind::Result(r) => format!(
            "result<{}, {}>",
            r.ok.as_ref()
                .map_or("_".into(), |t| wit_shape(resolve, t, false)),
            r.err
                .as_ref()
                .map_or("_".into(), |t| wit_shape(resolve, t, false))
        ),
        TypeDefKind::Type(t) => wit_shape(resolve, t, expand),
        other => format!("{other:?}"),
    }
}

#[test]
fn a_wit_folder_with_only_deps_is_loaded() {
    let dir = scratch("deps-only");
    let deps = dir.join("wit/deps/clock");
    std::fs::create_dir_all(&deps).unwrap();
    for entry in std::fs::read_dir(support::root().join("tests/programs/wit/deps/clock")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), deps.join(entry.file_name())).unwrap();
    }
    let source = dir.join("clock.claw");
    std::fs::write(
        &source,
        "import { now } from claw:clock/time@1.2.3;\nexport func f() -> u64 { return now(); }\n",
    )
    .unwrap();
    let output = claw(&["wit", source.to_str().unwrap()]);
    assert_eq!(stderr(&output), "");
    assert!(
        stdout(&output).contains("import claw:clock/time@1.2.3;"),
        "{}",
        stdout(&output)
    );
}

/// A component carries a DWARF line table unless built with `--strip`, which only removes it.
#[test]
fn strip_leaves_out_the_line_table() {
    let dir = scratch("strip");
    let full = dir.join("full.wasm");
    let stripped = dir.join("stripped.wasm");
    for (out, extra) in [(&full, None), (&stripped, Some("--strip"))] {
        let mut args = vec![
            "build",
            "examples/factorial.claw",
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        assert_eq!(claw(&args).status.code(), Some(0));
    }
    let full = std::fs::read(full).unwrap();
    let stripped = std::fs::read(stripped).unwrap();
    let has = |bytes: &[u8], needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(has(&full, b".debug_line"));
    assert!(!has(&stripped, b".debug_line"));
    assert!(!has(&stripped, b".debug_info"));
    assert!(stripped.len() < full.len());
    // The stripped component still runs.
    let dir_out = dir.join("stripped.wasm");
    let run = claw(&["run", dir_out.to_str().unwrap(), "--invoke", "factorial(5)"]);
    assert_eq!(stdout(&run), "120\n");
}

/// Recursion 200,000 deep overflows the default 512 KiB Wasm stack; `--max-stack` gives it
/// room (and `claw` a host thread big enough to hold it), for `run` and `test` alike.
#[test]
fn max_stack_lets_recursion_go_deeper() {
    let dir = scratch("max-stack");
    let file = dir.join("deep.claw");
    std::fs::write(
        &file,
        "export func depth(n: u32) -> u32 {\n    if n == 0 { return 0; }\n    return depth(n - 1) + 1;\n}\n\
         export tests: interface {\n    func deep() -> result<_, string> {\n        \
         check!(depth(200000) == 200000)?;\n        return ok;\n    }\n}\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let shallow = claw(&["run", file, "--invoke", "depth(200000)"]);
    assert_eq!(shallow.status.code(), Some(1), "{}", stderr(&shallow));
    assert!(
        stderr(&shallow).contains("call stack exhausted"),
        "{}",
        stderr(&shallow)
    );
    let deep = claw(&[
        "run",
        file,
        "--max-stack",
        "67108864",
        "--invoke",
        "depth(200000)",
    ]);
    assert_eq!(stderr(&deep), "");
    assert_eq!(stdout(&deep), "200000\n");
    let failing_test = claw(&["test", file]);
    assert_eq!(failing_test.status.code(), Some(1));
    assert!(stdout(&failing_test).contains("call stack exhausted"));
    let passing_test = claw(&["test", file, "--max-stack", "67108864"]);
    assert_eq!(
        passing_test.status.code(),
        Some(0),
        "{}",
        stdout(&passing_test)
    );
}

/// `-Os --strip` leaves out every custom section (names, producers, the line table), in the
/// component and in the core modules inside it, and the command still runs.
#[test]
fn os_strip_leaves_no_custom_sections() {
    let dir = scratch("os");
    let out = dir.join("hello.wasm");
    let out = out.to_str().unwrap();
    let build = claw(&["build", "examples/hello.claw", "-Os", "--strip", "-o", out]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let bytes = std::fs::read(out).unwrap();
    let mut customs = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let wasmparser::Payload::CustomSection(section) = payload.unwrap() {
            customs.push(section.name().to_owned());
        }
    }
    assert!(customs.is_empty(), "custom sections: {customs:?}");
    // Measured at 1,292 bytes; the bound catches a regression of a tenth.
    assert!(bytes.len() < 1_420, "hello is {} bytes", bytes.len());
    let run = claw(&["run", out]);
    assert_eq!(stdout(&run), "Hello, world!\n");
}

/// `--emit ir` and `--emit wat` print text to standard output instead of writing a component.
#[test]
fn emit_prints_the_ir_or_the_core_module() {
    let ir = claw(&["build", "examples/factorial.claw", "--emit", "ir", "-O0"]);
    assert_eq!(ir.status.code(), Some(0), "{}", stderr(&ir));
    assert!(
        stdout(&ir).starts_with("func factorial(n.0: u64) -> u64 {"),
        "{}",
        stdout(&ir)
    );
    let wat = claw(&["build", "examples/factorial.claw", "--emit", "wat"]);
    assert_eq!(wat.status.code(), Some(0), "{}", stderr(&wat));
    assert!(stdout(&wat).starts_with("(module"), "{}", stdout(&wat));
    let bad = claw(&["build", "examples/factorial.claw", "-O3"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

/// `-Os` drops the names of functions but keeps those of the trap helpers, which are how
/// the runtime learns why a program trapped.
#[test]
fn os_keeps_the_reason_of_a_trap() {
    let dir = scratch("os-trap");
    let file = dir.join("at.claw");
    std::fs::write(
        &file,
        "export func at(xs: list<u32>, i: u32) -> u32 {\n    return xs[i];\n}\n",
    )
    .unwrap();
    let output = claw(&[
        "run",
        "-Os",
        file.to_str().unwrap(),
        "--invoke",
        "at([1], 5)",
    ]);
    let err = stderr(&output);
    assert!(err.contains("index out of bounds"), "{err}");
    assert_eq!(output.status.code(), Some(1));
}
