//! `canon.rs` against `wit-parser`: for every type that crosses the world of a program, the
//! layout Claw computes (size, alignment, field and payload offsets) must be what
//! `SizeAlign` computes, and the flattening what `Resolve::push_flat` computes. Claw keeps
//! its own layout because it also lays out types that never reach the world (a local's
//! `list<tuple<…>>`); this is what keeps the two from drifting apart.

use std::collections::HashMap;
use std::path::Path;

use wasm_encoder::ValType;
use wit_parser::abi::{FlatTypes, WasmType};
use wit_parser::{Int, Resolve, SizeAlign, Type, TypeDefKind, WorldItem};

use super::{align, field_offsets, flat, payload_offset, size};
use crate::types::TypeId;
use crate::{analyze, world, Source};

/// Compares every parameter and result type of every function in the world of `text`
/// (which must check without errors), and returns how many types it compared.
fn compare_layouts(name: &str, text: &str, wit: Resolve) -> usize {
    let source = Source {
        file: claw_syntax::FileId(0),
        name,
        text,
    };
    let (mut program, diagnostics) = analyze(source, wit);
    assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
    let world = world::build(&mut program).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let resolve = &program.wit;
    let mut sizes = SizeAlign::default();
    sizes.fill(resolve);
    // The world's functions by name; the programs compared give theirs distinct names.
    let mut wit_funcs = HashMap::new();
    let world = &resolve.worlds[world.id];
    for item in world.imports.values().chain(world.exports.values()) {
        match item {
            WorldItem::Function(func) => {
                wit_funcs.insert(func.name.clone(), func);
            }
            WorldItem::Interface { id, .. } => {
                for func in resolve.interfaces[*id].functions.values() {
                    wit_funcs.insert(func.name.clone(), func);
                }
            }
            WorldItem::Type { .. } => {}
        }
    }
    let mut compared = 0;
    for def in &program.funcs {
        let wit_name = match &def.kind {
            crate::program::FuncKind::Imported { wit_name, .. } => wit_name,
            crate::program::FuncKind::Defined { .. } => &def.name,
        };
        let Some(func) = wit_funcs.get(wit_name) else {
            continue;
        };
        let wit_types = func.params.iter().map(|p| &p.ty).chain(&func.result);
        let claw_types = def.param_types.iter().chain(&def.result);
        for (&claw, wit) in claw_types.zip(wit_types) {
            let mut check = Check {
                program: &program,
                resolve,
                sizes: &sizes,
                at: format!("{name}: `{}`", def.name),
                compared: 0,
            };
            check.same(claw, wit);
            compared += check.compared;
        }
    }
    compared
}

struct Check<'a> {
    program: &'a crate::program::Program,
    resolve: &'a Resolve,
    sizes: &'a SizeAlign,
    at: String,
    compared: usize,
}

impl Check<'_> {
    /// `claw` and `wit` are the same type: compare their layouts, then their parts'.
    fn same(&mut self, claw: TypeId, wit: &Type) {
        let types = &self.program.types;
        let what = format!("{}, type `{}`", self.at, types.name(claw));
        self.compared += 1;
        assert_eq!(
            size(types, claw) as usize,
            self.sizes.size(wit).size_wasm32(),
            "size of {what}"
        );
        assert_eq!(
            align(types, claw) as usize,
            self.sizes.align(wit).align_wasm32(),
            "alignment of {what}"
        );
        let mut storage = [WasmType::I32; 64];
        let mut flat_wit = FlatTypes::new(&mut storage);
        assert!(
            self.resolve.push_flat(wit, &mut flat_wit),
            "{what} flattens to at most 64"
        );
        let flat_wit: Vec<ValType> = flat_wit.to_vec().into_iter().map(val_type).collect();
        assert_eq!(flat(types, claw), flat_wit, "flattening of {what}");
        let Type::Id(id) = wit else {
            return;
        };
        match &self.resolve.types[*id].kind {
            TypeDefKind::Record(record) => {
                let fields = types.fields(claw).expect("a record");
                self.fields(claw, &what, record.fields.iter().map(|f| &f.ty));
                for ((_, claw), field) in fields.into_iter().zip(&record.fields) {
                    self.same(claw, &field.ty);
                }
            }
            TypeDefKind::Tuple(tuple) => {
                let fields = types.fields(claw).expect("a tuple");
                self.fields(claw, &what, tuple.types.iter());
                for ((_, claw), wit) in fields.into_iter().zip(&tuple.types) {
                    self.same(claw, wit);
                }
            }
            TypeDefKind::Variant(variant) => {
                self.cases(claw, &what, variant.cases.iter().map(|c| c.ty.as_ref()));
            }
            TypeDefKind::Option(some) => self.cases(claw, &what, [None, Some(some)]),
            TypeDefKind::Result(result) => {
                self.cases(claw, &what, [result.ok.as_ref(), result.err.as_ref()]);
            }
            TypeDefKind::List(elem) => {
                let crate::types::TypeDef::List(claw_elem) = *types.def(claw) else {
                    panic!("{what}: not a list in Claw");
                };
                self.same(claw_elem, elem);
            }
            TypeDefKind::Type(alias) => self.same(claw, alias),
            _ => {}
        }
    }

    fn fields<'w>(&mut self, claw: TypeId, what: &str, wit: impl Iterator<Item = &'w Type>) {
        let offsets: Vec<usize> = self
            .sizes
            .field_offsets(wit)
            .into_iter()
            .map(|(offset, _)| offset.size_wasm32())
            .collect();
        let claw_offsets: Vec<usize> = field_offsets(&self.program.types, claw)
            .into_iter()
            .map(|o| o as usize)
            .collect();
        assert_eq!(claw_offsets, offsets, "field offsets of {what}");
    }

    fn cases<'w>(
        &mut self,
        claw: TypeId,
        what: &str,
        wit: impl IntoIterator<Item = Option<&'w Type>>,
    ) {
        let wit: Vec<Option<&Type>> = wit.into_iter().collect();
        let tag = match wit.len() {
            0..=256 => Int::U8,
            257..=65536 => Int::U16,
            _ => Int::U32,
        };
        assert_eq!(
            payload_offset(&self.program.types, claw) as usize,
            self.sizes
                .payload_offset(tag, wit.iter().copied())
                .size_wasm32(),
            "payload offset of {what}"
        );
        let cases = self.program.types.cases(claw).expect("cases");
        for ((_, claw), wit) in cases.into_iter().zip(wit) {
            if let (Some(claw), Some(wit)) = (claw, wit) {
                self.same(claw, wit);
            }
        }
    }
}

fn val_type(ty: WasmType) -> ValType {
    match ty {
        WasmType::I32 | WasmType::Pointer | WasmType::Length => ValType::I32,
        WasmType::I64 | WasmType::PointerOrI64 => ValType::I64,
        WasmType::F32 => ValType::F32,
        WasmType::F64 => ValType::F64,
    }
}

#[test]
fn edge_layouts_agree_with_wit_parser() {
    let cases: Vec<String> = (0..257).map(|i| format!("c{i}")).collect();
    let flags = |n: usize| {
        (0..n)
            .map(|i| format!("f{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = format!(
        "enum small {{ a, b }}
enum wide {{ {cases} }}
enum full {{ {full} }}
flags f1 {{ {f1} }}
flags f8 {{ {f8} }}
flags f9 {{ {f9} }}
flags f16 {{ {f16} }}
flags f17 {{ {f17} }}
flags f32 {{ {f32} }}
record mixed {{ a: u8, b: u64, c: u16, d: f32, e: string, f: bool, g: char }}
variant shapes {{ none2, byte(u8), wide(u64), float(f32), text(string), pair(tuple<u8, f64>) }}
variant floats {{ single(f32), double(f64), int(s32) }}
export func e0(a: full) {{}}
export func e1(a: small, b: wide, c: f1, d: f8, e: f9, f: f16, g: f17, h: f32) {{}}
export func e2(a: mixed, b: shapes, c: floats) -> option<shapes> {{ return none; }}
export func e3(a: option<u8>, b: option<u64>, c: option<option<string>>, d: result<u8, f64>) {{}}
export func e4(a: result, b: result<_, string>, c: result<mixed>, d: tuple<u8, u16, u32, u64>) {{}}
export func e5(a: list<mixed>, b: list<tuple<bool, f64>>, c: option<tuple<u8, mixed>>) {{}}
export func e6() -> result<list<shapes>, tuple<u8, string>> {{ return ok([]); }}
",
        cases = cases.join(", "),
        full = cases[..256].join(", "),
        f1 = flags(1),
        f8 = flags(8),
        f9 = flags(9),
        f16 = flags(16),
        f17 = flags(17),
        f32 = flags(32),
    );
    let compared = compare_layouts("edges.claw", &text, Resolve::default());
    assert!(compared > 60, "only {compared} types compared");
}

/// Every golden program that needs no WIT packages of its own.
#[test]
fn golden_program_layouts_agree_with_wit_parser() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/programs");
    let mut compared = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/programs") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "claw") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        if text.lines().any(|l| l.starts_with("import ")) {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        compared += compare_layouts(&name, &text, Resolve::default());
    }
    assert!(compared > 100, "only {compared} types compared");
}

/// Random programs from `claw-gen`, whose types nest records, variants, options, results,
/// tuples, lists and flags in every combination its generator makes.
#[test]
fn generated_layouts_agree_with_wit_parser() {
    let mut compared = 0;
    for seed in 0..200 {
        let generated = claw_gen::generate(seed, &claw_gen::Config::default());
        compared += compare_layouts(
            &format!("seed {seed}"),
            &generated.source,
            Resolve::default(),
        );
    }
    assert!(compared > 1000, "only {compared} types compared");
}
