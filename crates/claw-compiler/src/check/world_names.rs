//! Names as the WIT world sees them. WIT compares names without regard to case, and a world's
//! imported functions share one set of names with the types it declares or `use`s, so names
//! Claw keeps apart can clash there: `f` and `F`, or a record `f` and an imported function
//! `f`. Such clashes are reported here, at both names, instead of surfacing as an invalid world
//! or component after checking.
//!
//! Exact duplicates that Claw itself forbids (two items `f`, two fields `x`) are reported where
//! the names are defined; here they are skipped so nothing is reported twice.

use std::collections::HashMap;

use claw_syntax::ast::{ExportTarget, Item};
use claw_syntax::Span;

use super::Checker;
use crate::diagnostics::Diagnostic;
use crate::program::FuncKind;
use crate::types::TypeId;

/// What a name in one of the world's scopes stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A function defined in the file, an inline interface, or a parameter: names Claw already
    /// requires to be unique in their own scope.
    Defined,
    /// A function imported at the world's root, by its WIT name.
    Import,
    /// A type the file declares; those clash among themselves in `collect_type_decls`.
    OwnType,
    /// A type from a WIT interface, `use`d by the world.
    WitType,
}

struct Entry {
    name: String,
    span: Span,
    kind: Kind,
}

impl Checker<'_> {
    /// Checks every scope of names the world will have (see `world.rs`): the root's exports,
    /// the root's imports, each inline interface, and the parameters of each function in them.
    pub(super) fn check_world_names(&mut self) {
        let ast = self.ast;
        let mut root_exports = Vec::new();
        let mut root_imports = Vec::new();
        let mut root_types = Vec::new();
        let mut inline: HashMap<usize, Vec<Entry>> = HashMap::new();
        let mut param_lists = Vec::new();
        for (index, func) in self.funcs.iter().enumerate() {
            let entry = Entry {
                name: func.name.clone(),
                span: func.span,
                kind: Kind::Defined,
            };
            let in_world = match func.kind {
                FuncKind::Defined {
                    exported: true,
                    interface: None,
                    ..
                } => {
                    root_exports.push(entry);
                    true
                }
                FuncKind::Defined {
                    exported: true,
                    interface: Some(slot),
                    ..
                } if self.exported_interfaces[slot].inline => {
                    inline.entry(slot).or_default().push(entry);
                    true
                }
                FuncKind::Imported {
                    interface: None, ..
                } => true,
                _ => false,
            };
            if !in_world {
                continue;
            }
            if matches!(
                func.kind,
                FuncKind::Imported { .. }
                    | FuncKind::Defined {
                        interface: None,
                        ..
                    }
            ) {
                root_types.push(index);
            }
            let params: Vec<Entry> = func
                .params
                .iter()
                .map(|param| Entry {
                    name: param.name.clone(),
                    span: param.span,
                    kind: Kind::Defined,
                })
                .collect();
            param_lists.push(params);
        }
        for params in param_lists {
            self.report_clashes(params, "the parameters of one function");
        }
        for item in &ast.items {
            match item {
                Item::ExportInterface(export) => {
                    if let ExportTarget::Inline(name) = &export.target {
                        root_exports.push(Entry {
                            name: name.text.clone(),
                            span: name.span,
                            kind: Kind::Defined,
                        });
                    }
                }
                Item::ImportFunc(import) => root_imports.push(Entry {
                    name: import.name.text.clone(),
                    span: import.name.span,
                    kind: Kind::Import,
                }),
                _ => {}
            }
        }
        self.report_clashes(root_exports, "the component's exports");
        let types = self.type_entries(&root_types);
        root_imports.extend(types);
        self.report_clashes(
            root_imports,
            "the functions a component imports and the types its functions use",
        );
        let mut slots: Vec<_> = inline.into_iter().collect();
        slots.sort_by_key(|(slot, _)| *slot);
        for (slot, mut entries) in slots {
            let funcs = self.exported_interfaces[slot].funcs.clone();
            let funcs: Vec<usize> = funcs.iter().map(|f| f.0 as usize).collect();
            // The file's own types are not allowed here at all (`unsupported-type`).
            let types = self.type_entries(&funcs);
            entries.extend(types.into_iter().filter(|e| e.kind != Kind::OwnType));
            let name = self.exported_interfaces[slot].name.clone();
            self.report_clashes(
                entries,
                &format!("the functions of interface `{name}` and the types they use"),
            );
        }
    }

    /// The named types the world names for the functions `funcs` (indices into `funcs`), each
    /// located where the file declares or imports it, or else at the first function using it.
    fn type_entries(&self, funcs: &[usize]) -> Vec<Entry> {
        let mut first_user: HashMap<TypeId, Span> = HashMap::new();
        let roots = funcs.iter().flat_map(|&index| {
            let func = &self.funcs[index];
            func.param_types.iter().chain(&func.result).copied()
        });
        let named = crate::world::named_types(&self.types, roots);
        for &index in funcs {
            let func = &self.funcs[index];
            let tys = func.param_types.iter().chain(&func.result).copied();
            for ty in crate::world::named_types(&self.types, tys) {
                first_user.entry(ty).or_insert(func.span);
            }
        }
        named
            .into_iter()
            .map(|ty| {
                let own = self.types.interface(ty).is_none();
                Entry {
                    name: self.type_name(ty),
                    span: self
                        .type_spans
                        .get(&ty)
                        .or_else(|| first_user.get(&ty))
                        .copied()
                        .unwrap_or_default(),
                    kind: if own { Kind::OwnType } else { Kind::WitType },
                }
            })
            .collect()
    }

    /// Reports each name of `entries` that WIT would take for an earlier one, at the later of
    /// the two (in source order). `scope` describes the names, for the note: "the
    /// component's exports".
    fn report_clashes(&mut self, mut entries: Vec<Entry>, scope: &str) {
        entries.sort_by_key(|e| e.span.start);
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let key = entry.name.to_ascii_lowercase();
            let Some(&first) = seen.get(&key) else {
                seen.insert(key, index);
                continue;
            };
            let first = &entries[first];
            let reported_elsewhere = (first.kind == Kind::OwnType && entry.kind == Kind::OwnType)
                || (first.name == entry.name
                    && first.kind == Kind::Defined
                    && entry.kind == Kind::Defined);
            if !reported_elsewhere {
                let diagnostic = clash(entry, first, scope);
                self.error(diagnostic);
            }
        }
    }
}

/// The diagnostic for `second` clashing with `first` among the names of `scope`.
fn clash(second: &Entry, first: &Entry, scope: &str) -> Diagnostic {
    let (name, earlier) = (&second.name, &first.name);
    if name != earlier {
        return case_clash(name, second.span, earlier, first.span, scope);
    }
    if first.kind == Kind::Import && second.kind == Kind::Import {
        return Diagnostic::error(
            "duplicate-name",
            format!("function `{name}` is imported twice"),
        )
        .at(second.span, "imported again here")
        .also(first.span, "first imported here")
        .hint("import it once, and call it by that one name");
    }
    let message = if first.kind == second.kind {
        // Only WIT types get here: the other pairs of one kind are reported elsewhere.
        format!("`{name}` names two different WIT types in the component's world")
    } else {
        format!(
            "`{name}` names both {} and {} in the component's world",
            first.kind.describe(),
            second.kind.describe()
        )
    };
    Diagnostic::error("duplicate-name", message)
        .at(second.span, format!("{} `{name}`", second.kind.describe()))
        .also(first.span, format!("{} `{name}`", first.kind.describe()))
        .note(format!("{scope} need distinct names"))
        .hint("rename one of them")
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Defined => "a function",
            Kind::Import => "an imported function",
            Kind::OwnType => "a type",
            Kind::WitType => "a WIT type",
        }
    }
}

/// The diagnostic for a name that WIT cannot tell from an earlier one, since the two differ
/// only in case; `scope` describes the names that must differ ("the fields of a record").
/// Shared by every check of that kind, so they all read alike.
pub(super) fn case_clash(
    name: &str,
    span: Span,
    earlier: &str,
    earlier_span: Span,
    scope: &str,
) -> Diagnostic {
    Diagnostic::error(
        "duplicate-name",
        format!("`{name}` and `{earlier}` differ only in case"),
    )
    .at(span, format!("the same WIT name as `{earlier}`"))
    .also(earlier_span, format!("`{earlier}` is defined here"))
    .note(format!(
        "WIT names are case-insensitive, and {scope} need distinct names"
    ))
    .hint("rename one of them")
}
