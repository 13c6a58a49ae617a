//! Walks over a body: every expression and pattern in it, to read ([`walk`]) or to rewrite
//! ([`walk_mut`]).

use super::*;

/// Something a walk over a body meets.
pub enum Node<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
    Pat(&'a Pat),
}

/// Calls `f` on every statement, expression and pattern in `block` (those in `match` arms
/// included), outer before inner.
pub fn walk<'a>(block: &'a [Stmt], f: &mut impl FnMut(Node<'a>)) {
    for stmt in block {
        f(Node::Stmt(stmt));
        match &stmt.kind {
            StmtKind::Let(_, value) | StmtKind::Expr(value) => walk_expr(value, f),
            StmtKind::Assign { place, value, .. } | StmtKind::Compound { place, value, .. } => {
                walk_expr(value, f);
                walk_place(place, f);
            }
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                match cond {
                    Cond::Expr(cond) => walk_expr(cond, f),
                    Cond::Let(pat, value, _) => {
                        walk_expr(value, f);
                        walk_pat(pat, f);
                    }
                }
                walk(then, f);
                walk(otherwise, f);
            }
            StmtKind::Loop { cond, body, step } => {
                if let Some(cond) = cond {
                    walk_expr(cond, f);
                }
                walk(body, f);
                walk(step, f);
            }
            StmtKind::Return(value) => {
                if let Some(value) = value {
                    walk_expr(value, f);
                }
            }
            StmtKind::Break(_) | StmtKind::Continue(_) => {}
        }
    }
}

fn walk_place<'a>(place: &'a Place, f: &mut impl FnMut(Node<'a>)) {
    for step in &place.path {
        if let Step::Index(index, _) = step {
            walk_expr(index, f);
        }
    }
}

fn walk_pat<'a>(pat: &'a Pat, f: &mut impl FnMut(Node<'a>)) {
    f(Node::Pat(pat));
    match pat {
        Pat::Case(_, Some(payload)) => walk_pat(payload, f),
        Pat::Tuple(items) | Pat::Or(items) => items.iter().for_each(|p| walk_pat(p, f)),
        _ => {}
    }
}

pub fn walk_expr<'a>(expr: &'a Expr, f: &mut impl FnMut(Node<'a>)) {
    f(Node::Expr(expr));
    match &expr.kind {
        ExprKind::Const(_) | ExprKind::Unreachable => {}
        ExprKind::Read(place) | ExprKind::Take(place) => walk_place(place, f),
        ExprKind::Pop(place, at) => {
            if let Some(at) = at.expr() {
                walk_expr(at, f);
            }
            walk_place(place, f)
        }
        ExprKind::Own(_, value)
        | ExprKind::Field(value, _)
        | ExprKind::Unary(_, value)
        | ExprKind::Cast(value)
        | ExprKind::Try(value)
        | ExprKind::Check(value, _) => walk_expr(value, f),
        ExprKind::Index { list, index, .. } => {
            walk_expr(list, f);
            walk_expr(index, f);
        }
        ExprKind::Call(_, items)
        | ExprKind::List(items)
        | ExprKind::Tuple(items)
        | ExprKind::Builtin(_, items) => items.iter().for_each(|e| walk_expr(e, f)),
        ExprKind::Case(_, payload) => {
            if let Some(payload) = payload {
                walk_expr(payload, f);
            }
        }
        ExprKind::Record(fields) => fields.iter().for_each(|(_, e)| walk_expr(e, f)),
        ExprKind::Binary(_, lhs, rhs) => {
            walk_expr(lhs, f);
            walk_expr(rhs, f);
        }
        ExprKind::Match(scrutinee, arms, _) => {
            walk_expr(scrutinee, f);
            for arm in arms {
                walk_pat(&arm.pat, f);
                if let Some(guard) = &arm.guard {
                    walk_expr(guard, f);
                }
                walk(&arm.body, f);
                if let Some(value) = &arm.value {
                    walk_expr(value, f);
                }
            }
        }
        ExprKind::Push(place, at, value) => {
            if let Some(at) = at.expr() {
                walk_expr(at, f);
            }
            walk_expr(value, f);
            walk_place(place, f);
        }
    }
}

/// Calls `f` on every expression in `block`, inner before outer, so that a rewrite sees its
/// operands already rewritten.
pub fn walk_mut(block: &mut [Stmt], f: &mut impl FnMut(&mut Expr)) {
    for stmt in block {
        walk_stmt_mut(stmt, f);
    }
}

fn walk_stmt_mut(stmt: &mut Stmt, f: &mut impl FnMut(&mut Expr)) {
    {
        match &mut stmt.kind {
            StmtKind::Let(_, value) | StmtKind::Expr(value) => walk_expr_mut(value, f),
            StmtKind::Assign { place, value, .. } | StmtKind::Compound { place, value, .. } => {
                walk_expr_mut(value, f);
                walk_place_mut(place, f);
            }
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                match cond {
                    Cond::Expr(cond) | Cond::Let(_, cond, _) => walk_expr_mut(cond, f),
                }
                walk_mut(then, f);
                walk_mut(otherwise, f);
            }
            StmtKind::Loop { cond, body, step } => {
                if let Some(cond) = cond {
                    walk_expr_mut(cond, f);
                }
                walk_mut(body, f);
                walk_mut(step, f);
            }
            StmtKind::Return(Some(value)) => walk_expr_mut(value, f),
            StmtKind::Return(None) | StmtKind::Break(_) | StmtKind::Continue(_) => {}
        }
    }
}

fn walk_place_mut(place: &mut Place, f: &mut impl FnMut(&mut Expr)) {
    for step in &mut place.path {
        if let Step::Index(index, _) = step {
            walk_expr_mut(index, f);
        }
    }
}

/// Calls `f` on the expressions of one statement itself, not of the blocks inside it: its
/// value, condition or place indices, each after its operands.
pub fn walk_stmt_exprs_mut(stmt: &mut Stmt, f: &mut impl FnMut(&mut Expr)) {
    match &mut stmt.kind {
        StmtKind::Let(_, value) | StmtKind::Expr(value) | StmtKind::Return(Some(value)) => {
            walk_expr_mut(value, f)
        }
        StmtKind::Assign { place, value, .. } | StmtKind::Compound { place, value, .. } => {
            walk_expr_mut(value, f);
            walk_place_mut(place, f);
        }
        StmtKind::If {
            cond: Cond::Expr(cond) | Cond::Let(_, cond, _),
            ..
        } => walk_expr_mut(cond, f),
        StmtKind::Loop {
            cond: Some(cond), ..
        } => walk_expr_mut(cond, f),
        _ => {}
    }
}

pub fn walk_expr_mut(expr: &mut Expr, f: &mut impl FnMut(&mut Expr)) {
    match &mut expr.kind {
        ExprKind::Const(_) | ExprKind::Unreachable => {}
        ExprKind::Read(place) | ExprKind::Take(place) => walk_place_mut(place, f),
        ExprKind::Pop(place, at) => {
            if let Some(at) = at.expr_mut() {
                walk_expr_mut(at, f);
            }
            walk_place_mut(place, f)
        }
        ExprKind::Own(_, value)
        | ExprKind::Field(value, _)
        | ExprKind::Unary(_, value)
        | ExprKind::Cast(value)
        | ExprKind::Try(value)
        | ExprKind::Check(value, _) => walk_expr_mut(value, f),
        ExprKind::Index { list, index, .. } => {
            walk_expr_mut(list, f);
            walk_expr_mut(index, f);
        }
        ExprKind::Call(_, items)
        | ExprKind::List(items)
        | ExprKind::Tuple(items)
        | ExprKind::Builtin(_, items) => items.iter_mut().for_each(|e| walk_expr_mut(e, f)),
        ExprKind::Case(_, payload) => {
            if let Some(payload) = payload {
                walk_expr_mut(payload, f);
            }
        }
        ExprKind::Record(fields) => fields.iter_mut().for_each(|(_, e)| walk_expr_mut(e, f)),
        ExprKind::Binary(_, lhs, rhs) => {
            walk_expr_mut(lhs, f);
            walk_expr_mut(rhs, f);
        }
        ExprKind::Match(scrutinee, arms, _) => {
            walk_expr_mut(scrutinee, f);
            for arm in arms {
                if let Some(guard) = &mut arm.guard {
                    walk_expr_mut(guard, f);
                }
                walk_mut(&mut arm.body, f);
                if let Some(value) = &mut arm.value {
                    walk_expr_mut(value, f);
                }
            }
        }
        ExprKind::Push(place, at, value) => {
            if let Some(at) = at.expr_mut() {
                walk_expr_mut(at, f);
            }
            walk_expr_mut(value, f);
            walk_place_mut(place, f);
        }
    }
    f(expr);
}

/// Calls `f` on the arm bodies of the `match` expressions in one statement's own
/// expressions, but not on blocks further inside those bodies: with the statement's own
/// blocks (an `if`'s, a loop's), that reaches every block in a body exactly once.
pub fn arm_blocks_mut(stmt: &mut Stmt, f: &mut impl FnMut(&mut Block)) {
    let mut visit = |expr: &mut Expr| arms_in(expr, &mut *f);
    match &mut stmt.kind {
        StmtKind::Let(_, value) | StmtKind::Expr(value) | StmtKind::Return(Some(value)) => {
            visit(value)
        }
        StmtKind::Assign { place, value, .. } | StmtKind::Compound { place, value, .. } => {
            visit(value);
            for step in &mut place.path {
                if let Step::Index(index, _) = step {
                    visit(index);
                }
            }
        }
        StmtKind::If {
            cond: Cond::Expr(cond) | Cond::Let(_, cond, _),
            ..
        } => visit(cond),
        StmtKind::Loop {
            cond: Some(cond), ..
        } => visit(cond),
        _ => {}
    }
}

fn arms_in_place(place: &mut Place, f: &mut dyn FnMut(&mut Block)) {
    for step in &mut place.path {
        if let Step::Index(index, _) = step {
            arms_in(index, f);
        }
    }
}

fn arms_in(expr: &mut Expr, f: &mut dyn FnMut(&mut Block)) {
    let place = arms_in_place;
    match &mut expr.kind {
        ExprKind::Const(_) | ExprKind::Unreachable => {}
        ExprKind::Read(p) | ExprKind::Take(p) => place(p, f),
        ExprKind::Pop(p, at) => {
            if let Some(at) = at.expr_mut() {
                arms_in(at, f);
            }
            place(p, f)
        }
        ExprKind::Own(_, value)
        | ExprKind::Field(value, _)
        | ExprKind::Unary(_, value)
        | ExprKind::Cast(value)
        | ExprKind::Try(value)
        | ExprKind::Check(value, _) => arms_in(value, f),
        ExprKind::Index { list, index, .. } => {
            arms_in(list, f);
            arms_in(index, f);
        }
        ExprKind::Call(_, items)
        | ExprKind::List(items)
        | ExprKind::Tuple(items)
        | ExprKind::Builtin(_, items) => items.iter_mut().for_each(|e| arms_in(e, f)),
        ExprKind::Case(_, payload) => {
            if let Some(payload) = payload {
                arms_in(payload, f);
            }
        }
        ExprKind::Record(fields) => fields.iter_mut().for_each(|(_, e)| arms_in(e, f)),
        ExprKind::Binary(_, lhs, rhs) => {
            arms_in(lhs, f);
            arms_in(rhs, f);
        }
        ExprKind::Match(scrutinee, arms, _) => {
            arms_in(scrutinee, f);
            for arm in arms {
                if let Some(guard) = &mut arm.guard {
                    arms_in(guard, f);
                }
                f(&mut arm.body);
                if let Some(value) = &mut arm.value {
                    arms_in(value, f);
                }
            }
        }
        ExprKind::Push(p, at, value) => {
            if let Some(at) = at.expr_mut() {
                arms_in(at, f);
            }
            arms_in(value, f);
            place(p, f);
        }
    }
}

/// Calls `f` on every statement in `block`, those in nested blocks and `match` arms
/// included, outer before inner.
pub fn walk_stmts_mut(block: &mut [Stmt], f: &mut dyn FnMut(&mut Stmt)) {
    for stmt in block {
        f(stmt);
        match &mut stmt.kind {
            StmtKind::If {
                then, otherwise, ..
            } => {
                walk_stmts_mut(then, f);
                walk_stmts_mut(otherwise, f);
            }
            StmtKind::Loop { body, step, .. } => {
                walk_stmts_mut(body, f);
                walk_stmts_mut(step, f);
            }
            _ => {}
        }
        arm_blocks_mut(stmt, &mut |arm| walk_stmts_mut(arm, f));
    }
}
