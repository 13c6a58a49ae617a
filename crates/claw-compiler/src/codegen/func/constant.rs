//! Values known at compile time: what globals are initialized with, and literals that need
//! no code to build (numbers, strings, cases without payloads, empty lists…).

use std::collections::HashMap;

use claw_syntax::ast::{ExprId, ExprKind, UnaryOp};
use wasm_encoder::{ConstExpr, Instruction as I, ValType};

use crate::codegen::flat;
use crate::program::{GlobalDef, Program, Res};
use crate::types::{TypeDef, TypeId};

/// One flat value known at compile time.
#[derive(Clone, Copy)]
pub enum Const {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
}

impl Const {
    pub fn instruction(self) -> I<'static> {
        match self {
            Const::I32(v) => I::I32Const(v),
            Const::I64(v) => I::I64Const(v),
            Const::F32(v) => I::F32Const(v.into()),
            Const::F64(v) => I::F64Const(v.into()),
        }
    }

    /// The value's little-endian bytes, as a store of its flat type writes them.
    pub fn bytes(self) -> Vec<u8> {
        match self {
            Const::I32(v) => v.to_le_bytes().to_vec(),
            Const::I64(v) => v.to_le_bytes().to_vec(),
            Const::F32(v) => v.to_le_bytes().to_vec(),
            Const::F64(v) => v.to_le_bytes().to_vec(),
        }
    }

    fn zero(ty: ValType) -> Const {
        match ty {
            ValType::I64 => Const::I64(0),
            ValType::F32 => Const::F32(0.0),
            ValType::F64 => Const::F64(0.0),
            _ => Const::I32(0),
        }
    }

    /// The value in a variant's shared slot of type `to` (see `values::coerce_to_join`).
    fn join(self, to: ValType) -> Const {
        match (self, to) {
            (Const::F32(v), ValType::I32) => Const::I32(v.to_bits() as i32),
            (Const::I32(v), ValType::I64) => Const::I64(v as u32 as i64),
            (Const::F32(v), ValType::I64) => Const::I64(v.to_bits() as i64),
            (Const::F64(v), ValType::I64) => Const::I64(v.to_bits() as i64),
            (v, _) => v,
        }
    }
}

/// The flat values of a constant expression, if it is one. `strings` gives each string
/// literal's address.
pub fn const_flat(
    program: &Program,
    expr: ExprId,
    strings: &HashMap<String, u32>,
) -> Option<Vec<Const>> {
    let ty = program.expr_type(expr);
    let types = &program.types;
    let int = |value: i128| match types.def(ty) {
        TypeDef::F32 => Const::F32(value as f32),
        TypeDef::F64 => Const::F64(value as f64),
        TypeDef::U64 | TypeDef::S64 => Const::I64(value as i64),
        _ => Const::I32(value as i32),
    };
    let float = |value: f64| match types.def(ty) {
        TypeDef::F32 => Const::F32(value as f32),
        _ => Const::F64(value),
    };
    Some(match &program.ast.exprs[expr].kind {
        ExprKind::Int(value) => vec![int(*value as i128)],
        ExprKind::Float(value) => vec![float(*value)],
        ExprKind::Bool(value) => vec![Const::I32(i32::from(*value))],
        ExprKind::Char(c) => vec![Const::I32(*c as i32)],
        ExprKind::Str(text) => vec![
            Const::I32(*strings.get(text)? as i32),
            Const::I32(text.len() as i32),
        ],
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => match &program.ast.exprs[*operand].kind {
            ExprKind::Int(value) => vec![int(-(*value as i128))],
            ExprKind::Float(value) => vec![float(-*value)],
            _ => return None,
        },
        ExprKind::List(items) if items.is_empty() => vec![Const::I32(0), Const::I32(0)],
        ExprKind::Tuple(items) => {
            let mut all = Vec::new();
            for &item in items {
                all.extend(const_flat(program, item, strings)?);
            }
            all
        }
        ExprKind::Record(fields) => {
            let mut all = Vec::new();
            for (name, _) in types.fields(ty)? {
                let (_, value) = fields.iter().find(|(n, _)| n.text == name)?;
                all.extend(const_flat(program, *value, strings)?);
            }
            all
        }
        ExprKind::Flags(names) => flags_words(program, ty, names.iter().map(|n| &n.text[..]))?
            .into_iter()
            .map(Const::I32)
            .collect(),
        ExprKind::Path(_) | ExprKind::Call { .. } => {
            let Some(Res::Case { ty, case }) = program.expr_res.get(expr) else {
                return None;
            };
            let payload = match &program.ast.exprs[expr].kind {
                ExprKind::Call { args, .. } => Some(const_flat(program, args[0], strings)?),
                _ => None,
            };
            case_flat(program, *ty, *case, payload)
        }
        _ => return None,
    })
}

/// A case's flat form: its discriminant, then its payload in the shared slots.
fn case_flat(program: &Program, ty: TypeId, case: u32, payload: Option<Vec<Const>>) -> Vec<Const> {
    let all = flat(&program.types, ty);
    let mut out = vec![Const::I32(case as i32)];
    let payload = payload.unwrap_or_default();
    for (i, slot) in all[1..].iter().enumerate() {
        out.push(match payload.get(i) {
            Some(value) => value.join(*slot),
            None => Const::zero(*slot),
        });
    }
    out
}

/// The `i32` words of a flags value with the named flags set.
pub fn flags_words<'n>(
    program: &Program,
    ty: TypeId,
    names: impl Iterator<Item = &'n str>,
) -> Option<Vec<i32>> {
    let TypeDef::Flags { flags, .. } = program.types.def(ty) else {
        return None;
    };
    let mut words = vec![0u32; flat(&program.types, ty).len()];
    for name in names {
        let bit = flags.iter().position(|f| f == name)?;
        words[bit / 32] |= 1 << (bit % 32);
    }
    Some(words.into_iter().map(|w| w as i32).collect())
}

/// The Wasm globals (type and initializer) that hold one program global.
pub fn global_init(
    program: &Program,
    global: &GlobalDef,
    strings: &HashMap<String, u32>,
) -> Vec<(ValType, ConstExpr)> {
    let types = flat(&program.types, global.ty);
    let values = global
        .init
        .and_then(|init| const_flat(program, init, strings))
        // Only programs with errors lack a constant, and they are never emitted.
        .unwrap_or_else(|| types.iter().map(|&t| Const::zero(t)).collect());
    types
        .into_iter()
        .zip(values)
        .map(|(ty, value)| {
            let init = match value {
                Const::I32(v) => ConstExpr::i32_const(v),
                Const::I64(v) => ConstExpr::i64_const(v),
                Const::F32(v) => ConstExpr::f32_const(v.into()),
                Const::F64(v) => ConstExpr::f64_const(v.into()),
            };
            (ty, init)
        })
        .collect()
}
