//! The syntax tree of one Claw file, as written.
//!
//! Items and type expressions are an owned tree. Each body (a function's, a global's
//! initializer) keeps its statements, expressions and patterns in arenas of its own, a
//! [`Body`], so later phases attach facts to them in per-body side tables keyed by [`ExprId`],
//! [`StmtId`] and [`PatId`], and a change to one body leaves the ids of every other alone.

use la_arena::{Arena, Idx};

use crate::Span;

pub type ExprId = Idx<Expr>;
pub type StmtId = Idx<Stmt>;
pub type PatId = Idx<Pat>;

/// A parsed file: its items in source order.
#[derive(Clone, Debug, Default)]
pub struct SourceFile {
    pub items: Vec<Item>,
}

/// The arenas of one body. Ids from one body mean nothing in another.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub exprs: Arena<Expr>,
    pub stmts: Arena<Stmt>,
    pub pats: Arena<Pat>,
}

impl Body {
    /// `id` with any parentheses around it removed: what the expression is, for the places
    /// where `(x)` means exactly `x`.
    pub fn unparen(&self, mut id: ExprId) -> ExprId {
        while let ExprKind::Paren(inner) = self.exprs[id].kind {
            id = inner;
        }
        id
    }

    /// A range pattern's values, both ends included, chars as their code points; a missing
    /// end (or one that failed to read) is `i128::MIN` or `i128::MAX`. An empty range has
    /// `start > end`. `None` if `pat` is not a range.
    pub fn range_bounds(&self, pat: PatId) -> Option<(i128, i128)> {
        let PatKind::Range {
            start,
            end,
            inclusive,
        } = self.pats[pat].kind
        else {
            return None;
        };
        let value = |end: Option<PatId>| match end.map(|p| &self.pats[p].kind) {
            Some(PatKind::Int(v)) => Some(*v),
            Some(PatKind::Char(c)) => Some(i128::from(u32::from(*c))),
            _ => None,
        };
        let lo = value(start).unwrap_or(i128::MIN);
        let hi = match value(end) {
            Some(hi) if !inclusive => hi - 1,
            Some(hi) => hi,
            None => i128::MAX,
        };
        Some((lo, hi))
    }

    /// `base[start..end]` (or `..=`): the parts of a slice, which is an index expression
    /// whose index is a range. A slice is a new value, never a place.
    pub fn slice(&self, id: ExprId) -> Option<(ExprId, ExprId, ExprId, bool)> {
        let ExprKind::Index { base, index } = self.exprs[id].kind else {
            return None;
        };
        match self.exprs[self.unparen(index)].kind {
            ExprKind::Range {
                start,
                end,
                inclusive,
            } => Some((base, start, end, inclusive)),
            _ => None,
        }
    }
}

/// A name as written, with `%` escapes removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Item {
    ImportFunc(ImportFunc),
    ImportFrom(ImportFrom),
    Global(Global),
    Func(Func),
    TypeDecl(TypeDecl),
    /// `export ns:pkg/iface { … }` or `export name: interface { … }`. Its functions follow it
    /// in `items` as `Item::Func`s whose `interface` is this item's index.
    ExportInterface(ExportInterface),
}

/// A named type declared with WIT syntax: `record point { x: f64, y: f64 }`.
#[derive(Clone, Debug)]
pub struct TypeDecl {
    pub name: Name,
    pub kind: TypeDeclKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeDeclKind {
    Record(Vec<(Name, TypeExpr)>),
    Variant(Vec<(Name, Option<TypeExpr>)>),
    Enum(Vec<Name>),
    Flags(Vec<Name>),
    /// `type id = u64;`
    Alias(TypeExpr),
}

#[derive(Clone, Debug)]
pub struct ExportInterface {
    pub target: ExportTarget,
    /// Indices in `items` of the functions inside the braces, resources' members aside.
    pub funcs: Vec<usize>,
    /// The resources implemented inside the braces.
    pub resources: Vec<ResourceDecl>,
    pub span: Span,
}

/// `resource shelf { fields, constructor, methods, static functions, drop }` in an export
/// block.
#[derive(Clone, Debug)]
pub struct ResourceDecl {
    pub name: Name,
    /// The representation: private to the file.
    pub fields: Vec<(Name, TypeExpr)>,
    /// Indices in `items` of its constructor, methods, static functions and `drop` block,
    /// each a [`Func`] whose `member` says which.
    pub members: Vec<usize>,
    pub span: Span,
}

/// What a function inside a `resource` block is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    /// `constructor(…) { … }`: returns `new T {…}`.
    Constructor,
    /// `func name(…)`: has an implicit `self`, a borrow of the handle it is called on.
    Method,
    /// `static func name(…)`.
    Static,
    /// `drop { … }`: runs with `self` when a handle is dropped.
    Drop,
}

/// A function's place in a resource block: which resource of its export block, and what
/// kind of member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub resource: usize,
    pub kind: MemberKind,
}

#[derive(Clone, Debug)]
pub enum ExportTarget {
    /// An interface from the WIT packages: `export docs:visits/store { … }`.
    Wit(InterfacePath),
    /// An interface defined right here: `export tests: interface { … }`.
    Inline(Name),
}

/// `import name [as local]: func(…) -> T;` — a function the host supplies.
#[derive(Clone, Debug)]
pub struct ImportFunc {
    pub name: Name,
    pub alias: Option<Name>,
    pub sig: FuncSig,
    pub span: Span,
}

/// `import { f, g as h } from ns:pkg/iface@1.2.3;`
#[derive(Clone, Debug)]
pub struct ImportFrom {
    pub names: Vec<ImportName>,
    pub interface: InterfacePath,
    pub span: Span,
}

#[derive(Clone, Debug)]
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
#[derive(Clone, Debug)]
pub struct InterfacePath {
    pub namespace: Name,
    pub package: Name,
    pub interface: Name,
    pub version: Option<Name>,
    pub span: Span,
}

/// `let [mut] name: T = init;` at the top level.
#[derive(Clone, Debug)]
pub struct Global {
    pub mutable: bool,
    pub name: Name,
    pub ty: Option<TypeExpr>,
    pub init: Option<ExprId>,
    /// Where `init` lives.
    pub body: Body,
    pub span: Span,
}

/// `[export] func name(params) -> T { body }`, at the top level or inside an export block.
#[derive(Clone, Debug)]
pub struct Func {
    /// True for `export func` and for every function inside an export block.
    pub exported: bool,
    /// Index in `items` of the `ExportInterface` this function is inside, if any.
    pub interface: Option<usize>,
    /// Set for the constructor, methods, static functions and drop block of a resource.
    pub member: Option<Member>,
    pub name: Name,
    pub sig: FuncSig,
    pub block: Block,
    /// Where `block` lives.
    pub body: Body,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FuncSig {
    pub params: Vec<Param>,
    pub result: Option<TypeExpr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Name,
    pub ty: TypeExpr,
}

/// A type as written: a name (`u32`, `string`, a declared type) with optional
/// arguments (`list<u8>`, `result<T, E>`, `tuple<A, B>`). In `result<_, E>` the `_` is a
/// `TypeExpr` named `_`.
#[derive(Clone, Debug)]
pub struct TypeExpr {
    pub name: Name,
    pub args: Vec<TypeExpr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub stmts: Vec<StmtId>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
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
    /// `if c {} else if c {} else {}`: one branch per condition. A condition may be an
    /// [`ExprKind::Let`], which makes that branch an `if let`.
    If {
        branches: Vec<(ExprId, Block)>,
        otherwise: Option<Block>,
    },
    /// A loop may carry a label (`'outer: while …`) that a `break` or `continue` inside it
    /// names; the label's text keeps its quote.
    While {
        label: Option<Name>,
        cond: ExprId,
        body: Block,
    },
    Loop {
        label: Option<Name>,
        body: Block,
    },
    /// `for x in xs {}`, `for c in s.chars() {}`, `for i in 0..n {}`.
    For {
        label: Option<Name>,
        binding: Name,
        iter: ExprId,
        body: Block,
    },
    /// `break;` or `break 'outer;`.
    Break(Option<Name>),
    Continue(Option<Name>),
    Return(Option<ExprId>),
    Expr(ExprId),
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// An integer literal; its type comes from context.
    Int(u64),
    Float(f64),
    Str(String),
    Char(char),
    Bool(bool),
    /// A name or a qualified name such as `level::warn`; also payload-less cases (`none`, `ok`).
    Path(Vec<Name>),
    /// A call, or a case with a payload: `f(x)`, `some(x)`, `shape::circle(1.0)`.
    Call {
        callee: Vec<Name>,
        args: Vec<ExprId>,
    },
    /// `[a, b, c]`
    List(Vec<ExprId>),
    /// `(a, b)`; `(a,)` is a one-element tuple.
    Tuple(Vec<ExprId>),
    /// `(a)`: kept as a node so tools see what was written. It is `a`, except where a
    /// one-element tuple is expected and `a` is a literal: WAVE writes that tuple `(a)`.
    Paren(ExprId),
    /// `{x: 1.0, y: 2.0}`
    Record(Vec<(Name, ExprId)>),
    /// `{read, write}`, and `{}` (also the empty map)
    Flags(Vec<Name>),
    /// `{"a": 1, 'b': 2}`: a map, by key. A key held in a variable is written `(k)`, since
    /// `{k: v}` is a record.
    Map(Vec<(ExprId, ExprId)>),
    /// `p.x`, `t.0` (the name's text is `0`)
    Field {
        base: ExprId,
        name: Name,
    },
    /// `xs[i]`
    Index {
        base: ExprId,
        index: ExprId,
    },
    /// `xs.len()`, `xs.push(v)`, `s.chars()`
    Method {
        receiver: ExprId,
        name: Name,
        args: Vec<ExprId>,
    },
    /// `new shelf {name: n, books: []}`: a handle to a new resource implemented in the file.
    New {
        ty: Name,
        fields: Vec<(Name, ExprId)>,
    },
    /// `start..end` or `start..=end`; only meaningful as what a `for` iterates.
    Range {
        start: ExprId,
        end: ExprId,
        inclusive: bool,
    },
    Match {
        scrutinee: ExprId,
        arms: Vec<MatchArm>,
    },
    /// `let pat = value`: valid only as the whole condition of an `if` or `else if` branch,
    /// whose block runs when `value` matches `pat`, with the pattern's names bound. The
    /// parser accepts it wherever an expression may start so the checker can say where it
    /// belongs (`misplaced-let`).
    Let {
        pat: PatId,
        value: ExprId,
    },
    /// `e?`
    Try(ExprId),
    /// `check!(cond)`.
    Check {
        cond: ExprId,
    },
    /// `format!("{name} has {n} items")`: the text, with each expression in braces written
    /// as its `to-string()` (a string as itself).
    Format(Vec<FormatPart>),
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

#[derive(Clone, Debug)]
pub struct MatchArm {
    pub pat: PatId,
    /// `pat if cond =>`: the arm runs only when `cond` holds too, else matching goes on.
    pub guard: Option<ExprId>,
    pub body: ArmBody,
    pub span: Span,
}

/// A piece of a `format!` string.
#[derive(Clone, Debug)]
pub enum FormatPart {
    /// Text, its escapes (and `{{`, `}}`) resolved.
    Text(String),
    Expr(ExprId),
}

#[derive(Clone, Debug)]
pub enum ArmBody {
    /// `pat => expr,`: the arm's value.
    Expr(ExprId),
    /// `pat => { stmts }`: an arm run for its effect; its value is `()` unless it diverges.
    Block(Block),
}

#[derive(Clone, Debug)]
pub struct Pat {
    pub kind: PatKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum PatKind {
    /// `_`
    Wildcard,
    /// A bare name: a case of the scrutinee's type if it has one of that name (`none`, `red`),
    /// else a binding.
    Name(Name),
    /// `some(p)`, `circle(p)`, `shape::circle(p)`, `color::red`, `ok`.
    Case {
        path: Vec<Name>,
        payload: Option<PatId>,
    },
    /// An integer literal, possibly negative.
    Int(i128),
    Str(String),
    Char(char),
    Bool(bool),
    /// `(a, b)`
    Tuple(Vec<PatId>),
    /// `red | green`: matches what any of the alternatives matches; they bind no names.
    Or(Vec<PatId>),
    /// `1..=9`, `'a'..'z'`, `0..`, `..=9`: the integers or chars between the ends, each an
    /// `Int` or `Char` pattern; `end` is excluded unless `inclusive`, a missing end is the
    /// type's bound.
    Range {
        start: Option<PatId>,
        end: Option<PatId>,
        inclusive: bool,
    },
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
