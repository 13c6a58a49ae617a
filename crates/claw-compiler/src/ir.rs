//! The typed middle layer between the checked program and core Wasm.
//!
//! A function body is a tree of statements and expressions in which every name is resolved,
//! every expression carries its type, and what code generation used to decide on the fly is
//! written down: where a value is copied so that its holder owns its lists (`Copy`), copied
//! off the scratch list for a global (`Persist`), and where a global's old value is released.
//! Constants are already evaluated (`Const`), a `match` used as a statement and one used as
//! a value share one shape, and every `for` is a plain [`StmtKind::Loop`] with a step block,
//! whatever it iterates. Lowering (`lower`) builds it, the passes in `opt` rewrite it, and
//! `codegen` reads nothing else of a function body. `print` writes it as text, for
//! `claw build --emit ir` and for golden tests of lowering and of each pass.

pub mod decision;
pub mod eval;
mod print;
mod walk;

use claw_syntax::ast::{BinaryOp, UnaryOp};

use crate::program::{FloatOp, FuncId, GlobalId};
use crate::types::TypeId;

pub use decision::Decision;
pub use print::print;
pub use walk::{
    arm_blocks_mut, walk, walk_expr, walk_expr_mut, walk_mut, walk_stmt_exprs_mut, walk_stmts_mut,
    Node,
};

/// The bodies of a program's functions and the values of its globals. Signatures, names and
/// exports stay in the checked program, which code generation reads for the world.
pub struct Module {
    /// By [`FuncId`]: `None` for an imported function.
    pub funcs: Vec<Option<Func>>,
    /// By [`GlobalId`]: each global's initial value.
    pub globals: Vec<Const>,
}

/// A local of one function body, by position in [`Func::locals`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Local(pub u32);

#[derive(Clone)]
pub struct Func {
    pub name: String,
    pub params: Vec<Local>,
    pub result: Option<TypeId>,
    pub locals: Vec<LocalDef>,
    pub body: Block,
}

#[derive(Clone)]
pub struct LocalDef {
    /// The name in the source, or one starting with `%` for a local the lowering made.
    pub name: String,
    pub ty: TypeId,
    /// Declared `mut`: it owns the lists and strings in it, which nothing else names.
    pub mutable: bool,
}

pub type Block = Vec<Stmt>;

#[derive(Clone)]
pub struct Stmt {
    pub kind: StmtKind,
    /// Where the statement starts in the source, for the debug line table.
    pub at: u32,
}

#[derive(Clone)]
pub enum StmtKind {
    /// Defines a local. Its value is already owned as the local needs.
    Let(Local, Expr),
    /// `place = value`, the value already owned as the place needs (an `Own` around it).
    /// `release` hands the place's old value to the scratch list first (a global's, which
    /// it owned).
    Assign {
        place: Place,
        value: Expr,
        release: bool,
    },
    /// `place op= value`: the value is evaluated first, then the place, once; `own` makes
    /// the result fit for the place.
    Compound {
        place: Place,
        op: BinaryOp,
        value: Expr,
        own: Own,
        release: bool,
    },
    /// Evaluates and drops a value.
    Expr(Expr),
    If {
        cond: Cond,
        then: Block,
        otherwise: Block,
    },
    /// Runs `cond` (if any), exits when false, runs `body` then `step`, and goes round.
    /// `continue` goes to `step`, `break` past the end.
    Loop {
        cond: Option<Expr>,
        body: Block,
        step: Block,
    },
    /// Leaves the loop `n` loops out from the innermost one (0).
    Break(u32),
    /// Goes on with the next round of the loop `n` loops out from the innermost one (0).
    Continue(u32),
    Return(Option<Expr>),
}

#[derive(Clone)]
pub enum Cond {
    Expr(Expr),
    /// `if let pat = value`: the pattern's bindings are in scope in `then`; the decision
    /// tree (of one arm) tests it.
    Let(Pat, Expr, Box<Decision>),
}

/// How a value becomes owned by what it is stored in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Own {
    /// It already is: it was just built, or holds no list.
    Keep,
    /// Copy its lists (a `mut` variable owns its lists, as `push` changes them in place).
    Copy,
    /// Copy all its memory off the scratch list (a global outlives the export call).
    Persist,
}

#[derive(Clone)]
pub struct Expr {
    pub ty: TypeId,
    pub kind: ExprKind,
}

#[derive(Clone)]
pub enum ExprKind {
    Const(Const),
    /// The value in a variable or inside one, as it is: no copy.
    Read(Place),
    /// A copy of a value, owned as `Own` says (never `Keep`).
    Own(Own, Box<Expr>),
    /// Field `index` of a record or tuple value, or flag `index` of a flags value.
    Field(Box<Expr>, u32),
    /// An element of a list value.
    Index {
        list: Box<Expr>,
        index: Box<Expr>,
        checked: bool,
    },
    Call(FuncId, Vec<Expr>),
    Case(u32, Option<Box<Expr>>),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    /// A record's fields in the order they are evaluated (as written), each with its
    /// position in the type.
    Record(Vec<(u32, Expr)>),
    Unary(UnaryOp, Box<Expr>),
    /// Any operator; `&&` and `||` evaluate their right side only when needed.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `value as ty`, from the operand's type to the expression's.
    Cast(Box<Expr>),
    /// A `match`: the first arm whose pattern matches runs, as the decision tree (built
    /// from the arms' patterns when the match is lowered) picks it. As a statement its type
    /// is `unit` and arm values are dropped.
    Match(Box<Expr>, Vec<Arm>, Box<decision::Trees>),
    /// `e?`: the payload of `ok`/`some`, or a return of `err(e)`/`none`. (Where handles
    /// must be dropped on the way out, lowering writes a `match` instead.)
    Try(Box<Expr>),
    /// `check!(cond)`: `ok` or `err(message)`.
    Check(Box<Expr>, String),
    Builtin(Builtin, Vec<Expr>),
    /// `place.push(value)`, or `place.insert(at, value)` with the index: the list grows in
    /// place while its block has room, the elements from `at` on moving up one. The index
    /// and then the value are evaluated first; the value is already owned as the list
    /// needs. Traps when `at` is past the end. On a map, `place.insert(key, value)`: an
    /// `option` of the value the key had.
    Push(Place, Slot, Box<Expr>),
    /// `place.pop()`: an `option` of the last element, removed; or `place.remove(at)`: the
    /// element at `at`, the elements after it moving down one (traps past the end). On a
    /// map, `place.remove(key)`: an `option` of the value the key had.
    Pop(Place, Slot),
    /// The value in a place, moved out: the place is left holding zeros, which as a value
    /// owns no handle (handle 0 is never a handle) and no memory, so dropping it again
    /// does nothing.
    Take(Place),
    /// What a checked program never reaches.
    Unreachable,
}

/// Where a `Push` puts a value into a collection, or a `Pop` takes one out.
#[derive(Clone)]
pub enum Slot {
    /// A list's end.
    End,
    /// A list's index.
    At(Box<Expr>),
    /// A map's key: the only one of the three that may leave the length as it was.
    Key(Box<Expr>),
}

impl Slot {
    pub fn expr(&self) -> Option<&Expr> {
        match self {
            Slot::End => None,
            Slot::At(e) | Slot::Key(e) => Some(e),
        }
    }

    pub fn expr_mut(&mut self) -> Option<&mut Expr> {
        match self {
            Slot::End => None,
            Slot::At(e) | Slot::Key(e) => Some(e),
        }
    }
}

#[derive(Clone)]
pub struct Arm {
    pub pat: Pat,
    /// A `bool` that must hold too, read with the pattern's names bound; when it does not,
    /// matching goes on with the arms after this one.
    pub guard: Option<Expr>,
    /// Runs when the pattern matches; then `value`, if any, is the match's value. An arm
    /// with no value in a match that has one diverges.
    pub body: Block,
    pub value: Option<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// The length of a list or string (elements or bytes).
    Len,
    /// Decimal digits, the character, `true`/`false`.
    ToString,
    Print {
        newline: bool,
    },
    /// The char at byte offset `at` of a string and the number of bytes it takes: a
    /// `tuple<char, u32>`.
    CharAt,
    /// Drops every owned handle in a value; its type is `unit`.
    Drop,
    /// A new resource (the expression's type) whose representation is the value given,
    /// already persisted: an owned handle to it.
    New,
    /// The representation of a resource the file implements, from an owned handle to it:
    /// how such a handle is lent (a `borrow` inside the component is the representation).
    Rep,
    /// `result<string, string>` from a `list<u8>`: `ok` of the same bytes when they are valid
    /// UTF-8, else `err` naming the offset of the first byte that is not.
    FromUtf8,
    /// A float's bits as the unsigned integer of its width, or the float of an integer's
    /// bits, by the operand's and the result's types: one `reinterpret` instruction.
    Reinterpret,
    /// `(list, start, end)`: a new list (or string) of the elements (or bytes) from `start`
    /// up to `end`, or through it when `inclusive`. Traps when the range is backwards or
    /// runs past the end, and for a string when it cuts a character.
    Slice {
        inclusive: bool,
    },
    /// A float method that is one Wasm instruction, on its operands.
    Float(FloatOp),
    /// `m.get(k)`: an `option` of the value. Its operands are the key, then the map: a map
    /// is read in place, so the key (which may change it) is evaluated first.
    MapGet,
    /// `m.contains-key(k)`, operands as `MapGet`'s.
    MapHas,
    /// `m[k]`: the value; traps when the key is absent. Operands as `MapGet`'s.
    MapLookup,
    /// A map of a list of entries (a map literal's): a key given twice keeps its first
    /// place and its last value.
    MapFrom,
}

#[derive(Clone)]
pub enum Pat {
    Wildcard,
    /// Binds the value; a binding never changes, so it may share the tested value's locals.
    Bind(Local),
    Case(u32, Option<Box<Pat>>),
    Int(i128),
    Char(char),
    Bool(bool),
    Str(String),
    Tuple(Vec<Pat>),
    /// Matches what any alternative matches; binds nothing.
    Or(Vec<Pat>),
    /// The integers (or chars' code points) from the first through the second; an open end
    /// is `i128::MIN` or `i128::MAX`.
    Range(i128, i128),
}

/// A variable, or a field or element inside one.
#[derive(Clone)]
pub struct Place {
    pub root: Var,
    pub path: Vec<Step>,
    /// The type of what the place holds.
    pub ty: TypeId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Var {
    Local(Local),
    Global(GlobalId),
}

#[derive(Clone)]
pub enum Step {
    /// A field of a record or tuple, or a flag of a flags value.
    Field(u32),
    /// From a handle to the representation of the resource, a tuple of its fields in
    /// memory (only for resources the file implements). What is reached through it lives
    /// as long as the resource, so it is owned as a global's value is.
    Deref,
    /// An element of a list; `checked` traps when it is out of bounds.
    Index(Expr, bool),
}

/// A value known at compile time, shaped as its type.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Bool(bool),
    /// Any integer type, as its value (not its bits).
    Int(i128),
    F32(f32),
    F64(f64),
    Char(char),
    Str(String),
    /// Only of scalar or string elements, and never inside another constant.
    List(Vec<Const>),
    /// A tuple's items or a record's fields, in declaration order.
    Tuple(Vec<Const>),
    Case(u32, Option<Box<Const>>),
    /// The flags that are set, by position.
    Flags(Vec<u32>),
}

impl Expr {
    pub fn new(ty: TypeId, kind: ExprKind) -> Expr {
        Expr { ty, kind }
    }

    pub fn constant(&self) -> Option<&Const> {
        match &self.kind {
            ExprKind::Const(value) => Some(value),
            _ => None,
        }
    }
}

/// A new local, not declared `mut`, of the lowering's or a pass's own.
pub fn add_local(locals: &mut Vec<LocalDef>, name: &str, ty: TypeId) -> Local {
    locals.push(LocalDef {
        name: name.to_string(),
        ty,
        mutable: false,
    });
    Local(locals.len() as u32 - 1)
}

impl Expr {
    /// The whole value of a local, read in place.
    pub fn read_local(local: Local, ty: TypeId) -> Expr {
        Expr::new(ty, ExprKind::Read(Place::local(local, ty)))
    }
}

impl StmtKind {
    /// `local = value`, with nothing to own or release.
    pub fn set_local(local: Local, value: Expr) -> StmtKind {
        StmtKind::Assign {
            place: Place::local(local, value.ty),
            value,
            release: false,
        }
    }
}

impl Place {
    /// A whole local.
    pub fn local(local: Local, ty: TypeId) -> Place {
        Place {
            root: Var::Local(local),
            path: Vec::new(),
            ty,
        }
    }

    /// Whether what the place holds outlives the call: it is in a global, or in a
    /// resource's representation.
    pub fn global(&self) -> bool {
        matches!(self.root, Var::Global(_)) || self.path.iter().any(|s| matches!(s, Step::Deref))
    }
}

/// The type of field (or flag) `index` of a record, tuple (or flags) type.
pub fn step_type(types: &crate::types::Types, ty: TypeId, index: u32) -> TypeId {
    use crate::types::TypeDef;
    match types.def(ty) {
        TypeDef::Record { fields, .. } => fields[index as usize].1,
        TypeDef::Tuple(items) => items[index as usize],
        _ => TypeId::BOOL,
    }
}
