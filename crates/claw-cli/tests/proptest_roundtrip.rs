//! Random component types, random values of them: for each generated type the Claw file
//! declares the named types it needs and `export func identity(x: T) -> T { return x; }`; it
//! must compile to a component that validates, and every generated value must come back from
//! `identity` unchanged (NaN equal to NaN).
//!
//! Types nest up to three levels (primitives, `string`, `char`, `list`, `option`, `result` with
//! and without payloads, `tuple`, `record`, `variant`, `enum`, `flags`). Each case compiles one
//! component and tries several values on one instance. 64 cases by default;
//! `PROPTEST_CASES=1000` runs more. A failure is shrunk to a small type and value, and the
//! message shows the Claw file.

mod support;

use std::fmt;
use support::vals;

use claw_runtime::{Config, Host, Session, Val};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError};

/// A component value type, with anonymous members: the names of a record's fields, a
/// variant's cases, an enum's cases and flags are derived from their positions.
#[derive(Clone, Debug)]
enum Ty {
    Bool,
    U8,
    S8,
    U16,
    S16,
    U32,
    S32,
    U64,
    S64,
    F32,
    F64,
    Char,
    String,
    List(Box<Ty>),
    Option(Box<Ty>),
    Result(Option<Box<Ty>>, Option<Box<Ty>>),
    Tuple(Vec<Ty>),
    Record(Vec<Ty>),
    Variant(Vec<Option<Ty>>),
    Enum(usize),
    Flags(usize),
}

fn field(i: usize) -> String {
    format!("f{i}")
}

fn case_name(i: usize) -> String {
    format!("c{i}")
}

fn enum_case(i: usize) -> String {
    format!("e{i}")
}

fn flag(i: usize) -> String {
    format!("g{i}")
}

fn ty_strategy() -> impl Strategy<Value = Ty> {
    let leaf = prop_oneof![
        Just(Ty::Bool),
        Just(Ty::U8),
        Just(Ty::S8),
        Just(Ty::U16),
        Just(Ty::S16),
        Just(Ty::U32),
        Just(Ty::S32),
        Just(Ty::U64),
        Just(Ty::S64),
        Just(Ty::F32),
        Just(Ty::F64),
        Just(Ty::Char),
        Just(Ty::String),
        (1..=6usize).prop_map(Ty::Enum),
        // Up to 32, the most the Canonical ABI allows; past 8 and 16 the flags need wider words.
        prop_oneof![1..=8usize, 9..=32usize].prop_map(Ty::Flags),
    ];
    // Depth 3 counts the levels of nesting above the leaves.
    leaf.prop_recursive(3, 24, 4, |inner| {
        let payload = proptest::option::of(inner.clone());
        prop_oneof![
            inner.clone().prop_map(|t| Ty::List(Box::new(t))),
            inner.clone().prop_map(|t| Ty::Option(Box::new(t))),
            (
                proptest::option::of(inner.clone().prop_map(Box::new)),
                proptest::option::of(inner.clone().prop_map(Box::new)),
            )
                .prop_map(|(ok, err)| Ty::Result(ok, err)),
            vec(inner.clone(), 1..=4).prop_map(Ty::Tuple),
            vec(inner.clone(), 1..=4).prop_map(Ty::Record),
            vec(payload, 1..=4).prop_map(Ty::Variant),
        ]
    })
}

/// Values of `ty`, with integer limits, NaN, infinities, subnormals and `-0.0` made likely.
fn value_strategy(ty: &Ty) -> BoxedStrategy<Val> {
    match ty {
        Ty::Bool => any::<bool>().prop_map(Val::Bool).boxed(),
        Ty::U8 => edges([u8::MIN, u8::MAX, 0]).prop_map(Val::U8).boxed(),
        Ty::S8 => edges([i8::MIN, i8::MAX, 0]).prop_map(Val::S8).boxed(),
        Ty::U16 => edges([u16::MIN, u16::MAX, 0]).prop_map(Val::U16).boxed(),
        Ty::S16 => edges([i16::MIN, i16::MAX, 0]).prop_map(Val::S16).boxed(),
        Ty::U32 => edges([u32::MIN, u32::MAX, 0]).prop_map(Val::U32).boxed(),
        Ty::S32 => edges([i32::MIN, i32::MAX, 0]).prop_map(Val::S32).boxed(),
        Ty::U64 => edges([u64::MIN, u64::MAX, 0]).prop_map(Val::U64).boxed(),
        Ty::S64 => edges([i64::MIN, i64::MAX, 0]).prop_map(Val::S64).boxed(),
        Ty::F32 => edges([
            -0.0,
            f32::NAN,
            f32::INFINITY,
            f32::MIN_POSITIVE,
            f32::from_bits(1),
        ])
        .prop_map(Val::Float32)
        .boxed(),
        Ty::F64 => edges([
            -0.0,
            f64::NAN,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::from_bits(1),
        ])
        .prop_map(Val::Float64)
        .boxed(),
        Ty::Char => any::<char>().prop_map(Val::Char).boxed(),
        Ty::String => vec(any::<char>(), 0..8)
            .prop_map(|chars| Val::String(chars.into_iter().collect()))
            .boxed(),
        Ty::List(elem) => vec(value_strategy(elem), 0..4).prop_map(Val::List).boxed(),
        Ty::Option(inner) => proptest::option::of(value_strategy(inner))
            .prop_map(|v| Val::Option(v.map(Box::new)))
            .boxed(),
        Ty::Result(ok, err) => {
            let side = |payload: &Option<Box<Ty>>| match payload {
                Some(ty) => value_strategy(ty).prop_map(|v| Some(Box::new(v))).boxed(),
                None => Just(None).boxed(),
            };
            prop_oneof![
                side(ok).prop_map(|v| Val::Result(Ok(v))),
                side(err).prop_map(|v| Val::Result(Err(v))),
            ]
            .boxed()
        }
        Ty::Tuple(elems) => elems
            .iter()
            .map(value_strategy)
            .collect::<Vec<_>>()
            .prop_map(Val::Tuple)
            .boxed(),
        Ty::Record(fields) => fields
            .iter()
            .map(value_strategy)
            .collect::<Vec<_>>()
            .prop_map(|vals| {
                Val::Record(
                    vals.into_iter()
                        .enumerate()
                        .map(|(i, v)| (field(i), v))
                        .collect(),
                )
            })
            .boxed(),
        Ty::Variant(cases) => Union::new(cases.iter().enumerate().map(|(i, payload)| {
            let name = case_name(i);
            match payload {
                Some(ty) => value_strategy(ty)
                    .prop_map(move |v| Val::Variant(name.clone(), Some(Box::new(v))))
                    .boxed(),
                None => Just(Val::Variant(name, None)).boxed(),
            }
        }))
        .boxed(),
        Ty::Enum(count) => (0..*count).prop_map(|i| Val::Enum(enum_case(i))).boxed(),
        Ty::Flags(count) => vec(any::<bool>(), *count)
            .prop_map(|set| {
                let names = set.iter().enumerate().filter(|(_, on)| **on);
                Val::Flags(names.map(|(i, _)| flag(i)).collect())
            })
            .boxed(),
    }
}

/// Any value of `T`, and a quarter of the time one of `edges`, which uniform draws seldom hit.
fn edges<T, const N: usize>(edges: [T; N]) -> impl Strategy<Value = T>
where
    T: Arbitrary + Clone + fmt::Debug + 'static,
{
    prop_oneof![3 => any::<T>(), 1 => proptest::sample::select(edges.to_vec())]
}

/// A type and a few values of it.
fn case_strategy() -> impl Strategy<Value = (Ty, Vec<Val>)> {
    ty_strategy().prop_flat_map(|ty| {
        let values = vec(value_strategy(&ty), 1..=4);
        (Just(ty), values)
    })
}

/// Claw files for a type: its named types come first as `t0`, `t1`, … (nested ones first).
struct Program {
    decls: Vec<String>,
}

impl Program {
    /// `identity`, and `via`, which returns what the root import `echo` returns.
    fn round_trip(ty: &Ty) -> String {
        let mut program = Program { decls: Vec::new() };
        let t = program.ty(ty);
        let mut lines = program.decls;
        lines.push(format!(
            "export func identity(x: {t}) -> {t} {{ return x; }}"
        ));
        lines.push(format!("import echo: func(x: {t}) -> {t};"));
        lines.push(format!(
            "export func via(x: {t}) -> {t} {{ return echo(x); }}"
        ));
        lines.join("\n") + "\n"
    }

    /// `litN`, which returns `values[N]` written as a literal.
    fn literals(ty: &Ty, values: &[Val]) -> String {
        let mut program = Program { decls: Vec::new() };
        let t = program.ty(ty);
        let mut lines = program.decls;
        for (i, val) in values.iter().enumerate() {
            let literal = literal(val);
            lines.push(format!(
                "export func lit{i}() -> {t} {{ return {literal}; }}"
            ));
        }
        lines.join("\n") + "\n"
    }

    /// The text of `ty`, declaring what it names.
    fn ty(&mut self, ty: &Ty) -> String {
        let simple = match ty {
            Ty::Bool => "bool",
            Ty::U8 => "u8",
            Ty::S8 => "s8",
            Ty::U16 => "u16",
            Ty::S16 => "s16",
            Ty::U32 => "u32",
            Ty::S32 => "s32",
            Ty::U64 => "u64",
            Ty::S64 => "s64",
            Ty::F32 => "f32",
            Ty::F64 => "f64",
            Ty::Char => "char",
            Ty::String => "string",
            Ty::List(elem) => return format!("list<{}>", self.ty(elem)),
            Ty::Option(inner) => return format!("option<{}>", self.ty(inner)),
            Ty::Result(ok, err) => {
                let ok = ok.as_ref().map(|t| self.ty(t));
                let err = err.as_ref().map(|t| self.ty(t));
                return match (ok, err) {
                    (None, None) => "result".to_owned(),
                    (Some(ok), None) => format!("result<{ok}>"),
                    (None, Some(err)) => format!("result<_, {err}>"),
                    (Some(ok), Some(err)) => format!("result<{ok}, {err}>"),
                };
            }
            Ty::Tuple(elems) => {
                let elems: Vec<String> = elems.iter().map(|t| self.ty(t)).collect();
                return format!("tuple<{}>", elems.join(", "));
            }
            Ty::Record(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("{}: {}", field(i), self.ty(t)))
                    .collect();
                return self.declare("record", &fields);
            }
            Ty::Variant(cases) => {
                let cases: Vec<String> = cases
                    .iter()
                    .enumerate()
                    .map(|(i, payload)| match payload {
                        Some(t) => format!("{}({})", case_name(i), self.ty(t)),
                        None => case_name(i),
                    })
                    .collect();
                return self.declare("variant", &cases);
            }
            Ty::Enum(count) => {
                let cases: Vec<String> = (0..*count).map(enum_case).collect();
                return self.declare("enum", &cases);
            }
            Ty::Flags(count) => {
                let flags: Vec<String> = (0..*count).map(flag).collect();
                return self.declare("flags", &flags);
            }
        };
        simple.to_owned()
    }

    fn declare(&mut self, keyword: &str, members: &[String]) -> String {
        let name = format!("t{}", self.decls.len());
        self.decls
            .push(format!("{keyword} {name} {{ {} }}", members.join(", ")));
        name
    }
}

/// `val` as Claw writes it: WAVE, except that a one-element tuple needs a trailing comma
/// (`(x)` is a parenthesized expression), floats use Rust's shortest round-trip form, and NaN
/// and the infinities, which have no literal, are divisions.
fn literal(val: &Val) -> String {
    fn float(x: f64, debug: String) -> String {
        if x.is_nan() {
            "(0.0 / 0.0)".to_owned()
        } else if x.is_infinite() {
            format!("({}1.0 / 0.0)", if x < 0.0 { "-" } else { "" })
        } else if debug.contains(['.', 'e']) {
            debug
        } else {
            debug + ".0"
        }
    }
    fn text(s: &str, quote: char) -> String {
        let mut out = String::new();
        out.push(quote);
        for c in s.chars() {
            match c {
                '\\' | '\'' | '"' => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => out.push(c),
            }
        }
        out.push(quote);
        out
    }
    fn list(vals: &[Val]) -> String {
        vals.iter().map(literal).collect::<Vec<_>>().join(", ")
    }
    fn payload(name: &str, val: &Option<Box<Val>>) -> String {
        match val {
            Some(val) => format!("{name}({})", literal(val)),
            None => name.to_owned(),
        }
    }
    match val {
        Val::Bool(b) => b.to_string(),
        Val::U8(n) => n.to_string(),
        Val::S8(n) => n.to_string(),
        Val::U16(n) => n.to_string(),
        Val::S16(n) => n.to_string(),
        Val::U32(n) => n.to_string(),
        Val::S32(n) => n.to_string(),
        Val::U64(n) => n.to_string(),
        Val::S64(n) => n.to_string(),
        Val::Float32(x) => float(f64::from(*x), format!("{x:?}")),
        Val::Float64(x) => float(*x, format!("{x:?}")),
        Val::Char(c) => text(&c.to_string(), '\''),
        Val::String(s) => text(s, '"'),
        Val::List(vals) => format!("[{}]", list(vals)),
        Val::Tuple(vals) if vals.len() == 1 => format!("({},)", literal(&vals[0])),
        Val::Tuple(vals) => format!("({})", list(vals)),
        Val::Record(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(name, val)| format!("{name}: {}", literal(val)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        Val::Variant(name, val) => payload(name, val),
        Val::Enum(name) => name.clone(),
        Val::Option(Some(val)) => payload("some", &Some(val.clone())),
        Val::Option(None) => "none".to_owned(),
        Val::Result(Ok(val)) => payload("ok", val),
        Val::Result(Err(val)) => payload("err", val),
        Val::Flags(names) => format!("{{{}}}", names.join(", ")),
        other => panic!("no literal for {other:?}"),
    }
}

/// Values printed as WAVE, so a shrunk failure reads like Claw.
struct Shown<'a>(&'a Val);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&claw_runtime::to_wave(self.0))
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

/// Compiles `src` and instantiates it with a host whose `echo` returns its argument.
fn instantiate(src: &str, level: claw_compiler::OptLevel) -> Result<Session, TestCaseError> {
    let wasm = vals::compile("case.claw", src, level)
        .map_err(|err| TestCaseError::fail(format!("{err}\n----- SOURCE\n{src}")))?;
    let mut host = Host::new();
    host.func("echo", |args, results| {
        results[0] = args[0].clone();
        Ok(())
    });
    let config = Config {
        inherit_stdio: false,
        ..Config::default()
    };
    Session::new(&wasm, &host, &config).map_err(|err| {
        TestCaseError::fail(format!("cannot instantiate: {err}\n----- SOURCE\n{src}"))
    })
}

/// Calls `func` with `args` and checks that it returns `expected`.
fn check(
    session: &mut Session,
    src: &str,
    func: &str,
    args: &[Val],
    expected: &Val,
) -> Result<(), TestCaseError> {
    let args_text: Vec<String> = args.iter().map(|a| Shown(a).to_string()).collect();
    let call = format!("{func}({})", args_text.join(", "));
    let got = session
        .call(func, args)
        .map_err(|err| TestCaseError::fail(format!("{call} failed: {err}\n----- SOURCE\n{src}")))?;
    let [back] = &got[..] else {
        return Err(TestCaseError::fail(format!("{call} gave {got:?}")));
    };
    prop_assert!(
        vals::same(back, expected),
        "{call} returned {}, expected {}\n{back:?}\n{expected:?}\n----- SOURCE\n{src}",
        Shown(back),
        Shown(expected)
    );
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // A shrunk failure is printed in full; no regression files next to the sources.
        failure_persistence: None,
        // Each step compiles one small component; shrinking far is cheap.
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Every value comes back unchanged from an export, and through an import.
    #[test]
    fn values_round_trip_through_identity_and_an_import((ty, values) in case_strategy()) {
        let src = Program::round_trip(&ty);
        for level in vals::LEVELS {
            let mut session = instantiate(&src, level)?;
            for val in &values {
                check(&mut session, &src, "identity", std::slice::from_ref(val), val)?;
                check(&mut session, &src, "via", std::slice::from_ref(val), val)?;
            }
        }
    }

    /// Every value written as a literal in Claw is returned as that value.
    #[test]
    fn literals_build_the_values_they_spell((ty, values) in case_strategy()) {
        let src = Program::literals(&ty, &values);
        for level in vals::LEVELS {
            let mut session = instantiate(&src, level)?;
            for (i, val) in values.iter().enumerate() {
                check(&mut session, &src, &format!("lit{i}"), &[], val)?;
            }
        }
    }
}
