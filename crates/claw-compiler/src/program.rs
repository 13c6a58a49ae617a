//! A checked program: the syntax tree plus the side tables the checker filled in.
//!
//! Lowering reads only this: every name use is resolved to a [`Res`], every expression has a
//! type, and every function, global and local has an index of its own. What the checker
//! found is kept per body ([`BodyFacts`]), beside that body's syntax.

use la_arena::ArenaMap;

use claw_syntax::ast::{self, ExprId, PatId, SourceFile, StmtId};
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
    /// A case of a variant-like type (variant, enum, option, result), built or matched.
    Case {
        ty: TypeId,
        case: u32,
    },
    /// A field of a record or tuple, by position.
    Field(u32),
    Builtin(Builtin),
}

/// Operations the language provides on its own types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `xs.len()` / `s.len()`
    Len,
    /// `xs.push(v)`
    Push,
    /// `xs.pop()`
    Pop,
    /// `xs.insert(at, v)`, and `m.insert(k, v)` (which gives back the value `k` had).
    Insert,
    /// `xs.remove(at)`, and `m.remove(k)` (an `option`).
    Remove,
    /// `m.get(k)`: an `option` of the value at key `k`.
    Get,
    /// `m.contains-key(k)`
    ContainsKey,
    /// `m[k]`: the value at key `k`; traps when there is none. Not a place.
    Lookup,
    /// `s.chars()`, only as what a `for` iterates.
    Chars,
    /// `n.to-string()`, `c.to-string()`, `b.to-string()`: decimal digits, the character,
    /// `true`/`false`.
    ToString,
    /// `print(s)` / `println(s)`, which write to `wasi:cli/stdout`.
    Print { newline: bool },
    /// `drop(h)`: drops the handles in a value now, rather than at the end of its scope.
    Drop,
    /// `s.bytes()`: the string's UTF-8 bytes, a `list<u8>`.
    Bytes,
    /// `string::from-utf8(bytes)`: the string those bytes encode, or an error naming the
    /// offset of the first byte that is not valid UTF-8.
    FromUtf8,
    /// `x.to-bits()` on a float: its IEEE 754 bits, as the unsigned integer of its width.
    ToBits,
    /// `f64::from-bits(n)`, `f32::from-bits(n)`: the float with those bits.
    FromBits,
    /// `s[i]`: the byte at offset `i` of a string. Unlike a list's element it is not a place:
    /// a string's bytes cannot be assigned.
    Byte,
    /// `x.sqrt()`, `x.min(y)`, …: a float operation that is one Wasm instruction.
    Float(FloatOp),
}

/// The methods of `f32` and `f64` that are Wasm instructions, with Wasm's semantics: `min`
/// and `max` give NaN when either operand is NaN, and order `-0.0` below `0.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatOp {
    Abs,
    Sqrt,
    Floor,
    Ceil,
    Trunc,
    /// To the nearest integer, ties to even.
    Nearest,
    Min,
    Max,
}

impl FloatOp {
    pub const ALL: [FloatOp; 8] = [
        FloatOp::Abs,
        FloatOp::Sqrt,
        FloatOp::Floor,
        FloatOp::Ceil,
        FloatOp::Trunc,
        FloatOp::Nearest,
        FloatOp::Min,
        FloatOp::Max,
    ];
    pub const NAMES: &'static [&'static str] = &[
        "abs", "sqrt", "floor", "ceil", "trunc", "nearest", "min", "max",
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn named(name: &str) -> Option<FloatOp> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }

    /// Its operands, the receiver included.
    pub fn arity(self) -> usize {
        match self {
            FloatOp::Min | FloatOp::Max => 2,
            _ => 1,
        }
    }
}

/// What a pattern does with the value it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatRes {
    Bind(LocalId),
    Case(u32),
}

/// An interface the file exports: one from its WIT packages, or one written inline.
pub struct ExportedInterface {
    /// The name in the world: `docs:visits/store@1.0.0` or `tests`.
    pub name: String,
    pub inline: bool,
    /// The interface in the WIT packages, unless inline.
    pub wit: Option<wit_parser::InterfaceId>,
    pub funcs: Vec<FuncId>,
}

/// The functions of a resource type: its constructor, and its methods and static
/// functions by name (a method's first parameter is the `borrow` of `self`).
#[derive(Default, Clone)]
pub struct ResourceFuncs {
    pub constructor: Option<FuncId>,
    pub methods: Vec<(String, FuncId)>,
    pub statics: Vec<(String, FuncId)>,
    /// Set when the file implements the resource (in an export block).
    pub implementation: Option<ResourceImpl>,
}

/// A resource the file implements.
#[derive(Clone)]
pub struct ResourceImpl {
    /// The fields of its representation, private to the file.
    pub fields: Vec<(String, TypeId)>,
    /// Where each field is declared.
    pub field_spans: Vec<Span>,
    /// The representation's type: a tuple of the fields' types, kept in memory. A `borrow`
    /// of the resource is a pointer to it inside the component.
    pub rep: TypeId,
    /// The function holding its `drop { … }` block, whose parameter is `self`.
    pub drop: Option<FuncId>,
    /// The exported interface it belongs to (in `exported_interfaces`).
    pub interface: usize,
    /// The export block's `resource` declaration: its item and its place among the block's
    /// resources.
    pub item: usize,
    pub index: usize,
}

impl ResourceFuncs {
    pub fn method(&self, name: &str) -> Option<FuncId> {
        self.methods.iter().find(|m| m.0 == name).map(|m| m.1)
    }

    pub fn static_func(&self, name: &str) -> Option<FuncId> {
        self.statics.iter().find(|m| m.0 == name).map(|m| m.1)
    }
}

pub struct Program {
    pub ast: SourceFile,
    pub types: Types,
    pub funcs: Vec<FuncDef>,
    /// The functions of each resource type the program knows, by its `Resource` type.
    pub resources: std::collections::HashMap<TypeId, ResourceFuncs>,
    pub globals: Vec<GlobalDef>,
    pub wit: wit_parser::Resolve,
    /// Named types declared in WIT interfaces that the file imports, for the world.
    pub imported_interfaces: Vec<String>,
    pub exported_interfaces: Vec<ExportedInterface>,
}

/// What the checker found in one body (a function's, or a global's initializer), keyed by
/// the ids of that body's arenas ([`ast::Body`]).
#[derive(Default)]
pub struct BodyFacts {
    /// The body's variables: a function's parameters first, in order, then every `let` and
    /// `for` binding and pattern name.
    pub locals: Vec<LocalDef>,
    pub expr_types: ArenaMap<ExprId, TypeId>,
    pub expr_res: ArenaMap<ExprId, Res>,
    /// The local each `let` statement introduces.
    pub let_locals: ArenaMap<StmtId, LocalId>,
    pub pat_res: ArenaMap<PatId, PatRes>,
    /// The local each `for` statement binds.
    pub for_locals: ArenaMap<StmtId, LocalId>,
    /// How many loops out from the innermost one each `break` and `continue` goes: 0 for
    /// the innermost, more for a label naming a loop around it.
    pub jumps: ArenaMap<StmtId, u32>,
    /// The message of each `check!`, with the condition's text and position.
    pub check_messages: ArenaMap<ExprId, String>,
    /// `match` expressions used as statements: their arms' values are dropped.
    pub match_stmts: ArenaMap<ExprId, ()>,
    /// Reads of a variable that move the handles in it out (see `check/moves.rs`).
    pub moves: ArenaMap<ExprId, ()>,
}

impl BodyFacts {
    pub fn expr_type(&self, expr: ExprId) -> TypeId {
        self.expr_types.get(expr).copied().unwrap_or(TypeId::ERROR)
    }
}

pub struct FuncDef {
    /// The name the file calls it by.
    pub name: String,
    pub params: Vec<ParamDef>,
    pub param_types: Vec<TypeId>,
    pub result: Option<TypeId>,
    pub kind: FuncKind,
    pub span: Span,
    /// For a function defined in the file; its parameters are its first locals.
    pub facts: BodyFacts,
}

/// A parameter's name, as the world and messages show it.
pub struct ParamDef {
    pub name: String,
    pub span: Span,
}

pub enum FuncKind {
    /// Defined in the file; `item` indexes `ast.items`. `interface` indexes
    /// `exported_interfaces` for functions inside an export block.
    Defined {
        item: usize,
        exported: bool,
        interface: Option<usize>,
    },
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
    /// Its initializer, in the body of item `item` of `ast.items`.
    pub init: Option<ExprId>,
    pub item: usize,
    pub span: Span,
    pub facts: BodyFacts,
}

pub struct LocalDef {
    pub name: String,
    pub ty: TypeId,
    pub mutable: bool,
    pub span: Span,
}

impl Program {
    /// The implementation of a resource type, if the file implements it.
    pub fn implementation(&self, ty: TypeId) -> Option<&ResourceImpl> {
        self.resources.get(&ty)?.implementation.as_ref()
    }

    /// A function defined in the file: its syntax, with its body, and what the checker
    /// found in that body.
    pub fn func_body(&self, func: FuncId) -> Option<(&ast::Func, &BodyFacts)> {
        let def = &self.funcs[func.0 as usize];
        let FuncKind::Defined { item, .. } = def.kind else {
            return None;
        };
        match &self.ast.items[item] {
            ast::Item::Func(syntax) => Some((syntax, &def.facts)),
            _ => None,
        }
    }

    /// A global's initializer: the body it lives in, and what the checker found in it.
    pub fn global_body(&self, global: GlobalId) -> Option<(&ast::Body, &BodyFacts)> {
        let def = &self.globals[global.0 as usize];
        match &self.ast.items[def.item] {
            ast::Item::Global(syntax) => Some((&syntax.body, &def.facts)),
            _ => None,
        }
    }

    /// Drops a function's body and facts, once lowering has turned them into IR.
    pub fn release_body(&mut self, func: FuncId) {
        let def = &mut self.funcs[func.0 as usize];
        def.facts = BodyFacts::default();
        if let FuncKind::Defined { item, .. } = def.kind {
            if let ast::Item::Func(syntax) = &mut self.ast.items[item] {
                syntax.body = ast::Body::default();
            }
        }
    }

    /// Drops every body's syntax and facts, once lowering has turned them into IR.
    pub fn release_bodies(&mut self) {
        for item in &mut self.ast.items {
            match item {
                ast::Item::Func(func) => func.body = ast::Body::default(),
                ast::Item::Global(global) => global.body = ast::Body::default(),
                _ => {}
            }
        }
        for func in &mut self.funcs {
            func.facts = BodyFacts::default();
        }
        for global in &mut self.globals {
            global.facts = BodyFacts::default();
        }
    }
}

/// The variable at the root of a place expression (`xs` in `xs[0].name`), if `id` is one,
/// by what each name in `body` resolves to.
pub fn place_root(body: &ast::Body, res: &ArenaMap<ExprId, Res>, id: ExprId) -> Option<ExprId> {
    if body.slice(id).is_some() {
        return None;
    }
    match &body.exprs[id].kind {
        ast::ExprKind::Path(_) => match res.get(id) {
            Some(Res::Local(_) | Res::Global(_)) => Some(id),
            _ => None,
        },
        ast::ExprKind::Index { .. }
            if matches!(
                res.get(id),
                Some(Res::Builtin(Builtin::Byte | Builtin::Lookup))
            ) =>
        {
            None
        }
        ast::ExprKind::Field { base, .. }
        | ast::ExprKind::Index { base, .. }
        | ast::ExprKind::Paren(base) => place_root(body, res, *base),
        _ => None,
    }
}

/// Whether place `id` reaches through a handle into a resource's fields (`self.books[0]`),
/// by the type of each expression in `body`. Such a place lives as long as the resource,
/// and any handle to it can change it.
pub fn through_handle(
    body: &ast::Body,
    types: &Types,
    expr_types: &ArenaMap<ExprId, TypeId>,
    id: ExprId,
) -> bool {
    match &body.exprs[id].kind {
        ast::ExprKind::Field { base, .. } => {
            let base_ty = expr_types.get(*base).copied().unwrap_or(TypeId::ERROR);
            types.resource(base_ty).is_some() || through_handle(body, types, expr_types, *base)
        }
        ast::ExprKind::Index { base, .. } | ast::ExprKind::Paren(base) => {
            through_handle(body, types, expr_types, *base)
        }
        _ => false,
    }
}
