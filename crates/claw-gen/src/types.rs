//! The generator's model of Claw types: the built-in value types, the file's own declared
//! types (records, variants, enums, flags and aliases), and how each is written.

use crate::rng::Rng;

/// An integer type.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub(crate) enum Int {
    U8,
    U16,
    U32,
    U64,
    S8,
    S16,
    S32,
    S64,
}

pub(crate) const ALL_INTS: [Int; 8] = [
    Int::U8,
    Int::U16,
    Int::U32,
    Int::U64,
    Int::S8,
    Int::S16,
    Int::S32,
    Int::S64,
];

impl Int {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Int::U8 => "u8",
            Int::U16 => "u16",
            Int::U32 => "u32",
            Int::U64 => "u64",
            Int::S8 => "s8",
            Int::S16 => "s16",
            Int::S32 => "s32",
            Int::S64 => "s64",
        }
    }

    pub(crate) fn bits(self) -> u32 {
        match self {
            Int::U8 | Int::S8 => 8,
            Int::U16 | Int::S16 => 16,
            Int::U32 | Int::S32 => 32,
            Int::U64 | Int::S64 => 64,
        }
    }

    pub(crate) fn signed(self) -> bool {
        matches!(self, Int::S8 | Int::S16 | Int::S32 | Int::S64)
    }

    pub(crate) fn min(self) -> i128 {
        if self.signed() {
            -(1i128 << (self.bits() - 1))
        } else {
            0
        }
    }

    pub(crate) fn max(self) -> i128 {
        if self.signed() {
            (1i128 << (self.bits() - 1)) - 1
        } else {
            (1i128 << self.bits()) - 1
        }
    }

    #[cfg(test)]
    pub(crate) fn contains(self, v: i128) -> bool {
        self.min() <= v && v <= self.max()
    }
}

/// A value type. Declared types are indices into [`Types::decls`]; aliases are only a way of
/// writing a type (see [`Types::render`]), so they never appear here. The three handle types
/// exist only in programs with a resource (see `resource.rs`), and only the code that tracks
/// moves (`handles.rs`) puts them anywhere.
#[derive(Clone, PartialEq, Eq, Debug, Hash)]
pub(crate) enum Ty {
    Bool,
    Int(Int),
    F32,
    F64,
    Char,
    Str,
    List(Box<Ty>),
    Option(Box<Ty>),
    Result(Option<Box<Ty>>, Option<Box<Ty>>),
    Tuple(Vec<Ty>),
    Named(usize),
    /// An owned handle of the program's resource.
    Handle,
    /// A handle lent for a call: only ever a parameter's type.
    Borrow,
    /// The program's record holding a handle and a `u32` (see [`Holder`]). Kept apart from
    /// [`Types::decls`], from which the rest of the generator draws freely.
    Holder,
}

impl Ty {
    pub(crate) fn list(elem: Ty) -> Ty {
        Ty::List(Box::new(elem))
    }

    pub(crate) fn option(inner: Ty) -> Ty {
        Ty::Option(Box::new(inner))
    }

    pub(crate) fn result(ok: Option<Ty>, err: Option<Ty>) -> Ty {
        Ty::Result(ok.map(Box::new), err.map(Box::new))
    }

    pub(crate) fn is_int(&self) -> bool {
        matches!(self, Ty::Int(_))
    }

    pub(crate) fn is_float(&self) -> bool {
        matches!(self, Ty::F32 | Ty::F64)
    }

    pub(crate) fn is_numeric(&self) -> bool {
        self.is_int() || self.is_float()
    }

    /// Whether a value of the type holds a handle (owned or lent), so that it moves instead
    /// of being copied and is dropped where its variable's scope ends.
    pub(crate) fn has_handle(&self) -> bool {
        match self {
            Ty::Handle | Ty::Borrow | Ty::Holder => true,
            Ty::List(t) | Ty::Option(t) => t.has_handle(),
            Ty::Result(ok, err) => {
                ok.as_deref().is_some_and(Ty::has_handle)
                    || err.as_deref().is_some_and(Ty::has_handle)
            }
            Ty::Tuple(items) => items.iter().any(Ty::has_handle),
            _ => false,
        }
    }

    /// Whether `<` and friends apply.
    pub(crate) fn is_ordered(&self) -> bool {
        self.is_numeric() || matches!(self, Ty::Char | Ty::Str)
    }

    /// Whether an unannotated literal of this type would be inferred as this type anyway
    /// (`s32` for integers, `f64` for floats).
    pub(crate) fn is_default_numeric(&self) -> bool {
        matches!(self, Ty::Int(Int::S32) | Ty::F64)
    }
}

#[derive(Clone, Debug)]
pub(crate) enum DeclKind {
    Record(Vec<(String, Ty)>),
    Variant(Vec<(String, Option<Ty>)>),
    Enum(Vec<String>),
    Flags(Vec<String>),
}

#[derive(Clone, Debug)]
pub(crate) struct Decl {
    pub(crate) name: String,
    pub(crate) kind: DeclKind,
}

#[derive(Clone, Debug)]
pub(crate) struct Alias {
    pub(crate) name: String,
    pub(crate) target: Ty,
}

/// The record a program with a resource declares to hold a handle: `record NAME { ITEM: R,
/// WEIGHT: u32 }`.
#[derive(Clone, Debug)]
pub(crate) struct Holder {
    pub(crate) name: String,
    pub(crate) item: String,
    pub(crate) weight: String,
}

/// The file's declared types.
#[derive(Default, Debug)]
pub(crate) struct Types {
    pub(crate) decls: Vec<Decl>,
    pub(crate) aliases: Vec<Alias>,
    /// The name of the program's resource, if it has one (see `resource.rs`).
    pub(crate) resource: Option<String>,
    pub(crate) holder: Option<Holder>,
}

impl Types {
    pub(crate) fn decl(&self, index: usize) -> &Decl {
        &self.decls[index]
    }

    pub(crate) fn record_fields(&self, ty: &Ty) -> Option<&[(String, Ty)]> {
        match ty {
            Ty::Named(i) => match &self.decls[*i].kind {
                DeclKind::Record(fields) => Some(fields),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn flags(&self, ty: &Ty) -> Option<&[String]> {
        match ty {
            Ty::Named(i) => match &self.decls[*i].kind {
                DeclKind::Flags(flags) => Some(flags),
                _ => None,
            },
            _ => None,
        }
    }

    /// The cases of a variant-like type, with payload types: variants, enums, options,
    /// results and `bool` (whose "cases" are `false` and `true`).
    pub(crate) fn cases(&self, ty: &Ty) -> Option<Vec<(String, Option<Ty>)>> {
        match ty {
            Ty::Option(inner) => Some(vec![
                ("none".into(), None),
                ("some".into(), Some((**inner).clone())),
            ]),
            Ty::Result(ok, err) => Some(vec![
                ("ok".into(), ok.as_deref().cloned()),
                ("err".into(), err.as_deref().cloned()),
            ]),
            Ty::Named(i) => match &self.decls[*i].kind {
                DeclKind::Variant(cases) => Some(cases.clone()),
                DeclKind::Enum(cases) => Some(cases.iter().map(|c| (c.clone(), None)).collect()),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether the type is a declared variant or enum (whose cases may be qualified).
    pub(crate) fn declared_name(&self, ty: &Ty) -> Option<&str> {
        match ty {
            Ty::Named(i) => Some(&self.decls[*i].name),
            _ => None,
        }
    }

    /// Whether a value of the type holds a list or a string somewhere, so assigning it in a
    /// loop could grow memory.
    pub(crate) fn has_heap(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Str | Ty::List(_) => true,
            Ty::Option(inner) => self.has_heap(inner),
            Ty::Result(ok, err) => {
                ok.as_deref().is_some_and(|t| self.has_heap(t))
                    || err.as_deref().is_some_and(|t| self.has_heap(t))
            }
            Ty::Tuple(items) => items.iter().any(|t| self.has_heap(t)),
            Ty::Named(i) => match &self.decls[*i].kind {
                DeclKind::Record(fields) => fields.iter().any(|(_, t)| self.has_heap(t)),
                DeclKind::Variant(cases) => cases
                    .iter()
                    .any(|(_, t)| t.as_ref().is_some_and(|t| self.has_heap(t))),
                _ => false,
            },
            _ => false,
        }
    }

    /// The type as Claw source; where an alias names it, sometimes the alias.
    pub(crate) fn render(&self, ty: &Ty, rng: &mut Rng) -> String {
        let aliases: Vec<&Alias> = self.aliases.iter().filter(|a| a.target == *ty).collect();
        if !aliases.is_empty() && rng.chance(60) {
            return rng.pick(&aliases).name.clone();
        }
        self.render_structure(ty, rng)
    }

    /// The type's own structure at the top (never an alias), its parts as [`Types::render`].
    fn render_structure(&self, ty: &Ty, rng: &mut Rng) -> String {
        match ty {
            Ty::Bool => "bool".into(),
            Ty::Int(i) => i.name().into(),
            // The long spellings are accepted too.
            Ty::F32 => if rng.chance(15) { "float32" } else { "f32" }.into(),
            Ty::F64 => if rng.chance(15) { "float64" } else { "f64" }.into(),
            Ty::Char => "char".into(),
            Ty::Str => "string".into(),
            Ty::List(t) => format!("list<{}>", self.render(t, rng)),
            Ty::Option(t) => format!("option<{}>", self.render(t, rng)),
            Ty::Result(None, None) => "result".into(),
            Ty::Result(Some(ok), None) => format!("result<{}>", self.render(ok, rng)),
            Ty::Result(None, Some(err)) => format!("result<_, {}>", self.render(err, rng)),
            Ty::Result(Some(ok), Some(err)) => format!(
                "result<{}, {}>",
                self.render(ok, rng),
                self.render(err, rng)
            ),
            Ty::Tuple(items) => {
                let items: Vec<String> = items.iter().map(|t| self.render(t, rng)).collect();
                format!("tuple<{}>", items.join(", "))
            }
            Ty::Named(i) => self.decls[*i].name.clone(),
            // `own<R>` is `R` spelled out.
            Ty::Handle if rng.chance(15) => format!("own<{}>", self.resource_name()),
            Ty::Handle => self.resource_name().to_string(),
            Ty::Borrow => format!("borrow<{}>", self.resource_name()),
            Ty::Holder => self.holder().name.clone(),
        }
    }

    pub(crate) fn resource_name(&self) -> &str {
        self.resource
            .as_deref()
            .expect("handle types only in programs with a resource")
    }

    pub(crate) fn holder(&self) -> &Holder {
        self.holder
            .as_ref()
            .expect("the holder only in programs with a resource")
    }

    /// The type declarations as Claw items.
    pub(crate) fn items(&self, rng: &mut Rng) -> Vec<String> {
        let mut items = Vec::new();
        for decl in &self.decls {
            let text = match &decl.kind {
                DeclKind::Record(fields) => {
                    let fields: Vec<String> = fields
                        .iter()
                        .map(|(n, t)| format!("{n}: {}", self.render(t, rng)))
                        .collect();
                    format!("record {} {{ {} }}", decl.name, fields.join(", "))
                }
                DeclKind::Variant(cases) => {
                    let cases: Vec<String> = cases
                        .iter()
                        .map(|(n, t)| match t {
                            Some(t) => format!("{n}({})", self.render(t, rng)),
                            None => n.clone(),
                        })
                        .collect();
                    format!("variant {} {{ {} }}", decl.name, cases.join(", "))
                }
                DeclKind::Enum(cases) => format!("enum {} {{ {} }}", decl.name, cases.join(", ")),
                DeclKind::Flags(flags) => {
                    format!("flags {} {{ {} }}", decl.name, flags.join(", "))
                }
            };
            items.push(text);
        }
        if let Some(holder) = &self.holder {
            let item = self.render(&Ty::Handle, rng);
            items.push(format!(
                "record {} {{ {}: {item}, {}: u32 }}",
                holder.name, holder.item, holder.weight
            ));
        }
        for alias in &self.aliases {
            // An alias's own target is written out, never as the alias itself.
            let target = self.render_structure(&alias.target, rng);
            items.push(format!("type {} = {target};", alias.name));
        }
        items
    }
}
