//! WAVE values as jco's JavaScript values, written as JSON, and back.
//!
//! JSON cannot hold every JavaScript value jco uses, so a few are objects the page's
//! `values.js` turns into the real thing (and makes from them, for results):
//! `{"$bigint": "…"}` for `u64`/`s64`, `{"$float": "nan" | "inf" | "-inf" | "-0"}` for the floats
//! JSON has no number for, and `{"$typed": "Uint8Array", "items": […]}` for lists of numbers,
//! which jco passes as typed arrays. The rest is jco's mapping: records and flags are objects
//! with lowerCamelCase keys, variants `{tag, val}`, enums their case name, `option<T>` the value
//! or null (but an option of an option is `{tag: "none"}` or `{tag: "some", val}`), and a
//! `result` argument `{tag, val}`; a function returning a `result` returns its `ok` payload,
//! and jco throws the `err` one.

use serde_json::{json, Map, Value as Json};
use wasm_wave::value::{Type, Value};
use wasm_wave::wasm::{WasmType, WasmTypeKind, WasmValue};

/// A WAVE value of type `ty` as jco's value; `ty` must be [`supported`].
pub fn to_js(ty: &Type, value: &Value) -> Json {
    match ty.kind() {
        WasmTypeKind::Bool => Json::Bool(value.unwrap_bool()),
        WasmTypeKind::S8 => json!(value.unwrap_s8()),
        WasmTypeKind::U8 => json!(value.unwrap_u8()),
        WasmTypeKind::S16 => json!(value.unwrap_s16()),
        WasmTypeKind::U16 => json!(value.unwrap_u16()),
        WasmTypeKind::S32 => json!(value.unwrap_s32()),
        WasmTypeKind::U32 => json!(value.unwrap_u32()),
        WasmTypeKind::S64 => json!({"$bigint": value.unwrap_s64().to_string()}),
        WasmTypeKind::U64 => json!({"$bigint": value.unwrap_u64().to_string()}),
        WasmTypeKind::F32 => float(f64::from(value.unwrap_f32())),
        WasmTypeKind::F64 => float(value.unwrap_f64()),
        WasmTypeKind::Char => Json::String(value.unwrap_char().to_string()),
        WasmTypeKind::String => Json::String(value.unwrap_string().into_owned()),
        WasmTypeKind::List | WasmTypeKind::FixedLengthList => {
            let element = ty
                .list_element_type()
                .expect("a list type has an element type");
            let items: Vec<Json> = value.unwrap_list().map(|v| to_js(&element, &v)).collect();
            match typed_array(element.kind()) {
                Some(array) => json!({"$typed": array, "items": items}),
                None => Json::Array(items),
            }
        }
        WasmTypeKind::Record => {
            let types: Vec<Type> = ty.record_fields().map(|(_, t)| t).collect();
            let fields = value
                .unwrap_record()
                .zip(&types)
                .map(|((name, v), t)| (camel_case(&name), to_js(t, &v)))
                .collect::<Map<_, _>>();
            Json::Object(fields)
        }
        WasmTypeKind::Tuple => Json::Array(
            value
                .unwrap_tuple()
                .zip(ty.tuple_element_types())
                .map(|(v, t)| to_js(&t, &v))
                .collect(),
        ),
        WasmTypeKind::Variant => {
            let (case, payload) = value.unwrap_variant();
            let payload_ty = ty
                .variant_cases()
                .find(|(name, _)| *name == case)
                .and_then(|(_, t)| t);
            tagged(&case, payload_ty.zip(payload).map(|(t, v)| to_js(&t, &v)))
        }
        WasmTypeKind::Enum => Json::String(value.unwrap_enum().into_owned()),
        WasmTypeKind::Option => {
            let inner = ty
                .option_some_type()
                .expect("an option type has a payload type");
            let payload = value.unwrap_option().map(|v| to_js(&inner, &v));
            if nullable(&inner) {
                // null could not tell `none` from `some(none)`: jco tags this one fully.
                match payload {
                    None => tagged("none", None),
                    Some(v) => tagged("some", Some(v)),
                }
            } else {
                payload.unwrap_or(Json::Null)
            }
        }
        WasmTypeKind::Result => {
            let (ok, err) = ty.result_types().expect("a result type has payload types");
            match value.unwrap_result() {
                Ok(v) => tagged("ok", ok.zip(v).map(|(t, v)| to_js(&t, &v))),
                Err(v) => tagged("err", err.zip(v).map(|(t, v)| to_js(&t, &v))),
            }
        }
        WasmTypeKind::Flags => {
            let set: Vec<String> = value.unwrap_flags().map(|f| f.into_owned()).collect();
            Json::Object(
                ty.flags_names()
                    .map(|name| {
                        (
                            camel_case(&name),
                            Json::Bool(set.iter().any(|f| *f == name)),
                        )
                    })
                    .collect(),
            )
        }
        // `parse` refuses functions whose types wasm-wave cannot resolve.
        _ => Json::Null,
    }
}

/// jco's result of a call (`{"ok": value}`, or `{"err": payload}` for a `result`'s error) as a
/// WAVE value of the function's result type `ty`, which must be [`supported`].
pub fn from_js_result(ty: &Type, result: &Json) -> Result<Value, String> {
    let (ok, err) = (result.get("ok"), result.get("err"));
    if ty.kind() != WasmTypeKind::Result {
        return match ok {
            Some(value) => from_js(ty, value),
            None => Err(format!("expected a value of type `{}`", show(ty))),
        };
    }
    let (ok_ty, err_ty) = ty.result_types().expect("a result type has payload types");
    let payload = |t: Option<Type>, v: &Json| t.map(|t| from_js(&t, v)).transpose();
    let value = match (ok, err) {
        (Some(v), None) => Ok(payload(ok_ty, v)?),
        (None, Some(v)) => Err(payload(err_ty, v)?),
        _ => return Err("expected `{\"ok\": …}` or `{\"err\": …}`".to_owned()),
    };
    made(Value::make_result(ty, value))
}

/// jco's value `json` (as the page dumps it) as a WAVE value of type `ty`.
fn from_js(ty: &Type, json: &Json) -> Result<Value, String> {
    let wrong = || format!("`{json}` is not a value of type `{}`", show(ty));
    let int = || -> Result<i128, String> {
        if let Some(text) = json.get("$bigint").and_then(Json::as_str) {
            return text.parse().map_err(|_| wrong());
        }
        match json.as_f64() {
            Some(x) if x.fract() == 0.0 => json
                .as_i64()
                .map(i128::from)
                .or_else(|| json.as_u64().map(i128::from))
                .ok_or_else(wrong),
            _ => Err(wrong()),
        }
    };
    macro_rules! integer {
        ($make:ident, $t:ty) => {
            Value::$make(<$t>::try_from(int()?).map_err(|_| wrong())?)
        };
    }
    let float = || -> Result<f64, String> {
        match json.get("$float").and_then(Json::as_str) {
            Some("nan") => Ok(f64::NAN),
            Some("inf") => Ok(f64::INFINITY),
            Some("-inf") => Ok(f64::NEG_INFINITY),
            Some("-0") => Ok(-0.0),
            Some(_) => Err(wrong()),
            None => json.as_f64().ok_or_else(wrong),
        }
    };
    Ok(match ty.kind() {
        WasmTypeKind::Bool => Value::make_bool(json.as_bool().ok_or_else(wrong)?),
        WasmTypeKind::S8 => integer!(make_s8, i8),
        WasmTypeKind::U8 => integer!(make_u8, u8),
        WasmTypeKind::S16 => integer!(make_s16, i16),
        WasmTypeKind::U16 => integer!(make_u16, u16),
        WasmTypeKind::S32 => integer!(make_s32, i32),
        WasmTypeKind::U32 => integer!(make_u32, u32),
        WasmTypeKind::S64 => integer!(make_s64, i64),
        WasmTypeKind::U64 => integer!(make_u64, u64),
        #[allow(clippy::cast_possible_truncation)]
        WasmTypeKind::F32 => Value::make_f32(float()? as f32),
        WasmTypeKind::F64 => Value::make_f64(float()?),
        WasmTypeKind::Char => {
            let text = json.as_str().ok_or_else(wrong)?;
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Value::make_char(c),
                _ => return Err(wrong()),
            }
        }
        WasmTypeKind::String => Value::make_string(json.as_str().ok_or_else(wrong)?.into()),
        WasmTypeKind::List | WasmTypeKind::FixedLengthList => {
            let element = ty
                .list_element_type()
                .expect("a list type has an element type");
            let items = json.as_array().ok_or_else(wrong)?;
            let items: Vec<Value> = items
                .iter()
                .map(|item| from_js(&element, item))
                .collect::<Result<_, _>>()?;
            made(Value::make_list(ty, items))?
        }
        WasmTypeKind::Record => {
            let object = json.as_object().ok_or_else(wrong)?;
            let fields: Vec<(String, Value)> = ty
                .record_fields()
                .map(|(name, t)| {
                    let value = object.get(&camel_case(&name)).unwrap_or(&Json::Null);
                    Ok((name.into_owned(), from_js(&t, value)?))
                })
                .collect::<Result<_, String>>()?;
            made(Value::make_record(
                ty,
                fields.iter().map(|(n, v)| (n.as_str(), v.clone())),
            ))?
        }
        WasmTypeKind::Tuple => {
            let items = json.as_array().ok_or_else(wrong)?;
            let types: Vec<Type> = ty.tuple_element_types().collect();
            if items.len() != types.len() {
                return Err(wrong());
            }
            let values: Vec<Value> = items
                .iter()
                .zip(&types)
                .map(|(item, t)| from_js(t, item))
                .collect::<Result<_, _>>()?;
            made(Value::make_tuple(ty, values))?
        }
        WasmTypeKind::Variant => {
            let (tag, val) = untag(json).ok_or_else(wrong)?;
            let payload_ty = ty
                .variant_cases()
                .find(|(name, _)| name == tag)
                .ok_or_else(wrong)?
                .1;
            let payload = payload_ty
                .map(|t| from_js(&t, val.unwrap_or(&Json::Null)))
                .transpose()?;
            made(Value::make_variant(ty, tag, payload))?
        }
        WasmTypeKind::Enum => made(Value::make_enum(ty, json.as_str().ok_or_else(wrong)?))?,
        WasmTypeKind::Option => {
            let inner = ty
                .option_some_type()
                .expect("an option type has a payload type");
            let payload = if nullable(&inner) {
                match untag(json) {
                    Some(("none", _)) => None,
                    Some(("some", val)) => Some(from_js(&inner, val.unwrap_or(&Json::Null))?),
                    _ => return Err(wrong()),
                }
            } else if json.is_null() {
                None
            } else {
                Some(from_js(&inner, json)?)
            };
            made(Value::make_option(ty, payload))?
        }
        WasmTypeKind::Result => {
            let (ok, err) = ty.result_types().expect("a result type has payload types");
            let (tag, val) = untag(json).ok_or_else(wrong)?;
            let payload = |t: Option<Type>| {
                t.map(|t| from_js(&t, val.unwrap_or(&Json::Null)))
                    .transpose()
            };
            let value = match tag {
                "ok" => Ok(payload(ok)?),
                "err" => Err(payload(err)?),
                _ => return Err(wrong()),
            };
            made(Value::make_result(ty, value))?
        }
        WasmTypeKind::Flags => {
            let object = json.as_object().ok_or_else(wrong)?;
            let names: Vec<String> = ty
                .flags_names()
                .filter(|name| object.get(&camel_case(name)) == Some(&Json::Bool(true)))
                .map(|name| name.into_owned())
                .collect();
            made(Value::make_flags(ty, names.iter().map(String::as_str)))?
        }
        _ => return Err(wrong()),
    })
}

/// Whether jco writes a value of `ty` as a value or null: an option is, unless its payload is
/// one too (then the option is tagged, and so not nullable).
fn nullable(ty: &Type) -> bool {
    ty.kind() == WasmTypeKind::Option && ty.option_some_type().is_none_or(|inner| !nullable(&inner))
}

/// Whether every value of `ty` can cross to jco and back here: the types wasm-wave resolves,
/// but fixed-length lists (which it gives no element type).
pub fn supported(ty: &Type) -> bool {
    match ty.kind() {
        WasmTypeKind::List => ty.list_element_type().is_some_and(|t| supported(&t)),
        WasmTypeKind::Record => ty.record_fields().all(|(_, t)| supported(&t)),
        WasmTypeKind::Tuple => ty.tuple_element_types().all(|t| supported(&t)),
        WasmTypeKind::Variant => ty
            .variant_cases()
            .all(|(_, t)| t.is_none_or(|t| supported(&t))),
        WasmTypeKind::Option => ty.option_some_type().is_some_and(|t| supported(&t)),
        WasmTypeKind::Result => ty.result_types().is_some_and(|(ok, err)| {
            ok.is_none_or(|t| supported(&t)) && err.is_none_or(|t| supported(&t))
        }),
        WasmTypeKind::FixedLengthList | WasmTypeKind::Unsupported => false,
        _ => true,
    }
}

/// A WIT name as jco writes keys and functions: `add-item` → `addItem`.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, word) in name.split('-').enumerate() {
        if i == 0 {
            out.push_str(&word.to_lowercase());
        } else {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(&chars.as_str().to_lowercase());
            }
        }
    }
    out
}

fn float(x: f64) -> Json {
    if x.is_nan() {
        json!({"$float": "nan"})
    } else if x.is_infinite() {
        json!({"$float": if x > 0.0 { "inf" } else { "-inf" }})
    } else if x == 0.0 && x.is_sign_negative() {
        json!({"$float": "-0"})
    } else {
        json!(x)
    }
}

/// The typed array jco passes a list of `kind` as, if it uses one.
fn typed_array(kind: WasmTypeKind) -> Option<&'static str> {
    Some(match kind {
        WasmTypeKind::U8 => "Uint8Array",
        WasmTypeKind::S8 => "Int8Array",
        WasmTypeKind::U16 => "Uint16Array",
        WasmTypeKind::S16 => "Int16Array",
        WasmTypeKind::U32 => "Uint32Array",
        WasmTypeKind::S32 => "Int32Array",
        WasmTypeKind::U64 => "BigUint64Array",
        WasmTypeKind::S64 => "BigInt64Array",
        WasmTypeKind::F32 => "Float32Array",
        WasmTypeKind::F64 => "Float64Array",
        _ => return None,
    })
}

fn tagged(tag: &str, val: Option<Json>) -> Json {
    let mut object = Map::new();
    object.insert("tag".to_owned(), Json::String(tag.to_owned()));
    if let Some(val) = val {
        object.insert("val".to_owned(), val);
    }
    Json::Object(object)
}

fn untag(json: &Json) -> Option<(&str, Option<&Json>)> {
    Some((json.get("tag")?.as_str()?, json.get("val")))
}

fn made(value: Result<Value, wasm_wave::wasm::WasmValueError>) -> Result<Value, String> {
    value.map_err(|err| err.to_string())
}

fn show(ty: &Type) -> String {
    wasm_wave::wasm::DisplayType(ty).to_string()
}
