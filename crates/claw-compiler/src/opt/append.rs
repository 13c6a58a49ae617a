//! `s = s + a + b` on a string variable becomes `s += a; s += b;`, which code generation
//! does in place (growing the string's block as `push` grows a list), so building a string
//! by appending costs O(n) in all instead of O(n²). Only where nothing on the right reads
//! the variable (it would see the appended value) and, for a global, where the right side
//! is pure (a call in it could change the global between the two forms' reads).

use claw_syntax::ast::BinaryOp;

use super::dead::pure;
use crate::ir::{self, Block, Expr, ExprKind, Place, Stmt, StmtKind, Var};
use crate::types::TypeId;

pub fn run(block: &mut Block) {
    let mut out = Vec::with_capacity(block.len());
    for mut stmt in block.drain(..) {
        match &mut stmt.kind {
            StmtKind::If {
                then, otherwise, ..
            } => {
                run(then);
                run(otherwise);
            }
            StmtKind::Loop { body, step, .. } => {
                run(body);
                run(step);
            }
            _ => {}
        }
        ir::arm_blocks_mut(&mut stmt, &mut |arm| run(arm));
        let at = stmt.at;
        match stmt.kind {
            StmtKind::Assign {
                place,
                value,
                release,
            } if place.ty == TypeId::STRING => match appends(&place, value) {
                Ok(parts) => out.extend(parts.into_iter().map(|value| Stmt {
                    kind: StmtKind::Compound {
                        place: same_place(&place),
                        op: BinaryOp::Add,
                        value,
                        own: ir::Own::Keep,
                        release: false,
                    },
                    at,
                })),
                Err(value) => out.push(Stmt {
                    kind: StmtKind::Assign {
                        place,
                        value,
                        release,
                    },
                    at,
                }),
            },
            kind => out.push(Stmt { kind, at }),
        }
    }
    *block = out;
}

/// The right operands of `place + a + b + …`, left to right, if the rewrite applies; else
/// the value back.
fn appends(place: &Place, value: Expr) -> Result<Vec<Expr>, Expr> {
    let inner = match &value.kind {
        ExprKind::Own(_, inner) => inner,
        _ => &value,
    };
    let mut parts = Vec::new();
    let mut at = inner;
    loop {
        match &at.kind {
            ExprKind::Binary(BinaryOp::Add, lhs, rhs) => {
                parts.push(&**rhs);
                at = lhs;
            }
            ExprKind::Read(read) if same(read, place) => break,
            _ => return Err(value),
        }
    }
    let global = matches!(place.root, Var::Global(_));
    let ok = !parts.is_empty()
        && parts
            .iter()
            .all(|part| !reads(part, place.root) && (!global || pure(part)));
    if !ok {
        return Err(value);
    }
    // Take the operands out of the value, left to right.
    let mut value = match value.kind {
        ExprKind::Own(_, inner) => *inner,
        _ => value,
    };
    let mut out = Vec::new();
    while let ExprKind::Binary(_, lhs, rhs) = value.kind {
        out.push(*rhs);
        value = *lhs;
    }
    out.reverse();
    Ok(out)
}

/// Whether two places are the same variable and fields (an element's index could differ
/// between two evaluations, so none is the same).
fn same(a: &Place, b: &Place) -> bool {
    a.root == b.root
        && a.path.len() == b.path.len()
        && a.path.iter().zip(&b.path).all(|pair| match pair {
            (ir::Step::Field(x), ir::Step::Field(y)) => x == y,
            (ir::Step::Deref, ir::Step::Deref) => true,
            _ => false,
        })
}

/// A copy of a place made only of fields.
fn same_place(place: &Place) -> Place {
    Place {
        root: place.root,
        path: place
            .path
            .iter()
            .map(|step| match step {
                ir::Step::Field(index) => ir::Step::Field(*index),
                ir::Step::Deref => ir::Step::Deref,
                ir::Step::Index(..) => unreachable!("only field paths are rewritten"),
            })
            .collect(),
        ty: place.ty,
    }
}

/// Whether `expr` reads the variable `var` anywhere.
fn reads(expr: &Expr, var: Var) -> bool {
    let mut found = false;
    ir::walk_expr(expr, &mut |node| {
        if let ir::Node::Expr(Expr {
            kind:
                ExprKind::Read(place)
                | ExprKind::Pop(place, _)
                | ExprKind::Take(place)
                | ExprKind::Push(place, ..),
            ..
        }) = node
        {
            found |= place.root == var;
        }
    });
    found
}
