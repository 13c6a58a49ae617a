//! Every kind of component value crosses the boundary both ways unchanged: through an exported
//! `id-NAME(x: T) -> T { return x; }`, and through `via-NAME`, which passes its argument to the
//! root import `echo-NAME` and returns what the host sent back. The test host's `echo-*`
//! functions copy their arguments to their results.
//!
//! The cases are a table of (name, Claw type, values); one Claw file holds the three functions
//! for every case, so the whole table costs one compilation. Values sit at the edges the
//! Canonical ABI cares about: integer limits, NaN and signed zero, multi-byte chars, empty
//! strings and lists, variants whose payloads join to a wider flat type, discriminants of more
//! than one byte, flags spanning several bytes, parameters and results that spill to memory.

mod support;

use std::fmt::Write;
use std::sync::OnceLock;
use support::vals;

use claw_runtime::{Config, Host, Session, Val};
use vals::{none, same, some, string};

/// Named types the cases refer to.
const TYPES: &str = "
record point { x: f64, y: f64 }
record empty-ish { only: bool }
variant mixed { a(f32), b(u64), c(string), d }
variant numbers { small(s8), wide(f64), narrow(f32), word(u32) }
variant shape { circle(f64), rect(point), empty }
enum color { red, green, blue }
flags three { read, write, exec }
record entry { name: string, tags: list<string>, at: option<tuple<u32, char>> }
";

/// One row of the table: the functions are `id-NAME`, `via-NAME` and the import `echo-NAME`.
struct Case {
    name: &'static str,
    ty: String,
    values: Vec<Val>,
}

fn case(name: &'static str, ty: &str, values: Vec<Val>) -> Case {
    Case {
        name,
        ty: ty.to_owned(),
        values,
    }
}

fn ok(val: Option<Val>) -> Val {
    Val::Result(Ok(val.map(Box::new)))
}

fn err(val: Option<Val>) -> Val {
    Val::Result(Err(val.map(Box::new)))
}

fn variant(name: &str, payload: Option<Val>) -> Val {
    Val::Variant(name.to_owned(), payload.map(Box::new))
}

fn record(fields: &[(&str, Val)]) -> Val {
    Val::Record(
        fields
            .iter()
            .map(|(name, val)| ((*name).to_owned(), val.clone()))
            .collect(),
    )
}

fn flags(names: &[&str]) -> Val {
    Val::Flags(names.iter().map(|name| (*name).to_owned()).collect())
}

fn point(x: f64, y: f64) -> Val {
    record(&[("x", Val::Float64(x)), ("y", Val::Float64(y))])
}

fn entry(name: &str, tags: &[&str], at: Option<(u32, char)>) -> Val {
    record(&[
        ("name", string(name)),
        ("tags", Val::List(tags.iter().map(|t| string(t)).collect())),
        (
            "at",
            at.map_or(none(), |(n, c)| {
                some(Val::Tuple(vec![Val::U32(n), Val::Char(c)]))
            }),
        ),
    ])
}

/// `flags` with `count` members named `f0`, `f1`, ….
fn flag_names(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("f{i}")).collect()
}

fn f32s() -> Vec<Val> {
    [
        0.0,
        -0.0,
        1.5,
        -2.25,
        f32::MIN,
        f32::MAX,
        f32::MIN_POSITIVE,
        f32::from_bits(1), // the smallest subnormal
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
    ]
    .into_iter()
    .map(Val::Float32)
    .collect()
}

fn f64s() -> Vec<Val> {
    [
        0.0,
        -0.0,
        1.5,
        -2.25,
        f64::MIN,
        f64::MAX,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ]
    .into_iter()
    .map(Val::Float64)
    .collect()
}

fn cases() -> Vec<Case> {
    let long = "ab😀".repeat(500);
    let flags32 = flag_names(32);
    let all32: Vec<&str> = flags32.iter().map(String::as_str).collect();
    vec![
        case("bool", "bool", vec![Val::Bool(true), Val::Bool(false)]),
        case("u8", "u8", vec![Val::U8(0), Val::U8(1), Val::U8(u8::MAX)]),
        case(
            "s8",
            "s8",
            vec![Val::S8(i8::MIN), Val::S8(-1), Val::S8(0), Val::S8(i8::MAX)],
        ),
        case("u16", "u16", vec![Val::U16(0), Val::U16(u16::MAX)]),
        case(
            "s16",
            "s16",
            vec![Val::S16(i16::MIN), Val::S16(-1), Val::S16(i16::MAX)],
        ),
        case("u32", "u32", vec![Val::U32(0), Val::U32(u32::MAX)]),
        case(
            "s32",
            "s32",
            vec![Val::S32(i32::MIN), Val::S32(-1), Val::S32(i32::MAX)],
        ),
        case("u64", "u64", vec![Val::U64(0), Val::U64(u64::MAX)]),
        case(
            "s64",
            "s64",
            vec![Val::S64(i64::MIN), Val::S64(-1), Val::S64(i64::MAX)],
        ),
        case("f32", "f32", f32s()),
        case("f64", "f64", f64s()),
        case(
            "char",
            "char",
            [
                'a',
                '\0',
                '~',
                'ö',
                '€',
                '😀',
                '\u{D7FF}',
                '\u{E000}',
                '\u{10FFFF}',
            ]
            .into_iter()
            .map(Val::Char)
            .collect(),
        ),
        case(
            "string",
            "string",
            vec![
                string(""),
                string("a"),
                string("wörld"),
                string("😀€ö\0x"),
                string(&long),
            ],
        ),
        case(
            "list-u8",
            "list<u8>",
            vec![
                Val::List(vec![]),
                Val::List(vec![Val::U8(1), Val::U8(255)]),
                Val::List((0..1000).map(|i| Val::U8(i as u8)).collect()),
            ],
        ),
        case(
            "list-u64",
            "list<u64>",
            vec![
                Val::List(vec![]),
                Val::List(vec![Val::U64(u64::MAX), Val::U64(7)]),
            ],
        ),
        case("list-f32", "list<f32>", vec![Val::List(f32s())]),
        case(
            "list-string",
            "list<string>",
            vec![
                Val::List(vec![]),
                Val::List(vec![string(""), string("a"), string("😀")]),
            ],
        ),
        case(
            "list-list-u32",
            "list<list<u32>>",
            vec![
                Val::List(vec![]),
                Val::List(vec![Val::List(vec![])]),
                Val::List(vec![
                    Val::List(vec![Val::U32(1)]),
                    Val::List(vec![Val::U32(2), Val::U32(u32::MAX)]),
                ]),
            ],
        ),
        case(
            "list-list-string",
            "list<list<string>>",
            vec![Val::List(vec![
                Val::List(vec![]),
                Val::List(vec![string("x"), string("")]),
            ])],
        ),
        case(
            "list-option-string",
            "list<option<string>>",
            vec![Val::List(vec![none(), some(string("")), some(string("ö"))])],
        ),
        case(
            "option-u32",
            "option<u32>",
            vec![none(), some(Val::U32(0)), some(Val::U32(u32::MAX))],
        ),
        case(
            "option-string",
            "option<string>",
            vec![none(), some(string("ö"))],
        ),
        case(
            "option-f64",
            "option<f64>",
            vec![
                none(),
                some(Val::Float64(-0.0)),
                some(Val::Float64(f64::NAN)),
            ],
        ),
        case(
            "option-option-u8",
            "option<option<u8>>",
            vec![none(), some(none()), some(some(Val::U8(255)))],
        ),
        case("result", "result", vec![ok(None), err(None)]),
        case(
            "result-ok",
            "result<u32>",
            vec![ok(Some(Val::U32(u32::MAX))), err(None)],
        ),
        case(
            "result-err",
            "result<_, string>",
            vec![ok(None), err(Some(string("bad")))],
        ),
        case(
            "result-both",
            "result<string, u64>",
            vec![ok(Some(string("good"))), err(Some(Val::U64(u64::MAX)))],
        ),
        // f32 and s64 payloads join to i64: the f32 travels as its bits in an i64.
        case(
            "result-f32-s64",
            "result<f32, s64>",
            vec![
                ok(Some(Val::Float32(-1.5))),
                ok(Some(Val::Float32(f32::NAN))),
                err(Some(Val::S64(i64::MIN))),
            ],
        ),
        case(
            "result-u8-f64",
            "result<u8, f64>",
            vec![ok(Some(Val::U8(200))), err(Some(Val::Float64(-0.0)))],
        ),
        case(
            "tuple",
            "tuple<u32, string, char>",
            vec![Val::Tuple(vec![
                Val::U32(7),
                string("seven"),
                Val::Char('😀'),
            ])],
        ),
        case(
            "tuple-wide",
            "tuple<f32, f64, u8, s64, bool>",
            vec![Val::Tuple(vec![
                Val::Float32(f32::MAX),
                Val::Float64(f64::MIN),
                Val::U8(255),
                Val::S64(i64::MIN),
                Val::Bool(true),
            ])],
        ),
        case(
            "tuple-one",
            "tuple<s16>",
            vec![Val::Tuple(vec![Val::S16(-2)])],
        ),
        case(
            "point",
            "point",
            vec![point(1.5, -2.0), point(f64::NAN, -0.0)],
        ),
        case(
            "empty-ish",
            "empty-ish",
            vec![record(&[("only", Val::Bool(true))])],
        ),
        case(
            "mixed",
            "mixed",
            vec![
                variant("a", Some(Val::Float32(1.5))),
                variant("a", Some(Val::Float32(-0.0))),
                variant("a", Some(Val::Float32(f32::NAN))),
                variant("b", Some(Val::U64(u64::MAX))),
                variant("b", Some(Val::U64(0))),
                variant("c", Some(string(""))),
                variant("c", Some(string("😀ö"))),
                variant("d", None),
            ],
        ),
        case(
            "numbers",
            "numbers",
            vec![
                variant("small", Some(Val::S8(-128))),
                variant("wide", Some(Val::Float64(f64::MIN_POSITIVE))),
                variant("narrow", Some(Val::Float32(f32::MAX))),
                variant("word", Some(Val::U32(u32::MAX))),
            ],
        ),
        case(
            "shape",
            "shape",
            vec![
                variant("circle", Some(Val::Float64(2.5))),
                variant("rect", Some(point(1.0, 2.0))),
                variant("empty", None),
            ],
        ),
        case(
            "list-mixed",
            "list<mixed>",
            vec![Val::List(vec![
                variant("c", Some(string("x"))),
                variant("d", None),
                variant("a", Some(Val::Float32(3.0))),
            ])],
        ),
        case(
            "color",
            "color",
            vec![
                Val::Enum("red".into()),
                Val::Enum("green".into()),
                Val::Enum("blue".into()),
            ],
        ),
        case(
            "big-enum",
            "big-enum",
            ["e0", "e255", "e256", "e299"]
                .into_iter()
                .map(|e| Val::Enum(e.into()))
                .collect(),
        ),
        case(
            "three",
            "three",
            vec![
                flags(&[]),
                flags(&["read", "exec"]),
                flags(&["read", "write", "exec"]),
            ],
        ),
        case(
            "flags9",
            "flags9",
            vec![flags(&[]), flags(&["f0", "f8"]), flags(&["f7"])],
        ),
        case(
            "flags32",
            "flags32",
            vec![flags(&[]), flags(&["f0", "f31"]), flags(&all32)],
        ),
        case(
            "entries",
            "list<entry>",
            vec![
                Val::List(vec![]),
                Val::List(vec![
                    entry("a", &["x", "y"], Some((1, 'q'))),
                    entry("", &[], None),
                    entry("😀", &[""], Some((u32::MAX, '😀'))),
                ]),
            ],
        ),
        case(
            "strings5",
            "tuple<string, string, string, string, string>",
            vec![Val::Tuple(vec![
                string("a"),
                string(""),
                string("ö"),
                string("😀"),
                string(&long),
            ])],
        ),
        case(
            "option-entry",
            "option<entry>",
            vec![none(), some(entry("n", &["t"], Some((0, '\0'))))],
        ),
        case(
            "result-list-entry",
            "result<list<string>, entry>",
            vec![
                ok(Some(Val::List(vec![string("a")]))),
                err(Some(entry("e", &[], None))),
            ],
        ),
    ]
}

/// The 20 parameters of `many`: more than the Canonical ABI's 16 flat parameters, so the
/// arguments travel through memory in both directions.
const MANY: &[(&str, &str)] = &[
    ("a", "u8"),
    ("b", "string"),
    ("c", "f32"),
    ("d", "u64"),
    ("e", "char"),
    ("f", "bool"),
    ("g", "s16"),
    ("h", "string"),
    ("i", "f64"),
    ("j", "option<u32>"),
    ("k", "s8"),
    ("l", "list<u8>"),
    ("m", "u32"),
    ("n", "string"),
    ("o", "f32"),
    ("p", "s64"),
    ("q", "char"),
    ("r", "list<string>"),
    ("s", "u16"),
    ("t", "bool"),
];

fn many_args() -> Vec<Val> {
    vec![
        Val::U8(255),
        string("b😀"),
        Val::Float32(-0.0),
        Val::U64(u64::MAX),
        Val::Char('€'),
        Val::Bool(true),
        Val::S16(i16::MIN),
        string(""),
        Val::Float64(f64::NAN),
        some(Val::U32(42)),
        Val::S8(-1),
        Val::List(vec![Val::U8(1), Val::U8(2)]),
        Val::U32(u32::MAX),
        string("ñ"),
        Val::Float32(f32::INFINITY),
        Val::S64(i64::MIN),
        Val::Char('😀'),
        Val::List(vec![string("x"), string("")]),
        Val::U16(u16::MAX),
        Val::Bool(false),
    ]
}

/// The Claw file: the named types, then per case an identity export, an echo import and an
/// export that goes through the import; then `many` and `five` both ways.
fn source() -> String {
    let mut src = String::from(TYPES);
    let names = |n| flag_names(n).join(", ");
    let enums: Vec<String> = (0..300).map(|i| format!("e{i}")).collect();
    writeln!(src, "flags flags9 {{ {} }}", names(9)).unwrap();
    writeln!(src, "flags flags32 {{ {} }}", names(32)).unwrap();
    writeln!(src, "enum big-enum {{ {} }}", enums.join(", ")).unwrap();
    for case in cases() {
        let (name, ty) = (case.name, &case.ty);
        writeln!(src, "import echo-{name}: func(x: {ty}) -> {ty};").unwrap();
        writeln!(
            src,
            "export func id-{name}(x: {ty}) -> {ty} {{ return x; }}"
        )
        .unwrap();
        writeln!(
            src,
            "export func via-{name}(x: {ty}) -> {ty} {{ return echo-{name}(x); }}"
        )
        .unwrap();
    }
    let params: Vec<String> = MANY.iter().map(|(n, t)| format!("{n}: {t}")).collect();
    let params = params.join(", ");
    let args: Vec<&str> = MANY.iter().map(|(n, _)| *n).collect();
    let args = args.join(", ");
    let tuple: Vec<&str> = MANY.iter().map(|(_, t)| *t).collect();
    let tuple = format!("tuple<{}>", tuple.join(", "));
    writeln!(src, "import echo-many: func({params}) -> {tuple};").unwrap();
    writeln!(
        src,
        "export func many({params}) -> {tuple} {{ return ({args}); }}"
    )
    .unwrap();
    writeln!(
        src,
        "export func via-many({params}) -> {tuple} {{ return echo-many({args}); }}"
    )
    .unwrap();
    let five = "a: string, b: string, c: string, d: string, e: string";
    let strings5 = "tuple<string, string, string, string, string>";
    writeln!(src, "import echo-five: func({five}) -> {strings5};").unwrap();
    writeln!(
        src,
        "export func five({five}) -> {strings5} {{ return (a, b, c, d, e); }}"
    )
    .unwrap();
    writeln!(
        src,
        "export func via-five({five}) -> {strings5} {{ return echo-five(a, b, c, d, e); }}"
    )
    .unwrap();
    src
}

/// The component at each of [`vals::LEVELS`], compiled once for all the tests in this file.
fn component(level: usize) -> &'static [u8] {
    static COMPONENTS: [OnceLock<Vec<u8>>; 2] = [OnceLock::new(), OnceLock::new()];
    COMPONENTS[level].get_or_init(|| {
        let src = source();
        vals::compile("roundtrip.claw", &src, vals::LEVELS[level])
            .unwrap_or_else(|err| panic!("{err}\n{src}"))
    })
}

/// A host whose `echo-NAME` returns its one argument, and whose `echo-many` and `echo-five`
/// return their arguments as a tuple.
fn echo_host() -> Host {
    let mut host = Host::new();
    for case in cases() {
        host.func(&format!("echo-{}", case.name), |args, results| {
            results[0] = args[0].clone();
            Ok(())
        });
    }
    for name in ["echo-many", "echo-five"] {
        host.func(name, |args, results| {
            results[0] = Val::Tuple(args.to_vec());
            Ok(())
        });
    }
    host
}

fn session(level: usize) -> Session {
    Session::new(component(level), &echo_host(), &Config::default()).expect("instantiates")
}

/// Calls `func` with `args` and checks it returns `expected`; a failure is described, and a
/// trap replaces the session, since a trap poisons an instance.
fn check(
    level: usize,
    session: &mut Session,
    func: &str,
    args: &[Val],
    expected: &Val,
    failures: &mut Vec<String>,
) {
    match session.call(func, args) {
        Ok(results) if results.len() == 1 && same(&results[0], expected) => {}
        Ok(results) => failures.push(format!(
            "`{func}({args:?})` returned {results:?}, expected [{expected:?}]"
        )),
        Err(err) => {
            failures.push(format!(
                "`{func}({args:?})` failed at {:?}: {err}",
                vals::LEVELS[level]
            ));
            *session = self::session(level);
        }
    }
}

/// Runs every case through `PREFIX-NAME` and reports all the failures at once.
fn round_trip_all(prefix: &str) {
    let mut failures = Vec::new();
    let mut count = 0;
    for level in 0..vals::LEVELS.len() {
        let mut session = session(level);
        for case in cases() {
            for val in &case.values {
                count += 1;
                let func = format!("{prefix}-{}", case.name);
                check(
                    level,
                    &mut session,
                    &func,
                    std::slice::from_ref(val),
                    val,
                    &mut failures,
                );
            }
        }
    }
    eprintln!(
        "{prefix}: {} of {count} values round-trip",
        count - failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_type_round_trips_through_an_export() {
    round_trip_all("id");
}

#[test]
fn every_type_round_trips_through_an_import() {
    round_trip_all("via");
}

#[test]
fn twenty_parameters_go_through_memory_both_ways() {
    let args = many_args();
    let expected = Val::Tuple(args.clone());
    let mut failures = Vec::new();
    for level in 0..vals::LEVELS.len() {
        let mut session = session(level);
        check(level, &mut session, "many", &args, &expected, &mut failures);
        check(
            level,
            &mut session,
            "via-many",
            &args,
            &expected,
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn five_strings_come_back_through_a_return_pointer_both_ways() {
    let args: Vec<Val> = ["a", "", "ö", "😀", "the fifth"]
        .into_iter()
        .map(string)
        .collect();
    let expected = Val::Tuple(args.clone());
    let mut failures = Vec::new();
    for level in 0..vals::LEVELS.len() {
        let mut session = session(level);
        check(level, &mut session, "five", &args, &expected, &mut failures);
        check(
            level,
            &mut session,
            "via-five",
            &args,
            &expected,
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The Canonical ABI allows at most 32 flags (wasmparser rejects more), so a `flags` with 40
/// members must be refused with a diagnostic rather than compiled into an invalid component.
#[test]
fn forty_flags_are_refused_with_a_diagnostic() {
    let src = format!(
        "flags forty {{ {} }}\nexport func id(x: forty) -> forty {{ return x; }}\n",
        flag_names(40).join(", ")
    );
    match vals::compile("forty.claw", &src, claw_compiler::OptLevel::default()) {
        Err(message) if message.contains("error[too-many-flags]") => {}
        Err(message) => panic!("the compiler accepted 40 flags, but: {message}"),
        Ok(_) => panic!("40 flags compiled into a component that validates"),
    }
}
