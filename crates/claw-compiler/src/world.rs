//! The file's WIT world: its imports and exports written as WIT text, then parsed into the
//! program's [`wit_parser::Resolve`] beside the packages it uses.
//!
//! Writing text rather than building `wit_parser` structures by hand keeps one source of truth:
//! `claw wit` prints exactly what `wit-component` was given.

use std::fmt::Write;

use crate::diagnostics::Diagnostic;
use crate::program::{FuncDef, FuncKind, Program};
use crate::types::{TypeDef, TypeId, Types};

pub struct World {
    pub text: String,
    pub id: wit_parser::WorldId,
}

/// Errors here are compiler bugs: the checker only lets through what makes a valid world.
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
    let mut out = String::from("package root:component;\n\nworld root {\n");
    for interface in &program.imported_interfaces {
        let _ = writeln!(out, "  import {interface};");
    }
    // Enums from interfaces that root functions mention must be `use`d into the world.
    let mut uses: Vec<(String, String)> = Vec::new();
    for func in program.funcs.iter().filter(|f| is_root(f)) {
        for &ty in func.param_types.iter().chain(&func.result) {
            if let TypeDef::Enum {
                name,
                interface: Some(interface),
                ..
            } = program.types.def(ty)
            {
                let entry = (interface.clone(), name.clone());
                if !uses.contains(&entry) {
                    uses.push(entry);
                }
            }
        }
    }
    for (interface, name) in &uses {
        let _ = writeln!(out, "  use {interface}.{{{}}};", escape(name));
    }
    for func in &program.funcs {
        let (direction, name) = match &func.kind {
            FuncKind::Imported {
                interface: None,
                wit_name,
            } => ("import", wit_name.as_str()),
            FuncKind::Defined { exported: true, .. } => ("export", func.name.as_str()),
            _ => continue,
        };
        let _ = writeln!(
            out,
            "  {direction} {}: {};",
            escape(name),
            signature(program, func)
        );
    }
    out.push_str("}\n");
    out
}

fn is_root(func: &FuncDef) -> bool {
    matches!(
        func.kind,
        FuncKind::Imported {
            interface: None,
            ..
        } | FuncKind::Defined { exported: true, .. }
    )
}

fn signature(program: &Program, func: &FuncDef) -> String {
    let params: Vec<String> = func
        .params
        .iter()
        .zip(&func.param_types)
        .map(|(local, &ty)| {
            let name = &program.locals[local.0 as usize].name;
            format!("{}: {}", escape(name), wit_type(&program.types, ty))
        })
        .collect();
    let mut sig = format!("func({})", params.join(", "));
    if let Some(result) = func.result {
        let _ = write!(sig, " -> {}", wit_type(&program.types, result));
    }
    sig
}

fn wit_type(types: &Types, ty: TypeId) -> String {
    match types.def(ty) {
        TypeDef::Enum { name, .. } => escape(name),
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
