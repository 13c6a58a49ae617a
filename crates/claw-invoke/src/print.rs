//! Printing component values as WAVE text for people to read and for golden files to compare.
//!
//! wasm-wave has a printer, but it prints `4.0_f64` as `4`, leaves `none` fields out of records
//! (`{count: 0, mean: 0}`), escapes `'` inside strings, and panics on resources. This one differs
//! only there: floats always show a fraction or exponent, records show every field, and only the
//! delimiting quote is escaped. Everything else follows wasm-wave's writer, so the output parses
//! back as WAVE wherever WAVE can express the value. What WAVE cannot spell (maps, handles) is
//! the caller's to write.

use std::fmt::Write;

use wasm_wave::wasm::{WasmTypeKind, WasmValue};

/// Writes `value`; a value of a kind wasm-wave does not support (at any depth) is written by
/// `other`, which may call back into [`write_value`] for what it holds.
pub fn write_value<V: WasmValue>(out: &mut String, value: &V, other: &dyn Fn(&mut String, &V)) {
    let write = |out: &mut String, v: &V| write_value(out, v, other);
    match value.kind() {
        WasmTypeKind::Bool => out.push_str(if value.unwrap_bool() { "true" } else { "false" }),
        WasmTypeKind::S8 => push_display(out, value.unwrap_s8()),
        WasmTypeKind::U8 => push_display(out, value.unwrap_u8()),
        WasmTypeKind::S16 => push_display(out, value.unwrap_s16()),
        WasmTypeKind::U16 => push_display(out, value.unwrap_u16()),
        WasmTypeKind::S32 => push_display(out, value.unwrap_s32()),
        WasmTypeKind::U32 => push_display(out, value.unwrap_u32()),
        WasmTypeKind::S64 => push_display(out, value.unwrap_s64()),
        WasmTypeKind::U64 => push_display(out, value.unwrap_u64()),
        WasmTypeKind::F32 => {
            let x = value.unwrap_f32();
            write_float(out, f64::from(x), || format!("{x:?}"));
        }
        WasmTypeKind::F64 => {
            let x = value.unwrap_f64();
            write_float(out, x, || format!("{x:?}"));
        }
        WasmTypeKind::Char => {
            out.push('\'');
            write_char(out, value.unwrap_char(), '\'');
            out.push('\'');
        }
        WasmTypeKind::String => {
            out.push('"');
            value
                .unwrap_string()
                .chars()
                .for_each(|c| write_char(out, c, '"'));
            out.push('"');
        }
        WasmTypeKind::List | WasmTypeKind::FixedLengthList => {
            write_seq(out, "[", value.unwrap_list(), "]", |out, v| write(out, &v));
        }
        WasmTypeKind::Record => {
            let mut fields = value.unwrap_record().peekable();
            if fields.peek().is_none() {
                // `{:}` is WAVE's empty record, distinct from empty flags `{}`.
                out.push_str("{:}");
            } else {
                write_seq(out, "{", fields, "}", |out, (name, v)| {
                    out.push_str(&name);
                    out.push_str(": ");
                    write(out, &v);
                });
            }
        }
        WasmTypeKind::Tuple => {
            write_seq(out, "(", value.unwrap_tuple(), ")", |out, v| write(out, &v))
        }
        WasmTypeKind::Variant => {
            let (case, payload) = value.unwrap_variant();
            write_case(out, &case);
            write_payload(out, payload.as_deref(), &write);
        }
        WasmTypeKind::Enum => write_case(out, &value.unwrap_enum()),
        WasmTypeKind::Option => match value.unwrap_option() {
            Some(v) => {
                out.push_str("some");
                write_payload(out, Some(&*v), &write);
            }
            None => out.push_str("none"),
        },
        WasmTypeKind::Result => {
            let (case, payload) = match value.unwrap_result() {
                Ok(v) => ("ok", v),
                Err(v) => ("err", v),
            };
            out.push_str(case);
            write_payload(out, payload.as_deref(), &write);
        }
        WasmTypeKind::Flags => write_seq(out, "{", value.unwrap_flags(), "}", |out, name| {
            out.push_str(&name);
        }),
        _ => other(out, value),
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

/// `items` between `open` and `close`, separated by commas.
pub fn write_seq<T>(
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

fn write_payload<V>(out: &mut String, payload: Option<&V>, write: &dyn Fn(&mut String, &V)) {
    if let Some(value) = payload {
        out.push('(');
        write(out, value);
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
