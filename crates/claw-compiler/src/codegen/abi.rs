//! Canonical ABI entry points: core signatures of imports and the adapters around exports.
//!
//! Inside the module functions take and return flat values directly. At the boundary the
//! Canonical ABI passes more than 16 flat parameters as a pointer to a tuple in memory, and a
//! result of more than one flat value through memory: imports get a return pointer, exports an
//! adapter that stores the result and a post-return that frees the call's allocations.

use wasm_encoder::{Instruction as I, ValType};

use super::canon::{self, flat, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};
use super::code::Code;
use super::runtime::Helper;
use super::values::{emit_copy, emit_drop_handles, emit_load, emit_store, holds, Handles};
use super::ModuleInfo;
use crate::program::{FuncDef, FuncKind, Program};
use crate::types::{TypeId, Types};

fn flat_params(types: &Types, func: &FuncDef) -> Vec<ValType> {
    func.param_types
        .iter()
        .flat_map(|&t| flat(types, t))
        .collect()
}

fn flat_results(types: &Types, func: &FuncDef) -> Vec<ValType> {
    func.result.map_or(vec![], |t| flat(types, t))
}

pub fn params_in_memory(types: &Types, func: &FuncDef) -> bool {
    flat_params(types, func).len() > MAX_FLAT_PARAMS
}

pub fn result_in_memory(types: &Types, func: &FuncDef) -> bool {
    flat_results(types, func).len() > MAX_FLAT_RESULTS
}

/// Whether a function crossing the boundary passes anything through memory.
pub fn indirect(program: &Program, func: &FuncDef) -> bool {
    let crosses = matches!(
        func.kind,
        FuncKind::Imported { .. } | FuncKind::Defined { exported: true, .. }
    );
    crosses && (params_in_memory(&program.types, func) || result_in_memory(&program.types, func))
}

/// Offsets of the parameters in the tuple that carries them when they do not fit flat, and
/// that tuple's size and alignment.
pub fn param_layout(types: &Types, params: &[TypeId]) -> (Vec<u32>, u32, u32) {
    let mut offsets = Vec::new();
    let mut end = 0u32;
    let mut align = 1;
    for &ty in params {
        let a = canon::align(types, ty);
        align = align.max(a);
        let at = end.next_multiple_of(a);
        offsets.push(at);
        end = at + canon::size(types, ty);
    }
    (offsets, end.next_multiple_of(align), align)
}

/// The core signature of an imported function, as `wit-component` expects it.
pub fn import_signature(program: &Program, func: &FuncDef) -> (Vec<ValType>, Vec<ValType>) {
    let types = &program.types;
    let mut params = if params_in_memory(types, func) {
        vec![ValType::I32]
    } else {
        flat_params(types, func)
    };
    let mut results = flat_results(types, func);
    if results.len() > MAX_FLAT_RESULTS {
        params.push(ValType::I32);
        results.clear();
    }
    (params, results)
}

/// The name the core module exports a program function under, if it is exported:
/// `name` at the world's root, `iface#name` inside an exported interface.
pub fn export_name(program: &Program, id: usize) -> Option<String> {
    let func = &program.funcs[id];
    match func.kind {
        FuncKind::Defined {
            exported: true,
            interface: None,
            ..
        } => Some(func.name.clone()),
        FuncKind::Defined {
            exported: true,
            interface: Some(interface),
            ..
        } => Some(format!(
            "{}#{}",
            program.exported_interfaces[interface].name, func.name
        )),
        _ => None,
    }
}

/// Whether the export needs a wrapper: to move values through memory, or to free the call's
/// allocations. A program without memory exports its functions as they are.
pub fn needs_adapter(info: &ModuleInfo, id: usize) -> bool {
    let func = &info.program.funcs[id];
    info.allocates
        || indirect(info.program, func)
        || func
            .param_types
            .iter()
            .any(|&t| holds(info, t, Handles::Lent))
}

pub fn has_post_return(info: &ModuleInfo, id: usize) -> bool {
    result_in_memory(info.types(), &info.program.funcs[id])
}

pub fn gen_export(info: &ModuleInfo, id: usize) -> (Vec<ValType>, Vec<ValType>, Code) {
    let types = info.types();
    let func = &info.program.funcs[id];
    let by_pointer = params_in_memory(types, func);
    let params = if by_pointer {
        vec![ValType::I32]
    } else {
        flat_params(types, func)
    };
    let mut code = Code::new(params.len() as u32);
    if by_pointer {
        let (offsets, _, _) = param_layout(types, &func.param_types);
        for (&ty, offset) in func.param_types.iter().zip(offsets) {
            emit_load(&mut code, info, ty, 0, offset);
        }
    } else {
        code.get(0, params.len());
    }
    enter_maps(&mut code, info, &func.param_types);
    code.push(I::Call(info.func_index[id]));
    // Borrows of imported resources the call was lent end with it.
    if func
        .param_types
        .iter()
        .any(|&t| holds(info, t, Handles::Lent))
    {
        let results = code.stash(&flat_results(types, func));
        if by_pointer {
            let (offsets, _, _) = param_layout(types, &func.param_types);
            for (&ty, offset) in func.param_types.iter().zip(offsets) {
                if holds(info, ty, Handles::Lent) {
                    emit_load(&mut code, info, ty, 0, offset);
                    emit_drop_handles(&mut code, info, ty, Handles::Lent);
                }
            }
        } else {
            let mut slot = 0;
            for &ty in &func.param_types {
                let k = flat(types, ty).len();
                if holds(info, ty, Handles::Lent) {
                    code.get(slot, k);
                    emit_drop_handles(&mut code, info, ty, Handles::Lent);
                }
                slot += k as u32;
            }
        }
        code.get(results, flat_results(types, func).len());
    }
    let results = flat_results(types, func);
    if results.len() > MAX_FLAT_RESULTS {
        let result = func.result.expect("a result that flattens to values");
        let values = code.stash(&results);
        let area = code.local(ValType::I32);
        code.extend([
            I::I32Const(canon::size(types, result) as i32),
            I::Call(info.helper(Helper::ScratchAlloc)),
            I::LocalSet(area),
        ]);
        code.get(values, results.len());
        emit_store(&mut code, info, result, area, 0);
        code.push(I::LocalGet(area));
        (params, vec![ValType::I32], code)
    } else {
        // Nothing the host reads lives in memory: free the call's allocations right away.
        if info.allocates {
            code.push(I::Call(info.helper(Helper::ScratchReset)));
        }
        (params, results, code)
    }
}

/// Gives every map among the values of `types` on the stack an index of its own: a map
/// from outside is only its entries. Copying a value rebuilds the maps in it, each
/// indexed, so the copy of what holds them is that walk; values without maps stay as they
/// are.
pub fn enter_maps(code: &mut Code, info: &ModuleInfo, types: &[TypeId]) {
    let table = info.types();
    if !types.iter().any(|&t| table.contains_map(t)) {
        return;
    }
    let all: Vec<ValType> = types.iter().flat_map(|&t| flat(table, t)).collect();
    let values = code.stash(&all);
    let mut slot = values;
    for &ty in types {
        let k = flat(table, ty).len();
        code.get(slot, k);
        if table.contains_map(ty) {
            emit_copy(code, info, ty, false);
        }
        slot += k as u32;
    }
}

pub fn gen_post_return(info: &ModuleInfo) -> (Vec<ValType>, Vec<ValType>, Code) {
    let mut code = Code::new(1);
    code.push(I::Call(info.helper(Helper::ScratchReset)));
    (vec![ValType::I32], vec![], code)
}
