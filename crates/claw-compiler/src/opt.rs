//! The optimizer: passes over the IR, each a module of its own, run in the order the level
//! asks for. Every pass keeps the program's meaning exactly (values, traps, and the order of
//! calls and of what they print); the differential test checks each level against the
//! reference interpreter, and `tests/ir/` shows what each pass does to a program.

mod append;
mod bounds;
mod dead;
mod drops;
mod fold;
mod inline;
mod moves;
mod tail;

use crate::ir::Module;
use crate::program::{FuncId, Program};
use crate::OptLevel;

pub fn optimize(module: &mut Module, program: &Program, level: OptLevel) {
    if level == OptLevel::O0 {
        // No pass touches the file's own code, but the library functions nothing calls go:
        // `to-string` links the float library wherever it appears.
        dead::functions(module, program, true);
        return;
    }
    let types = &program.types;
    let full = matches!(level, OptLevel::O2 | OptLevel::Os);
    if full {
        for (id, func) in module.funcs.iter_mut().enumerate() {
            if let Some(func) = func {
                tail::run(func, FuncId(id as u32), types);
            }
        }
        let small = if level == OptLevel::Os {
            4
        } else {
            inline::SMALL
        };
        inline::run(module, program, small);
    }
    for func in module.funcs.iter_mut().flatten() {
        if full {
            append::run(&mut func.body);
        }
        fold::run(func, types);
        dead::run(func);
        drops::run(func);
        if full {
            moves::run(func, types);
            bounds::run(&mut func.body);
        }
    }
    dead::functions(module, program, false);
}
