//! A checked program: the syntax tree plus the side tables the checker filled in.
//!
//! Code generation reads only this: every name use is resolved to a [`Res`], every expression
//! has a type, and every function, global and local has an index of its own.

use la_arena::ArenaMap;

use claw_syntax::ast::{ExprId, SourceFile, StmtId};
use claw_syntax::Span;

use crate::types::{TypeId, Types};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FuncId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LocalId(pub u32);

/// What a name in an expression refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Res {
    Local(LocalId),
    Global(GlobalId),
    Func(FuncId),
    EnumCase { ty: TypeId, case: u32 },
}

pub struct Program {
    pub ast: SourceFile,
    pub types: Types,
    pub funcs: Vec<FuncDef>,
    pub globals: Vec<GlobalDef>,
    pub locals: Vec<LocalDef>,
    pub wit: wit_parser::Resolve,
    pub expr_types: ArenaMap<ExprId, TypeId>,
    pub expr_res: ArenaMap<ExprId, Res>,
    /// The local each `let` statement introduces.
    pub let_locals: ArenaMap<StmtId, LocalId>,
    /// Named types declared in WIT interfaces that the file imports, for the world.
    pub imported_interfaces: Vec<String>,
}

pub struct FuncDef {
    /// The name the file calls it by.
    pub name: String,
    pub params: Vec<LocalId>,
    pub param_types: Vec<TypeId>,
    pub result: Option<TypeId>,
    pub kind: FuncKind,
    pub span: Span,
}

pub enum FuncKind {
    /// Defined in the file; `item` indexes `ast.items`.
    Defined { item: usize, exported: bool },
    /// Supplied by the host: `interface` is `None` for a function imported at the world's root.
    Imported {
        interface: Option<String>,
        wit_name: String,
    },
}

pub struct GlobalDef {
    pub name: String,
    pub ty: TypeId,
    pub mutable: bool,
    pub init: Option<ExprId>,
    pub span: Span,
}

pub struct LocalDef {
    pub name: String,
    pub ty: TypeId,
    pub mutable: bool,
    pub span: Span,
}

impl Program {
    pub fn expr_type(&self, expr: ExprId) -> TypeId {
        self.expr_types.get(expr).copied().unwrap_or(TypeId::ERROR)
    }
}
