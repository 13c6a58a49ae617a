//! Values as text: WAVE for the arguments of calls, Claw literals for constants and for the
//! literals inside expressions. Both lean on edge values (integer limits, NaN, `-0.0`,
//! multi-byte and escaped characters), which is where miscompiles hide.

use crate::rng::Rng;
use crate::types::{DeclKind, Int, Ty, Types};

/// Characters worth testing: ASCII, ones that need escapes, and 2-, 3- and 4-byte UTF-8.
const CHARS: &[char] = &[
    'a',
    'b',
    'z',
    'A',
    'Q',
    '0',
    '7',
    ' ',
    '-',
    '_',
    '{',
    '}',
    'ö',
    'é',
    'ß',
    'ñ',
    '€',
    '中',
    '→',
    '😀',
    '🦀',
    '\n',
    '\t',
    '\r',
    '\'',
    '"',
    '\\',
    '\0',
    '\u{7f}',
    '\u{1}',
    '\u{ffff}',
    '\u{10ffff}',
];

/// f32 values that are not exactly representable but whose decimal text rounds the same
/// whether read directly as f32 or through f64 (checked by a unit test), so an interpreter
/// and the compiler cannot disagree about the literal itself.
pub(crate) const INEXACT_FLOATS: &[&str] = &["0.1", "0.2", "0.3", "3.14", "2.71828", "1e-3"];

pub(crate) fn int_value(rng: &mut Rng, int: Int) -> i128 {
    let (min, max) = (int.min(), int.max());
    match rng.weighted(&[20, 10, 6, 6, 4, 4, 30, 20]) {
        0 => 0,
        1 => 1,
        2 if int.signed() => -1,
        3 => min,
        4 => max,
        5 => {
            if int.signed() {
                min + 1
            } else {
                max - 1
            }
        }
        6 => i128::from(rng.range(-20, 20)).clamp(min, max),
        _ => {
            // Anywhere in the range: a random bit pattern of the type's width.
            let bits = u128::from(rng.next_u64()) & ((1u128 << int.bits()) - 1);
            if int.signed() && bits >> (int.bits() - 1) == 1 {
                bits as i128 - (1i128 << int.bits())
            } else {
                bits as i128
            }
        }
    }
}

/// A small value: loop bounds, indices, literals that should not overflow at once.
pub(crate) fn small_int(rng: &mut Rng, int: Int) -> i128 {
    let lo = if int.signed() { -9 } else { 0 };
    i128::from(rng.range(lo, 12))
}

/// An integer literal in Claw: decimal, sometimes hex, binary or with underscores.
pub(crate) fn int_text(rng: &mut Rng, v: i128) -> String {
    let (sign, mag) = if v < 0 {
        ("-", v.unsigned_abs())
    } else {
        ("", v as u128)
    };
    let body = match rng.weighted(&[80, 8, 4, 8]) {
        1 => format!("0x{mag:x}"),
        2 if mag < 4096 => format!("0b{mag:b}"),
        3 if mag >= 1000 => {
            let digits = mag.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push('_');
                }
                out.push(c);
            }
            out
        }
        _ => mag.to_string(),
    };
    format!("{sign}{body}")
}

/// A float value, special values included (only for WAVE: Claw has no NaN or inf literals).
pub(crate) fn float_value(rng: &mut Rng, f32: bool, special: bool) -> f64 {
    if special && rng.chance(25) {
        return *rng.pick(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0]);
    }
    let v = match rng.weighted(&[10, 40, 15, 10, 10, 8]) {
        0 => 0.0,
        1 => rng.range(-400, 400) as f64 / 8.0,
        2 => rng.range(-100_000, 100_000) as f64 / 1024.0,
        3 => *rng.pick(&[1e10, -1e10, 1e-7, 3e38, -3e38, 1.5e-40, 16777217.0, 65504.0]),
        4 => *rng.pick(&[0.5, -0.5, 1.0, -1.0, 2.0, 100.0, 0.25, 1e6]),
        _ => {
            let text = rng.pick(INEXACT_FLOATS);
            text.parse::<f64>().expect("a float")
        }
    };
    if f32 {
        f64::from(v as f32)
    } else {
        v
    }
}

/// A finite float as a Claw literal; `f32` values are written exactly (their f64 digits),
/// so reading them never rounds twice.
pub(crate) fn float_text(v: f64, f32: bool) -> String {
    debug_assert!(v.is_finite());
    if f32 {
        let short = format!("{:?}", v as f32);
        if INEXACT_FLOATS.contains(&short.as_str()) {
            return short;
        }
    }
    let text = format!("{v:?}");
    // Debug gives `1e-7` or `1.5`; both are Claw floats. Whole numbers get `.0` already.
    text
}

fn wave_float(v: f64, f32: bool) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v == f64::INFINITY {
        "inf".into()
    } else if v == f64::NEG_INFINITY {
        "-inf".into()
    } else if f32 {
        format!("{}", v as f32)
    } else {
        format!("{v}")
    }
}

pub(crate) fn char_value(rng: &mut Rng) -> char {
    *rng.pick(CHARS)
}

pub(crate) fn string_value(rng: &mut Rng) -> String {
    let len = rng.weighted(&[10, 20, 25, 20, 15, 10]);
    (0..len)
        .map(|_| {
            if rng.chance(60) {
                *rng.pick(&['a', 'b', 'c', 'x', 'y', ' '])
            } else {
                char_value(rng)
            }
        })
        .collect()
}

/// One character inside a Claw char or string literal.
fn claw_char_body(rng: &mut Rng, c: char) -> String {
    match c {
        '\n' => "\\n".into(),
        '\t' => "\\t".into(),
        '\r' => "\\r".into(),
        '\\' => "\\\\".into(),
        '\'' => "\\'".into(),
        '"' => "\\\"".into(),
        '\0' if rng.chance(50) => "\\0".into(),
        c if c.is_control() || (!c.is_ascii() && rng.chance(25)) => {
            format!("\\u{{{:x}}}", c as u32)
        }
        c => c.to_string(),
    }
}

pub(crate) fn claw_char(rng: &mut Rng, c: char) -> String {
    format!("'{}'", claw_char_body(rng, c))
}

pub(crate) fn claw_string(rng: &mut Rng, s: &str) -> String {
    let body: String = s.chars().map(|c| claw_char_body(rng, c)).collect();
    format!("\"{body}\"")
}

fn wave_char_body(c: char) -> String {
    match c {
        '\n' => "\\n".into(),
        '\t' => "\\t".into(),
        '\r' => "\\r".into(),
        '\\' => "\\\\".into(),
        '\'' => "\\'".into(),
        '"' => "\\\"".into(),
        c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
        c => c.to_string(),
    }
}

/// A random value of `ty` as WAVE text, for an argument.
pub(crate) fn wave_value(rng: &mut Rng, types: &Types, ty: &Ty, depth: u32) -> String {
    match ty {
        Ty::Bool => if rng.chance(50) { "true" } else { "false" }.into(),
        Ty::Int(i) => int_value(rng, *i).to_string(),
        Ty::F32 => wave_float(float_value(rng, true, true), true),
        Ty::F64 => wave_float(float_value(rng, false, true), false),
        Ty::Char => format!("'{}'", wave_char_body(char_value(rng))),
        Ty::Str => {
            let s = string_value(rng);
            format!("\"{}\"", s.chars().map(wave_char_body).collect::<String>())
        }
        Ty::List(elem) => {
            let len = if depth > 2 {
                rng.below(2)
            } else {
                rng.below(5)
            };
            let items: Vec<String> = (0..len)
                .map(|_| wave_value(rng, types, elem, depth + 1))
                .collect();
            format!("[{}]", items.join(", "))
        }
        Ty::Option(inner) => {
            if rng.chance(30) {
                "none".into()
            } else {
                format!("some({})", wave_value(rng, types, inner, depth + 1))
            }
        }
        Ty::Result(ok, err) => {
            let (name, payload) = if rng.chance(60) {
                ("ok", ok)
            } else {
                ("err", err)
            };
            match payload {
                Some(t) => format!("{name}({})", wave_value(rng, types, t, depth + 1)),
                None => name.into(),
            }
        }
        Ty::Tuple(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|t| wave_value(rng, types, t, depth + 1))
                .collect();
            format!("({})", items.join(", "))
        }
        Ty::Named(i) => match &types.decl(*i).kind {
            DeclKind::Record(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|(n, t)| format!("{n}: {}", wave_value(rng, types, t, depth + 1)))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }
            DeclKind::Variant(cases) => {
                let (name, payload) = rng.pick(cases);
                match payload {
                    Some(t) => format!("{name}({})", wave_value(rng, types, t, depth + 1)),
                    None => name.clone(),
                }
            }
            DeclKind::Enum(cases) => rng.pick(cases).clone(),
            DeclKind::Flags(flags) => {
                let set: Vec<&str> = flags
                    .iter()
                    .filter(|_| rng.chance(50))
                    .map(String::as_str)
                    .collect();
                format!("{{{}}}", set.join(", "))
            }
        },
        Ty::Handle | Ty::Borrow | Ty::Holder => {
            unreachable!("no handle crosses an export's signature")
        }
    }
}

/// A constant of `ty` in Claw syntax, for a global's initializer: literals, cases, and
/// records, tuples, flags and lists of constants (a list of handles is `[]`).
pub(crate) fn claw_constant(rng: &mut Rng, types: &Types, ty: &Ty) -> String {
    match ty {
        Ty::Bool => if rng.chance(50) { "true" } else { "false" }.into(),
        Ty::Int(i) => {
            let v = int_value(rng, *i);
            int_text(rng, v)
        }
        Ty::F32 => float_text(float_value(rng, true, false), true),
        Ty::F64 => float_text(float_value(rng, false, false), false),
        Ty::Char => {
            let c = char_value(rng);
            claw_char(rng, c)
        }
        Ty::Str => {
            let s = string_value(rng);
            claw_string(rng, &s)
        }
        // A global may start as any constant list, lists of lists and records included.
        Ty::List(elem) if !elem.has_handle() && rng.chance(60) => {
            let items: Vec<String> = (0..rng.range(1, 3))
                .map(|_| claw_constant(rng, types, elem))
                .collect();
            format!("[{}]", items.join(", "))
        }
        Ty::List(_) => "[]".into(),
        Ty::Option(inner) => {
            if rng.chance(50) {
                "none".into()
            } else {
                format!("some({})", claw_constant(rng, types, inner))
            }
        }
        Ty::Result(ok, err) => {
            let (name, payload) = if rng.chance(60) {
                ("ok", ok)
            } else {
                ("err", err)
            };
            match payload {
                Some(t) => format!("{name}({})", claw_constant(rng, types, t)),
                None => name.into(),
            }
        }
        Ty::Tuple(items) => {
            let items: Vec<String> = items.iter().map(|t| claw_constant(rng, types, t)).collect();
            if items.len() == 1 {
                format!("({},)", items[0])
            } else {
                format!("({})", items.join(", "))
            }
        }
        Ty::Named(i) => match &types.decl(*i).kind {
            DeclKind::Record(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|(n, t)| format!("{n}: {}", claw_constant(rng, types, t)))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }
            DeclKind::Variant(cases) => {
                let (name, payload) = rng.pick(cases);
                match payload {
                    Some(t) => format!("{name}({})", claw_constant(rng, types, t)),
                    None => name.clone(),
                }
            }
            DeclKind::Enum(cases) => rng.pick(cases).clone(),
            DeclKind::Flags(flags) => {
                let set: Vec<&str> = flags
                    .iter()
                    .filter(|_| rng.chance(50))
                    .map(String::as_str)
                    .collect();
                format!("{{{}}}", set.join(", "))
            }
        },
        Ty::Handle | Ty::Borrow | Ty::Holder => unreachable!("handles are not constants"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inexact_floats_round_the_same_both_ways() {
        for text in INEXACT_FLOATS {
            let direct: f32 = text.parse().unwrap();
            let via: f64 = text.parse().unwrap();
            assert_eq!(direct.to_bits(), (via as f32).to_bits(), "{text}");
        }
    }

    #[test]
    fn int_values_stay_in_range() {
        let mut rng = Rng::new(1);
        for int in crate::types::ALL_INTS {
            for _ in 0..500 {
                assert!(int.contains(int_value(&mut rng, int)));
            }
        }
    }
}
