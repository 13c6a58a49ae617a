//! Function bodies: statements and expressions to Wasm instructions.
//!
//! Each Claw local maps to as many Wasm locals as its type flattens to; expressions leave
//! their flat values on the operand stack. Integers narrower than 32 bits are kept
//! normalized (zero- or sign-extended) after every operation that could leave their range,
//! which is what makes arithmetic wrap at the type's width.

use std::collections::HashMap;

use claw_syntax::ast::{BinaryOp, Block, ExprId, ExprKind, StmtKind, UnaryOp};
use wasm_encoder::{BlockType, ConstExpr, Function, Instruction as I, MemArg, ValType};

use super::runtime::Helper;
use super::{abi, flat, layout, ModuleInfo};
use crate::program::{FuncKind, GlobalDef, LocalId, Program, Res};
use crate::types::{IntShape, TypeDef, TypeId};

/// A compile-time value: what globals are initialized with and literals are emitted as.
enum Const {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    Str(String),
}

fn const_value(program: &Program, expr: ExprId) -> Option<Const> {
    let ty = program.expr_type(expr);
    let int = |value: i128| match program.types.def(ty) {
        TypeDef::F32 => Const::F32(value as f32),
        TypeDef::F64 => Const::F64(value as f64),
        TypeDef::U64 | TypeDef::S64 => Const::I64(value as i64),
        _ => Const::I32(value as i32),
    };
    let float = |value: f64| match program.types.def(ty) {
        TypeDef::F32 => Const::F32(value as f32),
        _ => Const::F64(value),
    };
    Some(match &program.ast.exprs[expr].kind {
        ExprKind::Int(value) => int(*value as i128),
        ExprKind::Float(value) => float(*value),
        ExprKind::Bool(value) => Const::I32(i32::from(*value)),
        ExprKind::Str(text) => Const::Str(text.clone()),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => match &program.ast.exprs[*operand].kind {
            ExprKind::Int(value) => int(-(*value as i128)),
            ExprKind::Float(value) => float(-*value),
            _ => return None,
        },
        ExprKind::Path(_) => match program.expr_res.get(expr) {
            Some(Res::Case { case, .. }) => Const::I32(*case as i32),
            _ => return None,
        },
        _ => return None,
    })
}

/// The Wasm globals (type and initializer) that hold one program global.
pub fn global_init(
    program: &Program,
    global: &GlobalDef,
    strings: &HashMap<String, u32>,
) -> Vec<(ValType, ConstExpr)> {
    let value = global.init.and_then(|init| const_value(program, init));
    match value {
        Some(Const::I32(v)) => vec![(ValType::I32, ConstExpr::i32_const(v))],
        Some(Const::I64(v)) => vec![(ValType::I64, ConstExpr::i64_const(v))],
        Some(Const::F32(v)) => vec![(ValType::F32, ConstExpr::f32_const(v.into()))],
        Some(Const::F64(v)) => vec![(ValType::F64, ConstExpr::f64_const(v.into()))],
        Some(Const::Str(text)) => vec![
            (ValType::I32, ConstExpr::i32_const(strings[&text] as i32)),
            (ValType::I32, ConstExpr::i32_const(text.len() as i32)),
        ],
        // Only reachable for programs with errors, which are never emitted.
        None => flat(&program.types, global.ty)
            .into_iter()
            .map(|t| (t, ConstExpr::i32_const(0)))
            .collect(),
    }
}

pub fn emit_body(program: &Program, info: &ModuleInfo, id: usize) -> Function {
    let func = &program.funcs[id];
    let FuncKind::Defined { item, .. } = func.kind else {
        unreachable!("only defined functions have bodies")
    };
    let claw_syntax::ast::Item::Func(ast_func) = &program.ast.items[item] else {
        unreachable!("defined functions come from `func` items")
    };
    let mut ctx = Emitter {
        program,
        info,
        locals: HashMap::new(),
        extra_locals: Vec::new(),
        next_local: 0,
        code: Vec::new(),
        depth: 0,
        loops: Vec::new(),
    };
    for &param in &func.params {
        let ty = program.locals[param.0 as usize].ty;
        ctx.locals.insert(param, ctx.next_local);
        ctx.next_local += flat(&program.types, ty).len() as u32;
    }
    ctx.block(&ast_func.body);
    if func.result.is_some() {
        // The checker proved every path returns; this end is unreachable.
        ctx.code.push(I::Unreachable);
    }
    ctx.code.push(I::End);
    let mut function = Function::new_with_locals_types(ctx.extra_locals.iter().copied());
    for instruction in &ctx.code {
        function.instruction(instruction);
    }
    function
}

struct Emitter<'a> {
    program: &'a Program,
    info: &'a ModuleInfo,
    /// First Wasm local of each Claw local.
    locals: HashMap<LocalId, u32>,
    extra_locals: Vec<ValType>,
    next_local: u32,
    code: Vec<I<'static>>,
    /// Number of enclosing Wasm blocks, to compute branch depths.
    depth: u32,
    /// The block depths of the enclosing loops' exit and continue labels.
    loops: Vec<(u32, u32)>,
}

impl Emitter<'_> {
    fn new_locals(&mut self, types: &[ValType]) -> u32 {
        let first = self.next_local;
        self.extra_locals.extend_from_slice(types);
        self.next_local += types.len() as u32;
        first
    }

    fn flat(&self, ty: TypeId) -> Vec<ValType> {
        flat(&self.program.types, ty)
    }

    fn block(&mut self, block: &Block) {
        for &stmt in &block.stmts {
            self.stmt(stmt);
        }
    }

    fn open(&mut self, instruction: I<'static>) {
        self.code.push(instruction);
        self.depth += 1;
    }

    fn close(&mut self) {
        self.code.push(I::End);
        self.depth -= 1;
    }

    fn stmt(&mut self, id: claw_syntax::ast::StmtId) {
        let program = self.program;
        match &program.ast.stmts[id].kind {
            StmtKind::Let { init, .. } => {
                let local = program.let_locals[id];
                let types = self.flat(program.locals[local.0 as usize].ty);
                let first = self.new_locals(&types);
                self.locals.insert(local, first);
                self.expr(*init);
                for index in (0..types.len() as u32).rev() {
                    self.code.push(I::LocalSet(first + index));
                }
            }
            StmtKind::Assign { place, op, value } => {
                let ty = program.expr_type(*place);
                match op {
                    Some(op) => {
                        self.expr(*place);
                        self.expr(*value);
                        self.binary_op(*op, ty);
                    }
                    None => self.expr(*value),
                }
                self.store(*place, ty);
            }
            StmtKind::If {
                branches,
                otherwise,
            } => self.if_chain(branches, otherwise.as_ref()),
            StmtKind::While { cond, body } => {
                self.open(I::Block(BlockType::Empty));
                let exit = self.depth;
                self.open(I::Loop(BlockType::Empty));
                let next = self.depth;
                self.expr(*cond);
                self.code.push(I::I32Eqz);
                self.code.push(I::BrIf(self.depth - exit));
                self.loops.push((exit, next));
                self.block(body);
                self.loops.pop();
                self.code.push(I::Br(self.depth - next));
                self.close();
                self.close();
            }
            StmtKind::For { .. } => self.code.push(I::Unreachable),
            StmtKind::Loop { body } => {
                self.open(I::Block(BlockType::Empty));
                let exit = self.depth;
                self.open(I::Loop(BlockType::Empty));
                let next = self.depth;
                self.loops.push((exit, next));
                self.block(body);
                self.loops.pop();
                self.code.push(I::Br(self.depth - next));
                self.close();
                self.close();
            }
            StmtKind::Break => {
                let (exit, _) = *self.loops.last().expect("checked: inside a loop");
                self.code.push(I::Br(self.depth - exit));
            }
            StmtKind::Continue => {
                let (_, next) = *self.loops.last().expect("checked: inside a loop");
                self.code.push(I::Br(self.depth - next));
            }
            StmtKind::Return(value) => {
                if let Some(value) = value {
                    self.expr(*value);
                }
                self.code.push(I::Return);
            }
            StmtKind::Expr(expr) => {
                self.expr(*expr);
                for _ in self.flat(program.expr_type(*expr)) {
                    self.code.push(I::Drop);
                }
            }
        }
    }

    fn if_chain(&mut self, branches: &[(ExprId, Block)], otherwise: Option<&Block>) {
        let Some(((cond, body), rest)) = branches.split_first() else {
            if let Some(block) = otherwise {
                self.block(block);
            }
            return;
        };
        self.expr(*cond);
        self.open(I::If(BlockType::Empty));
        self.block(body);
        if !rest.is_empty() || otherwise.is_some() {
            self.code.push(I::Else);
            self.if_chain(rest, otherwise);
        }
        self.close();
    }

    /// Pops a value of type `ty` into the variable `place` names.
    fn store(&mut self, place: ExprId, ty: TypeId) {
        let count = self.flat(ty).len() as u32;
        match self.program.expr_res.get(place) {
            Some(Res::Local(local)) => {
                let first = self.locals[local];
                for index in (0..count).rev() {
                    self.code.push(I::LocalSet(first + index));
                }
            }
            Some(Res::Global(global)) => {
                let first = self.info.global_index[global.0 as usize];
                if ty == TypeId::STRING {
                    // Globals outlive the call: keep a copy off the scratch list.
                    let tmp = self.new_locals(&[ValType::I32, ValType::I32]);
                    self.code.extend([
                        I::LocalSet(tmp + 1),
                        I::LocalSet(tmp),
                        I::GlobalGet(first),
                        I::LocalGet(tmp),
                        I::LocalGet(tmp + 1),
                        I::Call(self.info.helper(Helper::Persist)),
                        I::GlobalSet(first),
                        I::LocalGet(tmp + 1),
                        I::GlobalSet(first + 1),
                    ]);
                } else {
                    for index in (0..count).rev() {
                        self.code.push(I::GlobalSet(first + index));
                    }
                }
            }
            _ => unreachable!("checked: assignments target variables"),
        }
    }

    fn expr(&mut self, id: ExprId) {
        let program = self.program;
        let ty = program.expr_type(id);
        if let Some(value) = const_value(program, id) {
            match value {
                Const::I32(v) => self.code.push(I::I32Const(v)),
                Const::I64(v) => self.code.push(I::I64Const(v)),
                Const::F32(v) => self.code.push(I::F32Const(v.into())),
                Const::F64(v) => self.code.push(I::F64Const(v.into())),
                Const::Str(text) => {
                    let at = self.info.strings[&text];
                    self.code.push(I::I32Const(at as i32));
                    self.code.push(I::I32Const(text.len() as i32));
                }
            }
            return;
        }
        match &program.ast.exprs[id].kind {
            ExprKind::Path(_) => match program.expr_res.get(id) {
                Some(Res::Local(local)) => {
                    let first = self.locals[local];
                    for index in 0..self.flat(ty).len() as u32 {
                        self.code.push(I::LocalGet(first + index));
                    }
                }
                Some(Res::Global(global)) => {
                    let first = self.info.global_index[global.0 as usize];
                    for index in 0..self.flat(ty).len() as u32 {
                        self.code.push(I::GlobalGet(first + index));
                    }
                }
                _ => self.code.push(I::Unreachable),
            },
            ExprKind::Call { args, .. } => {
                let Some(Res::Func(func)) = program.expr_res.get(id) else {
                    self.code.push(I::Unreachable);
                    return;
                };
                for &arg in args {
                    self.expr(arg);
                }
                let def = &program.funcs[func.0 as usize];
                let index = self.info.func_index[func.0 as usize];
                if matches!(def.kind, FuncKind::Imported { .. })
                    && abi::import_returns_in_memory(program, def)
                {
                    let at = layout::IMPORT_RET as i32;
                    self.code.push(I::I32Const(at));
                    self.code.push(I::Call(index));
                    let mut offset = 0u64;
                    for val in self.flat(ty) {
                        let size: u64 = match val {
                            ValType::I64 | ValType::F64 => 8,
                            _ => 4,
                        };
                        offset = offset.next_multiple_of(size);
                        let arg = MemArg {
                            offset,
                            align: size.trailing_zeros(),
                            memory_index: 0,
                        };
                        self.code.push(I::I32Const(at));
                        self.code.push(match val {
                            ValType::I64 => I::I64Load(arg),
                            ValType::F32 => I::F32Load(arg),
                            ValType::F64 => I::F64Load(arg),
                            _ => I::I32Load(arg),
                        });
                        offset += size;
                    }
                } else {
                    self.code.push(I::Call(index));
                }
            }
            ExprKind::Unary { op, operand } => {
                let types = &program.types;
                match (op, types.int_shape(ty)) {
                    (UnaryOp::Neg, Some(shape)) => {
                        self.code.push(if shape.wide() {
                            I::I64Const(0)
                        } else {
                            I::I32Const(0)
                        });
                        self.expr(*operand);
                        self.code
                            .push(if shape.wide() { I::I64Sub } else { I::I32Sub });
                        self.wrap(shape);
                    }
                    (UnaryOp::Neg, None) => {
                        self.expr(*operand);
                        self.code.push(if ty == TypeId::F32 {
                            I::F32Neg
                        } else {
                            I::F64Neg
                        });
                    }
                    (UnaryOp::Not, Some(shape)) => {
                        self.expr(*operand);
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
                        self.expr(*operand);
                        self.code.push(I::I32Eqz);
                    }
                }
            }
            ExprKind::Binary {
                op: BinaryOp::And,
                lhs,
                rhs,
            } => {
                self.expr(*lhs);
                self.open(I::If(BlockType::Result(ValType::I32)));
                self.expr(*rhs);
                self.code.push(I::Else);
                self.code.push(I::I32Const(0));
                self.close();
            }
            ExprKind::Binary {
                op: BinaryOp::Or,
                lhs,
                rhs,
            } => {
                self.expr(*lhs);
                self.open(I::If(BlockType::Result(ValType::I32)));
                self.code.push(I::I32Const(1));
                self.code.push(I::Else);
                self.expr(*rhs);
                self.close();
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.expr(*lhs);
                self.expr(*rhs);
                self.binary_op(*op, program.expr_type(*lhs));
            }
            ExprKind::Cast { expr, .. } => {
                self.expr(*expr);
                self.cast(program.expr_type(*expr), ty);
            }
            _ => self.code.push(I::Unreachable),
        }
    }

    /// Re-normalizes a narrow integer after an operation that may leave its range.
    fn wrap(&mut self, shape: IntShape) {
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
    fn binary_op(&mut self, op: BinaryOp, ty: TypeId) {
        use BinaryOp::*;
        let types = &self.program.types;
        if let Some(shape) = types.int_shape(ty) {
            if matches!(op, Shl | Shr) && shape.bits < 32 {
                // Shift amounts count modulo the width, as Rust's `wrapping_shl` does.
                self.code.push(I::I32Const(shape.bits as i32 - 1));
                self.code.push(I::I32And);
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
        let instruction = match (types.def(ty), op) {
            (TypeDef::String, Add) => I::Call(self.info.helper(Helper::Concat)),
            (TypeDef::String, Eq) => I::Call(self.info.helper(Helper::StrEq)),
            (TypeDef::String, Ne) => {
                self.code.push(I::Call(self.info.helper(Helper::StrEq)));
                I::I32Eqz
            }
            (_, Eq) => I::I32Eq,
            (_, Ne) => I::I32Ne,
            (_, BitAnd) => I::I32And,
            (_, BitOr) => I::I32Or,
            (_, BitXor) => I::I32Xor,
            _ => unreachable!("checked: `{}` is not defined for this type", op.symbol()),
        };
        self.code.push(instruction);
    }

    fn cast(&mut self, from: TypeId, to: TypeId) {
        let types = &self.program.types;
        if from == to {
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
                    let t = self.new_locals(&[ValType::I32]);
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
