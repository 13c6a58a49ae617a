//! The syntax tree of one Claw file, as written.
//!
//! Items and type expressions are an owned tree; statements and expressions live in arenas so
//! later phases can attach facts to them in side tables keyed by [`ExprId`] and [`StmtId`].

use la_arena::{Arena, Idx};

use crate::Span;

pub type ExprId = Idx<Expr>;
pub type StmtId = Idx<Stmt>;

/// A parsed file: its items in source order and the arenas their bodies point into.
#[derive(Debug, Default)]
pub struct SourceFile {
    pub items: Vec<Item>,
    pub exprs: Arena<Expr>,
    pub stmts: Arena<Stmt>,
}

/// A name as written, with `%` escapes removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Debug)]
pub enum Item {
    ImportFunc(ImportFunc),
    ImportFrom(ImportFrom),
    Global(Global),
    Func(Func),
}

/// `import name [as local]: func(…) -> T;` — a function the host supplies.
#[derive(Debug)]
pub struct ImportFunc {
    pub name: Name,
    pub alias: Option<Name>,
    pub sig: FuncSig,
    pub span: Span,
}

/// `import { f, g as h } from ns:pkg/iface@1.2.3;`
#[derive(Debug)]
pub struct ImportFrom {
    pub names: Vec<ImportName>,
    pub interface: InterfacePath,
    pub span: Span,
}

#[derive(Debug)]
pub struct ImportName {
    pub name: Name,
    pub alias: Option<Name>,
}

impl ImportName {
    /// The name the file uses for the import.
    pub fn local(&self) -> &Name {
        self.alias.as_ref().unwrap_or(&self.name)
    }
}

/// `ns:pkg/iface` with an optional `@version`.
#[derive(Debug)]
pub struct InterfacePath {
    pub namespace: Name,
    pub package: Name,
    pub interface: Name,
    pub version: Option<Name>,
    pub span: Span,
}

/// `let [mut] name: T = init;` at the top level.
#[derive(Debug)]
pub struct Global {
    pub mutable: bool,
    pub name: Name,
    pub ty: Option<TypeExpr>,
    pub init: Option<ExprId>,
    pub span: Span,
}

/// `[export] func name(params) -> T { body }`
#[derive(Debug)]
pub struct Func {
    pub exported: bool,
    pub name: Name,
    pub sig: FuncSig,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug)]
pub struct FuncSig {
    pub params: Vec<Param>,
    pub result: Option<TypeExpr>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Param {
    pub name: Name,
    pub ty: TypeExpr,
}

/// A type as written: a name (`u32`, `string`, a declared type) with optional
/// arguments (`list<u8>`, `result<T, E>`).
#[derive(Clone, Debug)]
pub struct TypeExpr {
    pub name: Name,
    pub args: Vec<TypeExpr>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Block {
    pub stmts: Vec<StmtId>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug)]
pub enum StmtKind {
    Let {
        mutable: bool,
        name: Name,
        ty: Option<TypeExpr>,
        init: ExprId,
    },
    /// `place = value` or, with `op`, `place op= value`.
    Assign {
        place: ExprId,
        op: Option<BinaryOp>,
        value: ExprId,
    },
    /// `if c {} else if c {} else {}`: one branch per condition.
    If {
        branches: Vec<(ExprId, Block)>,
        otherwise: Option<Block>,
    },
    While {
        cond: ExprId,
        body: Block,
    },
    Loop {
        body: Block,
    },
    Break,
    Continue,
    Return(Option<ExprId>),
    Expr(ExprId),
}

#[derive(Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug)]
pub enum ExprKind {
    /// An integer literal; its type comes from context.
    Int(u64),
    Float(f64),
    Str(String),
    Bool(bool),
    /// A name or a qualified name such as `level::warn`.
    Path(Vec<Name>),
    Call {
        callee: Vec<Name>,
        args: Vec<ExprId>,
    },
    Unary {
        op: UnaryOp,
        operand: ExprId,
    },
    Binary {
        op: BinaryOp,
        lhs: ExprId,
        rhs: ExprId,
    },
    Cast {
        expr: ExprId,
        ty: TypeExpr,
    },
    /// Where the parser could not make sense of the input; checked as "any type".
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Rem => "%",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            And => "&&",
            Or => "||",
            BitAnd => "&",
            BitOr => "|",
            BitXor => "^",
            Shl => "<<",
            Shr => ">>",
        }
    }

    pub fn is_comparison(self) -> bool {
        use BinaryOp::*;
        matches!(self, Eq | Ne | Lt | Le | Gt | Ge)
    }
}
