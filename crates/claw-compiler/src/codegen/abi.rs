//! Canonical ABI entry points: core signatures of imports and the adapters around exports.
//!
//! Internal functions return multiple values directly; the Canonical ABI instead returns a
//! result that flattens to more than one value through memory, so exports get an adapter that
//! stores it, and imports get a return pointer.

use wasm_encoder::{Function, MemArg, ValType};

use super::runtime::Helper;
use super::{flat, layout, new_function, ModuleInfo};
use crate::program::{FuncDef, Program};

/// The core signature of an imported function, as `wit-component` expects it.
pub fn import_signature(program: &Program, func: &FuncDef) -> (Vec<ValType>, Vec<ValType>) {
    let mut params: Vec<ValType> = func
        .param_types
        .iter()
        .flat_map(|&t| flat(&program.types, t))
        .collect();
    let mut results = func.result.map_or(vec![], |t| flat(&program.types, t));
    if results.len() > 1 {
        params.push(ValType::I32);
        results.clear();
    }
    (params, results)
}

/// Whether a call to an import returns its result through [`layout::IMPORT_RET`].
pub fn import_returns_in_memory(program: &Program, func: &FuncDef) -> bool {
    func.result
        .is_some_and(|t| flat(&program.types, t).len() > 1)
}

pub struct Adapter {
    pub export_name: String,
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
    /// `None` when the internal function can be exported as it is.
    pub body: Option<Function>,
}

pub fn export_adapters(program: &Program, info: &ModuleInfo, id: usize) -> Vec<Adapter> {
    let func = &program.funcs[id];
    let params: Vec<ValType> = func
        .param_types
        .iter()
        .flat_map(|&t| flat(&program.types, t))
        .collect();
    let results = func.result.map_or(vec![], |t| flat(&program.types, t));
    if !info.uses_memory {
        return vec![Adapter {
            export_name: func.name.clone(),
            params,
            results,
            body: None,
        }];
    }
    let arity = params.len() as u32;
    let in_memory = results.len() > 1;
    let mut body = new_function(&results);
    let mut sink = body.instructions();
    for index in 0..arity {
        sink.local_get(index);
    }
    sink.call(info.func_index[id]);
    let mut adapters = Vec::new();
    if in_memory {
        // Pop the flat results into locals, then store each at its canonical offset.
        for index in (0..results.len() as u32).rev() {
            sink.local_set(arity + index);
        }
        let mut offset = 0u32;
        for (index, ty) in results.iter().enumerate() {
            let size = match ty {
                ValType::I64 | ValType::F64 => 8,
                _ => 4,
            };
            offset = offset.next_multiple_of(size);
            sink.i32_const(layout::EXPORT_RET as i32)
                .local_get(arity + index as u32);
            let arg = MemArg {
                offset: offset.into(),
                align: size.trailing_zeros(),
                memory_index: 0,
            };
            match ty {
                ValType::I64 => sink.i64_store(arg),
                ValType::F32 => sink.f32_store(arg),
                ValType::F64 => sink.f64_store(arg),
                _ => sink.i32_store(arg),
            };
            offset += size;
        }
        sink.i32_const(layout::EXPORT_RET as i32).end();
        let mut post = new_function(&[]);
        post.instructions()
            .call(info.helper(Helper::ScratchReset))
            .end();
        adapters.push(Adapter {
            export_name: func.name.clone(),
            params,
            results: vec![ValType::I32],
            body: Some(body),
        });
        adapters.push(Adapter {
            export_name: format!("cabi_post_{}", func.name),
            params: vec![ValType::I32],
            results: vec![],
            body: Some(post),
        });
    } else {
        // Nothing the host reads lives in memory: free the call's allocations right away.
        sink.call(info.helper(Helper::ScratchReset)).end();
        adapters.push(Adapter {
            export_name: func.name.clone(),
            params,
            results,
            body: Some(body),
        });
    }
    adapters
}
