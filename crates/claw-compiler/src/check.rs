//! Name resolution and type checking, in one pass over the syntax tree.
//!
//! Items are collected first so functions may call each other in any order; then global
//! initializers and function bodies are checked, one body at a time: what is found in a body
//! goes into its own [`BodyFacts`]. Errors are collected, never fatal, and the `Error` type
//! silences follow-ups.

mod access;
mod decl;
mod expr;
mod infer;
mod literal;
mod moves;
mod pattern;
mod resource;
mod stmt;
mod wit_import;
mod world_names;

use std::collections::{HashMap, HashSet};

use la_arena::ArenaMap;

use claw_syntax::ast::{self, ExprKind, Item, SourceFile};
use claw_syntax::Span;

use crate::diagnostics::Diagnostic;
use crate::program::{
    BodyFacts, FuncDef, FuncId, FuncKind, GlobalDef, GlobalId, LocalDef, LocalId, ParamDef, Program,
};
use crate::types::{TypeId, Types};

/// Where the file came from, for messages that name a position (`check!`).
pub struct Origin<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

pub fn check(
    ast: SourceFile,
    wit: wit_parser::Resolve,
    origin: &Origin,
) -> (Program, Vec<Diagnostic>) {
    let mut ctx = Checker {
        ast: &ast,
        body: &EMPTY_BODY,
        types: Types::default(),
        funcs: Vec::new(),
        resources: HashMap::new(),
        globals: Vec::new(),
        locals: Vec::new(),
        wit: &wit,
        expr_types: ArenaMap::default(),
        expr_res: ArenaMap::default(),
        let_locals: ArenaMap::default(),
        imported_interfaces: Vec::new(),
        exported_interfaces: Vec::new(),
        pat_types: ArenaMap::default(),
        pat_res: ArenaMap::default(),
        for_locals: ArenaMap::default(),
        jumps: ArenaMap::default(),
        check_messages: ArenaMap::default(),
        match_stmts: ArenaMap::default(),
        diverging: ArenaMap::default(),
        origin_name: origin.name,
        origin_text: origin.text,
        lines: claw_syntax::LineIndex::new(origin.text),
        diagnostics: Vec::new(),
        items: HashMap::new(),
        type_names: HashMap::new(),
        scopes: Vec::new(),
        func_result: None,
        loops: Vec::new(),
        vars: Vec::new(),
        deferred: Vec::new(),
        type_decls: HashMap::new(),
        resolving: Vec::new(),
        spelling_searches: 0,
        borrow_here: false,
        implemented: HashSet::new(),
        resource_decls: HashMap::new(),
        type_spans: HashMap::new(),
    };
    ctx.collect_type_decls();
    ctx.collect_items();
    ctx.resolve_type_decls();
    ctx.check_exports();
    ctx.check_world_names();
    ctx.check_globals();
    ctx.check_funcs();
    let Checker {
        types,
        funcs,
        resources,
        globals,
        imported_interfaces,
        exported_interfaces,
        diagnostics,
        ..
    } = ctx;
    let program = Program {
        ast,
        types,
        funcs,
        resources,
        globals,
        wit,
        imported_interfaces,
        exported_interfaces,
    };
    (program, diagnostics)
}

#[derive(Clone, Copy)]
enum ItemRes {
    Global(GlobalId),
    Func(FuncId),
}

/// What an expression is checked against, and why, for the "expected because" label.
#[derive(Clone, Copy)]
struct Expect {
    ty: TypeId,
    reason: Option<(Span, &'static str)>,
}

impl Expect {
    fn ty(ty: TypeId) -> Expect {
        Expect { ty, reason: None }
    }

    fn because(ty: TypeId, span: Span, why: &'static str) -> Expect {
        Expect {
            ty,
            reason: Some((span, why)),
        }
    }
}

struct LoopFrame {
    has_break: bool,
    label: Option<ast::Name>,
}

/// What `Checker::body` is outside any body.
static EMPTY_BODY: ast::Body = ast::Body {
    exprs: la_arena::Arena::new(),
    stmts: la_arena::Arena::new(),
    pats: la_arena::Arena::new(),
};

struct Checker<'a> {
    ast: &'a SourceFile,
    /// The body being checked: the ids below index its arenas. The tables from `locals` to
    /// `diverging` are about it, and become its [`BodyFacts`] when it is done.
    body: &'a ast::Body,
    types: Types,
    funcs: Vec<FuncDef>,
    resources: HashMap<TypeId, crate::program::ResourceFuncs>,
    globals: Vec<GlobalDef>,
    locals: Vec<LocalDef>,
    wit: &'a wit_parser::Resolve,
    expr_types: ArenaMap<ast::ExprId, TypeId>,
    expr_res: ArenaMap<ast::ExprId, crate::program::Res>,
    let_locals: ArenaMap<ast::StmtId, LocalId>,
    imported_interfaces: Vec<String>,
    exported_interfaces: Vec<crate::program::ExportedInterface>,
    pat_types: ArenaMap<ast::PatId, TypeId>,
    pat_res: ArenaMap<ast::PatId, crate::program::PatRes>,
    for_locals: ArenaMap<ast::StmtId, LocalId>,
    jumps: ArenaMap<ast::StmtId, u32>,
    check_messages: ArenaMap<ast::ExprId, String>,
    match_stmts: ArenaMap<ast::ExprId, ()>,
    diverging: ArenaMap<ast::ExprId, ()>,
    origin_name: &'a str,
    origin_text: &'a str,
    lines: claw_syntax::LineIndex,
    diagnostics: Vec<Diagnostic>,
    /// File-level names: globals and functions, with where they were defined.
    items: HashMap<String, (ItemRes, Span)>,
    /// Type names beyond the primitives: enums from WIT.
    type_names: HashMap<String, TypeId>,
    scopes: Vec<HashMap<String, LocalId>>,
    /// The result type of the function being checked, and the span that declares it.
    func_result: Option<(Option<TypeId>, Span)>,
    loops: Vec<LoopFrame>,
    /// The body's literal type variables: an unannotated local initialized with a literal
    /// takes its type from its uses, as `i` in `let mut i = 0; while i < n {…}` becomes
    /// `n`'s type (see `infer.rs`).
    vars: Vec<infer::Var>,
    /// Checks waiting for a variable's final type.
    deferred: Vec<infer::Deferred>,
    /// Type declarations of the file by name (index in `ast.items`), resolved on first use so
    /// they may refer to each other in any order.
    type_decls: HashMap<String, usize>,
    /// Declarations being resolved, to report a type that contains itself.
    resolving: Vec<String>,
    /// How many "did you mean" searches were made (see `expr::MAX_SPELLING_SEARCHES`).
    spelling_searches: usize,
    /// Whether the type being resolved is a parameter's, which may be a borrow.
    borrow_here: bool,
    /// The WIT resources of the interfaces the file exports: implemented here, never
    /// imported.
    implemented: HashSet<wit_parser::TypeId>,
    /// The resource type of each `resource` block, by its export block's item and its
    /// place in the block.
    resource_decls: HashMap<(usize, usize), TypeId>,
    /// Where each named type got its name in this file: its declaration, or the import or
    /// export block that brought it from WIT. For messages about the world's names.
    type_spans: HashMap<TypeId, Span>,
}

impl<'a> Checker<'a> {
    /// Starts checking `body`, with no locals yet.
    fn enter_body(&mut self, body: &'a ast::Body) {
        self.body = body;
        debug_assert!(self.locals.is_empty() && self.vars.is_empty());
    }

    /// Hands over what was found in the body being checked.
    fn leave_body(&mut self) -> BodyFacts {
        self.settle_body();
        self.body = &EMPTY_BODY;
        self.pat_types = ArenaMap::default();
        self.diverging = ArenaMap::default();
        BodyFacts {
            locals: std::mem::take(&mut self.locals),
            expr_types: std::mem::take(&mut self.expr_types),
            expr_res: std::mem::take(&mut self.expr_res),
            let_locals: std::mem::take(&mut self.let_locals),
            pat_res: std::mem::take(&mut self.pat_res),
            for_locals: std::mem::take(&mut self.for_locals),
            jumps: std::mem::take(&mut self.jumps),
            check_messages: std::mem::take(&mut self.check_messages),
            match_stmts: std::mem::take(&mut self.match_stmts),
            moves: ArenaMap::default(),
        }
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn define_item(&mut self, name: &ast::Name, res: ItemRes) {
        if let Some((_, first)) = self.items.get(&name.text) {
            let first = *first;
            self.error(
                Diagnostic::error(
                    "duplicate-definition",
                    format!("`{}` is defined more than once", name.text),
                )
                .at(name.span, "defined again here")
                .also(first, "first defined here")
                .hint("rename one of them"),
            );
            return;
        }
        self.items.insert(name.text.clone(), (res, name.span));
    }

    fn collect_items(&mut self) {
        let ast = self.ast;
        let mut export_blocks = HashMap::new();
        let mut exported = HashSet::new();
        for (index, item) in ast.items.iter().enumerate() {
            match item {
                Item::ImportFrom(import) => self.import_from(import),
                Item::ExportInterface(export) => {
                    let slot = self.export_interface(export, &mut exported);
                    self.declare_resources(export, index, slot);
                    export_blocks.insert(index, slot);
                }
                _ => {}
            }
        }
        for (index, item) in ast.items.iter().enumerate() {
            match item {
                Item::ImportFrom(_) | Item::TypeDecl(_) => {}
                Item::ExportInterface(export) => self.resource_fields(export, index),
                Item::Func(func) if func.member.is_some() => {
                    let slot = func.interface.and_then(|i| export_blocks.get(&i).copied());
                    self.declare_member(func, index, slot);
                }
                Item::ImportFunc(import) => {
                    let local = import.alias.as_ref().unwrap_or(&import.name);
                    let id = self.declare_func(
                        local,
                        &import.sig,
                        FuncKind::Imported {
                            interface: None,
                            wit_name: import.name.text.clone(),
                        },
                        import.span,
                    );
                    self.define_item(local, ItemRes::Func(id));
                }
                Item::Func(func) => {
                    let interface = func.interface.and_then(|i| export_blocks.get(&i).copied());
                    let kind = FuncKind::Defined {
                        item: index,
                        exported: func.exported,
                        interface,
                    };
                    let id = self.declare_func(&func.name, &func.sig, kind, func.name.span);
                    if let Some(interface) = interface {
                        self.exported_interfaces[interface].funcs.push(id);
                    }
                    self.define_item(&func.name, ItemRes::Func(id));
                }
                Item::Global(global) => {
                    let ty = match &global.ty {
                        Some(ty) => self.resolve_type(ty),
                        None => {
                            self.error(
                                Diagnostic::error(
                                    "global-needs-type",
                                    format!(
                                        "global `{}` needs a type annotation",
                                        global.name.text
                                    ),
                                )
                                .at(global.name.span, "no type given")
                                .hint(format!(
                                    "write the type after the name: `let {}{}: u32 = …;`",
                                    if global.mutable { "mut " } else { "" },
                                    global.name.text
                                )),
                            );
                            TypeId::ERROR
                        }
                    };
                    if global.init.is_none() {
                        self.error(
                            Diagnostic::error(
                                "global-needs-initializer",
                                format!("global `{}` needs an initial value", global.name.text),
                            )
                            .at(global.span, "no initializer")
                            .hint("globals are initialized with a constant: `let count: u32 = 0;`"),
                        );
                    }
                    let id = GlobalId(self.globals.len() as u32);
                    self.globals.push(GlobalDef {
                        name: global.name.text.clone(),
                        ty,
                        mutable: global.mutable,
                        init: global.init,
                        item: index,
                        span: global.name.span,
                        facts: BodyFacts::default(),
                    });
                    self.define_item(&global.name, ItemRes::Global(id));
                }
            }
        }
    }

    fn declare_func(
        &mut self,
        name: &ast::Name,
        sig: &ast::FuncSig,
        kind: FuncKind,
        span: Span,
    ) -> FuncId {
        let mut params = Vec::new();
        let mut param_types = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for param in &sig.params {
            if let Some(first) = seen.insert(&param.name.text, param.name.span) {
                self.error(
                    Diagnostic::error(
                        "duplicate-definition",
                        format!("parameter `{}` is declared more than once", param.name.text),
                    )
                    .at(param.name.span, "declared again here")
                    .also(first, "first declared here"),
                );
            }
            params.push(ParamDef {
                name: param.name.text.clone(),
                span: param.name.span,
            });
            self.borrow_here = true;
            param_types.push(self.resolve_type(&param.ty));
        }
        let result = sig.result.as_ref().map(|ty| self.resolve_type(ty));
        self.push_func(FuncDef {
            name: name.text.clone(),
            params,
            param_types,
            result,
            kind,
            span,
            facts: BodyFacts::default(),
        })
    }

    fn push_func(&mut self, def: FuncDef) -> FuncId {
        self.funcs.push(def);
        FuncId(self.funcs.len() as u32 - 1)
    }

    fn new_local(&mut self, name: &ast::Name, ty: TypeId, mutable: bool) -> LocalId {
        self.push_local(LocalDef {
            name: name.text.clone(),
            ty,
            mutable,
            span: name.span,
        })
    }

    fn push_local(&mut self, def: LocalDef) -> LocalId {
        self.locals.push(def);
        LocalId(self.locals.len() as u32 - 1)
    }

    fn check_globals(&mut self) {
        let ast = self.ast;
        for index in 0..self.globals.len() {
            let Item::Global(global) = &ast.items[self.globals[index].item] else {
                continue;
            };
            self.enter_body(&global.body);
            self.check_global(index);
            self.globals[index].facts = self.leave_body();
        }
    }

    /// A global's initializer: a constant of the global's type.
    fn check_global(&mut self, index: usize) {
        let (Some(init), ty) = (self.globals[index].init, self.globals[index].ty) else {
            return;
        };
        let span = self.globals[index].span;
        let hint = "initialize the global with a literal and assign it in a function";
        let not_constant = |this: &mut Self| {
            this.error(
                Diagnostic::error(
                    "non-constant-global",
                    "global initializer must be a constant",
                )
                .at(this.body.exprs[init].span, "not a constant")
                .hint(hint),
            );
        };
        if !is_constant(self.body, init) {
            not_constant(self);
            return;
        }
        self.expr(init, Some(Expect::because(ty, span, "the global's type")));
        // A name in a constant must be a case (`none`, `red`), not a variable or a call.
        if self.names_variable(init) {
            not_constant(self);
        }
    }

    /// Whether the constant `expr` refers to a global, local or function (rather than only
    /// to cases).
    fn names_variable(&self, expr: ast::ExprId) -> bool {
        use crate::program::Res;
        let any = |items: &[ast::ExprId]| items.iter().any(|&e| self.names_variable(e));
        match &self.body.exprs[expr].kind {
            ExprKind::Path(_) | ExprKind::Call { .. }
                if matches!(
                    self.expr_res.get(expr),
                    Some(Res::Global(_) | Res::Local(_) | Res::Func(_))
                ) =>
            {
                true
            }
            ExprKind::Call { args, .. } => any(args),
            ExprKind::List(items) | ExprKind::Tuple(items) => any(items),
            ExprKind::Record(fields) => fields.iter().any(|(_, e)| self.names_variable(*e)),
            ExprKind::Map(entries) => entries
                .iter()
                .any(|(k, v)| self.names_variable(*k) || self.names_variable(*v)),
            ExprKind::Unary { operand, .. } | ExprKind::Paren(operand) => {
                self.names_variable(*operand)
            }
            _ => false,
        }
    }

    fn check_funcs(&mut self) {
        let ast = self.ast;
        for id in 0..self.funcs.len() {
            let FuncKind::Defined { item, .. } = self.funcs[id].kind else {
                continue;
            };
            let Item::Func(func) = &ast.items[item] else {
                continue;
            };
            self.enter_body(&func.body);
            let mut scope = HashMap::new();
            for (index, param) in self.funcs[id].params.iter().enumerate() {
                let def = LocalDef {
                    name: param.name.clone(),
                    ty: self.funcs[id].param_types[index],
                    mutable: false,
                    span: param.span,
                };
                scope.insert(def.name.clone(), LocalId(self.locals.len() as u32));
                self.locals.push(def);
            }
            self.scopes = vec![scope];
            let result_span = func.sig.result.as_ref().map_or(func.sig.span, |t| t.span);
            self.func_result = Some((self.funcs[id].result, result_span));
            self.loops.clear();
            let diverges = self.block(&func.block);
            if let (Some(result), false) = (self.funcs[id].result, diverges) {
                let end = Span {
                    start: func.block.span.end - 1,
                    ..func.block.span
                };
                self.error(
                    Diagnostic::error(
                        "missing-return",
                        format!(
                            "function `{}` may end without returning a value",
                            func.name.text
                        ),
                    )
                    .at(end, "control can reach the end of the body here")
                    .also(
                        result_span,
                        format!("the function returns `{}`", self.type_name(result)),
                    )
                    .hint("add a `return` on every path"),
                );
            }
            let mut facts = self.leave_body();
            moves::check(
                &self.types,
                &self.funcs,
                &self.globals,
                &func.body,
                &func.block,
                &mut facts,
                &mut self.diagnostics,
            );
            self.funcs[id].facts = facts;
        }
    }

    /// A type's name for a message: a type variable is named by what it is known to be.
    fn type_name(&self, ty: TypeId) -> String {
        self.types
            .name_with(ty, &|index| match self.vars.get(index as usize) {
                Some(var) => match var.bound {
                    Some(ty) => self.type_name(ty),
                    None if var.float => "{float}".into(),
                    None => "{integer}".into(),
                },
                None => "{integer}".into(),
            })
    }

    fn type_mismatch(&mut self, span: Span, expect: Expect, found: TypeId) {
        if expect.ty == TypeId::ERROR || found == TypeId::ERROR || expect.ty == found {
            return;
        }
        let expected = self.type_name(expect.ty);
        let found_name = self.type_name(found);
        let mut diagnostic = Diagnostic::error(
            "type-mismatch",
            format!("expected `{expected}`, found `{found_name}`"),
        )
        .at(span, format!("this is `{found_name}`"));
        if let Some((reason_span, why)) = expect.reason {
            diagnostic = diagnostic.also(
                reason_span,
                format!("expected `{expected}` because of {why}"),
            );
        }
        if self.numeric(expect.ty) && self.numeric(found) {
            diagnostic = diagnostic.hint(format!("convert explicitly with `as {expected}`"));
        }
        self.error(diagnostic);
    }
}

/// Literals (possibly negated), cases and records, tuples and flags of constants, and empty
/// lists: what a global can be initialized with, because they need no code to build.
fn is_constant(ast: &ast::Body, expr: ast::ExprId) -> bool {
    let all = |items: &[ast::ExprId]| items.iter().all(|&e| is_constant(ast, e));
    match &ast.exprs[expr].kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::Char(_)
        | ExprKind::Flags(_) => true,
        ExprKind::List(items) | ExprKind::Tuple(items) => all(items),
        ExprKind::Paren(inner) => is_constant(ast, *inner),
        ExprKind::Record(fields) => fields.iter().all(|(_, e)| is_constant(ast, *e)),
        ExprKind::Map(entries) => entries
            .iter()
            .all(|(k, v)| is_constant(ast, *k) && is_constant(ast, *v)),
        ExprKind::Call { args, .. } => all(args),
        ExprKind::Unary {
            op: ast::UnaryOp::Neg,
            operand,
        } => matches!(
            ast.exprs[ast.unparen(*operand)].kind,
            ExprKind::Int(_) | ExprKind::Float(_)
        ),
        ExprKind::Path(_) => true,
        ExprKind::Error => true,
        _ => false,
    }
}
