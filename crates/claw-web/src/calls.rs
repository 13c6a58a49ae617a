//! Calls against a compiled component, for a host that runs it with jco: which export a call
//! written as in `claw run --invoke` names, its arguments as jco's values, and jco's result
//! printed as WAVE. The types come from the component's own world, decoded with
//! `wit-component`, so what the page sends is checked exactly as `claw run` checks it.

use claw_invoke::call::Param;
use wasm_wave::value::{resolve_wit_func_type, Type as WaveType, Value};
use wasm_wave::wasm::WasmFunc;
use wit_parser::{Function, FunctionKind, Handle, Resolve, Type, TypeDefKind, WorldItem};

use crate::{js, ExportFunc, JsCall};

/// One function the component exports.
struct Exported<'a> {
    /// The exporting interface's name in the world (`ns:pkg/iface@1.0.0`), or none at the root.
    interface: Option<String>,
    func: &'a Function,
}

/// The component's world, decoded.
struct World {
    resolve: Resolve,
    world: wit_parser::WorldId,
}

impl World {
    fn decode(component: &[u8]) -> Result<World, String> {
        match wit_component::decode(component) {
            Ok(wit_component::DecodedWasm::Component(resolve, world)) => {
                Ok(World { resolve, world })
            }
            Ok(_) => Err("the bytes are a WIT package, not a component".to_owned()),
            Err(err) => Err(format!("the component cannot be read: {err:#}")),
        }
    }

    /// Every exported function that is not a resource's, root ones first as the world lists
    /// them.
    fn functions(&self) -> Vec<Exported<'_>> {
        let resolve = &self.resolve;
        let mut out = Vec::new();
        for (key, item) in &resolve.worlds[self.world].exports {
            match item {
                WorldItem::Function(func) => out.push(Exported {
                    interface: None,
                    func,
                }),
                WorldItem::Interface { id, .. } => {
                    let name = resolve.name_world_key(key);
                    for func in resolve.interfaces[*id].functions.values() {
                        if matches!(func.kind, FunctionKind::Freestanding) {
                            out.push(Exported {
                                interface: Some(name.clone()),
                                func,
                            });
                        }
                    }
                }
                WorldItem::Type { .. } => {}
            }
        }
        out
    }

    /// The function `query` names (see `claw_invoke::pick`).
    fn pick<'w>(&self, funcs: &'w [Exported<'w>], query: &str) -> Result<&'w Exported<'w>, String> {
        claw_invoke::pick(funcs, query, |f| {
            (f.interface.as_deref(), f.func.name.as_str())
        })
    }
}

/// The component's exported functions with their signatures, for the page's export list.
pub fn exports(component: &[u8]) -> Result<Vec<ExportFunc>, String> {
    let world = World::decode(component)?;
    Ok(world
        .functions()
        .iter()
        .map(|f| ExportFunc {
            name: claw_invoke::qualified(f.interface.as_deref(), &f.func.name),
            signature: signature(&world.resolve, f.func),
        })
        .collect())
}

/// `call` checked against the exports of `component`, as jco's bindings take it.
pub fn parse(component: &[u8], call: &str) -> Result<JsCall, String> {
    let world = World::decode(component)?;
    let funcs = world.functions();
    let (name, args) = claw_invoke::call::split_call(call)?;
    let exported = world.pick(&funcs, name)?;
    let func = exported.func;
    let qualified = claw_invoke::qualified(exported.interface.as_deref(), &func.name);
    let types = resolve_wit_func_type(&world.resolve, func).map_err(|_| unsupported(&qualified))?;
    let param_types: Vec<WaveType> = types.params().collect();
    if !param_types.iter().all(js::supported) {
        return Err(unsupported(&qualified));
    }
    let params: Vec<Param<'_, WaveType>> = func
        .params
        .iter()
        .zip(&param_types)
        .map(|(param, ty)| Param {
            name: &param.name,
            ty,
        })
        .collect();
    let values = claw_invoke::call::parse_args::<Value>(name, args, &params)?;
    let args: Vec<serde_json::Value> = values
        .iter()
        .zip(&param_types)
        .map(|(value, ty)| js::to_js(ty, value))
        .collect();
    Ok(JsCall {
        // jco keys an interface by its full name, but one named inline in the world (a plain
        // kebab name) in lowerCamelCase.
        interface: exported.interface.as_deref().map(|name| {
            if name.contains(':') {
                name.to_owned()
            } else {
                js::camel_case(name)
            }
        }),
        func: js::camel_case(&func.name),
        name: qualified,
        args: serde_json::Value::Array(args).to_string(),
    })
}

/// jco's result of calling `name`, `{"ok": value}` or `{"err": payload}` (a `result`'s error,
/// which jco throws), printed as WAVE; `None` for a function without a result.
pub fn print_result(component: &[u8], name: &str, result: &str) -> Result<Option<String>, String> {
    let world = World::decode(component)?;
    let funcs = world.functions();
    let exported = world.pick(&funcs, name)?;
    let types =
        resolve_wit_func_type(&world.resolve, exported.func).map_err(|_| unsupported(name))?;
    let Some(ty) = types.results().next() else {
        return Ok(None);
    };
    if !js::supported(&ty) {
        return Err(unsupported(name));
    }
    let result: serde_json::Value =
        serde_json::from_str(result).map_err(|err| format!("the result is not JSON: {err}"))?;
    let value = js::from_js_result(&ty, &result)?;
    let mut out = String::new();
    claw_invoke::print::write_value(&mut out, &value, &|out: &mut String, _: &Value| {
        out.push_str("<unsupported>");
    });
    Ok(Some(out))
}

fn unsupported(name: &str) -> String {
    format!(
        "`{name}` cannot be called in the playground: its parameters or result include a map, \
         a resource handle, a fixed-length list, a stream or a future; `claw run` and \
         `claw test` can call it"
    )
}

/// `func(n: u64) -> u64`, with named types by name.
fn signature(resolve: &Resolve, func: &Function) -> String {
    let params: Vec<String> = func
        .params
        .iter()
        .map(|param| format!("{}: {}", param.name, type_name(resolve, &param.ty)))
        .collect();
    let result = func
        .result
        .as_ref()
        .map(|ty| format!(" -> {}", type_name(resolve, ty)))
        .unwrap_or_default();
    format!("func({}){result}", params.join(", "))
}

fn type_name(resolve: &Resolve, ty: &Type) -> String {
    let id = match ty {
        Type::Bool => return "bool".into(),
        Type::U8 => return "u8".into(),
        Type::U16 => return "u16".into(),
        Type::U32 => return "u32".into(),
        Type::U64 => return "u64".into(),
        Type::S8 => return "s8".into(),
        Type::S16 => return "s16".into(),
        Type::S32 => return "s32".into(),
        Type::S64 => return "s64".into(),
        Type::F32 => return "f32".into(),
        Type::F64 => return "f64".into(),
        Type::Char => return "char".into(),
        Type::String => return "string".into(),
        Type::ErrorContext => return "error-context".into(),
        Type::Id(id) => *id,
    };
    let def = &resolve.types[id];
    if let Some(name) = &def.name {
        return name.clone();
    }
    let name = |ty: &Type| type_name(resolve, ty);
    let optional = |ty: &Option<Type>| ty.as_ref().map_or("_".to_owned(), name);
    match &def.kind {
        TypeDefKind::List(ty) => format!("list<{}>", name(ty)),
        TypeDefKind::FixedLengthList(ty, n) => format!("list<{}, {n}>", name(ty)),
        TypeDefKind::Map(k, v) => format!("map<{}, {}>", name(k), name(v)),
        TypeDefKind::Option(ty) => format!("option<{}>", name(ty)),
        TypeDefKind::Result(r) => match (&r.ok, &r.err) {
            (None, None) => "result".to_owned(),
            (ok, None) => format!("result<{}>", optional(ok)),
            (ok, err) => format!("result<{}, {}>", optional(ok), optional(err)),
        },
        TypeDefKind::Tuple(t) => format!(
            "tuple<{}>",
            t.types.iter().map(name).collect::<Vec<_>>().join(", ")
        ),
        TypeDefKind::Handle(Handle::Own(id)) => type_name(resolve, &Type::Id(*id)),
        TypeDefKind::Handle(Handle::Borrow(id)) => {
            format!("borrow<{}>", type_name(resolve, &Type::Id(*id)))
        }
        TypeDefKind::Future(ty) => format!("future<{}>", optional(ty)),
        TypeDefKind::Stream(ty) => format!("stream<{}>", optional(ty)),
        TypeDefKind::Type(ty) => name(ty),
        _ => "_".to_owned(),
    }
}
