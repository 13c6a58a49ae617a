//! Printing component values as WAVE text for people to read and for golden files to compare.
//!
//! wasm-wave has a printer, but it prints `4.0_f64` as `4`, leaves `none` fields out of records
//! (`{count: 0, mean: 0}`), escapes `'` inside strings, and panics on resources. This one differs
//! only there: floats always show a fraction or exponent, records show every field, only the
//! delimiting quote is escaped, and handles (which WAVE cannot spell) print as `<resource>`-style
//! placeholders. Everything else follows wasm-wave's writer, so the output parses back as WAVE
//! wherever WAVE can express the value.

use std::fmt::Write;

use wasm_wave::wasm::{WasmTypeKind, WasmValue};
use wasmtime::component::Val;

/// `val` as WAVE text, as [`Session::invoke`](crate::Session::invoke) prints results.
pub fn to_wave(val: &Val) -> String {
    let mut out = String::new();
    write_val(&mut out, val);
    out
}

/// Any WAVE value (say, a `wasm_wave::value::Value` from an interpreter) as a [`Val`], so it
/// prints exactly as [`to_wave`] prints results.
pub fn to_val<V: WasmValue>(value: &V) -> Val {
    let boxed = |v: Option<std::borrow::Cow<'_, V>>| v.map(|v| Box::new(to_val(&*v)));
    match value.kind() {
        WasmTypeKind::Bool => Val::Bool(value.unwrap_bool()),
        WasmTypeKind::S8 => Val::S8(value.unwrap_s8()),
        WasmTypeKind::S16 => Val::S16(value.unwrap_s16()),
        WasmTypeKind::S32 => Val::S32(value.unwrap_s32()),
        WasmTypeKind::S64 => Val::S64(value.unwrap_s64()),
        WasmTypeKind::U8 => Val::U8(value.unwrap_u8()),
        WasmTypeKind::U16 => Val::U16(value.unwrap_u16()),
        WasmTypeKind::U32 => Val::U32(value.unwrap_u32()),
        WasmTypeKind::U64 => Val::U64(value.unwrap_u64()),
        WasmTypeKind::F32 => Val::Float32(value.unwrap_f32()),
        WasmTypeKind::F64 => Val::Float64(value.unwrap_f64()),
        WasmTypeKind::Char => Val::Char(value.unwrap_char()),
        WasmTypeKind::String => Val::String(value.unwrap_string().into_owned()),
        WasmTypeKind::List | WasmTypeKind::FixedLengthList => {
            Val::List(value.unwrap_list().map(|v| to_val(&*v)).collect())
        }
        WasmTypeKind::Record => Val::Record(
            value
                .unwrap_record()
                .map(|(name, v)| (name.into_owned(), to_val(&*v)))
                .collect(),
        ),
        WasmTypeKind::Tuple => Val::Tuple(value.unwrap_tuple().map(|v| to_val(&*v)).collect()),
        WasmTypeKind::Variant => {
            let (case, payload) = value.unwrap_variant();
            Val::Variant(case.into_owned(), boxed(payload))
        }
        WasmTypeKind::Enum => Val::Enum(value.unwrap_enum().into_owned()),
        WasmTypeKind::Option => Val::Option(boxed(value.unwrap_option())),
        WasmTypeKind::Result => Val::Result(match value.unwrap_result() {
            Ok(v) => Ok(boxed(v)),
            Err(v) => Err(boxed(v)),
        }),
        WasmTypeKind::Flags => Val::Flags(value.unwrap_flags().map(|f| f.into_owned()).collect()),
        // Nothing else has a value WAVE can spell.
        _ => Val::Tuple(Vec::new()),
    }
}

fn write_val(out: &mut String, val: &Val) {
    match val {
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::S8(n) => push_display(out, n),
        Val::U8(n) => push_display(out, n),
        Val::S16(n) => push_display(out, n),
        Val::U16(n) => push_display(out, n),
        Val::S32(n) => push_display(out, n),
        Val::U32(n) => push_display(out, n),
        Val::S64(n) => push_display(out, n),
        Val::U64(n) => push_display(out, n),
        Val::Float32(x) => write_float(out, f64::from(*x), || format!("{x:?}")),
        Val::Float64(x) => write_float(out, *x, || format!("{x:?}")),
        Val::Char(c) => {
            out.push('\'');
            write_char(out, *c, '\'');
            out.push('\'');
        }
        Val::String(s) => {
            out.push('"');
            s.chars().for_each(|c| write_char(out, c, '"'));
            out.push('"');
        }
        Val::List(items) | Val::FixedLengthList(items) => {
            write_seq(out, "[", items.iter(), "]", write_val);
        }
        // WAVE has no map syntax yet; a list of pairs is what a map lowers to anyway.
        Val::Map(entries) => write_seq(out, "[", entries.iter(), "]", |out, (key, value)| {
            out.push('(');
            write_val(out, key);
            out.push_str(", ");
            write_val(out, value);
            out.push(')');
        }),
        // `{:}` is WAVE's empty record, distinct from empty flags `{}`.
        Val::Record(fields) if fields.is_empty() => out.push_str("{:}"),
        Val::Record(fields) => write_seq(out, "{", fields.iter(), "}", |out, (name, value)| {
            out.push_str(name);
            out.push_str(": ");
            write_val(out, value);
        }),
        Val::Tuple(items) => write_seq(out, "(", items.iter(), ")", write_val),
        Val::Variant(case, payload) => {
            write_case(out, case);
            write_payload(out, payload.as_deref());
        }
        Val::Enum(case) => write_case(out, case),
        Val::Option(Some(value)) => {
            out.push_str("some");
            write_payload(out, Some(value));
        }
        Val::Option(None) => out.push_str("none"),
        Val::Result(Ok(value)) => {
            out.push_str("ok");
            write_payload(out, value.as_deref());
        }
        Val::Result(Err(value)) => {
            out.push_str("err");
            write_payload(out, value.as_deref());
        }
        Val::Flags(names) => write_seq(out, "{", names.iter(), "}", |out, name| {
            out.push_str(name);
        }),
        Val::Resource(_) => out.push_str("<resource>"),
        Val::Future(_) => out.push_str("<future>"),
        Val::Stream(_) => out.push_str("<stream>"),
        Val::ErrorContext(_) => out.push_str("<error-context>"),
    }
}

fn push_display(out: &mut String, value: impl std::fmt::Display) {
    let _ = write!(out, "{value}");
}

/// Rust's `Debug` for floats keeps a `.0` on whole numbers and switches to exponents for huge or
/// tiny ones, all of which WAVE accepts; only the non-finite values are spelled differently.
/// `debug` formats the value at its own width so an `f32` prints as `0.1`, not `0.10000000149`.
fn write_float(out: &mut String, x: f64, debug: impl FnOnce() -> String) {
    if x.is_nan() {
        out.push_str("nan");
    } else if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
    } else {
        out.push_str(&debug());
    }
}

fn write_seq<T>(
    out: &mut String,
    open: &str,
    items: impl Iterator<Item = T>,
    close: &str,
    mut write_item: impl FnMut(&mut String, T),
) {
    out.push_str(open);
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_item(out, item);
    }
    out.push_str(close);
}

/// A variant or enum case; cases spelled like WAVE keywords need a `%` to read as labels.
fn write_case(out: &mut String, case: &str) {
    const KEYWORDS: [&str; 8] = ["true", "false", "some", "none", "ok", "err", "inf", "nan"];
    if KEYWORDS.contains(&case) {
        out.push('%');
    }
    out.push_str(case);
}

fn write_payload(out: &mut String, payload: Option<&Val>) {
    if let Some(value) = payload {
        out.push('(');
        write_val(out, value);
        out.push(')');
    }
}

/// Escapes `c` inside a literal delimited by `quote`: the delimiter, backslash and `\t\r\n` get
/// short escapes, other control characters `\u{…}`, and everything else (the other quote,
/// non-ASCII letters) stays as it is. wasm-wave's printer also escapes the other quote, which is
/// legal but makes `"it's"` read as `"it\'s"`.
fn write_char(out: &mut String, c: char, quote: char) {
    if c == quote || "\\\t\r\n".contains(c) {
        let _ = write!(out, "{}", c.escape_default());
    } else if c.is_control() {
        let _ = write!(out, "{}", c.escape_unicode());
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prints `val`, checks that wasm-wave can read the text back, and returns it.
    fn print(val: Val) -> String {
        let text = to_wave(&val);
        wasm_wave::untyped::UntypedValue::parse(&text)
            .unwrap_or_else(|err| panic!("`{text}` is not WAVE: {err}"));
        text
    }

    fn boxed(val: Val) -> Option<Box<Val>> {
        Some(Box::new(val))
    }

    #[test]
    fn floats_keep_a_fraction() {
        assert_eq!(print(Val::Float64(4.0)), "4.0");
        assert_eq!(print(Val::Float64(-0.5)), "-0.5");
        assert_eq!(print(Val::Float64(1e300)), "1e300");
        assert_eq!(print(Val::Float32(0.1)), "0.1");
        assert_eq!(print(Val::Float64(f64::NAN)), "nan");
        assert_eq!(print(Val::Float32(f32::NEG_INFINITY)), "-inf");
    }

    #[test]
    fn strings_and_chars_escape_only_what_they_must() {
        assert_eq!(
            print(Val::String("it's \"ö\"\n".into())),
            r#""it's \"ö\"\n""#
        );
        assert_eq!(print(Val::Char('"')), r#"'"'"#);
        assert_eq!(print(Val::Char('\'')), r"'\''");
        assert_eq!(print(Val::Char('\u{7}')), r"'\u{7}'");
    }

    #[test]
    fn records_show_none_fields_and_empty_records_differ_from_flags() {
        let record = Val::Record(vec![
            ("count".into(), Val::U32(0)),
            ("max".into(), Val::Option(None)),
        ]);
        assert_eq!(print(record), "{count: 0, max: none}");
        assert_eq!(print(Val::Record(vec![])), "{:}");
        assert_eq!(print(Val::Flags(vec![])), "{}");
        assert_eq!(
            print(Val::Flags(vec!["read".into(), "write".into()])),
            "{read, write}"
        );
    }

    #[test]
    fn cases_spelled_like_keywords_are_escaped() {
        assert_eq!(print(Val::Enum("none".into())), "%none");
        assert_eq!(
            print(Val::Variant("ok".into(), boxed(Val::S8(-1)))),
            "%ok(-1)"
        );
        assert_eq!(print(Val::Variant("circle".into(), None)), "circle");
    }

    #[test]
    fn compound_values() {
        let nested = Val::Result(Ok(boxed(Val::Tuple(vec![
            Val::List(vec![Val::U8(1), Val::U8(2)]),
            Val::Option(boxed(Val::Bool(true))),
        ]))));
        assert_eq!(print(nested), "ok(([1, 2], some(true)))");
        assert_eq!(print(Val::Result(Err(None))), "err");
    }
}
