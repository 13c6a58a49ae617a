//! Constant folding and propagation: an operator on constants becomes its value (computed by
//! `ir::eval`, which declines what would trap), a local that is only ever bound to a constant
//! is replaced by it where it is read, and a test on a constant picks its branch.

use std::collections::{HashMap, HashSet};

use crate::ir::{self, eval, Block, Cond, Const, Expr, ExprKind, Func, Local, StmtKind, Var};
use crate::types::Types;

/// Folds `func` until nothing changes (a propagated constant can make another).
pub fn run(func: &mut Func, types: &Types) {
    for _ in 0..8 {
        let constants = propagatable(func);
        let mut changed = false;
        ir::walk_mut(&mut func.body, &mut |expr| {
            changed |= fold(expr, types, &constants);
        });
        changed |= branches(&mut func.body);
        if !changed {
            break;
        }
    }
}

/// Locals bound once, to a constant that costs nothing to repeat, and never written again.
fn propagatable(func: &Func) -> HashMap<Local, Const> {
    let mut written = HashSet::new();
    let mut bound: HashMap<Local, Option<Const>> = HashMap::new();
    ir::walk(&func.body, &mut |node| match node {
        ir::Node::Stmt(stmt) => match &stmt.kind {
            StmtKind::Let(local, value) => {
                let constant = value.constant().filter(|c| cheap(c)).cloned();
                bound
                    .entry(*local)
                    .and_modify(|v| *v = None)
                    .or_insert(constant);
            }
            StmtKind::Assign { place, .. } | StmtKind::Compound { place, .. } => {
                written.insert(place.root);
            }
            _ => {}
        },
        ir::Node::Expr(expr) => {
            if let ExprKind::Push(place, ..) | ExprKind::Pop(place, _) | ExprKind::Take(place) =
                &expr.kind
            {
                written.insert(place.root);
            }
        }
        ir::Node::Pat(_) => {}
    });
    bound
        .into_iter()
        .filter(|(local, _)| !written.contains(&Var::Local(*local)))
        .filter(|(local, _)| !func.params.contains(local))
        .filter_map(|(local, value)| Some((local, value?)))
        .collect()
}

/// Whether a constant is as cheap to build again as to read: no list with elements.
fn cheap(value: &Const) -> bool {
    match value {
        Const::List(items) => items.is_empty(),
        Const::Tuple(items) => items.iter().all(cheap),
        Const::Case(_, Some(payload)) => cheap(payload),
        _ => true,
    }
}

/// Folds one expression whose operands are already folded; whether it changed.
fn fold(expr: &mut Expr, types: &Types, constants: &HashMap<Local, Const>) -> bool {
    let value = match &expr.kind {
        ExprKind::Read(place) => match place.root {
            Var::Local(local) => constants.get(&local).and_then(|value| {
                place
                    .path
                    .iter()
                    .try_fold(value.clone(), |value, step| match step {
                        ir::Step::Field(index) => field(value, *index),
                        ir::Step::Index(..) | ir::Step::Deref => None,
                    })
            }),
            Var::Global(_) => None,
        },
        ExprKind::Unary(op, value) => value
            .constant()
            .and_then(|v| eval::unary(types, *op, expr.ty, v)),
        ExprKind::Binary(op, lhs, rhs) => match (lhs.constant(), rhs.constant()) {
            (Some(a), Some(b)) => eval::binary(types, *op, lhs.ty, a, b),
            // `false && x`, `true || x`: the right side is never evaluated.
            (Some(Const::Bool(a)), None) => match (op, a) {
                (claw_syntax::ast::BinaryOp::And, false) => Some(Const::Bool(false)),
                (claw_syntax::ast::BinaryOp::Or, true) => Some(Const::Bool(true)),
                _ => None,
            },
            _ => None,
        },
        ExprKind::Cast(value) => value
            .constant()
            .and_then(|v| eval::cast(types, value.ty, expr.ty, v)),
        ExprKind::Field(base, index) => base.constant().and_then(|v| field(v.clone(), *index)),
        ExprKind::Builtin(ir::Builtin::Len, args) => match args[0].constant() {
            Some(Const::Str(text)) => Some(Const::Int(text.len() as i128)),
            Some(Const::List(items)) => Some(Const::Int(items.len() as i128)),
            _ => None,
        },
        // A constant is built afresh where it is used, so it owns its lists; but a list with
        // elements is built on the scratch list, which a global must not point into.
        ExprKind::Own(own, value) => value
            .constant()
            .filter(|value| {
                *own == ir::Own::Copy || !matches!(value, Const::List(items) if !items.is_empty())
            })
            .cloned(),
        _ => None,
    };
    if let ExprKind::Builtin(ir::Builtin::Print { newline: true }, args) = &mut expr.kind {
        // One write instead of two: the newline joins a constant line.
        if let Some(Const::Str(text)) = args[0].constant() {
            args[0].kind = ExprKind::Const(Const::Str(format!("{text}\n")));
            expr.kind =
                ExprKind::Builtin(ir::Builtin::Print { newline: false }, std::mem::take(args));
            return true;
        }
    }
    match value {
        Some(value) => {
            expr.kind = ExprKind::Const(value);
            true
        }
        None => false,
    }
}

/// Field or flag `index` of a constant record, tuple or flags value.
fn field(value: Const, index: u32) -> Option<Const> {
    match value {
        Const::Tuple(mut items) => Some(items.swap_remove(index as usize)),
        Const::Flags(set) => Some(Const::Bool(set.contains(&index))),
        _ => None,
    }
}

/// Replaces `if` on a constant by the branch it takes, and drops `while false`; whether
/// anything changed.
fn branches(block: &mut Block) -> bool {
    let mut changed = false;
    let mut out = Vec::with_capacity(block.len());
    for mut stmt in block.drain(..) {
        match &mut stmt.kind {
            StmtKind::If {
                cond: Cond::Expr(cond),
                then,
                otherwise,
            } if cond.constant().is_some() => {
                let taken = if matches!(cond.constant(), Some(Const::Bool(true))) {
                    then
                } else {
                    otherwise
                };
                branches(taken);
                out.append(taken);
                changed = true;
                continue;
            }
            StmtKind::Loop {
                cond: Some(cond), ..
            } if matches!(cond.constant(), Some(Const::Bool(false))) => {
                changed = true;
                continue;
            }
            StmtKind::Loop { cond, body, step } => {
                if matches!(
                    cond.as_ref().and_then(Expr::constant),
                    Some(Const::Bool(true))
                ) {
                    *cond = None;
                    changed = true;
                }
                changed |= branches(body);
                changed |= branches(step);
            }
            StmtKind::If {
                then, otherwise, ..
            } => {
                changed |= branches(then);
                changed |= branches(otherwise);
            }
            _ => {}
        }
        out.push(stmt);
    }
    *block = out;
    changed
}
