//! Printing wasmtime's values as WAVE text: `claw_invoke::print` writes what WAVE can spell;
//! maps print as the lists of their entries, and handles (which WAVE cannot spell) as
//! `<resource>`-style placeholders.

use claw_invoke::print::{write_seq, write_value};
use wasm_wave::wasm::{WasmTypeKind, WasmValue};
use wasmtime::component::Val;

/// `val` as WAVE text, as [`Session::invoke`](crate::Session::invoke) prints results.
pub fn to_wave(val: &Val) -> String {
    let mut out = String::new();
    write_value(&mut out, val, &write_other);
    out
}

/// What `claw_invoke::print` leaves to wasmtime's values.
fn write_other(out: &mut String, val: &Val) {
    match val {
        // WAVE has no map syntax yet; a list of pairs is what a map lowers to anyway.
        Val::Map(entries) => write_seq(out, "[", entries.iter(), "]", |out, (key, value)| {
            out.push('(');
            write_value(out, key, &write_other);
            out.push_str(", ");
            write_value(out, value, &write_other);
            out.push(')');
        }),
        Val::Resource(_) => out.push_str("<resource>"),
        Val::Future(_) => out.push_str("<future>"),
        Val::Stream(_) => out.push_str("<stream>"),
        Val::ErrorContext(_) => out.push_str("<error-context>"),
        _ => out.push_str("<unsupported>"),
    }
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
