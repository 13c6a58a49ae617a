//! Places: a variable, or a field or element inside one (`p.items[0].name`). A place is
//! either a range of Wasm locals or globals (a variable and the fields within it), or an
//! address in memory (anything reached through a list element).
//!
//! Stores into a global keep a copy off the scratch list (`persist`) and release the value
//! they replace, so a global owns all of its memory.

use claw_syntax::ast::BinaryOp;
use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::Emitter;
use crate::codegen::canon;
use crate::codegen::code::mem;
use crate::codegen::map::MapOp;
use crate::codegen::runtime::{Helper, Trap};
use crate::codegen::values::{
    coerce_to_join, each_index, emit_copy, emit_load, emit_release, emit_store, needs_copy,
};
use crate::codegen::Key;
use crate::ir::{self, step_type};
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
    /// Where an IR place is: its variable's locals or globals, narrowed by each field, and
    /// moved to memory by each element on the way (whose index is evaluated there).
    fn place(&mut self, place: &ir::Place) -> Place {
        let types = self.info.types();
        let (loc, ty) = match place.root {
            ir::Var::Local(local) => (Loc::Locals(self.wasm_local(local)), self.local_type(local)),
            ir::Var::Global(global) => (
                Loc::Globals(self.info.global_index[global.0 as usize]),
                self.info.program.globals[global.0 as usize].ty,
            ),
        };
        let mut at = Place {
            loc,
            ty,
            global: place.global(),
            flag: None,
        };
        for step in &place.path {
            match step {
                ir::Step::Deref => {
                    let handle = at.ty;
                    self.read(at);
                    if matches!(types.def(handle), TypeDef::Resource { .. }) {
                        self.code.push(I::Call(self.info.resource_rep[&handle]));
                    }
                    let addr = self.code.stash(&[ValType::I32]);
                    let rep = self
                        .info
                        .program
                        .implementation(types.resource(handle).expect("a handle"))
                        .expect("checked: the file implements the resource")
                        .rep;
                    at = Place {
                        loc: Loc::Mem { addr, offset: 0 },
                        ty: rep,
                        global: true,
                        flag: None,
                    };
                }
                ir::Step::Field(index) => {
                    let ty = step_type(types, at.ty, *index);
                    if let TypeDef::Flags { .. } = types.def(at.ty) {
                        at = Place {
                            ty,
                            flag: Some((at.ty, *index)),
                            ..at
                        };
                        continue;
                    }
                    let index = *index as usize;
                    let loc = match at.loc {
                        Loc::Locals(first) | Loc::Globals(first) => {
                            let fields = types.fields(at.ty).unwrap_or_default();
                            let before: usize =
                                fields[..index].iter().map(|f| self.flat(f.1).len()).sum();
                            match at.loc {
                                Loc::Locals(_) => Loc::Locals(first + before as u32),
                                _ => Loc::Globals(first + before as u32),
                            }
                        }
                        Loc::Mem { addr, offset } => Loc::Mem {
                            addr,
                            offset: offset + canon::field_offsets(types, at.ty)[index],
                        },
                    };
                    at = Place { loc, ty, ..at };
                }
                ir::Step::Index(index, checked) => {
                    let TypeDef::List(elem) = *types.def(at.ty) else {
                        unreachable!("checked: indexing a list")
                    };
                    self.read(at);
                    let list = self.code.stash(&[ValType::I32, ValType::I32]);
                    let addr = self.element(list, index, *checked, elem);
                    at = Place {
                        loc: Loc::Mem { addr, offset: 0 },
                        ty: elem,
                        global: at.global,
                        flag: None,
                    };
                }
            }
        }
        at
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

    /// Reads a place's value as it is.
    /// The value in a place, which is left holding zeros: no handle, no memory.
    pub(super) fn take(&mut self, place: &ir::Place) {
        let place = self.place(place);
        self.read(place);
        if place.global && self.info.types().in_memory(place.ty) {
            // What a global owned is the call's now: freed when it ends, unless kept.
            let vt = self.flat(place.ty);
            let value = self.code.stash(&vt);
            self.code.get(value, vt.len());
            emit_release(&mut self.code, self.info, place.ty);
            self.code.get(value, vt.len());
        }
        for vt in self.flat(place.ty) {
            self.code.push(match vt {
                ValType::I64 => I::I64Const(0),
                ValType::F32 => I::F32Const(0.0.into()),
                ValType::F64 => I::F64Const(0.0.into()),
                _ => I::I32Const(0),
            });
        }
        self.write(place);
    }

    pub(super) fn read_place(&mut self, place: &ir::Place) {
        let place = self.place(place);
        self.read(place);
    }

    /// Stores the value on the stack in `place`, first releasing the old value if `release`.
    fn replace(&mut self, place: Place, release: bool) {
        if release {
            let vt = self.flat(place.ty);
            let new = self.code.stash(&vt);
            self.read(place);
            emit_release(&mut self.code, self.info, place.ty);
            self.code.get(new, vt.len());
        }
        self.write(place);
    }

    /// `place = value`. The value is evaluated before the place, as Rust does, so that a
    /// call in it which grows the list the place is in (moving it to a new block) cannot
    /// leave the place's address stale.
    pub(super) fn assign(&mut self, target: &ir::Place, value: &ir::Expr, release: bool) {
        let vt = self.flat(value.ty);
        self.expr(value);
        let new = self.code.stash(&vt);
        let place = self.place(target);
        self.code.get(new, vt.len());
        self.replace(place, release);
    }

    /// `place op= value`, with the value evaluated first as in [`Emitter::assign`].
    pub(super) fn compound(
        &mut self,
        target: &ir::Place,
        op: BinaryOp,
        value: &ir::Expr,
        own: ir::Own,
        release: bool,
    ) {
        if op == BinaryOp::Add && target.ty == TypeId::STRING {
            return self.append(target, value);
        }
        let vt = self.flat(value.ty);
        self.expr(value);
        let rhs = self.code.stash(&vt);
        let place = self.place(target);
        self.read(place);
        self.code.get(rhs, vt.len());
        self.binary_op(op, place.ty);
        if own != ir::Own::Keep {
            emit_copy(&mut self.code, self.info, place.ty, own == ir::Own::Persist);
        }
        self.replace(place, release);
    }

    /// `xs.push(v)`: grows the list in place while its block has room, else moves it to a
    /// block twice the size.
    /// The element is evaluated before the place, as in [`Emitter::assign`].
    pub(super) fn push(&mut self, receiver: &ir::Place, at: Option<&ir::Expr>, value: &ir::Expr) {
        let elem = value.ty;
        let size = canon::size(self.info.types(), elem) as i32;
        let at = at.map(|at| {
            self.expr(at);
            self.code.stash(&[ValType::I32])
        });
        self.expr(value);
        let item = self.code.stash(&self.flat(elem));
        let place = self.place(receiver);
        self.read(place);
        let list = self.code.stash(&[ValType::I32, ValType::I32]);
        let (ptr, len) = (list, list + 1);
        if let Some(at) = at {
            self.code
                .extend([I::LocalGet(at), I::LocalGet(len), I::I32GtU]);
            self.trap_if(Trap::IndexOutOfBounds);
        }
        self.make_room(
            place.global,
            ptr,
            &[I::LocalGet(len), I::I32Const(size), I::I32Mul],
            &[
                I::LocalGet(len),
                I::I32Const(1),
                I::I32Add,
                I::I32Const(size),
                I::I32Mul,
            ],
            // Twice the elements, and at least four.
            &[
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
            ],
        );
        let addr = self.code.local(ValType::I32);
        self.code.extend([
            I::LocalGet(ptr),
            I::LocalGet(at.unwrap_or(len)),
            I::I32Const(size),
            I::I32Mul,
            I::I32Add,
            I::LocalSet(addr),
        ]);
        if let Some(at) = at {
            // The elements from `at` on move up one; the block is the place's own.
            let count = [I::LocalGet(len), I::LocalGet(at), I::I32Sub];
            self.shift_elements(addr, size, &count, true);
        }
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

    /// `s += t` on a string the place owns: the bytes go after its own, in its block while it
    /// has room, else in a new block twice the size, as `push` grows a list; so n appends
    /// cost O(n) in all. The block's bytes past the string's length belong to no other
    /// value, because a `mut` variable or a global owns its strings (what is kept from one is
    /// a copy).
    fn append(&mut self, target: &ir::Place, value: &ir::Expr) {
        self.expr(value);
        let add = self.code.stash(&[ValType::I32, ValType::I32]);
        let place = self.place(target);
        self.read(place);
        let string = self.code.stash(&[ValType::I32, ValType::I32]);
        let (ptr, len) = (string, string + 1);
        let total = self.code.local(ValType::I32);
        self.code.extend([
            I::LocalGet(len),
            I::LocalGet(add + 1),
            I::I32Add,
            I::LocalSet(total),
        ]);
        self.make_room(
            place.global,
            ptr,
            &[I::LocalGet(len)],
            &[I::LocalGet(total)],
            &[I::LocalGet(total), I::I32Const(2), I::I32Mul],
        );
        let end = self.code.local(ValType::I32);
        self.code.extend([
            I::LocalGet(ptr),
            I::LocalGet(len),
            I::I32Add,
            I::LocalSet(end),
        ]);
        let copy = [
            I::LocalGet(end),
            I::LocalGet(add),
            I::LocalGet(add + 1),
            I::MemoryCopy {
                src_mem: 0,
                dst_mem: 0,
            },
        ];
        match value.constant() {
            // A short literal is stored byte by byte: cheaper than a call to copy memory.
            Some(ir::Const::Str(text)) if text.len() <= 8 => {
                for (at, byte) in text.bytes().enumerate() {
                    self.code.extend([
                        I::LocalGet(end),
                        I::I32Const(i32::from(byte)),
                        I::I32Store8(mem(at as u32, 1)),
                    ]);
                }
            }
            _ if self.info.small => self.code.extend(copy),
            // Most appends are a few bytes, which a loop copies faster than a call to the
            // engine's memory copy does.
            _ => {
                self.code.extend([
                    I::LocalGet(add + 1),
                    I::I32Const(16),
                    I::I32GeU,
                    I::If(BlockType::Empty),
                ]);
                self.code.extend(copy);
                self.code.push(I::Else);
                each_index(&mut self.code, add + 1, |code, i| {
                    code.extend([
                        I::LocalGet(end),
                        I::LocalGet(i),
                        I::I32Add,
                        I::LocalGet(add),
                        I::LocalGet(i),
                        I::I32Add,
                        I::I32Load8U(mem(0, 1)),
                        I::I32Store8(mem(0, 1)),
                    ]);
                });
                self.code.push(I::End);
            }
        }
        self.code.extend([I::LocalGet(ptr), I::LocalGet(total)]);
        self.write(place);
    }

    /// Makes the block at local `ptr` hold `need` bytes (computed by those instructions):
    /// while its size class has room it stays, else its `used` bytes move to a new block of
    /// `grown` bytes (from `malloc` for a global, which then hands the old block to the
    /// scratch list, since a local may still point at it). Static data and the empty value
    /// (pointer 0) have no room.
    fn make_room(
        &mut self,
        global: bool,
        ptr: u32,
        used: &[I<'static>],
        need: &[I<'static>],
        grown: &[I<'static>],
    ) {
        let [cap, new] = [0; 2].map(|_| self.code.local(ValType::I32));
        let alloc = if global {
            Helper::Malloc
        } else {
            Helper::ScratchAlloc
        };
        self.code.extend([
            I::I32Const(0),
            I::LocalSet(cap),
            I::LocalGet(ptr),
            I::I32Const(self.info.heap_base as i32),
            I::I32GeU,
            I::If(BlockType::Empty),
            // The size class, in the header, less the header.
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
        ]);
        self.code.extend(need.iter().cloned());
        self.code
            .extend([I::LocalGet(cap), I::I32GtU, I::If(BlockType::Empty)]);
        self.code.extend(grown.iter().cloned());
        self.code.extend([
            I::Call(self.info.helper(alloc)),
            I::LocalTee(new),
            I::LocalGet(ptr),
        ]);
        self.code.extend(used.iter().cloned());
        self.code.push(I::MemoryCopy {
            src_mem: 0,
            dst_mem: 0,
        });
        if global {
            self.code.extend([
                I::LocalGet(ptr),
                I::Call(self.info.helper(Helper::DeferFree)),
            ]);
        }
        self.code
            .extend([I::LocalGet(new), I::LocalSet(ptr), I::End]);
    }

    /// `m.insert(key, value)` (with `value`) or `m.remove(key)`: the map's helper takes the
    /// map and gives it back, grown or moved, with the `option` of the key's old value.
    pub(super) fn map_change(
        &mut self,
        receiver: &ir::Place,
        key: &ir::Expr,
        value: Option<&ir::Expr>,
        ty: TypeId,
    ) {
        let mut args = self.flat(key.ty);
        self.expr(key);
        if let Some(value) = value {
            self.expr(value);
            args.extend(self.flat(value.ty));
        }
        let stashed = self.code.stash(&args);
        let place = self.place(receiver);
        self.read(place);
        self.code.get(stashed, args.len());
        let op = match value {
            Some(_) => MapOp::Insert(place.global),
            None => MapOp::Remove(place.global),
        };
        self.code
            .push(I::Call(self.info.func(Key::Map(op, receiver.ty))));
        let option = self.code.stash(&self.flat(ty));
        self.write(place);
        self.code.get(option, self.flat(ty).len());
    }

    /// `xs.pop()`: `none` for an empty list, else `some` of the last element, removed.
    pub(super) fn pop(&mut self, receiver: &ir::Place, at: Option<&ir::Expr>, ty: TypeId) {
        if let Some(at) = at {
            return self.remove(receiver, at);
        }
        let option = ty;
        let place = self.place(receiver);
        let TypeDef::List(elem) = *self.info.types().def(place.ty) else {
            unreachable!("checked: pop on a list")
        };
        let size = canon::size(self.info.types(), elem) as i32;
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
        if place.global && needs_copy(self.info.types(), elem, true) {
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

    /// Moves `count` elements of `size` bytes one place up from `addr` (`up`), or down onto
    /// `addr` from the element after it; `memory.copy` allows the overlap.
    fn shift_elements(&mut self, addr: u32, size: i32, count: &[I<'static>], up: bool) {
        let one_over = [I::LocalGet(addr), I::I32Const(size), I::I32Add];
        let at = [I::LocalGet(addr)];
        let (dst, src): (&[I], &[I]) = if up {
            (&one_over, &at)
        } else {
            (&at, &one_over)
        };
        self.code.extend(dst.iter().cloned());
        self.code.extend(src.iter().cloned());
        self.code.extend(count.iter().cloned());
        self.code.extend([
            I::I32Const(size),
            I::I32Mul,
            I::MemoryCopy {
                src_mem: 0,
                dst_mem: 0,
            },
        ]);
    }

    /// `place.remove(at)`: the element at `at`, the elements after it moved down one in the
    /// place's own block.
    fn remove(&mut self, receiver: &ir::Place, at: &ir::Expr) {
        self.expr(at);
        let at = self.code.stash(&[ValType::I32]);
        let place = self.place(receiver);
        let TypeDef::List(elem) = *self.info.types().def(place.ty) else {
            unreachable!("checked: remove on a list")
        };
        let size = canon::size(self.info.types(), elem) as i32;
        self.read(place);
        let list = self.code.stash(&[ValType::I32, ValType::I32]);
        let (ptr, len) = (list, list + 1);
        self.code
            .extend([I::LocalGet(at), I::LocalGet(len), I::I32GeU]);
        self.trap_if(Trap::IndexOutOfBounds);
        let addr = self.code.local(ValType::I32);
        self.code.extend([
            I::LocalGet(ptr),
            I::LocalGet(at),
            I::I32Const(size),
            I::I32Mul,
            I::I32Add,
            I::LocalSet(addr),
        ]);
        emit_load(&mut self.code, self.info, elem, addr, 0);
        let vt = self.flat(elem);
        let value = self.code.stash(&vt);
        if place.global && needs_copy(self.info.types(), elem, true) {
            // Nothing holds the element now: it goes to the scratch list with the call's
            // other temporaries.
            self.code.get(value, vt.len());
            emit_release(&mut self.code, self.info, elem);
        }
        let count = [
            I::LocalGet(len),
            I::LocalGet(at),
            I::I32Sub,
            I::I32Const(1),
            I::I32Sub,
        ];
        self.shift_elements(addr, size, &count, false);
        self.code.extend([
            I::LocalGet(ptr),
            I::LocalGet(len),
            I::I32Const(1),
            I::I32Sub,
        ]);
        self.write(place);
        self.code.get(value, vt.len());
    }
}
