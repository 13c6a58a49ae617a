//! Core Wasm for a checked program: function indices, memory layout and module assembly.
//!
//! Scalars live in Wasm locals and globals; a string is a `(pointer, length)` pair of `i32`s.
//! Memory, the allocator and string helpers are emitted only when the program uses strings, so
//! a scalar-only component carries no runtime at all. Function bodies are in `func`, the
//! helpers in `runtime`, and the Canonical ABI entry points in `abi`.

mod abi;
mod func;
mod runtime;

use std::collections::HashMap;

use claw_syntax::ast::ExprKind;
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, ExportKind, ExportSection, Function, FunctionSection,
    GlobalSection, GlobalType, ImportSection, MemorySection, MemoryType, Module, NameMap,
    NameSection, TypeSection, ValType,
};

use crate::program::{FuncKind, Program};
use crate::types::{TypeDef, TypeId, Types};
use crate::world::World;

pub use runtime::Helper;

/// Fixed addresses at the bottom of linear memory.
mod layout {
    /// Where an export with a multi-value result stores it for the host to read.
    pub const EXPORT_RET: u32 = 16;
    /// Where an imported function writes a multi-value result for us to read.
    pub const IMPORT_RET: u32 = 24;
    /// Heads of the allocator's free lists, one per power-of-two size class.
    pub const FREE_LISTS: u32 = 32;
    /// String literals start here.
    pub const DATA: u32 = FREE_LISTS + 32 * 4;
}

pub fn emit(program: &Program, _world: &World) -> Vec<u8> {
    let mut module = ModuleBuilder::new(program);
    module.assemble()
}

/// The core types a value of `ty` flattens to.
pub fn flat(types: &Types, ty: TypeId) -> Vec<ValType> {
    match types.def(ty) {
        TypeDef::U64 | TypeDef::S64 => vec![ValType::I64],
        TypeDef::F32 => vec![ValType::F32],
        TypeDef::F64 => vec![ValType::F64],
        TypeDef::String => vec![ValType::I32, ValType::I32],
        TypeDef::Unit | TypeDef::Error => vec![],
        _ => vec![ValType::I32],
    }
}

/// Everything function bodies need to know about the module around them.
pub struct ModuleInfo {
    /// Wasm function index of each program function (imports first).
    pub func_index: Vec<u32>,
    /// First Wasm global of each program global (a string global takes two).
    pub global_index: Vec<u32>,
    pub helpers: HashMap<Helper, u32>,
    /// Address of each string literal's bytes, by content.
    pub strings: HashMap<String, u32>,
    pub heap_base: u32,
    pub uses_memory: bool,
}

impl ModuleInfo {
    pub fn helper(&self, helper: Helper) -> u32 {
        self.helpers[&helper]
    }
}

struct ModuleBuilder<'p> {
    program: &'p Program,
    types: TypeSection,
    type_index: HashMap<(Vec<ValType>, Vec<ValType>), u32>,
}

impl<'p> ModuleBuilder<'p> {
    fn new(program: &'p Program) -> Self {
        ModuleBuilder {
            program,
            types: TypeSection::new(),
            type_index: HashMap::new(),
        }
    }

    fn func_type(&mut self, params: Vec<ValType>, results: Vec<ValType>) -> u32 {
        let next = self.type_index.len() as u32;
        *self
            .type_index
            .entry((params.clone(), results.clone()))
            .or_insert_with(|| {
                self.types.ty().function(params, results);
                next
            })
    }

    fn assemble(&mut self) -> Vec<u8> {
        let program = self.program;
        let uses_memory = program_uses_memory(program);

        // String literals, deduplicated, laid out after the fixed areas.
        let mut strings = HashMap::new();
        let mut data = Vec::new();
        for (_, expr) in program.ast.exprs.iter() {
            if let ExprKind::Str(text) = &expr.kind {
                strings.entry(text.clone()).or_insert_with(|| {
                    let at = layout::DATA + data.len() as u32;
                    data.extend_from_slice(text.as_bytes());
                    at
                });
            }
        }
        let heap_base = (layout::DATA + data.len() as u32 + 7) & !7;

        // Function index space: imports, then defined functions, helpers, export adapters.
        let mut imports = ImportSection::new();
        let mut func_index = vec![0; program.funcs.len()];
        let mut next = 0u32;
        for (id, func) in program.funcs.iter().enumerate() {
            if let FuncKind::Imported {
                interface,
                wit_name,
            } = &func.kind
            {
                let (params, results) = abi::import_signature(program, func);
                let ty = self.func_type(params, results);
                let module = interface.as_deref().unwrap_or("$root");
                imports.import(module, wit_name, wasm_encoder::EntityType::Function(ty));
                func_index[id] = next;
                next += 1;
            }
        }
        let mut defined = Vec::new();
        for (id, func) in program.funcs.iter().enumerate() {
            if matches!(func.kind, FuncKind::Defined { .. }) {
                func_index[id] = next;
                defined.push(id);
                next += 1;
            }
        }
        let helper_list = if uses_memory {
            runtime::needed(program)
        } else {
            Vec::new()
        };
        let mut helpers = HashMap::new();
        for &helper in &helper_list {
            helpers.insert(helper, next);
            next += 1;
        }

        // Globals: the allocator's two, then the program's.
        let mut globals = GlobalSection::new();
        let mut global_index = Vec::new();
        let mut global_count = 0u32;
        if uses_memory {
            for init in [heap_base as i32, 0] {
                globals.global(
                    GlobalType {
                        val_type: ValType::I32,
                        mutable: true,
                        shared: false,
                    },
                    &ConstExpr::i32_const(init),
                );
                global_count += 1;
            }
        }
        for global in &program.globals {
            global_index.push(global_count);
            for (val_type, init) in func::global_init(program, global, &strings) {
                globals.global(
                    GlobalType {
                        val_type,
                        mutable: true,
                        shared: false,
                    },
                    &init,
                );
                global_count += 1;
            }
        }

        let info = ModuleInfo {
            func_index,
            global_index,
            helpers,
            strings,
            heap_base,
            uses_memory,
        };

        let mut functions = FunctionSection::new();
        let mut code = CodeSection::new();
        let mut names = NameMap::new();
        let mut exports = ExportSection::new();
        for (id, func) in program.funcs.iter().enumerate() {
            if matches!(func.kind, FuncKind::Imported { .. }) {
                names.append(info.func_index[id], &func.name);
            }
        }
        for &id in &defined {
            let func = &program.funcs[id];
            let params = func
                .param_types
                .iter()
                .flat_map(|&t| flat(&program.types, t))
                .collect();
            let results = func.result.map_or(vec![], |t| flat(&program.types, t));
            let ty = self.func_type(params, results);
            functions.function(ty);
            code.function(&func::emit_body(program, &info, id));
            names.append(info.func_index[id], &func.name);
        }
        for &helper in &helper_list {
            let (params, results, body) = runtime::emit(helper, &info);
            let ty = self.func_type(params, results);
            functions.function(ty);
            code.function(&body);
            names.append(info.helper(helper), helper.name());
            if helper == Helper::CabiRealloc {
                exports.export("cabi_realloc", ExportKind::Func, info.helper(helper));
            }
        }
        for &id in &defined {
            let func = &program.funcs[id];
            if !matches!(func.kind, FuncKind::Defined { exported: true, .. }) {
                continue;
            }
            for adapter in abi::export_adapters(program, &info, id) {
                let index = match adapter.body {
                    Some(body) => {
                        let ty = self.func_type(adapter.params, adapter.results);
                        functions.function(ty);
                        code.function(&body);
                        let index = next;
                        next += 1;
                        names.append(index, &adapter.export_name);
                        index
                    }
                    None => info.func_index[id],
                };
                exports.export(&adapter.export_name, ExportKind::Func, index);
            }
        }

        let mut module = Module::new();
        module.section(&self.types);
        module.section(&imports);
        module.section(&functions);
        if uses_memory {
            let mut memories = MemorySection::new();
            let pages = u64::from(heap_base.div_ceil(65536)).max(1);
            memories.memory(MemoryType {
                minimum: pages,
                maximum: None,
                memory64: false,
                shared: false,
                page_size_log2: None,
            });
            module.section(&memories);
            exports.export("memory", ExportKind::Memory, 0);
        }
        module.section(&globals);
        module.section(&exports);
        module.section(&code);
        if uses_memory && !data.is_empty() {
            let mut section = DataSection::new();
            section.active(0, &ConstExpr::i32_const(layout::DATA as i32), data);
            module.section(&section);
        }
        let mut name_section = NameSection::new();
        // Names the module in backtraces (`claw!func` rather than `<unknown>!func`).
        name_section.module("claw");
        name_section.functions(&names);
        module.section(&name_section);
        module.finish()
    }
}

/// Whether any value of the program lives in linear memory.
fn program_uses_memory(program: &Program) -> bool {
    let is_mem = |ty: TypeId| ty == TypeId::STRING;
    program.globals.iter().any(|g| is_mem(g.ty))
        || program.locals.iter().any(|l| is_mem(l.ty))
        || program.expr_types.values().any(|&t| is_mem(t))
        || program
            .funcs
            .iter()
            .any(|f| f.param_types.iter().chain(&f.result).any(|&t| is_mem(t)))
}

/// An empty function body with the given extra locals, for helpers and adapters.
pub fn new_function(locals: &[ValType]) -> Function {
    Function::new_with_locals_types(locals.iter().copied())
}
