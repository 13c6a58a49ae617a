//! Literals that need no code to build: numbers, strings, cases, flags, and tuples, records
//! and lists made only of them. Global initializers and literals in bodies both come here.

use claw_syntax::ast::{self, ExprId, ExprKind, UnaryOp};

use crate::ir::Const;
use crate::program::{BodyFacts, Res};
use crate::types::{TypeDef, TypeId, Types};

/// Where a constant is written, which decides where a non-empty list may be one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// A global's initializer: lists anywhere, of anything, each laid out in the data
    /// segment in a block the global owns.
    Global,
    /// The top of a literal in a body: only a list of scalars or strings, whose elements
    /// are copied out of the data segment as they are laid out in memory.
    Top,
    /// Inside a literal in a body: only empty lists.
    Inner,
}

/// The value of `expr` if it is a constant, where a non-empty list is one as `site` says.
pub fn constant(
    types: &Types,
    ast: &ast::Body,
    facts: &BodyFacts,
    expr: ExprId,
    site: Site,
) -> Option<Const> {
    let top = site;
    let site = if site == Site::Global {
        Site::Global
    } else {
        Site::Inner
    };
    let ty = facts.expr_type(expr);
    let number = |value: f64| match types.def(ty) {
        TypeDef::F32 => Const::F32(value as f32),
        _ => Const::F64(value),
    };
    let int = |value: i128| {
        if types.is_float(ty) {
            number(value as f64)
        } else {
            Const::Int(value)
        }
    };
    let inner = |id: ExprId| constant(types, ast, facts, id, site);
    Some(match &ast.exprs[expr].kind {
        // A one-element tuple written `(x)` is the tuple, as WAVE writes it.
        ExprKind::Paren(paren) if facts.expr_type(*paren) != ty => {
            Const::Tuple(vec![inner(*paren)?])
        }
        ExprKind::Paren(paren) => constant(types, ast, facts, *paren, top)?,
        ExprKind::Int(value) => int(*value as i128),
        ExprKind::Float(value) => number(*value),
        ExprKind::Bool(value) => Const::Bool(*value),
        ExprKind::Char(c) => Const::Char(*c),
        ExprKind::Str(text) => Const::Str(text.clone()),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => match &ast.exprs[ast.unparen(*operand)].kind {
            ExprKind::Int(value) => int(-(*value as i128)),
            ExprKind::Float(value) => number(-*value),
            _ => return None,
        },
        ExprKind::List(items) if items.is_empty() => Const::List(Vec::new()),
        ExprKind::List(items) => {
            let TypeDef::List(elem) = *types.def(ty) else {
                return None;
            };
            let scalar = elem == TypeId::STRING
                || !types.in_memory(elem) && crate::codegen::flat(types, elem).len() == 1;
            if top != Site::Global && (top != Site::Top || !scalar) {
                return None;
            }
            Const::List(items.iter().map(|&i| inner(i)).collect::<Option<_>>()?)
        }
        // A global's map: its entries, a key given twice keeping its first place and its
        // last value, as the map literal does; code generation lays out the index.
        ExprKind::Map(entries) if site == Site::Global => {
            let mut pairs: Vec<(Const, Const)> = Vec::new();
            for &(key, value) in entries {
                let (key, value) = (inner(key)?, inner(value)?);
                match pairs.iter_mut().find(|(k, _)| *k == key) {
                    Some(pair) => pair.1 = value,
                    None => pairs.push((key, value)),
                }
            }
            Const::List(
                pairs
                    .into_iter()
                    .map(|(k, v)| Const::Tuple(vec![k, v]))
                    .collect(),
            )
        }
        ExprKind::Tuple(items) => {
            Const::Tuple(items.iter().map(|&i| inner(i)).collect::<Option<_>>()?)
        }
        ExprKind::Record(fields) => {
            let mut values = Vec::new();
            for (name, _) in types.fields(ty)? {
                let (_, value) = fields.iter().find(|(n, _)| n.text == name)?;
                values.push(inner(*value)?);
            }
            Const::Tuple(values)
        }
        // `{}` as a map: no entries, no block.
        ExprKind::Flags(names)
            if names.is_empty() && matches!(types.def(ty), TypeDef::Map { .. }) =>
        {
            Const::List(Vec::new())
        }
        ExprKind::Flags(names) => Const::Flags(
            names
                .iter()
                .map(|name| types.member(ty, &name.text))
                .collect::<Option<_>>()?,
        ),
        ExprKind::Path(_) | ExprKind::Call { .. } => {
            let Some(Res::Case { case, .. }) = facts.expr_res.get(expr) else {
                return None;
            };
            let payload = match &ast.exprs[expr].kind {
                ExprKind::Call { args, .. } => Some(Box::new(inner(args[0])?)),
                _ => None,
            };
            Const::Case(*case, payload)
        }
        _ => return None,
    })
}
