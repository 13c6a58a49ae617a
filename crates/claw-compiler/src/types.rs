//! Claw's types: an interned table of type definitions addressed by [`TypeId`].
//!
//! Every Component Model type lives here; primitives have fixed ids so code can name them
//! without a lookup. The `Error` type stands for "already reported" and agrees with everything,
//! so one mistake does not cascade. Named types (records, variants, enums, flags) carry the
//! WIT interface that declares them, or `None` when the Claw file declares them itself.

use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(u32);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeDef {
    Error,
    Bool,
    U8,
    U16,
    U32,
    U64,
    S8,
    S16,
    S32,
    S64,
    F32,
    F64,
    String,
    Char,
    /// The type of a call to a function with no result; never a value in the world.
    Unit,
    /// A literal type variable of the body being checked (see `check/infer.rs`); none is
    /// left once the body is checked.
    Var(u32),
    List(TypeId),
    /// `map<K, V>`. In memory it is its entries, `list<tuple<K, V>>` (`entries`), in insertion
    /// order, as the Canonical ABI lays a map out, with a hash index in the same block (see
    /// `codegen/map.rs`); every use of the map as a whole is a use of that list.
    Map {
        key: TypeId,
        value: TypeId,
        entries: TypeId,
    },
    Option(TypeId),
    Result {
        ok: Option<TypeId>,
        err: Option<TypeId>,
    },
    Tuple(Vec<TypeId>),
    /// An enum, named as in its WIT interface (or declaration), with its cases in order.
    Enum {
        name: String,
        cases: Vec<String>,
        /// The WIT interface that declares it, as `ns:pkg/iface@version`, if it came from WIT.
        interface: Option<String>,
    },
    Record {
        name: String,
        fields: Vec<(String, TypeId)>,
        interface: Option<String>,
    },
    Variant {
        name: String,
        cases: Vec<(String, Option<TypeId>)>,
        interface: Option<String>,
    },
    Flags {
        name: String,
        flags: Vec<String>,
        interface: Option<String>,
    },
    /// An owned handle to a resource (`own<T>` in the Canonical ABI; WIT writes it `T`).
    /// Handles are not copied: a value holding one moves where it is kept, and what still
    /// holds one when its scope ends drops it.
    Resource {
        name: String,
        interface: Option<String>,
    },
    /// A handle lent for one call: `borrow<T>` of a `Resource` type.
    Borrow(TypeId),
}

impl TypeId {
    pub const ERROR: TypeId = TypeId(0);
    pub const BOOL: TypeId = TypeId(1);
    pub const U8: TypeId = TypeId(2);
    pub const U16: TypeId = TypeId(3);
    pub const U32: TypeId = TypeId(4);
    pub const U64: TypeId = TypeId(5);
    pub const S8: TypeId = TypeId(6);
    pub const S16: TypeId = TypeId(7);
    pub const S32: TypeId = TypeId(8);
    pub const S64: TypeId = TypeId(9);
    pub const F32: TypeId = TypeId(10);
    pub const F64: TypeId = TypeId(11);
    pub const STRING: TypeId = TypeId(12);
    pub const UNIT: TypeId = TypeId(13);
    pub const CHAR: TypeId = TypeId(14);
}

/// The shape of an integer type, as arithmetic and comparison need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntShape {
    pub bits: u32,
    pub signed: bool,
}

impl IntShape {
    /// Whether the value is held in an `i64` rather than an `i32`.
    pub fn wide(self) -> bool {
        self.bits == 64
    }

    pub fn min(self) -> i128 {
        if self.signed {
            -(1i128 << (self.bits - 1))
        } else {
            0
        }
    }

    pub fn max(self) -> i128 {
        if self.signed {
            (1i128 << (self.bits - 1)) - 1
        } else {
            (1i128 << self.bits) - 1
        }
    }
}

pub struct Types {
    defs: Vec<TypeDef>,
    interned: HashMap<TypeDef, TypeId>,
    /// The position of each case, field or flag of a variant, enum, record or flags type by
    /// name (the first, should a name repeat), so the checker finds a member in constant time
    /// however many there are.
    members: HashMap<TypeId, HashMap<String, u32>>,
}

impl Default for Types {
    fn default() -> Types {
        let mut types = Types {
            defs: Vec::new(),
            interned: HashMap::new(),
            members: HashMap::new(),
        };
        for def in [
            TypeDef::Error,
            TypeDef::Bool,
            TypeDef::U8,
            TypeDef::U16,
            TypeDef::U32,
            TypeDef::U64,
            TypeDef::S8,
            TypeDef::S16,
            TypeDef::S32,
            TypeDef::S64,
            TypeDef::F32,
            TypeDef::F64,
            TypeDef::String,
            TypeDef::Unit,
            TypeDef::Char,
        ] {
            types.intern(def);
        }
        types
    }
}

impl Types {
    pub fn intern(&mut self, def: TypeDef) -> TypeId {
        if let Some(&id) = self.interned.get(&def) {
            return id;
        }
        let id = TypeId(self.defs.len() as u32);
        let names: Vec<&String> = match &def {
            TypeDef::Variant { cases, .. } => cases.iter().map(|c| &c.0).collect(),
            TypeDef::Record { fields, .. } => fields.iter().map(|f| &f.0).collect(),
            TypeDef::Enum { cases: names, .. } | TypeDef::Flags { flags: names, .. } => {
                names.iter().collect()
            }
            _ => Vec::new(),
        };
        if !names.is_empty() {
            let mut members = HashMap::new();
            for (index, name) in names.into_iter().enumerate() {
                members.entry(name.clone()).or_insert(index as u32);
            }
            self.members.insert(id, members);
        }
        self.defs.push(def.clone());
        self.interned.insert(def, id);
        id
    }

    /// `map<key, value>`, with its entries' list type.
    pub fn map(&mut self, key: TypeId, value: TypeId) -> TypeId {
        let pair = self.intern(TypeDef::Tuple(vec![key, value]));
        let entries = self.intern(TypeDef::List(pair));
        self.intern(TypeDef::Map {
            key,
            value,
            entries,
        })
    }

    /// Whether values of `id` can be a map's keys: those with an equality and a hash that
    /// every host agrees on.
    pub fn is_map_key(&self, id: TypeId) -> bool {
        matches!(
            self.def(id),
            TypeDef::Bool | TypeDef::Char | TypeDef::String | TypeDef::Error
        ) || self.int_shape(id).is_some()
    }

    /// A map's entries list type, for everything that treats the map as the list it is
    /// laid out as; any other type is itself.
    pub fn as_laid_out(&self, id: TypeId) -> TypeId {
        match self.def(id) {
            TypeDef::Map { entries, .. } => *entries,
            _ => id,
        }
    }

    /// The id of a type already in the table.
    pub fn find(&self, def: &TypeDef) -> Option<TypeId> {
        self.interned.get(def).copied()
    }

    /// The position of the case, field or flag `name` of `id`: a variant-like type's case (as
    /// in [`Types::cases`]), a record's field or a flags type's flag.
    pub fn member(&self, id: TypeId, name: &str) -> Option<u32> {
        match self.def(id) {
            TypeDef::Option(_) => ["none", "some"].iter().position(|c| *c == name),
            TypeDef::Result { .. } => ["ok", "err"].iter().position(|c| *c == name),
            _ => return self.members.get(&id)?.get(name).copied(),
        }
        .map(|i| i as u32)
    }

    /// The name and payload type of case `index` of a variant-like type, without copying the
    /// list of cases as [`Types::cases`] does.
    pub fn case(&self, id: TypeId, index: u32) -> Option<(&str, Option<TypeId>)> {
        let index = index as usize;
        match self.def(id) {
            TypeDef::Variant { cases, .. } => cases.get(index).map(|c| (c.0.as_str(), c.1)),
            TypeDef::Enum { cases, .. } => cases.get(index).map(|c| (c.as_str(), None)),
            TypeDef::Option(some) => [("none", None), ("some", Some(*some))].get(index).copied(),
            TypeDef::Result { ok, err } => [("ok", *ok), ("err", *err)].get(index).copied(),
            _ => None,
        }
    }

    /// How many cases a variant-like type has; `None` for every other type.
    pub fn case_count(&self, id: TypeId) -> Option<usize> {
        match self.def(id) {
            TypeDef::Variant { cases, .. } => Some(cases.len()),
            TypeDef::Enum { cases, .. } => Some(cases.len()),
            TypeDef::Option(_) | TypeDef::Result { .. } => Some(2),
            _ => None,
        }
    }

    pub fn def(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.0 as usize]
    }

    /// The built-in type a name denotes, if any.
    pub fn primitive(name: &str) -> Option<TypeId> {
        Some(match name {
            "bool" => TypeId::BOOL,
            "u8" => TypeId::U8,
            "u16" => TypeId::U16,
            "u32" => TypeId::U32,
            "u64" => TypeId::U64,
            "s8" => TypeId::S8,
            "s16" => TypeId::S16,
            "s32" => TypeId::S32,
            "s64" => TypeId::S64,
            "f32" | "float32" => TypeId::F32,
            "f64" | "float64" => TypeId::F64,
            "string" => TypeId::STRING,
            "char" => TypeId::CHAR,
            _ => return None,
        })
    }

    pub fn int_shape(&self, id: TypeId) -> Option<IntShape> {
        let (bits, signed) = match self.def(id) {
            TypeDef::U8 => (8, false),
            TypeDef::U16 => (16, false),
            TypeDef::U32 => (32, false),
            TypeDef::U64 => (64, false),
            TypeDef::S8 => (8, true),
            TypeDef::S16 => (16, true),
            TypeDef::S32 => (32, true),
            TypeDef::S64 => (64, true),
            _ => return None,
        };
        Some(IntShape { bits, signed })
    }

    pub fn is_float(&self, id: TypeId) -> bool {
        matches!(self.def(id), TypeDef::F32 | TypeDef::F64)
    }

    pub fn is_numeric(&self, id: TypeId) -> bool {
        self.int_shape(id).is_some() || self.is_float(id)
    }

    /// The type's name as WIT (and Claw) write it.
    pub fn name(&self, id: TypeId) -> String {
        self.name_with(id, &|_| "{integer}".into())
    }

    /// [`Types::name`], with `var` naming the type variables in it.
    pub fn name_with(&self, id: TypeId, var: &dyn Fn(u32) -> String) -> String {
        let name = |id: TypeId| self.name_with(id, var);
        let list = |ids: &[TypeId]| ids.iter().map(|&t| name(t)).collect::<Vec<_>>().join(", ");
        match self.def(id) {
            TypeDef::Error => "{unknown}".into(),
            TypeDef::Var(index) => var(*index),
            TypeDef::Bool => "bool".into(),
            TypeDef::U8 => "u8".into(),
            TypeDef::U16 => "u16".into(),
            TypeDef::U32 => "u32".into(),
            TypeDef::U64 => "u64".into(),
            TypeDef::S8 => "s8".into(),
            TypeDef::S16 => "s16".into(),
            TypeDef::S32 => "s32".into(),
            TypeDef::S64 => "s64".into(),
            TypeDef::F32 => "f32".into(),
            TypeDef::F64 => "f64".into(),
            TypeDef::String => "string".into(),
            TypeDef::Char => "char".into(),
            TypeDef::Unit => "()".into(),
            TypeDef::List(elem) => format!("list<{}>", name(*elem)),
            TypeDef::Map { key, value, .. } => format!("map<{}, {}>", name(*key), name(*value)),
            TypeDef::Option(some) => format!("option<{}>", name(*some)),
            TypeDef::Result { ok, err } => match (ok, err) {
                (None, None) => "result".into(),
                (Some(ok), None) => format!("result<{}>", name(*ok)),
                (None, Some(err)) => format!("result<_, {}>", name(*err)),
                (Some(ok), Some(err)) => {
                    format!("result<{}, {}>", name(*ok), name(*err))
                }
            },
            TypeDef::Tuple(items) => format!("tuple<{}>", list(items)),
            TypeDef::Enum { name, .. }
            | TypeDef::Record { name, .. }
            | TypeDef::Variant { name, .. }
            | TypeDef::Flags { name, .. }
            | TypeDef::Resource { name, .. } => name.clone(),
            TypeDef::Borrow(resource) => format!("borrow<{}>", name(*resource)),
        }
    }

    /// The types directly inside `id`, for walks over a type's structure.
    pub fn children(&self, id: TypeId) -> Vec<TypeId> {
        match self.def(id) {
            TypeDef::List(t) | TypeDef::Option(t) => vec![*t],
            TypeDef::Map { entries, .. } => vec![*entries],
            TypeDef::Result { ok, err } => ok.iter().chain(err).copied().collect(),
            TypeDef::Tuple(items) => items.clone(),
            TypeDef::Record { fields, .. } => fields.iter().map(|f| f.1).collect(),
            TypeDef::Variant { cases, .. } => cases.iter().filter_map(|c| c.1).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether a value of `id` holds a list anywhere: such values own memory that in-place
    /// updates write to, so sharing them needs a copy.
    pub fn contains_list(&self, id: TypeId) -> bool {
        matches!(self.def(id), TypeDef::List(_))
            || self.children(id).into_iter().any(|t| self.contains_list(t))
    }

    /// Whether a value of `id` holds a map anywhere.
    pub fn contains_map(&self, id: TypeId) -> bool {
        matches!(self.def(id), TypeDef::Map { .. })
            || self.children(id).into_iter().any(|t| self.contains_map(t))
    }

    /// Whether a value of `id` holds a handle anywhere: such a value is moved, never
    /// copied, and dropped when its scope ends.
    pub fn contains_handle(&self, id: TypeId) -> bool {
        matches!(self.def(id), TypeDef::Resource { .. } | TypeDef::Borrow(_))
            || self
                .children(id)
                .into_iter()
                .any(|t| self.contains_handle(t))
    }

    /// Whether a value of `id` owns a handle anywhere, which dropping it must drop.
    pub fn contains_own(&self, id: TypeId) -> bool {
        matches!(self.def(id), TypeDef::Resource { .. })
            || self.children(id).into_iter().any(|t| self.contains_own(t))
    }

    /// The resource a handle type refers to: itself for an owned handle, its target for a
    /// borrow.
    pub fn resource(&self, id: TypeId) -> Option<TypeId> {
        match self.def(id) {
            TypeDef::Resource { .. } => Some(id),
            TypeDef::Borrow(resource) => Some(*resource),
            _ => None,
        }
    }

    /// Whether a value of `id` points into linear memory at all.
    pub fn in_memory(&self, id: TypeId) -> bool {
        matches!(self.def(id), TypeDef::List(_) | TypeDef::String)
            || self.children(id).into_iter().any(|t| self.in_memory(t))
    }

    /// The cases of a type that is a variant underneath: variants, enums, options and
    /// results, each case with its payload type. `None` for every other type.
    pub fn cases(&self, id: TypeId) -> Option<Vec<(String, Option<TypeId>)>> {
        Some(match self.def(id) {
            TypeDef::Variant { cases, .. } => cases.clone(),
            TypeDef::Enum { cases, .. } => cases.iter().map(|c| (c.clone(), None)).collect(),
            TypeDef::Option(some) => vec![("none".into(), None), ("some".into(), Some(*some))],
            TypeDef::Result { ok, err } => vec![("ok".into(), *ok), ("err".into(), *err)],
            _ => return None,
        })
    }

    /// The fields of a record or tuple (a tuple's are named `0`, `1`, …).
    pub fn fields(&self, id: TypeId) -> Option<Vec<(String, TypeId)>> {
        Some(match self.def(id) {
            TypeDef::Record { fields, .. } => fields.clone(),
            TypeDef::Tuple(items) => items
                .iter()
                .enumerate()
                .map(|(i, &t)| (i.to_string(), t))
                .collect(),
            _ => return None,
        })
    }

    /// The declaring WIT interface of a named type, if it came from one.
    pub fn interface(&self, id: TypeId) -> Option<&str> {
        match self.def(id) {
            TypeDef::Enum { interface, .. }
            | TypeDef::Record { interface, .. }
            | TypeDef::Variant { interface, .. }
            | TypeDef::Flags { interface, .. }
            | TypeDef::Resource { interface, .. } => interface.as_deref(),
            _ => None,
        }
    }

    /// Whether the type has a name of its own (rather than being written structurally).
    pub fn is_named(&self, id: TypeId) -> bool {
        matches!(
            self.def(id),
            TypeDef::Enum { .. }
                | TypeDef::Record { .. }
                | TypeDef::Variant { .. }
                | TypeDef::Flags { .. }
                | TypeDef::Resource { .. }
        )
    }
}
