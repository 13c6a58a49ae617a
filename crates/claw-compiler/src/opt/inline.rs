//! Inlining: a call to a small function, or to one called from a single place, is replaced
//! by the function's body. Only a call that is a statement's whole value is inlined (`let x
//! = f(…)`, `f(…);`, `p = f(…)`, `return f(…)`), so the order of evaluation stays as written:
//! the arguments go into the body's parameters, the body runs inside a loop used as a block
//! (its `return`s set the result and break out of it), and the statement uses the result.
//! Recursive functions and those with `?` (a return from the caller once inlined) are left.

use std::collections::HashMap;

use crate::ir::{
    self, Block, Cond, Expr, ExprKind, Func, Local, LocalDef, Module, Pat, Place, Stmt, StmtKind,
    Var,
};
use crate::program::{FuncId, FuncKind, Program};

/// Bodies at most this big (statements and expressions) are inlined wherever called.
pub const SMALL: usize = 24;
/// A function called once is inlined up to this size; the call site's function may grow.
const SINGLE: usize = 400;

/// Inlines small functions and those called once; `small` is the size limit for the former
/// (`-Os` passes one at which only the call itself is saved).
pub fn run(module: &mut Module, program: &Program, small: usize) {
    let calls = call_counts(module);
    let inlinable: HashMap<FuncId, Func> = module
        .funcs
        .iter()
        .enumerate()
        .filter_map(|(id, func)| {
            let func = func.as_ref()?;
            let id = FuncId(id as u32);
            if !matches!(program.funcs[id.0 as usize].kind, FuncKind::Defined { .. })
                || calls_itself(func, id)
                || has_try(func)
            {
                return None;
            }
            let size = size(&func.body);
            let once = calls.get(&id) == Some(&1);
            (size <= small || once && size <= SINGLE).then(|| (id, func.clone()))
        })
        .collect();
    if inlinable.is_empty() {
        return;
    }
    for func in module.funcs.iter_mut().flatten() {
        let mut inliner = Inliner {
            inlinable: &inlinable,
            locals: &mut func.locals,
        };
        inliner.block(&mut func.body);
    }
}

struct Inliner<'a> {
    inlinable: &'a HashMap<FuncId, Func>,
    locals: &'a mut Vec<LocalDef>,
}

impl Inliner<'_> {
    fn block(&mut self, block: &mut Block) {
        let mut out = Vec::with_capacity(block.len());
        for mut stmt in block.drain(..) {
            match &mut stmt.kind {
                StmtKind::If {
                    then, otherwise, ..
                } => {
                    self.block(then);
                    self.block(otherwise);
                }
                StmtKind::Loop { body, step, .. } => {
                    self.block(body);
                    self.block(step);
                }
                _ => {}
            }
            ir::arm_blocks_mut(&mut stmt, &mut |arm| self.block(arm));
            self.stmt(stmt, &mut out);
        }
        *block = out;
    }

    /// Inlines the call that is `stmt`'s whole value, if it is one of an inlinable function.
    fn stmt(&mut self, mut stmt: Stmt, out: &mut Block) {
        let at = stmt.at;
        let Some(value) = (match &mut stmt.kind {
            StmtKind::Let(_, value)
            | StmtKind::Expr(value)
            | StmtKind::Assign { value, .. }
            | StmtKind::Return(Some(value)) => Some(value),
            _ => None,
        }) else {
            out.push(stmt);
            return;
        };
        let call = match &mut value.kind {
            ExprKind::Own(_, inner) => &mut **inner,
            _ => value,
        };
        let ExprKind::Call(callee, _) = &call.kind else {
            out.push(stmt);
            return;
        };
        let Some(callee) = self.inlinable.get(callee) else {
            out.push(stmt);
            return;
        };
        let ty = call.ty;
        let result = ir::add_local(self.locals, "%ret", ty);
        let read = Expr::read_local(result, ty).kind;
        let ExprKind::Call(_, args) = std::mem::replace(&mut call.kind, read) else {
            unreachable!("matched above")
        };
        // The callee's locals, renumbered after the caller's.
        let base = self.locals.len() as u32;
        self.locals.extend(callee.locals.iter().map(|l| LocalDef {
            name: l.name.clone(),
            ty: l.ty,
            mutable: l.mutable,
        }));
        let rename = |l: Local| Local(base + l.0);
        for (&param, arg) in callee.params.iter().zip(args) {
            out.push(Stmt {
                kind: StmtKind::Let(rename(param), arg),
                at,
            });
        }
        let mut body = callee.body.clone();
        renumber(&mut body, &rename);
        returns(&mut body, result, 0);
        body.push(Stmt {
            kind: StmtKind::Break(0),
            at,
        });
        out.push(Stmt {
            kind: StmtKind::Loop {
                cond: None,
                body,
                step: Vec::new(),
            },
            at,
        });
        // A call made for its effects leaves nothing to do with its result.
        if !matches!(stmt.kind, StmtKind::Expr(_)) {
            out.push(stmt);
        }
    }
}

/// Turns the inlined body's `return v` into `result = v; break` out of the loop around it;
/// `loops` counts the loops of the body around the statement.
fn returns(block: &mut Block, result: Local, loops: u32) {
    let mut out = Vec::with_capacity(block.len());
    for mut stmt in block.drain(..) {
        match &mut stmt.kind {
            StmtKind::If {
                then, otherwise, ..
            } => {
                returns(then, result, loops);
                returns(otherwise, result, loops);
            }
            StmtKind::Loop { body, step, .. } => {
                returns(body, result, loops + 1);
                returns(step, result, loops + 1);
            }
            _ => {}
        }
        ir::arm_blocks_mut(&mut stmt, &mut |arm| returns(arm, result, loops));
        let at = stmt.at;
        match stmt.kind {
            StmtKind::Return(value) => {
                if let Some(value) = value {
                    out.push(Stmt {
                        kind: StmtKind::set_local(result, value),
                        at,
                    });
                }
                out.push(Stmt {
                    kind: StmtKind::Break(loops),
                    at,
                });
            }
            kind => out.push(Stmt { kind, at }),
        }
    }
    *block = out;
}

/// How many calls each function gets, from every body.
fn call_counts(module: &Module) -> HashMap<FuncId, usize> {
    let mut counts = HashMap::new();
    for func in module.funcs.iter().flatten() {
        ir::walk(&func.body, &mut |node| {
            if let ir::Node::Expr(Expr {
                kind: ExprKind::Call(callee, _),
                ..
            }) = node
            {
                *counts.entry(*callee).or_default() += 1;
            }
        });
    }
    counts
}

fn calls_itself(func: &Func, id: FuncId) -> bool {
    let mut found = false;
    ir::walk(&func.body, &mut |node| {
        found |= matches!(node, ir::Node::Expr(Expr { kind: ExprKind::Call(callee, _), .. }) if *callee == id);
    });
    found
}

fn has_try(func: &Func) -> bool {
    let mut found = false;
    ir::walk(&func.body, &mut |node| {
        found |= matches!(
            node,
            ir::Node::Expr(Expr {
                kind: ExprKind::Try(_),
                ..
            })
        );
    });
    found
}

fn size(block: &Block) -> usize {
    let mut count = 0;
    ir::walk(block, &mut |_| count += 1);
    count
}

/// Renames every local in `block`: definitions, places, reads and pattern bindings.
fn renumber(block: &mut Block, rename: &dyn Fn(Local) -> Local) {
    let place = |place: &mut Place| {
        if let Var::Local(local) = place.root {
            place.root = Var::Local(rename(local));
        }
    };
    ir::walk_mut(block, &mut |expr| match &mut expr.kind {
        ExprKind::Read(p) | ExprKind::Pop(p, _) | ExprKind::Take(p) | ExprKind::Push(p, ..) => {
            place(p)
        }
        ExprKind::Match(_, arms, _) => arms.iter_mut().for_each(|arm| pat(&mut arm.pat, rename)),
        _ => {}
    });
    ir::walk_stmts_mut(block, &mut |stmt| match &mut stmt.kind {
        StmtKind::Let(local, _) => *local = rename(*local),
        StmtKind::Assign { place: p, .. } | StmtKind::Compound { place: p, .. } => place(p),
        StmtKind::If {
            cond: Cond::Let(p, _, _),
            ..
        } => pat(p, rename),
        _ => {}
    });
}

fn pat(pat: &mut Pat, rename: &dyn Fn(Local) -> Local) {
    match pat {
        Pat::Bind(local) => *local = rename(*local),
        Pat::Case(_, Some(payload)) => self::pat(payload, rename),
        Pat::Tuple(items) => items.iter_mut().for_each(|p| self::pat(p, rename)),
        _ => {}
    }
}
