//! Places: a variable, or a field or element inside one (`p.items[0].name`). A place is
//! either a range of Wasm locals or globals (a variable and the fields within it), or an
//! address in memory (anything reached through a list element).
//!
//! Stores into a global keep a copy off the scratch list (`persist`) and release the value
//! they replace, so a global owns all of its memory.

use claw_syntax::ast::{BinaryOp, ExprId, ExprKind};
use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::Emitter;
use crate::codegen::canon;
use crate::codegen::code::mem;
use crate::codegen::runtime::Helper;
use crate::codegen::values::{
    coerce_to_join, emit_copy, emit_load, emit_release, emit_store, needs_copy,
};
use crate::program::Res;
use crate::types::{TypeDef, TypeId};

#[derive(Clone, Copy)]
enum Loc {
    Locals(u32),
    Globals(u32),
    Mem { addr: u32, offset: u32 },
}

#[derive(Clone, Copy)]
struct Place {
    loc: Loc,
    ty: TypeId,
    /// Whether the variable at the root is a global: what goes in must outlive the call.
    global: bool,
    /// For one flag of a flags value (`perms.write`, a `bool`): the flags type at `loc`, and
    /// the flag's bit.
    flag: Option<(TypeId, u32)>,
}

impl Emitter<'_> {
    /// The variable at the root of a place expression, if `id` is one.
    pub(super) fn place_root(&self, id: ExprId) -> Option<ExprId> {
        match &self.program.ast.exprs[id].kind {
            ExprKind::Path(_) => match self.program.expr_res.get(id) {
                Some(Res::Local(_) | Res::Global(_)) => Some(id),
                _ => None,
            },
            ExprKind::Field { base, .. } | ExprKind::Index { base, .. } => self.place_root(*base),
            _ => None,
        }
    }

    /// Whether the place's variable can change, so what is read from it must be copied.
    pub(super) fn mutable_root(&self, id: ExprId) -> bool {
        let program = self.program;
        match self
            .place_root(id)
            .and_then(|root| program.expr_res.get(root))
        {
            Some(Res::Local(local)) => program.locals[local.0 as usize].mutable,
            Some(Res::Global(global)) => program.globals[global.0 as usize].mutable,
            _ => false,
        }
    }

    /// Whether `id` is a place rooted in a local variable.
    pub(super) fn local_path(&self, id: ExprId) -> bool {
        let root = self.place_root(id);
        matches!(
            root.and_then(|r| self.program.expr_res.get(r)),
            Some(Res::Local(_))
        )
    }

    fn place(&mut self, id: ExprId) -> Place {
        let program = self.program;
        let ty = program.expr_type(id);
        match &program.ast.exprs[id].kind {
            ExprKind::Path(_) => match program.expr_res.get(id) {
                Some(Res::Local(local)) => Place {
                    loc: Loc::Locals(self.locals[local]),
                    ty,
                    global: false,
                    flag: None,
                },
                Some(Res::Global(global)) => Place {
                    loc: Loc::Globals(self.info.global_index[global.0 as usize]),
                    ty,
                    global: true,
                    flag: None,
                },
                _ => unreachable!("checked: a place starts at a variable"),
            },
            ExprKind::Field { base, .. } => {
                let outer = self.place(*base);
                let Some(Res::Field(index)) = program.expr_res.get(id) else {
                    unreachable!("checked: a field")
                };
                if let TypeDef::Flags { .. } = program.types.def(outer.ty) {
                    return Place {
                        ty,
                        flag: Some((outer.ty, *index)),
                        ..outer
                    };
                }
                let index = *index as usize;
                let loc = match outer.loc {
                    Loc::Locals(first) | Loc::Globals(first) => {
                        let fields = program.types.fields(outer.ty).unwrap_or_default();
                        let before: usize =
                            fields[..index].iter().map(|f| self.flat(f.1).len()).sum();
                        match outer.loc {
                            Loc::Locals(_) => Loc::Locals(first + before as u32),
                            _ => Loc::Globals(first + before as u32),
                        }
                    }
                    Loc::Mem { addr, offset } => Loc::Mem {
                        addr,
                        offset: offset + canon::field_offsets(&program.types, outer.ty)[index],
                    },
                };
                Place { loc, ty, ..outer }
            }
            ExprKind::Index { base, index } => {
                let outer = self.place(*base);
                self.read(outer);
                let list = self.code.stash(&[ValType::I32, ValType::I32]);
                let addr = self.element(list, *index, ty);
                Place {
                    loc: Loc::Mem { addr, offset: 0 },
                    ty,
                    global: outer.global,
                    flag: None,
                }
            }
            _ => unreachable!("checked: not a place"),
        }
    }

    fn read(&mut self, place: Place) {
        if let Some((flags, bit)) = place.flag {
            self.read(Place {
                ty: flags,
                flag: None,
                ..place
            });
            let words = self.code.stash(&self.flat(flags));
            self.code.extend([
                I::LocalGet(words + bit / 32),
                I::I32Const((bit % 32) as i32),
                I::I32ShrU,
                I::I32Const(1),
                I::I32And,
            ]);
            return;
        }
        let count = self.flat(place.ty).len() as u32;
        match place.loc {
            Loc::Locals(first) => self.code.get(first, count as usize),
            Loc::Globals(first) => {
                for index in 0..count {
                    self.code.push(I::GlobalGet(first + index));
                }
            }
            Loc::Mem { addr, offset } => {
                emit_load(&mut self.code, self.info, place.ty, addr, offset)
            }
        }
    }

    /// Pops a value into the place, as it is (no copy, no release).
    fn write(&mut self, place: Place) {
        if let Some((flags, bit)) = place.flag {
            // Read the flags, set or clear the one bit, write them back.
            let on = self.code.stash(&[ValType::I32]);
            let whole = Place {
                ty: flags,
                flag: None,
                ..place
            };
            self.read(whole);
            let vt = self.flat(flags);
            let words = self.code.stash(&vt);
            let word = words + bit / 32;
            let mask = 1u32 << (bit % 32);
            self.code.extend([
                I::LocalGet(word),
                I::I32Const(!mask as i32),
                I::I32And,
                I::LocalGet(on),
                I::I32Const((bit % 32) as i32),
                I::I32Shl,
                I::I32Or,
                I::LocalSet(word),
            ]);
            self.code.get(words, vt.len());
            self.write(whole);
            return;
        }
        let count = self.flat(place.ty).len() as u32;
        match place.loc {
            Loc::Locals(first) => self.code.set(first, count as usize),
            Loc::Globals(first) => {
                for index in (0..count).rev() {
                    self.code.push(I::GlobalSet(first + index));
                }
            }
            Loc::Mem { addr, offset } => {
                emit_store(&mut self.code, self.info, place.ty, addr, offset)
            }
        }
    }

    /// Reads a place's value without the copy a value read of a `mut` variable makes.
    pub(super) fn read_place_raw(&mut self, id: ExprId) {
        let place = self.place(id);
        self.read(place);
    }

    /// Makes the value on the stack fit to be stored in `place`: owned by it, and off the
    /// scratch list for a global. `value` is the expression it came from.
    fn own(&mut self, ty: TypeId, global: bool, value: Option<ExprId>) {
        if global {
            emit_copy(&mut self.code, self.info, ty, true);
        } else if !value.is_some_and(|v| self.fresh(v)) {
            emit_copy(&mut self.code, self.info, ty, false);
        }
    }

    /// Stores the value on the stack in `place`, releasing a global's old value.
    fn replace(&mut self, place: Place) {
        if place.global && self.program.types.in_memory(place.ty) {
            let vt = self.flat(place.ty);
            let new = self.code.stash(&vt);
            self.read(place);
            emit_release(&mut self.code, self.info, place.ty);
            self.code.get(new, vt.len());
        }
        self.write(place);
    }

    /// `place = value` and `place op= value`. The value is evaluated before the place, as
    /// Rust does, so that a call in it which grows the list the place is in (moving it to a
    /// new block) cannot leave the place's address stale.
    pub(super) fn assign(&mut self, target: ExprId, op: Option<BinaryOp>, value: ExprId) {
        let ty = self.program.expr_type(target);
        let vt = self.flat(ty);
        match op {
            Some(op) => {
                self.operand(value);
                let rhs = self.code.stash(&vt);
                let place = self.place(target);
                self.read(place);
                self.code.get(rhs, vt.len());
                self.binary_op(op, place.ty);
                self.own(place.ty, place.global, None);
                self.replace(place);
            }
            None => {
                self.expr(value);
                self.own(ty, self.global_root(target), Some(value));
                let new = self.code.stash(&vt);
                let place = self.place(target);
                self.code.get(new, vt.len());
                self.replace(place);
            }
        }
    }

    /// Whether the variable at the root of place `id` is a global.
    fn global_root(&self, id: ExprId) -> bool {
        let root = self.place_root(id);
        matches!(
            root.and_then(|r| self.program.expr_res.get(r)),
            Some(Res::Global(_))
        )
    }

    /// `xs.push(v)`: grows the list in place while its block has room, else moves it to a
    /// block twice the size.
    /// The element is evaluated before the place, as in [`Emitter::assign`].
    pub(super) fn push(&mut self, receiver: ExprId, value: ExprId) {
        let TypeDef::List(elem) = *self.program.types.def(self.program.expr_type(receiver)) else {
            unreachable!("checked: push on a list")
        };
        let size = canon::size(&self.program.types, elem) as i32;
        self.expr(value);
        self.own(elem, self.global_root(receiver), Some(value));
        let item = self.code.stash(&self.flat(elem));
        let place = self.place(receiver);
        self.read(place);
        let list = self.code.stash(&[ValType::I32, ValType::I32]);
        let (ptr, len) = (list, list + 1);
        let [cap, new] = [0; 2].map(|_| self.code.local(ValType::I32));
        let heap_base = self.info.heap_base as i32;
        let alloc = if place.global {
            Helper::Malloc
        } else {
            Helper::ScratchAlloc
        };
        self.code.extend([
            // The room in the list's block: its size class minus the header, or none for
            // static data (and for the empty list, whose pointer is 0).
            I::I32Const(0),
            I::LocalSet(cap),
            I::LocalGet(ptr),
            I::I32Const(heap_base),
            I::I32GeU,
            I::If(BlockType::Empty),
            I::I32Const(1),
            I::LocalGet(ptr),
            I::I32Const(8),
            I::I32Sub,
            I::I32Load(mem(0, 4)),
            I::I32Shl,
            I::I32Const(8),
            I::I32Sub,
            I::LocalSet(cap),
            I::End,
            I::LocalGet(len),
            I::I32Const(1),
            I::I32Add,
            I::I32Const(size),
            I::I32Mul,
            I::LocalGet(cap),
            I::I32GtU,
            I::If(BlockType::Empty),
            I::LocalGet(len),
            I::I32Const(2),
            I::I32Mul,
            I::I32Const(4),
            I::LocalGet(len),
            I::I32Const(2),
            I::I32GeU,
            I::Select,
            I::I32Const(size),
            I::I32Mul,
            I::Call(self.info.helper(alloc)),
            I::LocalTee(new),
            I::LocalGet(ptr),
            I::LocalGet(len),
            I::I32Const(size),
            I::I32Mul,
            I::MemoryCopy {
                src_mem: 0,
                dst_mem: 0,
            },
        ]);
        if place.global {
            self.code.extend([
                I::LocalGet(ptr),
                I::Call(self.info.helper(Helper::DeferFree)),
            ]);
        }
        self.code
            .extend([I::LocalGet(new), I::LocalSet(ptr), I::End]);
        let addr = self.code.local(ValType::I32);
        self.code.extend([
            I::LocalGet(ptr),
            I::LocalGet(len),
            I::I32Const(size),
            I::I32Mul,
            I::I32Add,
            I::LocalSet(addr),
        ]);
        self.code.get(item, self.flat(elem).len());
        emit_store(&mut self.code, self.info, elem, addr, 0);
        self.code.extend([
            I::LocalGet(ptr),
            I::LocalGet(len),
            I::I32Const(1),
            I::I32Add,
        ]);
        self.write(place);
    }

    /// `xs.pop()`: `none` for an empty list, else `some` of the last element, removed.
    pub(super) fn pop(&mut self, receiver: ExprId, option: TypeId) {
        let place = self.place(receiver);
        let TypeDef::List(elem) = *self.program.types.def(place.ty) else {
            unreachable!("checked: pop on a list")
        };
        let size = canon::size(&self.program.types, elem) as i32;
        let all = self.flat(option);
        let out = self.code.locals(&all);
        // `none`, with its payload slots zeroed.
        self.code.zeros(&all);
        self.code.set(out, all.len());
        self.read(place);
        let list = self.code.stash(&[ValType::I32, ValType::I32]);
        let addr = self.code.local(ValType::I32);
        self.code
            .extend([I::LocalGet(list + 1), I::If(BlockType::Empty)]);
        self.code.extend([
            I::LocalGet(list + 1),
            I::I32Const(1),
            I::I32Sub,
            I::LocalSet(list + 1),
            I::LocalGet(list),
            I::LocalGet(list + 1),
            I::I32Const(size),
            I::I32Mul,
            I::I32Add,
            I::LocalSet(addr),
        ]);
        emit_load(&mut self.code, self.info, elem, addr, 0);
        if place.global && needs_copy(&self.program.types, elem, true) {
            // Nothing holds the element now: it goes to the scratch list with the call's
            // other temporaries.
            let vt = self.flat(elem);
            let value = self.code.stash(&vt);
            self.code.get(value, vt.len());
            emit_release(&mut self.code, self.info, elem);
            self.code.get(value, vt.len());
        }
        let elem_flat = self.flat(elem);
        coerce_to_join(&mut self.code, &elem_flat, &all[1..]);
        self.code.set(out + 1, all.len() - 1);
        self.code.extend([I::I32Const(1), I::LocalSet(out)]);
        self.code.get(list, 2);
        self.write(place);
        self.code.push(I::End);
        self.code.get(out, all.len());
    }
}
