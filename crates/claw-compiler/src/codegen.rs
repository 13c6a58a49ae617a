//! Core Wasm for a checked program: function indices, memory layout and module assembly.
//!
//! Every value is kept in its Canonical ABI form (`canon`): flat values on the stack and in
//! locals, the ABI's memory layout in lists. Memory, the allocator and helpers are emitted only
//! when the program needs them, so a scalar-only component carries no runtime at all. Function
//! bodies are in `func`, the Canonical ABI entry points in `abi`, type-directed helpers
//! (load, store, equality, copies) in `values`, and the allocator and string helpers in
//! `runtime`. Helpers are created on first use through [`ModuleInfo::func`].

mod abi;
mod canon;
mod code;
mod debug;
mod func;
mod locals;
pub(crate) mod map;
mod runtime;
mod values;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, EntityType, ExportKind, ExportSection, Function,
    FunctionSection, GlobalSection, GlobalType, ImportSection, MemorySection, MemoryType, Module,
    NameMap, NameSection, TypeSection, ValType,
};

use crate::ir::{self, Node};
use crate::program::{FuncKind, Program};
use crate::types::{TypeDef, TypeId, Types};
use crate::world::World;

pub use canon::flat;
pub use runtime::Helper;

/// Fixed addresses at the bottom of linear memory.
mod layout {
    /// Where an import that returns through memory but needs no more than 8 bytes writes.
    pub const IMPORT_RET: u32 = 24;
    /// Heads of the allocator's free lists, one per power-of-two size class.
    pub const FREE_LISTS: u32 = 32;
    /// String literals start here.
    pub const DATA: u32 = FREE_LISTS + 32 * 4;
}

/// A function created on demand, after the program's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Rt(Helper),
    Load(TypeId),
    Store(TypeId),
    Eq(TypeId),
    /// Copy a value so the holder owns its lists; `true` also copies strings, for globals.
    Copy(TypeId, bool),
    Release(TypeId),
    /// Drops the handles of one kind in a value.
    DropHandles(TypeId, values::Handles),
    /// The destructor of a resource the file implements: its `drop` block, then what its
    /// representation owns.
    Dtor(TypeId),
    /// A map type's operations.
    Map(map::MapOp, TypeId),
    /// The Canonical ABI export wrapping a program function (by index).
    Export(usize),
    PostReturn(usize),
}

/// Imported functions the runtime itself calls (for `print`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WasiImport {
    GetStdout,
    WriteAndFlush,
    DropOutputStream,
}

/// How to trade size for speed in the core module.
#[derive(Clone, Copy)]
pub struct Style {
    /// A name section, so backtraces name functions.
    pub names: bool,
    /// The smaller of two forms: loads and stores of records and variants through one
    /// helper per type instead of in place.
    pub small: bool,
}

/// The core module for `program`, whose bodies and global values are `module`; `source`
/// (file name and text) adds a DWARF line table.
pub fn emit(
    program: &Program,
    module: &ir::Module,
    _world: &World,
    source: Option<(&str, &str)>,
    style: Style,
) -> Vec<u8> {
    ModuleBuilder::new().assemble(program, module, source, style)
}

/// The length of `n` as an unsigned LEB128.
fn leb_len(n: u32) -> u32 {
    (32 - n.leading_zeros()).max(1).div_ceil(7)
}

/// Everything function bodies need to know about the module around them.
pub struct ModuleInfo<'p> {
    /// Signatures, globals' types and exports; function bodies come from `ir`.
    pub program: &'p Program,
    pub ir: &'p ir::Module,
    /// Wasm function index of each program function (imports first).
    pub func_index: Vec<u32>,
    /// First Wasm global of each program global (a global takes one per flat value).
    pub global_index: Vec<u32>,
    pub wasi: HashMap<WasiImport, u32>,
    /// The imported `[resource-drop]` of each resource type whose handles are dropped.
    pub resource_drop: HashMap<TypeId, u32>,
    /// `[resource-new]` and `[resource-rep]` of each resource the file implements.
    pub resource_new: HashMap<TypeId, u32>,
    pub resource_rep: HashMap<TypeId, u32>,
    /// Address of each string literal's bytes, by content.
    pub strings: HashMap<String, u32>,
    /// Address of the elements of each constant list, by the bytes they are laid out as.
    pub const_lists: HashMap<Vec<u8>, u32>,
    pub heap_base: u32,
    /// Whether to prefer the smaller of two forms of code (`-Os`).
    pub small: bool,
    /// Whether anything allocates (see [`Usage::allocates`]): else there is no allocator,
    /// no scratch list and no `cabi_realloc`.
    pub allocates: bool,
    registry: RefCell<Registry>,
    shapes: RefCell<HashMap<String, TypeId>>,
}

struct Registry {
    next: u32,
    pending: Vec<(Key, u32)>,
    index: HashMap<Key, u32>,
}

/// A statement's place in the source when it has none in the file (library code).
pub const NO_SOURCE: u32 = u32::MAX;

/// How `string::from-utf8`'s error begins; the offset of the bad byte follows.
pub const UTF8_ERROR: &str = "invalid UTF-8 at byte ";

impl ModuleInfo<'_> {
    pub fn types(&self) -> &Types {
        &self.program.types
    }

    /// The index of a helper or adapter, creating it if this is its first use.
    pub fn func(&self, key: Key) -> u32 {
        let mut registry = self.registry.borrow_mut();
        if let Some(&index) = registry.index.get(&key) {
            return index;
        }
        let index = registry.next;
        registry.next += 1;
        registry.index.insert(key, index);
        registry.pending.push((key, index));
        index
    }

    /// The first type seen of the same [`canon::shape`] as `ty`: the one whose load and
    /// store helpers serve them all.
    pub fn by_shape(&self, ty: TypeId) -> TypeId {
        *self
            .shapes
            .borrow_mut()
            .entry(canon::shape(self.types(), ty))
            .or_insert(ty)
    }

    pub fn helper(&self, helper: Helper) -> u32 {
        self.func(Key::Rt(helper))
    }

    pub fn string(&self, text: &str) -> (i32, i32) {
        (self.strings[text] as i32, text.len() as i32)
    }

    /// Where the elements of constant list `value` of type `ty` are in the data segment,
    /// and their size in bytes.
    pub fn const_list(&self, ty: TypeId, value: &ir::Const) -> (u32, u32) {
        let bytes = list_bytes(self.types(), ty, value, &self.strings);
        (self.const_lists[&bytes], bytes.len() as u32)
    }
}

struct ModuleBuilder {
    types: TypeSection,
    type_index: HashMap<(Vec<ValType>, Vec<ValType>), u32>,
}

impl ModuleBuilder {
    fn new() -> Self {
        ModuleBuilder {
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

    fn assemble(
        &mut self,
        program: &Program,
        module: &ir::Module,
        source: Option<(&str, &str)>,
        style: Style,
    ) -> Vec<u8> {
        let types = &program.types;
        let Usage {
            memory: uses_memory,
            prints,
            allocates,
            dropped,
        } = usage(program, module);

        // String literals, deduplicated, laid out after the fixed areas; then the elements
        // of constant lists, which may point at them.
        let mut texts: Vec<&str> = Vec::new();
        let mut lists: Vec<(TypeId, &ir::Const)> = Vec::new();
        let mut to_string = false;
        for value in &module.globals {
            const_strings(value, &mut texts);
        }
        for func in module.funcs.iter().flatten() {
            ir::walk(&func.body, &mut |node| match node {
                Node::Expr(expr) => match &expr.kind {
                    ir::ExprKind::Const(value) => {
                        const_strings(value, &mut texts);
                        if matches!(value, ir::Const::List(items) if !items.is_empty()) {
                            lists.push((expr.ty, value));
                        }
                    }
                    ir::ExprKind::Check(_, message) => texts.push(message),
                    ir::ExprKind::Builtin(ir::Builtin::ToString, _) => to_string = true,
                    ir::ExprKind::Builtin(ir::Builtin::FromUtf8, _) => texts.push(UTF8_ERROR),
                    _ => {}
                },
                Node::Pat(ir::Pat::Str(text)) => texts.push(text),
                _ => {}
            });
        }
        if prints {
            texts.push("\n");
        }
        if to_string {
            texts.extend(["true", "false"]);
        }
        // The empty string is (0, 0), as the empty list is: an address in the data segment
        // would, at its very end, equal the heap's base and pass for a heap block.
        let mut strings = HashMap::from([(String::new(), 0)]);
        let mut data = Vec::new();
        for text in texts {
            strings.entry(text.to_string()).or_insert_with(|| {
                let at = layout::DATA + data.len() as u32;
                data.extend_from_slice(text.as_bytes());
                at
            });
        }
        let mut segment = func::Segment {
            bytes: &mut data,
            base: layout::DATA,
        };
        let mut const_lists = HashMap::new();
        for (ty, value) in lists {
            let bytes = list_bytes(types, ty, value, &strings);
            const_lists
                .entry(bytes)
                .or_insert_with_key(|bytes| segment.append(bytes));
        }
        let global_values: Vec<Vec<func::Const>> = program
            .globals
            .iter()
            .zip(&module.globals)
            .map(|(global, value)| {
                func::global_flat(types, global.ty, value, &strings, &mut segment)
            })
            .collect();
        let heap_base = (layout::DATA + data.len() as u32 + 7) & !7;

        // Function index space: imports, then defined functions, then helpers and adapters
        // in the order they are first asked for.
        let mut imports = ImportSection::new();
        let mut names = NameMap::new();
        let mut func_index = vec![0; program.funcs.len()];
        let mut next = 0u32;
        // Only the imports something calls: an imported resource brings every method of its
        // interface into the program, and each import costs the component a lowering (and
        // `wasi:http/types` has dozens).
        let mut called = HashSet::new();
        for func in module.funcs.iter().flatten() {
            ir::walk(&func.body, &mut |node| {
                if let Node::Expr(ir::Expr {
                    kind: ir::ExprKind::Call(callee, _),
                    ..
                }) = node
                {
                    called.insert(callee.0 as usize);
                }
            });
        }
        for (id, func) in program.funcs.iter().enumerate() {
            if !called.contains(&id) {
                continue;
            }
            if let FuncKind::Imported {
                interface,
                wit_name,
            } = &func.kind
            {
                let (params, results) = abi::import_signature(program, func);
                let ty = self.func_type(params, results);
                let module = interface.as_deref().unwrap_or("$root");
                imports.import(module, wit_name, EntityType::Function(ty));
                func_index[id] = next;
                names.append(next, &func.name);
                next += 1;
            }
        }
        let mut wasi = HashMap::new();
        if prints {
            let version = crate::WASI_VERSION;
            let stdout = format!("wasi:cli/stdout@{version}");
            let streams = format!("wasi:io/streams@{version}");
            use ValType::I32;
            for (import, module, name, params, results) in [
                (
                    WasiImport::GetStdout,
                    &stdout,
                    "get-stdout",
                    vec![],
                    vec![I32],
                ),
                (
                    WasiImport::WriteAndFlush,
                    &streams,
                    "[method]output-stream.blocking-write-and-flush",
                    vec![I32; 4],
                    vec![],
                ),
                (
                    WasiImport::DropOutputStream,
                    &streams,
                    "[resource-drop]output-stream",
                    vec![I32],
                    vec![],
                ),
            ] {
                let ty = self.func_type(params, results);
                imports.import(module, name, EntityType::Function(ty));
                wasi.insert(import, next);
                names.append(next, name);
                next += 1;
            }
        }
        // `[resource-new]T`, `[resource-rep]T` and `[resource-drop]T` of each resource the
        // file implements, from the interface's `[export]` module.
        let mut resource_drop = HashMap::new();
        let mut resource_new = HashMap::new();
        let mut resource_rep = HashMap::new();
        // Each as its type, its name and the interface it belongs to.
        let mut implemented: Vec<(TypeId, &str, &str)> = program
            .resources
            .iter()
            .filter_map(|(&ty, r)| {
                let implementation = r.implementation.as_ref()?;
                let TypeDef::Resource { name, .. } = program.types.def(ty) else {
                    return None;
                };
                let interface = &program.exported_interfaces[implementation.interface].name;
                Some((ty, name.as_str(), interface.as_str()))
            })
            .collect();
        implemented.sort();
        for &(resource, name, interface) in &implemented {
            let module = format!("[export]{interface}");
            for (map, what, results) in [
                (&mut resource_new, "new", vec![ValType::I32]),
                (&mut resource_rep, "rep", vec![ValType::I32]),
                (&mut resource_drop, "drop", vec![]),
            ] {
                let ty = self.func_type(vec![ValType::I32], results);
                let field = format!("[resource-{what}]{name}");
                imports.import(&module, &field, EntityType::Function(ty));
                names.append(next, &field);
                map.insert(resource, next);
                next += 1;
            }
        }
        // `[resource-drop]T` of each imported resource a body drops handles of.
        for resource in dropped {
            if resource_drop.contains_key(&resource) {
                continue;
            }
            let TypeDef::Resource { name, interface } = program.types.def(resource) else {
                continue;
            };
            let ty = self.func_type(vec![ValType::I32], vec![]);
            let module = interface.as_deref().unwrap_or("$root");
            let field = format!("[resource-drop]{name}");
            imports.import(module, &field, EntityType::Function(ty));
            names.append(next, &field);
            resource_drop.insert(resource, next);
            next += 1;
        }
        let mut defined = Vec::new();
        for (id, func) in program.funcs.iter().enumerate() {
            if matches!(func.kind, FuncKind::Defined { .. }) && module.funcs[id].is_some() {
                func_index[id] = next;
                defined.push(id);
                next += 1;
            }
        }

        // Globals: the allocator's two, then the program's.
        let mut globals = GlobalSection::new();
        let mut global_index = Vec::new();
        let mut global_count = 0u32;
        if allocates {
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
        for (global, values) in program.globals.iter().zip(global_values) {
            global_index.push(global_count);
            for (val_type, init) in func::global_init(types, global.ty, values) {
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
            program,
            ir: module,
            func_index,
            global_index,
            wasi,
            resource_drop,
            resource_new,
            resource_rep,
            strings,
            const_lists,
            heap_base,
            allocates,
            small: style.small,
            registry: RefCell::new(Registry {
                next,
                pending: Vec::new(),
                index: HashMap::new(),
            }),
            shapes: RefCell::new(HashMap::new()),
        };

        let mut functions = FunctionSection::new();
        let mut code = CodeSection::new();
        let mut exports = ExportSection::new();
        let mut lines = Vec::new();
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
            let body = func::emit_body(&info, id);
            let len = body.function.byte_len() as u32;
            // Relative to the section's contents, less the function count (added below).
            let start = code.byte_len() as u32 + leb_len(len);
            lines.push(debug::FuncLines {
                name: func.name.clone(),
                start,
                len,
                lines: body.lines,
            });
            code.function(&body.function);
            names.append(info.func_index[id], &func.name);
        }
        for &id in &defined {
            if let Some(name) = abi::export_name(program, id) {
                let index = if abi::needs_adapter(&info, id) {
                    if abi::has_post_return(&info, id) {
                        let post = info.func(Key::PostReturn(id));
                        exports.export(&format!("cabi_post_{name}"), ExportKind::Func, post);
                    }
                    info.func(Key::Export(id))
                } else {
                    info.func_index[id]
                };
                exports.export(&name, ExportKind::Func, index);
            }
        }
        // Each implemented resource's destructor, which the host calls with the
        // representation when the last handle to it is dropped.
        for &(resource, name, interface) in &implemented {
            let export = format!("{interface}#[dtor]{name}");
            exports.export(&export, ExportKind::Func, info.func(Key::Dtor(resource)));
        }
        if allocates {
            let realloc = info.helper(Helper::CabiRealloc);
            exports.export("cabi_realloc", ExportKind::Func, realloc);
        }
        // The trap helpers' names are how a host tells why the program trapped, so they stay
        // even where no other name does.
        let mut trap_names = Vec::new();
        // Helpers ask for further helpers while being generated; drain until none are new.
        let mut done = 0;
        loop {
            let Some((key, index)) = info.registry.borrow().pending.get(done).copied() else {
                break;
            };
            done += 1;
            let (params, results, body) = generate(&info, key);
            let ty = self.func_type(params, results);
            functions.function(ty);
            code.function(&body);
            names.append(index, &key_name(program, key));
            if let Key::Rt(Helper::Trap(_)) = key {
                trap_names.push((index, key_name(program, key)));
            }
        }

        // The allocator's globals exist only when `Usage::allocates` said so; a helper that
        // uses them anyway would read a program global instead.
        assert!(
            allocates
                || !info
                    .registry
                    .borrow()
                    .index
                    .contains_key(&Key::Rt(Helper::Malloc)),
            "code that allocates in a program judged not to"
        );

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
        if let Some((file, text)) = source {
            let count = leb_len(functions.len());
            for func in &mut lines {
                func.start += count;
            }
            for (name, data) in debug::sections(file, text, &lines) {
                module.section(&wasm_encoder::CustomSection {
                    name: name.into(),
                    data: data.into(),
                });
            }
        }
        if !style.names && !trap_names.is_empty() {
            trap_names.sort();
            let mut map = NameMap::new();
            for (index, name) in &trap_names {
                map.append(*index, name);
            }
            let mut name_section = NameSection::new();
            name_section.functions(&map);
            module.section(&name_section);
        }
        if style.names {
            let mut name_section = NameSection::new();
            // Names the module in backtraces (`claw!func` rather than `<unknown>!func`).
            name_section.module("claw");
            name_section.functions(&names);
            module.section(&name_section);
        }
        module.finish()
    }
}

/// The elements of a constant list as they are laid out in memory.
fn list_bytes(
    types: &Types,
    ty: TypeId,
    value: &ir::Const,
    strings: &HashMap<String, u32>,
) -> Vec<u8> {
    let (TypeDef::List(elem), ir::Const::List(items)) = (types.def(ty), value) else {
        unreachable!("a constant list has a list type")
    };
    let size = canon::size(types, *elem) as usize;
    let mut bytes = Vec::with_capacity(size * items.len());
    for item in items {
        let start = bytes.len();
        for flat in func::const_flat(types, *elem, item, strings) {
            bytes.extend_from_slice(&flat.bytes());
        }
        // A narrow scalar stores fewer bytes than its flat `i32`.
        bytes.truncate(start + size);
    }
    bytes
}

/// Collects the strings inside a constant.
fn const_strings<'a>(value: &'a ir::Const, texts: &mut Vec<&'a str>) {
    match value {
        ir::Const::Str(text) => texts.push(text),
        ir::Const::List(items) | ir::Const::Tuple(items) => {
            items.iter().for_each(|i| const_strings(i, texts))
        }
        ir::Const::Case(_, Some(payload)) => const_strings(payload, texts),
        _ => {}
    }
}

fn generate(info: &ModuleInfo, key: Key) -> (Vec<ValType>, Vec<ValType>, Function) {
    let (params, results, code) = match key {
        Key::Rt(helper) => return runtime::emit(helper, info),
        Key::Load(ty) => values::gen_load(info, ty),
        Key::Store(ty) => values::gen_store(info, ty),
        Key::Eq(ty) => values::gen_eq(info, ty),
        Key::Copy(ty, persist) => values::gen_copy(info, ty, persist),
        Key::Release(ty) => values::gen_release(info, ty),
        Key::DropHandles(ty, which) => values::gen_drop(info, ty, which),
        Key::Dtor(ty) => values::gen_dtor(info, ty),
        Key::Map(op, ty) => map::generate(info, op, ty),
        Key::Export(id) => abi::gen_export(info, id),
        Key::PostReturn(_) => abi::gen_post_return(info),
    };
    (params, results, code.finish())
}

fn key_name(program: &Program, key: Key) -> String {
    let types = &program.types;
    match key {
        Key::Rt(helper) => helper.name().to_string(),
        Key::Load(ty) => format!("claw:load<{}>", types.name(ty)),
        Key::Store(ty) => format!("claw:store<{}>", types.name(ty)),
        Key::Eq(ty) => format!("claw:eq<{}>", types.name(ty)),
        Key::Copy(ty, true) => format!("claw:persist<{}>", types.name(ty)),
        Key::Copy(ty, false) => format!("claw:copy<{}>", types.name(ty)),
        Key::Release(ty) => format!("claw:release<{}>", types.name(ty)),
        Key::DropHandles(ty, values::Handles::Owned) => format!("claw:drop<{}>", types.name(ty)),
        Key::DropHandles(ty, values::Handles::Lent) => {
            format!("claw:end-borrows<{}>", types.name(ty))
        }
        Key::Dtor(ty) => format!("claw:dtor<{}>", types.name(ty)),
        Key::Map(op, ty) => format!("claw:map-{}<{}>", op.name(), types.name(ty)),
        Key::Export(id) => format!(
            "{} (export)",
            abi::export_name(program, id).unwrap_or_default()
        ),
        Key::PostReturn(id) => format!(
            "cabi_post_{}",
            abi::export_name(program, id).unwrap_or_default()
        ),
    }
}

/// What the program's bodies and signatures need of the module around them, found in one
/// walk over the IR.
struct Usage {
    /// Some value lives in linear memory, or some function crossing the boundary passes
    /// values through it.
    memory: bool,
    /// `print` or `println` is called: the module imports `wasi:cli/stdout`.
    prints: bool,
    /// Running the program may allocate: something crosses the boundary in memory, a
    /// global holds memory, or a body builds a list or string, copies one, or appends. When
    /// not, `print` of constants and reading constant strings need only the data segment.
    allocates: bool,
    /// The resources whose handles some body drops.
    dropped: std::collections::BTreeSet<TypeId>,
}

/// The imported resources a value of `ty` may hold borrows of.
fn borrowed_imports(program: &Program, ty: TypeId, out: &mut std::collections::BTreeSet<TypeId>) {
    let types = &program.types;
    if let TypeDef::Borrow(resource) = types.def(ty) {
        if program.implementation(*resource).is_none() {
            out.insert(*resource);
        }
    }
    for child in types.children(ty) {
        borrowed_imports(program, child, out);
    }
}

/// The resources of the owned handles a value of `ty` may hold.
fn owned_resources(types: &Types, ty: TypeId, out: &mut std::collections::BTreeSet<TypeId>) {
    if matches!(types.def(ty), TypeDef::Resource { .. }) {
        out.insert(ty);
    }
    for child in types.children(ty) {
        owned_resources(types, child, out);
    }
}

fn usage(program: &Program, module: &ir::Module) -> Usage {
    let types = &program.types;
    let is_mem = |ty: TypeId| types.in_memory(ty);
    let signatures = program.globals.iter().any(|g| is_mem(g.ty))
        || program
            .funcs
            .iter()
            .any(|f| f.param_types.iter().chain(&f.result).any(|&t| is_mem(t)))
        || program.funcs.iter().any(|f| abi::indirect(program, f));
    let mut usage = Usage {
        memory: signatures,
        prints: false,
        allocates: signatures,
        dropped: Default::default(),
    };
    // An export lent handles of imported resources drops them before it returns.
    for func in &program.funcs {
        if matches!(func.kind, FuncKind::Defined { exported: true, .. }) {
            for &param in &func.param_types {
                borrowed_imports(program, param, &mut usage.dropped);
            }
        }
    }
    for func in module.funcs.iter().flatten() {
        usage.memory |= func.locals.iter().any(|l| is_mem(l.ty));
        ir::walk(&func.body, &mut |node| match node {
            Node::Expr(expr) => {
                usage.memory |= is_mem(expr.ty);
                usage.prints |= matches!(
                    expr.kind,
                    ir::ExprKind::Builtin(ir::Builtin::Print { .. }, _)
                );
                if let ir::ExprKind::Builtin(ir::Builtin::Drop, args) = &expr.kind {
                    owned_resources(types, args[0].ty, &mut usage.dropped);
                }
                usage.allocates |= match &expr.kind {
                    ir::ExprKind::Const(ir::Const::List(items)) => !items.is_empty(),
                    ir::ExprKind::List(_)
                    | ir::ExprKind::Own(..)
                    | ir::ExprKind::Push(..)
                    | ir::ExprKind::Pop(..)
                    | ir::ExprKind::Builtin(
                        ir::Builtin::ToString | ir::Builtin::Slice { .. } | ir::Builtin::FromUtf8,
                        _,
                    ) => true,
                    ir::ExprKind::Binary(claw_syntax::ast::BinaryOp::Add, _, _) => is_mem(expr.ty),
                    _ => false,
                };
            }
            Node::Stmt(stmt) => {
                usage.allocates |= match &stmt.kind {
                    ir::StmtKind::Assign { release, .. } => *release,
                    ir::StmtKind::Compound { place, .. } => is_mem(place.ty),
                    _ => false,
                };
            }
            Node::Pat(_) => {}
        });
    }
    // A resource's representation lives in memory the allocator gives.
    let implements = program
        .resources
        .values()
        .any(|r| r.implementation.is_some());
    usage.memory |= usage.prints || implements;
    usage.allocates |= implements;
    usage.allocates &= usage.memory;
    usage
}
