//! Expressions: each leaves its flat value on the operand stack.

use claw_syntax::ast::{BinaryOp, UnaryOp};
use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::constant::const_flat;
use super::Emitter;
use crate::codegen::abi::{enter_maps, param_layout, params_in_memory, result_in_memory};
use crate::codegen::canon;
use crate::codegen::map::MapOp;
use crate::codegen::runtime::{Helper, Trap};
use crate::codegen::values::{
    coerce_to_join, emit_copy, emit_drop, emit_eq, emit_load, emit_store, emit_store_from,
};
use crate::codegen::Key;
use crate::ir::{self, Builtin, Expr, ExprKind as K};
use crate::program::{FloatOp, FuncKind};
use crate::types::{IntShape, TypeDef, TypeId};

impl Emitter<'_> {
    pub(super) fn expr(&mut self, expr: &Expr) {
        let info = self.info;
        let types = info.types();
        let ty = expr.ty;
        match &expr.kind {
            K::Const(value) => self.constant(ty, value),
            K::Read(place) => self.read_place(place),
            K::Own(own, value) => {
                self.expr(value);
                emit_copy(&mut self.code, info, ty, *own == ir::Own::Persist);
            }
            K::Field(base, index) => {
                self.expr(base);
                let all = self.flat(base.ty);
                let first = self.code.stash(&all);
                if let TypeDef::Flags { .. } = types.def(base.ty) {
                    self.code.extend([
                        I::LocalGet(first + index / 32),
                        I::I32Const((index % 32) as i32),
                        I::I32ShrU,
                        I::I32Const(1),
                        I::I32And,
                    ]);
                    return;
                }
                let fields = types.fields(base.ty).unwrap_or_default();
                let before: usize = fields[..*index as usize]
                    .iter()
                    .map(|f| self.flat(f.1).len())
                    .sum();
                self.code.get(first + before as u32, self.flat(ty).len());
            }
            K::Index {
                list,
                index,
                checked,
            } => {
                self.expr(list);
                let list = self.code.stash(&[ValType::I32, ValType::I32]);
                let addr = self.element(list, index, *checked, ty);
                emit_load(&mut self.code, info, ty, addr, 0);
            }
            K::Call(func, args) => self.call(func.0 as usize, args),
            K::Case(case, payload) => self.case(ty, *case, payload.as_deref()),
            K::Builtin(Builtin::Print { newline }, args) => {
                self.expr(&args[0]);
                let helper = Helper::Print { newline: *newline };
                self.code.push(I::Call(info.helper(helper)));
            }
            K::Builtin(Builtin::Len, args) => {
                self.expr(&args[0]);
                let len = self.code.stash(&[ValType::I32]);
                self.code.extend([I::Drop, I::LocalGet(len)]);
            }
            K::Builtin(Builtin::ToString, args) => self.format_value(&args[0]),
            K::Builtin(Builtin::CharAt, args) => {
                // (pointer, length) of the string, then the byte offset.
                self.expr(&args[0]);
                self.code.push(I::Drop);
                self.expr(&args[1]);
                self.code.push(I::I32Add);
                let addr = self.code.stash(&[ValType::I32]);
                let [c, width] = [0; 2].map(|_| self.code.local(ValType::I32));
                // An ASCII byte is its own char; only the rest need decoding.
                self.code.extend([
                    I::LocalGet(addr),
                    I::I32Load8U(crate::codegen::code::mem(0, 1)),
                    I::LocalTee(c),
                    I::I32Const(0x80),
                    I::I32LtU,
                    I::If(BlockType::Empty),
                    I::I32Const(1),
                    I::LocalSet(width),
                    I::Else,
                    I::LocalGet(addr),
                    I::Call(info.helper(Helper::Utf8Next)),
                    I::LocalSet(width),
                    I::LocalSet(c),
                    I::End,
                    I::LocalGet(c),
                    I::LocalGet(width),
                ]);
            }
            K::Push(place, ir::Slot::Key(key), value) => {
                self.map_change(place, key, Some(value), ty)
            }
            K::Pop(place, ir::Slot::Key(key)) => self.map_change(place, key, None, ty),
            K::Push(place, at, value) => self.push(place, at.expr(), value),
            K::Pop(place, at) => self.pop(place, at.expr(), ty),
            K::Builtin(
                builtin @ (Builtin::MapGet | Builtin::MapHas | Builtin::MapLookup),
                args,
            ) => {
                let (key, map) = (&args[0], &args[1]);
                self.expr(key);
                let key_flat = self.flat(key.ty);
                let stashed = self.code.stash(&key_flat);
                self.expr(map);
                self.code.get(stashed, key_flat.len());
                let op = match builtin {
                    Builtin::MapGet => MapOp::Get,
                    Builtin::MapLookup => MapOp::Lookup,
                    _ => MapOp::Find,
                };
                self.code.push(I::Call(info.func(Key::Map(op, map.ty))));
                if *builtin == Builtin::MapHas {
                    self.code.extend([I::I32Const(-1), I::I32Ne]);
                }
            }
            K::Builtin(Builtin::MapFrom, args) => {
                self.expr(&args[0]);
                let len = self.code.stash(&[ValType::I32]);
                self.code.extend([I::LocalGet(len), I::LocalGet(len)]);
                self.code
                    .push(I::Call(info.func(Key::Map(MapOp::From(false), ty))));
            }
            K::Take(place) => self.take(place),
            K::Builtin(Builtin::New, args) => {
                let rep = args[0].ty;
                self.expr(&args[0]);
                let vt = self.flat(rep);
                let value = self.code.stash(&vt);
                let size = canon::size(types, rep).max(1) as i32;
                let ptr = self.code.local(ValType::I32);
                self.code.extend([
                    I::I32Const(size),
                    I::Call(info.helper(Helper::Malloc)),
                    I::LocalSet(ptr),
                ]);
                emit_store_from(&mut self.code, info, rep, value, ptr, 0);
                self.code
                    .extend([I::LocalGet(ptr), I::Call(info.resource_new[&ty])]);
            }
            K::Builtin(Builtin::Rep, args) => {
                self.expr(&args[0]);
                self.code.push(I::Call(info.resource_rep[&args[0].ty]));
            }
            K::Builtin(Builtin::Drop, args) => {
                self.expr(&args[0]);
                emit_drop(&mut self.code, info, args[0].ty);
            }
            K::List(items) => {
                let TypeDef::List(elem) = *types.def(ty) else {
                    unreachable!("checked: a list literal has a list type")
                };
                let size = canon::size(types, elem);
                let bytes = (size * items.len() as u32) as i32;
                let ptr = self.code.local(ValType::I32);
                self.code.extend([
                    I::I32Const(bytes),
                    I::Call(info.helper(Helper::ScratchAlloc)),
                    I::LocalSet(ptr),
                ]);
                // One set of locals for every element, so a long literal does not run out
                // of locals.
                let vt = self.flat(elem);
                let value = self.code.locals(&vt);
                for (index, item) in items.iter().enumerate() {
                    self.expr(item);
                    self.code.set(value, vt.len());
                    emit_store_from(&mut self.code, info, elem, value, ptr, index as u32 * size);
                }
                self.code
                    .extend([I::LocalGet(ptr), I::I32Const(items.len() as i32)]);
            }
            K::Tuple(items) => {
                for item in items {
                    self.expr(item);
                }
            }
            K::Record(fields) => {
                // Evaluated as written, pushed in declaration order.
                let mut stashed = vec![None; fields.len()];
                for (index, value) in fields {
                    self.expr(value);
                    let vt = self.flat(value.ty);
                    stashed[*index as usize] = Some((self.code.stash(&vt), vt.len()));
                }
                for (first, count) in stashed.into_iter().flatten() {
                    self.code.get(first, count);
                }
            }
            K::Unary(op, operand) => self.unary(*op, operand, ty),
            K::Binary(BinaryOp::And, lhs, rhs) => {
                self.expr(lhs);
                self.open(I::If(BlockType::Result(ValType::I32)));
                self.expr(rhs);
                self.code.push(I::Else);
                self.code.push(I::I32Const(0));
                self.close();
            }
            K::Binary(BinaryOp::Or, lhs, rhs) => {
                self.expr(lhs);
                self.open(I::If(BlockType::Result(ValType::I32)));
                self.code.push(I::I32Const(1));
                self.code.push(I::Else);
                self.expr(rhs);
                self.close();
            }
            K::Binary(op, lhs, rhs) => {
                self.expr(lhs);
                self.expr(rhs);
                self.binary_op(*op, lhs.ty);
            }
            K::Cast(value) => {
                self.expr(value);
                self.cast(value.ty, ty);
            }
            K::Match(scrutinee, arms, tree) => self.match_expr(ty, scrutinee, arms, tree),
            K::Try(inner) => self.try_expr(inner),
            K::Check(cond, message) => {
                let (at, len) = info.string(message);
                self.expr(cond);
                // `result<_, string>` flattens to (discriminant, pointer, length).
                self.open(I::If(BlockType::Empty));
                let out = self.code.locals(&[ValType::I32; 3]);
                self.code.extend([
                    I::I32Const(0),
                    I::LocalSet(out),
                    I::I32Const(0),
                    I::LocalSet(out + 1),
                    I::I32Const(0),
                    I::LocalSet(out + 2),
                    I::Else,
                    I::I32Const(1),
                    I::LocalSet(out),
                    I::I32Const(at),
                    I::LocalSet(out + 1),
                    I::I32Const(len),
                    I::LocalSet(out + 2),
                ]);
                self.close();
                self.code.get(out, 3);
            }
            K::Builtin(Builtin::Float(op), args) => {
                for arg in args {
                    self.expr(arg);
                }
                let single = ty == TypeId::F32;
                let pick = |a: I<'static>, b: I<'static>| if single { a } else { b };
                self.code.push(match op {
                    FloatOp::Abs => pick(I::F32Abs, I::F64Abs),
                    FloatOp::Sqrt => pick(I::F32Sqrt, I::F64Sqrt),
                    FloatOp::Floor => pick(I::F32Floor, I::F64Floor),
                    FloatOp::Ceil => pick(I::F32Ceil, I::F64Ceil),
                    FloatOp::Trunc => pick(I::F32Trunc, I::F64Trunc),
                    FloatOp::Nearest => pick(I::F32Nearest, I::F64Nearest),
                    FloatOp::Min => pick(I::F32Min, I::F64Min),
                    FloatOp::Max => pick(I::F32Max, I::F64Max),
                });
            }
            K::Builtin(Builtin::Reinterpret, args) => {
                self.expr(&args[0]);
                self.code.push(match (args[0].ty, ty) {
                    (TypeId::F32, _) => I::I32ReinterpretF32,
                    (TypeId::F64, _) => I::I64ReinterpretF64,
                    (_, TypeId::F32) => I::F32ReinterpretI32,
                    _ => I::F64ReinterpretI64,
                });
            }
            K::Builtin(Builtin::FromUtf8, args) => {
                let (text, text_len) = info.string(crate::codegen::UTF8_ERROR);
                self.expr(&args[0]);
                let bytes = self.code.stash(&[ValType::I32; 2]);
                let at = self.code.local(ValType::I32);
                self.code.extend([
                    I::LocalGet(bytes),
                    I::LocalGet(bytes + 1),
                    I::Call(info.helper(Helper::Utf8Check)),
                    I::LocalTee(at),
                    I::I32Const(-1),
                    I::I32Eq,
                ]);
                // `result<string, string>` flattens to (discriminant, pointer, length).
                self.open(I::If(BlockType::Empty));
                let out = self.code.locals(&[ValType::I32; 3]);
                self.code.extend([
                    I::I32Const(0),
                    I::LocalSet(out),
                    I::LocalGet(bytes),
                    I::LocalSet(out + 1),
                    I::LocalGet(bytes + 1),
                    I::LocalSet(out + 2),
                    I::Else,
                    I::I32Const(1),
                    I::LocalSet(out),
                    I::I32Const(text),
                    I::I32Const(text_len),
                    I::LocalGet(at),
                    I::I64ExtendI32U,
                    I::I32Const(0),
                    I::Call(info.helper(Helper::FormatInt)),
                    I::Call(info.helper(Helper::Concat)),
                    I::LocalSet(out + 2),
                    I::LocalSet(out + 1),
                ]);
                self.close();
                self.code.get(out, 3);
            }
            K::Builtin(Builtin::Slice { inclusive }, args) => {
                self.slice(ty, args, *inclusive, false)
            }
            K::Unreachable => self.code.push(I::Unreachable),
        }
    }

    /// `(list, start, end)` of a slice: checks the range, then copies that part out.
    /// `list[start..end]`: a copy of the elements, or with `view` the elements where they
    /// are, for an import's argument (lowering copies them before anything can change them).
    fn slice(&mut self, ty: TypeId, args: &[Expr], inclusive: bool, view: bool) {
        let info = self.info;
        let types = info.types();
        let string = types.def(ty) == &TypeDef::String;
        let size = match types.def(ty) {
            TypeDef::List(elem) => canon::size(types, *elem) as i32,
            _ => 1,
        };
        self.expr(&args[0]);
        let list = self.code.stash(&[ValType::I32; 2]);
        self.expr(&args[1]);
        let start = self.code.stash(&[ValType::I32]);
        self.expr(&args[2]);
        let end = self.code.stash(&[ValType::I32]);
        // An inclusive end must be an index; then it is one past the last element taken.
        self.code.extend([
            I::LocalGet(end),
            I::LocalGet(list + 1),
            if inclusive { I::I32GeU } else { I::I32GtU },
        ]);
        self.trap_if(Trap::IndexOutOfBounds);
        if inclusive {
            self.code.extend([
                I::LocalGet(end),
                I::I32Const(1),
                I::I32Add,
                I::LocalSet(end),
            ]);
        }
        // From the first element (`s[0..n]`), the start is neither past the end nor
        // inside a character.
        let from_first = matches!(args[1].kind, K::Const(ir::Const::Int(0)));
        if !from_first {
            self.code
                .extend([I::LocalGet(start), I::LocalGet(end), I::I32GtU]);
            self.trap_if(Trap::IndexOutOfBounds);
        }
        if string {
            // A boundary inside the string must not be a continuation byte.
            let bounds: &[u32] = if from_first { &[end] } else { &[start, end] };
            for &at in bounds {
                self.code.extend([
                    I::LocalGet(at),
                    I::LocalGet(list + 1),
                    I::I32LtU,
                    I::If(BlockType::Result(ValType::I32)),
                    I::LocalGet(list),
                    I::LocalGet(at),
                    I::I32Add,
                    I::I32Load8U(crate::codegen::code::mem(0, 1)),
                    I::I32Const(0xC0),
                    I::I32And,
                    I::I32Const(0x80),
                    I::I32Eq,
                    I::Else,
                    I::I32Const(0),
                    I::End,
                ]);
                self.trap_if(Trap::CharBoundary);
            }
        }
        if view {
            self.code.extend([
                I::LocalGet(list),
                I::LocalGet(start),
                I::I32Const(size),
                I::I32Mul,
                I::I32Add,
                I::LocalGet(end),
                I::LocalGet(start),
                I::I32Sub,
            ]);
            return;
        }
        // The copy: (0, 0) when empty, as an empty list always is.
        let (len, new) = (self.code.local(ValType::I32), self.code.local(ValType::I32));
        self.code.extend([
            I::I32Const(0),
            I::LocalSet(new),
            I::LocalGet(end),
            I::LocalGet(start),
            I::I32Sub,
            I::LocalTee(len),
            I::If(BlockType::Empty),
            I::LocalGet(len),
            I::I32Const(size),
            I::I32Mul,
            I::Call(info.helper(Helper::ScratchAlloc)),
            I::LocalTee(new),
            I::LocalGet(list),
            I::LocalGet(start),
            I::I32Const(size),
            I::I32Mul,
            I::I32Add,
            I::LocalGet(len),
            I::I32Const(size),
            I::I32Mul,
            I::MemoryCopy {
                src_mem: 0,
                dst_mem: 0,
            },
            I::End,
            I::LocalGet(new),
            I::LocalGet(len),
        ]);
    }

    /// A constant: its flat values, or for a non-empty list a copy of its elements out of
    /// the data segment (the list needs a block of its own, as `push` and element
    /// assignment change lists in place).
    fn constant(&mut self, ty: TypeId, value: &ir::Const) {
        let info = self.info;
        match value {
            ir::Const::List(items) if !items.is_empty() => {
                let (at, bytes) = info.const_list(ty, value);
                let ptr = self.code.local(ValType::I32);
                self.code.extend([
                    I::I32Const(bytes as i32),
                    I::Call(info.helper(Helper::ScratchAlloc)),
                    I::LocalTee(ptr),
                    I::I32Const(at as i32),
                    I::I32Const(bytes as i32),
                    I::MemoryCopy {
                        src_mem: 0,
                        dst_mem: 0,
                    },
                    I::LocalGet(ptr),
                    I::I32Const(items.len() as i32),
                ]);
            }
            _ => {
                for value in const_flat(info.types(), ty, value, &info.strings) {
                    self.code.push(value.instruction());
                }
            }
        }
    }

    /// `x.to-string()` for an integer, a char or a bool.
    fn format_value(&mut self, value: &Expr) {
        let ty = value.ty;
        self.expr(value);
        if let Some(shape) = self.info.types().int_shape(ty) {
            if !shape.wide() {
                self.code.push(if shape.signed {
                    I::I64ExtendI32S
                } else {
                    I::I64ExtendI32U
                });
            }
            self.code.push(I::I32Const(i32::from(shape.signed)));
            self.code.push(I::Call(self.info.helper(Helper::FormatInt)));
        } else if ty == TypeId::CHAR {
            self.code
                .push(I::Call(self.info.helper(Helper::FormatChar)));
        } else {
            let b = self.code.stash(&[ValType::I32]);
            let (yes, yes_len) = self.info.string("true");
            let (no, no_len) = self.info.string("false");
            self.code.extend([
                I::I32Const(yes),
                I::I32Const(no),
                I::LocalGet(b),
                I::Select,
                I::I32Const(yes_len),
                I::I32Const(no_len),
                I::LocalGet(b),
                I::Select,
            ]);
        }
    }

    /// Traps with `why` when the condition on the stack holds.
    pub(super) fn trap_if(&mut self, why: Trap) {
        self.code.extend([
            I::If(BlockType::Empty),
            I::Call(self.info.helper(Helper::Trap(why))),
            // The trap never returns; saying so lets the engine keep the fast path lean.
            I::Unreachable,
            I::End,
        ]);
    }

    /// The address of element `index` of the list in locals `list`, trapping when out of
    /// bounds unless the IR proved it is not.
    pub(super) fn element(&mut self, list: u32, index: &Expr, checked: bool, elem: TypeId) -> u32 {
        self.expr(index);
        let i = self.code.stash(&[ValType::I32]);
        if checked {
            self.code
                .extend([I::LocalGet(i), I::LocalGet(list + 1), I::I32GeU]);
            self.trap_if(Trap::IndexOutOfBounds);
        }
        let addr = self.code.local(ValType::I32);
        let size = canon::size(self.info.types(), elem) as i32;
        self.code.extend([
            I::LocalGet(list),
            I::LocalGet(i),
            I::I32Const(size),
            I::I32Mul,
            I::I32Add,
            I::LocalSet(addr),
        ]);
        addr
    }

    /// Builds case `case` of `ty`, with its payload if it has one.
    pub(super) fn case(&mut self, ty: TypeId, case: u32, payload: Option<&Expr>) {
        let all = self.flat(ty);
        self.code.push(I::I32Const(case as i32));
        match payload {
            Some(payload) => {
                self.expr(payload);
                let case_flat = self.flat(payload.ty);
                coerce_to_join(&mut self.code, &case_flat, &all[1..]);
            }
            None => self.code.zeros(&all[1..]),
        }
    }

    fn call(&mut self, func: usize, args: &[Expr]) {
        self.call_keeping(func, args, true);
    }

    /// A call of an import whose result nobody reads, when that result comes back in memory
    /// and owns no handle: the call, without loading the result (a `result<_, error-code>`
    /// from `wasi:http` is a large variant to load only to drop). False, and nothing emitted,
    /// for any other call.
    pub(super) fn discarded_import_call(&mut self, func: usize, args: &[Expr]) -> bool {
        let program = self.info.program;
        let types = self.info.types();
        let def = &program.funcs[func];
        let discardable = matches!(def.kind, FuncKind::Imported { .. })
            && result_in_memory(types, def)
            && def.result.is_some_and(|ty| !types.contains_own(ty));
        if discardable {
            self.call_keeping(func, args, false);
        }
        discardable
    }

    fn call_keeping(&mut self, func: usize, args: &[Expr], keep: bool) {
        let info = self.info;
        let program = info.program;
        let types = info.types();
        let def = &program.funcs[func];
        let index = info.func_index[func];
        let imported = matches!(def.kind, FuncKind::Imported { .. });
        for (at, arg) in args.iter().enumerate() {
            // A slice given to an import need not be copied when nothing evaluated after it
            // can change the list it views.
            if let K::Builtin(Builtin::Slice { inclusive }, parts) = &arg.kind {
                let unchanged = args[at + 1..].iter().all(|later| {
                    matches!(&later.kind, K::Const(_))
                        || matches!(&later.kind, K::Read(place)
                            if place.path.iter().all(|step| !matches!(step, ir::Step::Index(..))))
                });
                if imported && unchanged {
                    self.slice(arg.ty, parts, *inclusive, true);
                    continue;
                }
            }
            self.expr(arg);
        }
        if !imported {
            self.code.push(I::Call(index));
            return;
        }
        if params_in_memory(types, def) {
            let (offsets, size, _) = param_layout(types, &def.param_types);
            let mut stashed = Vec::new();
            for &ty in def.param_types.iter().rev() {
                stashed.push((ty, self.code.stash(&self.flat(ty))));
            }
            stashed.reverse();
            let area = self.code.local(ValType::I32);
            self.code.extend([
                I::I32Const(size as i32),
                I::Call(info.helper(Helper::ScratchAlloc)),
                I::LocalSet(area),
            ]);
            for ((ty, first), offset) in stashed.into_iter().zip(offsets) {
                self.code.get(first, self.flat(ty).len());
                emit_store(&mut self.code, info, ty, area, offset);
            }
            self.code.push(I::LocalGet(area));
        }
        if result_in_memory(types, def) {
            let result = def.result.expect("a result in memory exists");
            let area = self.code.local(ValType::I32);
            self.code.extend([
                I::I32Const(canon::size(types, result) as i32),
                I::Call(info.helper(Helper::ScratchAlloc)),
                I::LocalTee(area),
                I::Call(index),
            ]);
            if keep {
                emit_load(&mut self.code, info, result, area, 0);
                enter_maps(&mut self.code, info, &[result]);
            }
        } else {
            self.code.push(I::Call(index));
            enter_maps(&mut self.code, info, def.result.as_slice());
        }
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr, ty: TypeId) {
        let types = self.info.types();
        match (op, types.int_shape(ty)) {
            (UnaryOp::Neg, Some(shape)) => {
                self.code.push(if shape.wide() {
                    I::I64Const(0)
                } else {
                    I::I32Const(0)
                });
                self.expr(operand);
                self.code
                    .push(if shape.wide() { I::I64Sub } else { I::I32Sub });
                self.wrap(shape);
            }
            (UnaryOp::Neg, None) => {
                self.expr(operand);
                self.code.push(if ty == TypeId::F32 {
                    I::F32Neg
                } else {
                    I::F64Neg
                });
            }
            (UnaryOp::Not, Some(shape)) => {
                self.expr(operand);
                self.code.push(if shape.wide() {
                    I::I64Const(-1)
                } else {
                    I::I32Const(-1)
                });
                self.code
                    .push(if shape.wide() { I::I64Xor } else { I::I32Xor });
                self.wrap(shape);
            }
            (UnaryOp::Not, None) => {
                self.expr(operand);
                self.code.push(I::I32Eqz);
            }
        }
    }

    /// Re-normalizes a narrow integer after an operation that may leave its range.
    pub(super) fn wrap(&mut self, shape: IntShape) {
        match (shape.bits, shape.signed) {
            (8, true) => self.code.push(I::I32Extend8S),
            (16, true) => self.code.push(I::I32Extend16S),
            (8 | 16, false) => {
                self.code.push(I::I32Const((1 << shape.bits) - 1));
                self.code.push(I::I32And);
            }
            _ => {}
        }
    }

    /// Applies `op` to the two operands of type `ty` on the stack.
    pub(super) fn binary_op(&mut self, op: BinaryOp, ty: TypeId) {
        use BinaryOp::*;
        let types = self.info.types();
        if let Some(shape) = types.int_shape(ty) {
            if matches!(op, Shl | Shr) && shape.bits < 32 {
                // Shift amounts count modulo the width, as Rust's `wrapping_shl` does.
                self.code.push(I::I32Const(shape.bits as i32 - 1));
                self.code.push(I::I32And);
            }
            if op == Div && shape.signed && shape.bits < 32 {
                // Wasm divides narrow values as `i32`, where `MIN / -1` fits; trap as it does
                // for `s32` and `s64`, so every width follows one rule.
                let b = self.code.stash(&[ValType::I32]);
                let a = self.code.stash(&[ValType::I32]);
                self.code.extend([
                    I::LocalGet(a),
                    I::I32Const(shape.min() as i32),
                    I::I32Eq,
                    I::LocalGet(b),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::I32And,
                ]);
                self.trap_if(Trap::IntegerOverflow);
                self.code.extend([I::LocalGet(a), I::LocalGet(b)]);
            }
            // Each pair: (32-bit, 64-bit); `sign` picks between signed and unsigned forms.
            let wide = |a: I<'static>, b: I<'static>| if shape.wide() { b } else { a };
            let sign = |s: I<'static>, u: I<'static>| if shape.signed { s } else { u };
            let instruction = match op {
                Add => wide(I::I32Add, I::I64Add),
                Sub => wide(I::I32Sub, I::I64Sub),
                Mul => wide(I::I32Mul, I::I64Mul),
                Div => wide(sign(I::I32DivS, I::I32DivU), sign(I::I64DivS, I::I64DivU)),
                Rem => wide(sign(I::I32RemS, I::I32RemU), sign(I::I64RemS, I::I64RemU)),
                BitAnd => wide(I::I32And, I::I64And),
                BitOr => wide(I::I32Or, I::I64Or),
                BitXor => wide(I::I32Xor, I::I64Xor),
                Shl => wide(I::I32Shl, I::I64Shl),
                Shr => wide(sign(I::I32ShrS, I::I32ShrU), sign(I::I64ShrS, I::I64ShrU)),
                Eq => wide(I::I32Eq, I::I64Eq),
                Ne => wide(I::I32Ne, I::I64Ne),
                Lt => wide(sign(I::I32LtS, I::I32LtU), sign(I::I64LtS, I::I64LtU)),
                Le => wide(sign(I::I32LeS, I::I32LeU), sign(I::I64LeS, I::I64LeU)),
                Gt => wide(sign(I::I32GtS, I::I32GtU), sign(I::I64GtS, I::I64GtU)),
                Ge => wide(sign(I::I32GeS, I::I32GeU), sign(I::I64GeS, I::I64GeU)),
                And | Or => unreachable!("short-circuit operators are emitted as branches"),
            };
            self.code.push(instruction);
            if matches!(op, Add | Sub | Mul | Div | Shl) {
                self.wrap(shape);
            }
            return;
        }
        if types.is_float(ty) {
            let single = ty == TypeId::F32;
            let pick = |a: I<'static>, b: I<'static>| if single { a } else { b };
            self.code.push(match op {
                Add => pick(I::F32Add, I::F64Add),
                Sub => pick(I::F32Sub, I::F64Sub),
                Mul => pick(I::F32Mul, I::F64Mul),
                Div => pick(I::F32Div, I::F64Div),
                Eq => pick(I::F32Eq, I::F64Eq),
                Ne => pick(I::F32Ne, I::F64Ne),
                Lt => pick(I::F32Lt, I::F64Lt),
                Le => pick(I::F32Le, I::F64Le),
                Gt => pick(I::F32Gt, I::F64Gt),
                Ge => pick(I::F32Ge, I::F64Ge),
                _ => unreachable!("checked: `{}` is not defined for floats", op.symbol()),
            });
            return;
        }
        let ordered = |lt| match op {
            Lt => lt,
            Le => I::I32LeS,
            Gt => I::I32GtS,
            _ => I::I32GeS,
        };
        match (types.def(ty).clone(), op) {
            (TypeDef::Char, Lt | Le | Gt | Ge) => self.code.push(match op {
                Lt => I::I32LtU,
                Le => I::I32LeU,
                Gt => I::I32GtU,
                _ => I::I32GeU,
            }),
            (TypeDef::String, Lt | Le | Gt | Ge) => {
                self.code.push(I::Call(self.info.helper(Helper::StrCmp)));
                self.code.push(I::I32Const(0));
                self.code.push(ordered(I::I32LtS));
            }
            (TypeDef::String, Add) => self.code.push(I::Call(self.info.helper(Helper::Concat))),
            (TypeDef::List(elem), Add) => {
                let size = canon::size(types, elem) as i32;
                self.code.push(I::I32Const(size));
                self.code
                    .push(I::Call(self.info.helper(Helper::ListConcat)));
            }
            (TypeDef::Bool, BitAnd) => self.code.push(I::I32And),
            (TypeDef::Bool, BitOr) => self.code.push(I::I32Or),
            (TypeDef::Bool, BitXor) => self.code.push(I::I32Xor),
            (_, Eq | Ne) => {
                let all = self.flat(ty);
                let b = self.code.stash(&all);
                let a = self.code.stash(&all);
                emit_eq(&mut self.code, self.info, ty, a, b);
                if op == Ne {
                    self.code.push(I::I32Eqz);
                }
            }
            _ => unreachable!("checked: `{}` is not defined for this type", op.symbol()),
        }
    }

    pub(super) fn cast(&mut self, from: TypeId, to: TypeId) {
        let types = self.info.types();
        // A string and its bytes (`s.bytes()`, the one cast between types in memory) have
        // one representation.
        // A char and its code point (the `char` library's casts) are one `i32`.
        if from == TypeId::CHAR || to == TypeId::CHAR {
            return;
        }
        if from == to || types.in_memory(from) {
            debug_assert!(
                from == to
                    || (from == TypeId::STRING && types.def(to) == &TypeDef::List(TypeId::U8))
                    || types.as_laid_out(from) == to
            );
            return;
        }
        match (types.int_shape(from), types.int_shape(to)) {
            (Some(src), Some(dst)) => {
                match (src.wide(), dst.wide()) {
                    (false, true) => self.code.push(if src.signed {
                        I::I64ExtendI32S
                    } else {
                        I::I64ExtendI32U
                    }),
                    (true, false) => self.code.push(I::I32WrapI64),
                    _ => {}
                }
                self.wrap(dst);
            }
            (Some(src), None) => {
                let variants = if to == TypeId::F32 {
                    [
                        I::F32ConvertI32S,
                        I::F32ConvertI32U,
                        I::F32ConvertI64S,
                        I::F32ConvertI64U,
                    ]
                } else {
                    [
                        I::F64ConvertI32S,
                        I::F64ConvertI32U,
                        I::F64ConvertI64S,
                        I::F64ConvertI64U,
                    ]
                };
                self.code.push(by_shape(src.wide(), src.signed, variants));
            }
            (None, Some(dst)) => {
                // Saturating, as Rust's `as`: NaN becomes 0, out-of-range values clamp.
                let signed = dst.signed || dst.bits < 32;
                let variants = if from == TypeId::F32 {
                    [
                        I::I32TruncSatF32S,
                        I::I32TruncSatF32U,
                        I::I64TruncSatF32S,
                        I::I64TruncSatF32U,
                    ]
                } else {
                    [
                        I::I32TruncSatF64S,
                        I::I32TruncSatF64U,
                        I::I64TruncSatF64S,
                        I::I64TruncSatF64U,
                    ]
                };
                self.code.push(by_shape(dst.wide(), signed, variants));
                if dst.bits < 32 {
                    // Clamp into the narrow type's range: `300.0 as u8` is 255, as in Rust.
                    let (min, max) = (dst.min() as i32, dst.max() as i32);
                    let t = self.code.local(ValType::I32);
                    self.code.extend([
                        I::LocalSet(t),
                        I::I32Const(max),
                        I::LocalGet(t),
                        I::LocalGet(t),
                        I::I32Const(max),
                        I::I32GtS,
                        I::Select,
                        I::LocalSet(t),
                        I::I32Const(min),
                        I::LocalGet(t),
                        I::LocalGet(t),
                        I::I32Const(min),
                        I::I32LtS,
                        I::Select,
                    ]);
                }
            }
            (None, None) => {
                self.code.push(if to == TypeId::F64 {
                    I::F64PromoteF32
                } else {
                    I::F32DemoteF64
                });
            }
        }
    }
}

/// Picks from `[32-bit signed, 32-bit unsigned, 64-bit signed, 64-bit unsigned]`.
fn by_shape(wide: bool, signed: bool, variants: [I<'static>; 4]) -> I<'static> {
    let [s32, u32, s64, u64] = variants;
    match (wide, signed) {
        (false, true) => s32,
        (false, false) => u32,
        (true, true) => s64,
        (true, false) => u64,
    }
}
