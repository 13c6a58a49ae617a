//! The file's WIT world: its imports and exports written as WIT text, then parsed into the
//! program's [`wit_parser::Resolve`] beside the packages it uses.
//!
//! Writing text rather than building `wit_parser` structures by hand keeps one source of truth:
//! `claw wit` prints exactly what `wit-component` was given.

use std::collections::HashSet;
use std::fmt::Write;

use crate::diagnostics::Diagnostic;
use crate::program::{Builtin, FuncDef, FuncKind, Program, Res};
use crate::types::{TypeDef, TypeId, Types};

pub struct World {
    pub text: String,
    pub id: wit_parser::WorldId,
}

/// Errors here are compiler bugs: the checker only lets through what makes a valid world (it
/// reports names that would clash in it, see `check/world_names.rs`).
pub fn build(program: &mut Program) -> Result<World, Vec<Diagnostic>> {
    let text = world_text(program);
    let internal = |err: anyhow::Error| {
        vec![Diagnostic::error(
            "internal-error",
            format!("the generated world is not valid WIT: {err:#}"),
        )
        .note("this is a bug in the Claw compiler")]
    };
    let package = program.wit.push_str("root.wit", &text).map_err(internal)?;
    let id = program
        .wit
        .select_world(&[package], Some("root"))
        .map_err(internal)?;
    Ok(World { text, id })
}

fn world_text(program: &Program) -> String {
    let types = &program.types;
    let mut out = String::from("package root:component;\n\nworld root {\n");
    for interface in &program.imported_interfaces {
        let _ = writeln!(out, "  import {interface};");
    }
    let prints = program.funcs.iter().any(|func| {
        func.facts
            .expr_res
            .values()
            .any(|r| matches!(r, Res::Builtin(Builtin::Print { .. })))
    });
    if prints {
        let _ = writeln!(out, "  import wasi:cli/stdout@{};", crate::WASI_VERSION);
    }
    // Named types root functions mention: WIT ones are `use`d from their interface, the
    // file's own are declared in the world, each after the types it refers to.
    let named = named_types(
        types,
        program
            .funcs
            .iter()
            .filter(|f| is_root(f))
            .flat_map(|func| func.param_types.iter().chain(&func.result).copied()),
    );
    for &ty in &named {
        if let Some(interface) = types.interface(ty) {
            let _ = writeln!(out, "  use {interface}.{{{}}};", escape(&types.name(ty)));
        }
    }
    for &ty in &named {
        if types.interface(ty).is_none() {
            let _ = writeln!(out, "  {}", declaration(types, ty));
        }
    }
    for func in &program.funcs {
        let (direction, name) = match &func.kind {
            FuncKind::Imported {
                interface: None,
                wit_name,
            } => ("import", wit_name.as_str()),
            FuncKind::Defined {
                exported: true,
                interface: None,
                ..
            } => ("export", func.name.as_str()),
            _ => continue,
        };
        let _ = writeln!(
            out,
            "  {direction} {}: {};",
            escape(name),
            signature(program, func)
        );
    }
    for (slot, interface) in program.exported_interfaces.iter().enumerate() {
        if !interface.inline {
            let _ = writeln!(out, "  export {};", interface.name);
            continue;
        }
        let _ = writeln!(out, "  export {}: interface {{", escape(&interface.name));
        // Its own resources are declared in it; everything else named is `use`d.
        let mut resources: Vec<TypeId> = program
            .resources
            .iter()
            .filter(|(_, r)| {
                r.implementation
                    .as_ref()
                    .is_some_and(|i| i.interface == slot)
            })
            .map(|(&ty, _)| ty)
            .collect();
        resources.sort_by_key(|&ty| {
            let i = program.implementation(ty).expect("implemented");
            (i.item, i.index)
        });
        let named = named_types(
            types,
            interface.funcs.iter().flat_map(|&func| {
                let func = &program.funcs[func.0 as usize];
                func.param_types.iter().chain(&func.result).copied()
            }),
        );
        for &ty in &named {
            if let (Some(from), false) = (types.interface(ty), resources.contains(&ty)) {
                let _ = writeln!(out, "    use {from}.{{{}}};", escape(&types.name(ty)));
            }
        }
        for &resource in &resources {
            let name = types.name(resource);
            let _ = writeln!(out, "    resource {} {{", escape(&name));
            let funcs = &program.resources[&resource];
            if let Some(ctor) = funcs.constructor {
                let func = &program.funcs[ctor.0 as usize];
                let _ = writeln!(out, "      constructor{};", params(program, func, 0));
            }
            for (item, id) in &funcs.methods {
                let func = &program.funcs[id.0 as usize];
                let sig = signature_from(program, func, 1);
                let _ = writeln!(out, "      {}: {sig};", escape(item));
            }
            for (item, id) in &funcs.statics {
                let func = &program.funcs[id.0 as usize];
                let sig = signature_from(program, func, 0);
                let _ = writeln!(out, "      {}: static {sig};", escape(item));
            }
            out.push_str("    }\n");
        }
        for &func in &interface.funcs {
            let func = &program.funcs[func.0 as usize];
            if func.name.starts_with('[') {
                // A resource's member, declared with the resource above.
                continue;
            }
            let _ = writeln!(
                out,
                "    {}: {};",
                escape(&func.name),
                signature(program, func)
            );
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

/// The named types that `roots` refer to, each once, dependencies first: what a world must
/// declare (the file's own) or `use` (WIT ones) for functions with these parameter and result
/// types. The file's own types are followed inside, since the world declares them; WIT types
/// are not, being `use`d whole. The checker asks too, to find names that would clash.
pub(crate) fn named_types(types: &Types, roots: impl IntoIterator<Item = TypeId>) -> Vec<TypeId> {
    let mut named = Vec::new();
    let mut seen = HashSet::new();
    for ty in roots {
        collect_named(types, ty, &mut named, &mut seen);
    }
    named
}

fn collect_named(types: &Types, ty: TypeId, out: &mut Vec<TypeId>, seen: &mut HashSet<TypeId>) {
    // Every type is visited once, named or not, so many functions over one big type cost
    // no more than one.
    if !seen.insert(ty) {
        return;
    }
    let own = types.is_named(ty) && types.interface(ty).is_none();
    if !types.is_named(ty) || own {
        for child in types.children(ty) {
            collect_named(types, child, out, seen);
        }
    }
    if types.is_named(ty) {
        out.push(ty);
    }
}

/// A declaration of one of the file's own named types, in WIT.
fn declaration(types: &Types, ty: TypeId) -> String {
    let name = escape(&types.name(ty));
    match types.def(ty) {
        TypeDef::Record { fields, .. } => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(n, t)| format!("{}: {}", escape(n), wit_type(types, *t)))
                .collect();
            format!("record {name} {{ {} }}", fields.join(", "))
        }
        TypeDef::Variant { cases, .. } => {
            let cases: Vec<String> = cases
                .iter()
                .map(|(n, t)| match t {
                    Some(t) => format!("{}({})", escape(n), wit_type(types, *t)),
                    None => escape(n),
                })
                .collect();
            format!("variant {name} {{ {} }}", cases.join(", "))
        }
        TypeDef::Enum { cases, .. } => {
            let cases: Vec<String> = cases.iter().map(|c| escape(c)).collect();
            format!("enum {name} {{ {} }}", cases.join(", "))
        }
        TypeDef::Flags { flags, .. } => {
            let flags: Vec<String> = flags.iter().map(|c| escape(c)).collect();
            format!("flags {name} {{ {} }}", flags.join(", "))
        }
        _ => unreachable!("only named types are declared"),
    }
}

fn is_root(func: &FuncDef) -> bool {
    matches!(
        func.kind,
        FuncKind::Imported {
            interface: None,
            ..
        } | FuncKind::Defined {
            exported: true,
            interface: None,
            ..
        }
    )
}

fn signature(program: &Program, func: &FuncDef) -> String {
    signature_from(program, func, 0)
}

/// `func(params) -> result`, without the first `skip` parameters (a method's `self`).
fn signature_from(program: &Program, func: &FuncDef, skip: usize) -> String {
    let mut sig = format!("func{}", params(program, func, skip));
    if let Some(result) = func.result {
        let _ = write!(sig, " -> {}", wit_type(&program.types, result));
    }
    sig
}

/// `(name: type, …)`, without the first `skip` parameters.
fn params(program: &Program, func: &FuncDef, skip: usize) -> String {
    let params: Vec<String> = func
        .params
        .iter()
        .zip(&func.param_types)
        .skip(skip)
        .map(|(param, &ty)| format!("{}: {}", escape(&param.name), wit_type(&program.types, ty)))
        .collect();
    format!("({})", params.join(", "))
}

/// A type as WIT writes it, with names escaped.
fn wit_type(types: &Types, ty: TypeId) -> String {
    let list = |items: &[TypeId]| {
        items
            .iter()
            .map(|&t| wit_type(types, t))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match types.def(ty) {
        TypeDef::List(elem) => format!("list<{}>", wit_type(types, *elem)),
        TypeDef::Map { key, value, .. } => format!(
            "map<{}, {}>",
            wit_type(types, *key),
            wit_type(types, *value)
        ),
        TypeDef::Option(some) => format!("option<{}>", wit_type(types, *some)),
        TypeDef::Result { ok, err } => match (ok, err) {
            (None, None) => "result".into(),
            (Some(ok), None) => format!("result<{}>", wit_type(types, *ok)),
            (None, Some(err)) => format!("result<_, {}>", wit_type(types, *err)),
            (Some(ok), Some(err)) => {
                format!(
                    "result<{}, {}>",
                    wit_type(types, *ok),
                    wit_type(types, *err)
                )
            }
        },
        TypeDef::Tuple(items) => format!("tuple<{}>", list(items)),
        TypeDef::Borrow(resource) => format!("borrow<{}>", wit_type(types, *resource)),
        _ if types.is_named(ty) => escape(&types.name(ty)),
        _ => types.name(ty),
    }
}

/// WIT keywords need a `%` to be used as names.
fn escape(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "as",
        "async",
        "bool",
        "borrow",
        "char",
        "constructor",
        "enum",
        "error-context",
        "export",
        "f32",
        "f64",
        "flags",
        "float32",
        "float64",
        "from",
        "func",
        "future",
        "import",
        "include",
        "interface",
        "list",
        "map",
        "option",
        "own",
        "package",
        "record",
        "resource",
        "result",
        "s16",
        "s32",
        "s64",
        "s8",
        "static",
        "stream",
        "string",
        "tuple",
        "type",
        "u16",
        "u32",
        "u64",
        "u8",
        "use",
        "variant",
        "with",
        "world",
    ];
    if KEYWORDS.contains(&name) {
        format!("%{name}")
    } else {
        name.to_string()
    }
}
