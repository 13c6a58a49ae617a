//! Floats as text, checked against Rust's own: `x.to-string()` must print exactly what
//! `format!("{x}")` prints, and `f64::parse` / `f32::parse` must give exactly the float (or the
//! error message) that `str::parse` gives, for tens of thousands of floats and texts: random
//! bit patterns (so every exponent, subnormals, infinities and NaNs), the shortest texts read
//! back, random decimal numbers of up to 40 digits with exponents past both ends, and the
//! hard cases of decimal-to-binary conversion (halfway points, the boundaries of subnormals
//! and of overflow, long inputs). `CLAW_FLOAT_CASES` sets how many random values (default
//! 4,000 of each kind).

mod support;

use claw_runtime::{Config, Host, Session, Val};
use support::vals;

const SOURCE: &str = r#"
export func show64(x: f64) -> string { return x.to-string(); }
export func show32(x: f32) -> string { return x.to-string(); }
export func parse64(text: string) -> result<f64, string> { return f64::parse(text); }
export func parse32(text: string) -> result<f32, string> { return f32::parse(text); }
export func format64(x: f64, y: f32) -> string { return format!("{x} and {y}"); }
"#;

/// The hard inputs of decimal-to-binary conversion, and the malformed ones.
const TEXTS: &[&str] = &[
    "0",
    "-0",
    "+0",
    "0.0",
    "00000.000e99999",
    "1",
    "-1",
    "1.",
    ".5",
    "+.5",
    "-.5e1",
    "5e-1",
    "1e308",
    "1.7976931348623157e308",
    "1.7976931348623158e308",
    "1.7976931348623159e308",
    "1e309",
    "2.2250738585072011e-308",
    "2.2250738585072012e-308",
    "2.2250738585072014e-308",
    "4.9406564584124654e-324",
    "2.4703282292062327e-324",
    "2.4703282292062328e-324",
    "2.47032822920623272e-324",
    "1e-400",
    "9007199254740993",
    "9007199254740992.5",
    "9007199254740993.0000000000000000000000000001",
    "1e23",
    "8.9884656743115795e307",
    "3.4028235e38",
    "3.4028236e38",
    "3.40282357e38",
    "1.17549435e-38",
    "1.4e-45",
    "7e-46",
    "7.1e-46",
    "16777217",
    "0.1",
    "0.2",
    "0.3",
    "123456789012345678901234567890",
    "1e-7",
    "1E5",
    "1e+5",
    "inf",
    "-inf",
    "+infinity",
    "Infinity",
    "INF",
    "nan",
    "NaN",
    "-nan",
    "",
    "+",
    "-",
    ".",
    "e",
    "e5",
    "1e",
    "1e+",
    "1e-",
    "1.2.3",
    " 1",
    "1 ",
    "1_000",
    "0x10",
    "1e5x",
    "--1",
    "in",
    "infinit",
    "nana",
    "1d",
    "١",
];

fn cases() -> usize {
    std::env::var("CLAW_FLOAT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4000)
}

/// xorshift64*: the same values on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A decimal number as people and programs write them: up to 40 digits, a point anywhere,
/// sometimes a sign and an exponent from far below to far above the floats' range.
fn decimal(rng: &mut Rng) -> String {
    let mut text = String::new();
    match rng.below(4) {
        0 => text.push('-'),
        1 => text.push('+'),
        _ => {}
    }
    let digits = 1 + rng.below(40) as usize;
    let point = rng.below(digits as u64 + 2) as usize;
    for i in 0..digits {
        if i == point {
            text.push('.');
        }
        text.push(char::from(b'0' + rng.below(10) as u8));
    }
    if rng.below(2) == 0 {
        text.push(if rng.below(2) == 0 { 'e' } else { 'E' });
        let exponent = rng.below(760) as i64 - 380;
        text.push_str(&exponent.to_string());
    }
    text
}

struct Runner {
    session: Session,
    failures: Vec<String>,
}

impl Runner {
    fn call(&mut self, func: &str, args: &[Val]) -> Val {
        let mut results = self
            .session
            .call(func, args)
            .unwrap_or_else(|err| panic!("{func}({args:?}) failed: {err}"));
        results.remove(0)
    }

    fn show64(&mut self, x: f64) {
        let got = self.call("show64", &[Val::Float64(x)]);
        let want = format!("{x}");
        if got != Val::String(want.clone()) {
            self.failures.push(format!(
                "{x:e} ({:#x}).to-string() gave {got:?}, Rust {want:?}",
                x.to_bits()
            ));
        }
    }

    fn show32(&mut self, x: f32) {
        let got = self.call("show32", &[Val::Float32(x)]);
        let want = format!("{x}");
        if got != Val::String(want.clone()) {
            self.failures.push(format!(
                "{x:e}_f32 ({:#x}).to-string() gave {got:?}, Rust {want:?}",
                x.to_bits()
            ));
        }
    }

    fn parse(&mut self, text: &str) {
        let got = self.call("parse64", &[Val::String(text.into())]);
        let want = match text.parse::<f64>() {
            Ok(x) => Val::Result(Ok(Some(Box::new(Val::Float64(x))))),
            Err(err) => Val::Result(Err(Some(Box::new(Val::String(err.to_string()))))),
        };
        if !vals::same(&got, &want) || !same_zero_sign(&got, &want) {
            self.failures
                .push(format!("f64::parse({text:?}) gave {got:?}, Rust {want:?}"));
        }
        let got = self.call("parse32", &[Val::String(text.into())]);
        let want = match text.parse::<f32>() {
            Ok(x) => Val::Result(Ok(Some(Box::new(Val::Float32(x))))),
            Err(err) => Val::Result(Err(Some(Box::new(Val::String(err.to_string()))))),
        };
        if !vals::same(&got, &want) {
            self.failures
                .push(format!("f32::parse({text:?}) gave {got:?}, Rust {want:?}"));
        }
    }
}

/// `vals::same` compares floats by bits already; this only keeps the intent visible where a
/// parsed `-0` must stay negative.
fn same_zero_sign(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Result(Ok(Some(a))), Val::Result(Ok(Some(b)))) => match (&**a, &**b) {
            (Val::Float64(a), Val::Float64(b)) => a.is_nan() || a.to_bits() == b.to_bits(),
            _ => true,
        },
        _ => true,
    }
}

#[test]
fn floats_print_and_parse_as_rust_does() {
    for level in vals::LEVELS {
        let wasm = vals::compile("floats.claw", SOURCE, level).expect("compiles");
        let config = Config {
            inherit_stdio: false,
            ..Config::default()
        };
        let session = Session::new(&wasm, &Host::new(), &config).expect("instantiates");
        let mut run = Runner {
            session,
            failures: Vec::new(),
        };
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let specials64 = [
            0.0,
            -0.0,
            1.0,
            0.1,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            5e-324,
            1e21,
            1e22,
            1e23,
            9007199254740993.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            2f64.powi(-1022) - 5e-324,
        ];
        for x in specials64 {
            run.show64(x);
        }
        for x in [
            0.1f32,
            f32::MIN_POSITIVE,
            f32::MAX,
            1e-45,
            16777217.0,
            f32::NAN,
            -0.0,
        ] {
            run.show32(x);
        }
        // Powers of two and of ten: the uneven gaps, and the exact decimals.
        for e in -1074..=1023 {
            run.show64(2f64.powi(e));
        }
        for e in -45..=38 {
            run.show32(format!("1e{e}").parse().unwrap());
            run.parse(&format!("1e{e}"));
        }
        for text in TEXTS {
            run.parse(text);
        }
        // Long inputs: past the 800 digits kept, only whether the rest is zero counts.
        run.parse(&format!("9007199254740992.5{}", "0".repeat(900)));
        run.parse(&format!("9007199254740992.5{}1", "0".repeat(900)));
        run.parse(&format!("0.{}1e5", "0".repeat(1000)));
        for _ in 0..cases() {
            let x = f64::from_bits(rng.next());
            run.show64(x);
            run.parse(&format!("{x}"));
            run.parse(&format!("{x:e}"));
            let y = f32::from_bits(rng.next() as u32);
            run.show32(y);
            run.parse(&format!("{y}"));
            run.parse(&decimal(&mut rng));
        }
        let got = run.call("format64", &[Val::Float64(2.5), Val::Float32(-0.1)]);
        assert_eq!(got, Val::String("2.5 and -0.1".into()));
        let shown: Vec<&String> = run.failures.iter().take(20).collect();
        assert!(
            run.failures.is_empty(),
            "{level:?}: {} failures, the first:\n{shown:#?}",
            run.failures.len()
        );
    }
}
