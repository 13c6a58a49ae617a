//! Dead code: statements after a `return`, `break` or `continue`; locals that are never read,
//! with the pure computations that set them; and functions no export reaches.

use std::collections::HashSet;

use claw_syntax::ast::BinaryOp;

use crate::ir::{self, Block, Expr, ExprKind, Func, Local, Module, StmtKind, Var};
use crate::program::{FuncKind, Program};

pub fn run(func: &mut Func) {
    // Removing a statement can leave the last reader of another local gone.
    loop {
        let read = read_locals(func);
        let before = size(&func.body);
        sweep(&mut func.body, &read);
        if size(&func.body) == before {
            break;
        }
    }
}

/// The number of statements in `block`, nested ones included.
fn size(block: &Block) -> usize {
    let mut count = 0;
    ir::walk(block, &mut |node| {
        count += usize::from(matches!(node, ir::Node::Stmt(_)))
    });
    count
}

/// The locals something reads: every place rooted in them except the target of a plain
/// assignment to the whole local.
fn read_locals(func: &Func) -> HashSet<Local> {
    let mut read = HashSet::new();
    let mut note = |place: &ir::Place| {
        if let Var::Local(local) = place.root {
            read.insert(local);
        }
    };
    ir::walk(&func.body, &mut |node| match node {
        ir::Node::Expr(expr) => match &expr.kind {
            ExprKind::Read(place)
            | ExprKind::Push(place, ..)
            | ExprKind::Pop(place, _)
            | ExprKind::Take(place) => note(place),
            _ => {}
        },
        ir::Node::Stmt(stmt) => match &stmt.kind {
            StmtKind::Compound { place, .. } => note(place),
            StmtKind::Assign { place, .. } if !place.path.is_empty() => note(place),
            _ => {}
        },
        ir::Node::Pat(_) => {}
    });
    read
}

/// Removes what can never run or matters to nothing, in `block` and the blocks inside it.
fn sweep(block: &mut Block, read: &HashSet<Local>) {
    let mut out = Vec::with_capacity(block.len());
    for mut stmt in block.drain(..) {
        let ends = matches!(
            stmt.kind,
            StmtKind::Return(_) | StmtKind::Break(_) | StmtKind::Continue(_)
        ) || matches!(&stmt.kind, StmtKind::Expr(e) if matches!(e.kind, ExprKind::Unreachable));
        match &mut stmt.kind {
            StmtKind::Let(local, value) if !read.contains(local) && pure(value) => continue,
            StmtKind::Assign { place, value, .. }
                if place.path.is_empty()
                    && matches!(place.root, Var::Local(l) if !read.contains(&l))
                    && pure(value) =>
            {
                continue
            }
            StmtKind::Expr(value) if pure(value) => continue,
            StmtKind::If {
                then, otherwise, ..
            } => {
                sweep(then, read);
                sweep(otherwise, read);
            }
            StmtKind::Loop { body, step, .. } => {
                sweep(body, read);
                sweep(step, read);
            }
            _ => {}
        }
        ir::walk_stmt_exprs_mut(&mut stmt, &mut |expr| {
            if let ExprKind::Match(_, arms, _) = &mut expr.kind {
                for arm in arms {
                    sweep(&mut arm.body, read);
                }
            }
        });
        out.push(stmt);
        if ends {
            break;
        }
    }
    *block = out;
}

/// Whether evaluating `expr` has no effect but its value: no call, no trap, no change to a
/// variable, no early return.
pub fn pure(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Const(_) => true,
        // A step through a handle asks the host for the representation.
        ExprKind::Read(place) => place
            .path
            .iter()
            .all(|step| matches!(step, ir::Step::Field(_) | ir::Step::Index(_, false))),
        ExprKind::Own(_, value)
        | ExprKind::Field(value, _)
        | ExprKind::Unary(_, value)
        | ExprKind::Cast(value)
        | ExprKind::Check(value, _) => pure(value),
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().all(pure),
        ExprKind::Record(fields) => fields.iter().all(|(_, e)| pure(e)),
        ExprKind::Case(_, payload) => payload.as_deref().is_none_or(pure),
        ExprKind::Binary(op, lhs, rhs) => {
            !matches!(op, BinaryOp::Div | BinaryOp::Rem) && pure(lhs) && pure(rhs)
        }
        ExprKind::Builtin(
            ir::Builtin::Len
            | ir::Builtin::ToString
            | ir::Builtin::CharAt
            | ir::Builtin::FromUtf8
            | ir::Builtin::Reinterpret
            | ir::Builtin::Float(_)
            | ir::Builtin::MapGet
            | ir::Builtin::MapHas
            | ir::Builtin::MapFrom,
            args,
        ) => args.iter().all(pure),
        ExprKind::Index { .. }
        | ExprKind::Builtin(ir::Builtin::Slice { .. } | ir::Builtin::MapLookup, _)
        | ExprKind::Call(..)
        | ExprKind::Builtin(ir::Builtin::Print { .. }, _)
        | ExprKind::Match(..)
        | ExprKind::Try(_)
        | ExprKind::Push(..)
        | ExprKind::Pop(..)
        | ExprKind::Take(_)
        | ExprKind::Builtin(ir::Builtin::Drop | ir::Builtin::New | ir::Builtin::Rep, _)
        | ExprKind::Unreachable => false,
    }
}

/// Drops the bodies of defined functions that no exported function (or destructor) calls,
/// directly or not; with `libraries_only`, only those of the bundled libraries (every
/// function of the file counts as called).
pub fn functions(module: &mut Module, program: &Program, libraries_only: bool) {
    let mut live = HashSet::new();
    let mut work: Vec<usize> = (0..program.funcs.len())
        .filter(|&id| {
            let func = &program.funcs[id];
            matches!(func.kind, FuncKind::Defined { exported: true, .. })
                || libraries_only && func.span.file != crate::library::LIBRARY_FILE
        })
        .collect();
    // A resource's `drop` block runs from its destructor, which the host calls.
    work.extend(
        program
            .resources
            .values()
            .filter_map(|r| r.implementation.as_ref()?.drop)
            .map(|f| f.0 as usize),
    );
    while let Some(id) = work.pop() {
        if !live.insert(id) {
            continue;
        }
        if let Some(func) = &module.funcs[id] {
            ir::walk(&func.body, &mut |node| {
                if let ir::Node::Expr(Expr {
                    kind: ExprKind::Call(callee, _),
                    ..
                }) = node
                {
                    work.push(callee.0 as usize);
                }
            });
        }
    }
    for (id, func) in module.funcs.iter_mut().enumerate() {
        if !live.contains(&id) {
            *func = None;
        }
    }
}
