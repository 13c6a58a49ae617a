//! Questions an editor asks of a checked file, by byte offset: what is here (its type, or a
//! function's signature), where is it defined, where else is it used, what could be typed
//! here, and what does the file define. The language server (`claw lsp`) answers from these;
//! they read the same per-body facts that lowering does.

use claw_syntax::ast::{self, Body, ExprId, ExprKind, Item};
use claw_syntax::Span;

use crate::program::{BodyFacts, FuncId, FuncKind, GlobalId, LocalId, Program, Res};
use crate::types::TypeDef;
use crate::{analyze, world, Diagnostic, Resolve, Source};

/// A file checked for an editor: its diagnostics (those `claw check` reports) and what the
/// checker found, to answer questions about it.
pub struct Analysis {
    program: Program,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a definition is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// In the checked file.
    Here(Span),
    /// In a WIT file: its path as it was loaded, and the byte range in it.
    Wit {
        path: String,
        range: std::ops::Range<usize>,
    },
}

/// What a name refers to, as an editor needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Local(FuncOrGlobal, LocalId),
    Global(GlobalId),
    Func(FuncId),
}

/// The body a local belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FuncOrGlobal {
    Func(FuncId),
    Global(GlobalId),
}

/// A completion candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// Its type or signature.
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Local,
    Global,
    Function,
    Field,
    Method,
    Case,
    Keyword,
    Interface,
}

/// Something the file defines, for an outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The whole definition.
    pub span: Span,
    /// Its name.
    pub name_span: Span,
    pub detail: String,
    /// The functions of an export block.
    pub children: Vec<Symbol>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Function,
    Global,
    Type,
    Interface,
}

const KEYWORDS: &[&str] = &[
    "let", "mut", "if", "else", "while", "loop", "for", "in", "break", "continue", "return",
    "match", "func", "export", "import", "from", "as", "true", "false", "check!",
];

/// Checks `source` for an editor.
pub fn analysis(source: Source, resolve: Resolve) -> Analysis {
    let (mut program, mut diagnostics) = analyze(source, resolve);
    if diagnostics.is_empty() {
        if let Err(errors) = world::build(&mut program) {
            diagnostics.extend(errors);
        }
    }
    Analysis {
        program,
        diagnostics,
    }
}

impl Analysis {
    /// The type of what is at `offset`, or a function's or global's signature, and the span
    /// it is about.
    pub fn hover(&self, offset: usize) -> Option<(Span, String)> {
        let (owner, body, facts) = self.body_at(offset)?;
        if let Some((span, target)) = self.name_at(owner, body, facts, offset) {
            return Some((span, self.describe(target)));
        }
        let id = innermost_expr(body, offset)?;
        let ty = facts.expr_types.get(id)?;
        let span = body.exprs[id].span;
        let text = match &body.exprs[id].kind {
            ExprKind::Field { name, .. } => {
                format!("{}: {}", name.text, self.program.types.name(*ty))
            }
            _ => self.program.types.name(*ty),
        };
        Some((span, text))
    }

    /// Where what is named at `offset` is defined: in this file, or for a function imported
    /// from a WIT interface, in its `.wit` file.
    pub fn definition(&self, offset: usize) -> Option<Place> {
        if let Some(place) = self.type_definition(offset) {
            return Some(place);
        }
        let (owner, body, facts) = self.body_at(offset)?;
        if let Some(span) = self.field_definition(body, facts, offset) {
            return Some(Place::Here(span));
        }
        let (_, target) = self.name_at(owner, body, facts, offset)?;
        if let Target::Func(id) = target {
            if let FuncKind::Imported {
                interface: Some(interface),
                wit_name,
            } = &self.program.funcs[id.0 as usize].kind
            {
                if let Some(place) = self.wit_function(interface, wit_name) {
                    return Some(place);
                }
            }
        }
        Some(Place::Here(self.defined_at(target))).filter(
            |place| !matches!(place, Place::Here(span) if span.file == crate::library::LIBRARY_FILE),
        )
    }

    /// Where function `name` of WIT interface `interface` is declared.
    fn wit_function(&self, interface: &str, name: &str) -> Option<Place> {
        let wit = &self.program.wit;
        let (_, found) = wit
            .interfaces
            .iter()
            .find(|(id, _)| wit.id_of(*id).as_deref() == Some(interface))?;
        let span = found.functions.get(name)?.span;
        let location = wit.source_map.resolve_span(span)?;
        Some(Place::Wit {
            path: location.path.to_string(),
            range: location.range,
        })
    }

    /// The declaration of the record field named at `offset` (`p.x`), when the file
    /// declares the record.
    fn field_definition(&self, body: &Body, facts: &BodyFacts, offset: usize) -> Option<Span> {
        let (base, name) = body.exprs.iter().find_map(|(_, expr)| match &expr.kind {
            ExprKind::Field { base, name } if covers(name.span, offset) => Some((*base, name)),
            _ => None,
        })?;
        let TypeDef::Record { name: record, .. } =
            self.program.types.def(*facts.expr_types.get(base)?)
        else {
            return None;
        };
        self.program.ast.items.iter().find_map(|item| match item {
            Item::TypeDecl(ast::TypeDecl {
                name: decl,
                kind: ast::TypeDeclKind::Record(fields),
                ..
            }) if &decl.text == record => fields
                .iter()
                .find(|(field, _)| field.text == name.text)
                .map(|(field, _)| field.span),
            _ => None,
        })
    }

    /// The declaration of the type named at `offset`, in a signature, a declaration, a
    /// `let` or a cast, when the file declares it.
    fn type_definition(&self, offset: usize) -> Option<Place> {
        let mut found = None;
        let mut visit = |ty: &ast::TypeExpr| visit_type(ty, offset, &mut found);
        let sig = |sig: &ast::FuncSig, visit: &mut dyn FnMut(&ast::TypeExpr)| {
            sig.params.iter().for_each(|p| visit(&p.ty));
            if let Some(result) = &sig.result {
                visit(result);
            }
        };
        for item in &self.program.ast.items {
            match item {
                Item::ImportFunc(import) => sig(&import.sig, &mut visit),
                Item::Func(func) => {
                    sig(&func.sig, &mut visit);
                    visit_body_types(&func.body, &mut visit);
                }
                Item::Global(global) => {
                    if let Some(ty) = &global.ty {
                        visit(ty);
                    }
                    visit_body_types(&global.body, &mut visit);
                }
                Item::TypeDecl(decl) => match &decl.kind {
                    ast::TypeDeclKind::Record(fields) => fields.iter().for_each(|(_, t)| visit(t)),
                    ast::TypeDeclKind::Variant(cases) => cases
                        .iter()
                        .filter_map(|(_, t)| t.as_ref())
                        .for_each(&mut visit),
                    ast::TypeDeclKind::Alias(t) => visit(t),
                    ast::TypeDeclKind::Enum(_) | ast::TypeDeclKind::Flags(_) => {}
                },
                Item::ImportFrom(_) | Item::ExportInterface(_) => {}
            }
        }
        let name = found?;
        let items = &self.program.ast.items;
        let here = items.iter().find_map(|item| match item {
            Item::TypeDecl(decl) if decl.name.text == name => Some(Place::Here(decl.name.span)),
            _ => None,
        });
        // Else a type imported from a WIT interface: its declaration in the `.wit` file.
        here.or_else(|| {
            items.iter().find_map(|item| match item {
                Item::ImportFrom(import) => {
                    let imported = import.names.iter().find(|n| n.local().text == name)?;
                    self.wit_type(&import.interface, &imported.name.text)
                }
                _ => None,
            })
        })
    }

    /// Where type `name` of the interface at `path` is declared in its `.wit` file.
    fn wit_type(&self, path: &ast::InterfacePath, name: &str) -> Option<Place> {
        let wit = &self.program.wit;
        let mut wanted = format!(
            "{}:{}/{}",
            path.namespace.text, path.package.text, path.interface.text
        );
        if let Some(version) = &path.version {
            wanted += &format!("@{}", version.text);
        }
        let (_, interface) = wit
            .interfaces
            .iter()
            .find(|(id, _)| wit.id_of(*id).as_deref() == Some(wanted.as_str()))?;
        let span = wit.types[*interface.types.get(name)?].span;
        let location = wit.source_map.resolve_span(span)?;
        Some(Place::Wit {
            path: location.path.to_string(),
            range: location.range,
        })
    }

    /// Every place in the file that names what is named at `offset`, its definition first.
    pub fn references(&self, offset: usize) -> Vec<Span> {
        let Some((owner, body, facts)) = self.body_at(offset) else {
            return Vec::new();
        };
        let Some((_, target)) = self.name_at(owner, body, facts, offset) else {
            return Vec::new();
        };
        let mut spans = vec![self.defined_at(target)];
        spans.retain(|span| span.file != crate::library::LIBRARY_FILE);
        for (owner, body, facts) in self.bodies() {
            for (id, expr) in body.exprs.iter() {
                if let Some(span) = name_span(expr) {
                    if facts
                        .expr_res
                        .get(id)
                        .and_then(|&res| target_of(owner, res))
                        == Some(target)
                    {
                        spans.push(span);
                    }
                }
            }
        }
        spans.sort_by_key(|s| s.start);
        spans.dedup();
        spans
    }

    /// The functions of a library that ships with the compiler, after `http::`, with their
    /// signatures.
    fn library_functions(&self, namespace: &str) -> Vec<Completion> {
        crate::library::functions(namespace)
            .into_iter()
            .map(|(name, signature)| Completion {
                detail: signature,
                label: name,
                kind: CompletionKind::Function,
            })
            .collect()
    }

    /// What could be typed at `offset`: fields and methods after a `.`, interfaces after
    /// `from`, functions after a library's `http::`, else the names in scope and the keywords.
    pub fn completions(&self, text: &str, offset: usize) -> Vec<Completion> {
        let before = &text[..offset.min(text.len())];
        // The word being typed is ASCII; what ends before it may not be.
        let word_start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '%'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let head = before[..word_start].trim_end();
        if head.ends_with("from") {
            return self.interfaces();
        }
        if let Some(receiver) = head.strip_suffix('.') {
            return self.members(receiver, offset);
        }
        if let Some(path) = head.strip_suffix("::") {
            let namespace = path
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .next()
                .unwrap_or_default();
            if crate::library::is_namespace(namespace) {
                return self.library_functions(namespace);
            }
        }
        let mut out = Vec::new();
        if let Some((owner, body, facts)) = self.body_at(offset) {
            // Inside a `match`, the cases of the value matched come first.
            let scrutinee = body
                .exprs
                .iter()
                .filter(|(_, e)| covers(e.span, offset))
                .filter_map(|(_, e)| match &e.kind {
                    ExprKind::Match { scrutinee, .. } => Some((e.span, *scrutinee)),
                    _ => None,
                })
                .min_by_key(|(span, _)| span.end - span.start);
            if let Some(ty) = scrutinee.and_then(|(_, id)| facts.expr_types.get(id)) {
                let types = &self.program.types;
                for case in 0..types.case_count(*ty).unwrap_or(0) as u32 {
                    if let Some((name, _)) = types.case(*ty, case) {
                        out.push(Completion {
                            label: name.to_string(),
                            kind: CompletionKind::Case,
                            detail: format!("a case of `{}`", types.name(*ty)),
                        });
                    }
                }
            }
            let params = match owner {
                FuncOrGlobal::Func(func) => self.program.funcs[func.0 as usize].params.len(),
                FuncOrGlobal::Global(_) => 0,
            };
            for (index, local) in facts.locals.iter().enumerate() {
                if (index < params || (local.span.start as usize) < offset)
                    && !out.iter().any(|c: &Completion| c.label == local.name)
                    && local.name != "_"
                {
                    out.push(Completion {
                        label: local.name.clone(),
                        kind: CompletionKind::Local,
                        detail: self.program.types.name(local.ty),
                    });
                }
            }
        }
        for (index, global) in self.program.globals.iter().enumerate() {
            out.push(Completion {
                label: global.name.clone(),
                kind: CompletionKind::Global,
                detail: self.describe(Target::Global(GlobalId(index as u32))),
            });
        }
        for (index, func) in self.program.funcs.iter().enumerate() {
            out.push(Completion {
                label: func.name.clone(),
                kind: CompletionKind::Function,
                detail: self.describe(Target::Func(FuncId(index as u32))),
            });
        }
        // Cases of the file's variants and enums (`none`, `some`, `ok` and `err` are
        // everywhere); which one is expected is the editor's to sort.
        for item in &self.program.ast.items {
            if let Item::TypeDecl(decl) = item {
                let cases: Vec<&str> = match &decl.kind {
                    ast::TypeDeclKind::Variant(cases) => {
                        cases.iter().map(|(name, _)| name.text.as_str()).collect()
                    }
                    ast::TypeDeclKind::Enum(names) => {
                        names.iter().map(|n| n.text.as_str()).collect()
                    }
                    _ => continue,
                };
                for case in cases {
                    out.push(Completion {
                        label: case.to_string(),
                        kind: CompletionKind::Case,
                        detail: format!("a case of `{}`", decl.name.text),
                    });
                }
            }
        }
        for (case, of) in [
            ("some", "option"),
            ("none", "option"),
            ("ok", "result"),
            ("err", "result"),
        ] {
            out.push(Completion {
                label: case.to_string(),
                kind: CompletionKind::Case,
                detail: format!("a case of `{of}`"),
            });
        }
        for keyword in KEYWORDS {
            out.push(Completion {
                label: keyword.to_string(),
                kind: CompletionKind::Keyword,
                detail: String::new(),
            });
        }
        out
    }

    /// The file's functions, globals, types and export blocks, in order.
    pub fn symbols(&self) -> Vec<Symbol> {
        let ast = &self.program.ast;
        let mut out: Vec<Symbol> = Vec::new();
        for (index, item) in ast.items.iter().enumerate() {
            match item {
                Item::Func(func) if func.span.file == crate::library::LIBRARY_FILE => {}
                Item::Func(func) => {
                    let Some(id) = self.func_of_item(index) else {
                        continue;
                    };
                    let symbol = Symbol {
                        name: func.name.text.clone(),
                        kind: SymbolKind::Function,
                        span: func.span,
                        name_span: func.name.span,
                        detail: self.describe(Target::Func(id)),
                        children: Vec::new(),
                    };
                    match func.interface {
                        // Its export block is the last one listed, which holds it.
                        Some(_) => match out
                            .iter_mut()
                            .rev()
                            .find(|s| s.kind == SymbolKind::Interface)
                        {
                            Some(parent) => parent.children.push(symbol),
                            None => out.push(symbol),
                        },
                        None => out.push(symbol),
                    }
                }
                Item::Global(global) => out.push(Symbol {
                    name: global.name.text.clone(),
                    kind: SymbolKind::Global,
                    span: global.span,
                    name_span: global.name.span,
                    detail: global
                        .ty
                        .as_ref()
                        .map(|_| {
                            let id = self.program.globals.iter().position(|g| g.item == index);
                            id.map_or(String::new(), |id| {
                                self.describe(Target::Global(GlobalId(id as u32)))
                            })
                        })
                        .unwrap_or_default(),
                    children: Vec::new(),
                }),
                Item::TypeDecl(decl) => out.push(Symbol {
                    name: decl.name.text.clone(),
                    kind: SymbolKind::Type,
                    span: decl.span,
                    name_span: decl.name.span,
                    detail: match decl.kind {
                        ast::TypeDeclKind::Record(_) => "record",
                        ast::TypeDeclKind::Variant(_) => "variant",
                        ast::TypeDeclKind::Enum(_) => "enum",
                        ast::TypeDeclKind::Flags(_) => "flags",
                        ast::TypeDeclKind::Alias(_) => "type",
                    }
                    .to_string(),
                    children: Vec::new(),
                }),
                Item::ExportInterface(export) => {
                    let (name, name_span) = match &export.target {
                        ast::ExportTarget::Wit(path) => {
                            let mut name = format!(
                                "{}:{}/{}",
                                path.namespace.text, path.package.text, path.interface.text
                            );
                            if let Some(version) = &path.version {
                                name += &format!("@{}", version.text);
                            }
                            (name, path.span)
                        }
                        ast::ExportTarget::Inline(name) => (name.text.clone(), name.span),
                    };
                    out.push(Symbol {
                        name,
                        kind: SymbolKind::Interface,
                        span: export.span,
                        name_span,
                        detail: "export".into(),
                        children: Vec::new(),
                    });
                }
                Item::ImportFunc(_) | Item::ImportFrom(_) => {}
            }
        }
        out
    }

    /// A one-line description: `func f(a: u32) -> u32`, `let mut n: u32`, `x: string`.
    fn describe(&self, target: Target) -> String {
        let types = &self.program.types;
        match target {
            Target::Func(id) => {
                let func = &self.program.funcs[id.0 as usize];
                let text = format!(
                    "func {}{}",
                    shown_name(&func.name),
                    &self.signature(id, 0)[4..]
                );
                match &func.kind {
                    FuncKind::Imported {
                        interface: Some(interface),
                        wit_name,
                    } => {
                        let mut text = format!("{text}\n\nimported from `{interface}`");
                        if let Some(docs) = self.wit_docs(interface, wit_name) {
                            text += &format!("\n\n{docs}");
                        }
                        text
                    }
                    FuncKind::Imported {
                        interface: None, ..
                    } => {
                        format!("{text}\n\nimported from the host")
                    }
                    FuncKind::Defined { exported: true, .. } => format!("export {text}"),
                    FuncKind::Defined { .. } => text,
                }
            }
            Target::Global(id) => {
                let global = &self.program.globals[id.0 as usize];
                let mutable = if global.mutable { "mut " } else { "" };
                format!("let {mutable}{}: {}", global.name, types.name(global.ty))
            }
            Target::Local(owner, local) => {
                let def = &self.facts(owner).locals[local.0 as usize];
                let mutable = if def.mutable { "mut " } else { "" };
                format!("let {mutable}{}: {}", def.name, types.name(def.ty))
            }
        }
    }

    fn defined_at(&self, target: Target) -> Span {
        match target {
            Target::Func(id) => self.program.funcs[id.0 as usize].span,
            Target::Global(id) => self.program.globals[id.0 as usize].span,
            Target::Local(owner, local) => self.facts(owner).locals[local.0 as usize].span,
        }
    }

    fn facts(&self, owner: FuncOrGlobal) -> &BodyFacts {
        match owner {
            FuncOrGlobal::Func(id) => &self.program.funcs[id.0 as usize].facts,
            FuncOrGlobal::Global(id) => &self.program.globals[id.0 as usize].facts,
        }
    }

    /// Every body of the file with what the checker found in it.
    fn bodies(&self) -> Vec<(FuncOrGlobal, &Body, &BodyFacts)> {
        let mut out = Vec::new();
        for index in 0..self.program.funcs.len() {
            let id = FuncId(index as u32);
            if let Some((syntax, facts)) = self.program.func_body(id) {
                out.push((FuncOrGlobal::Func(id), &syntax.body, facts));
            }
        }
        for index in 0..self.program.globals.len() {
            let id = GlobalId(index as u32);
            if let Some((body, facts)) = self.program.global_body(id) {
                out.push((FuncOrGlobal::Global(id), body, facts));
            }
        }
        out
    }

    /// The body whose item holds `offset`.
    fn body_at(&self, offset: usize) -> Option<(FuncOrGlobal, &Body, &BodyFacts)> {
        for index in 0..self.program.funcs.len() {
            let id = FuncId(index as u32);
            if let Some((syntax, facts)) = self.program.func_body(id) {
                if covers(syntax.span, offset) {
                    return Some((FuncOrGlobal::Func(id), &syntax.body, facts));
                }
            }
        }
        for index in 0..self.program.globals.len() {
            let id = GlobalId(index as u32);
            let item = self.program.globals[index].item;
            if let (Some((body, facts)), Item::Global(syntax)) =
                (self.program.global_body(id), &self.program.ast.items[item])
            {
                if covers(syntax.span, offset) {
                    return Some((FuncOrGlobal::Global(id), body, facts));
                }
            }
        }
        None
    }

    /// The name at `offset` inside a body (a use, a `let`, a parameter, a pattern binding,
    /// or the function's own name) and what it refers to.
    fn name_at(
        &self,
        owner: FuncOrGlobal,
        body: &Body,
        facts: &BodyFacts,
        offset: usize,
    ) -> Option<(Span, Target)> {
        // Uses: a path or a call's callee.
        for (id, expr) in body.exprs.iter() {
            if let Some(span) = name_span(expr).filter(|s| covers(*s, offset)) {
                if let Some(target) = facts.expr_res.get(id).and_then(|&r| target_of(owner, r)) {
                    return Some((span, target));
                }
            }
        }
        // Definitions: every local's own name (parameters, `let`, `for`, patterns).
        for (index, local) in facts.locals.iter().enumerate() {
            if covers(local.span, offset) {
                return Some((local.span, Target::Local(owner, LocalId(index as u32))));
            }
        }
        match owner {
            FuncOrGlobal::Func(id) => {
                let span = self.program.funcs[id.0 as usize].span;
                covers(span, offset).then_some((span, Target::Func(id)))
            }
            FuncOrGlobal::Global(id) => {
                let span = self.program.globals[id.0 as usize].span;
                covers(span, offset).then_some((span, Target::Global(id)))
            }
        }
    }

    fn func_of_item(&self, item: usize) -> Option<FuncId> {
        self.program
            .funcs
            .iter()
            .position(|f| matches!(f.kind, FuncKind::Defined { item: i, .. } if i == item))
            .map(|i| FuncId(i as u32))
    }

    /// Fields and methods of the local named `receiver` (the last word before the `.`).
    fn members(&self, receiver: &str, offset: usize) -> Vec<Completion> {
        let name = receiver
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '%'))
            .next()
            .unwrap_or("");
        let types = &self.program.types;
        let ty = self.body_at(offset).and_then(|(_, _, facts)| {
            facts
                .locals
                .iter()
                .rev()
                .find(|l| l.name == name && (l.span.start as usize) < offset)
                .map(|l| l.ty)
        });
        let ty = ty.or_else(|| {
            self.program
                .globals
                .iter()
                .find(|g| g.name == name)
                .map(|g| g.ty)
        });
        let Some(ty) = ty else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (field, field_ty) in types.fields(ty).unwrap_or_default() {
            out.push(Completion {
                label: field,
                kind: CompletionKind::Field,
                detail: types.name(field_ty),
            });
        }
        if let TypeDef::Flags { flags, .. } = types.def(ty) {
            for flag in flags {
                out.push(Completion {
                    label: flag.clone(),
                    kind: CompletionKind::Field,
                    detail: "bool".into(),
                });
            }
        }
        // A handle: its resource's methods, and its fields where the file implements it.
        if let Some(funcs) = types
            .resource(ty)
            .and_then(|r| self.program.resources.get(&r))
        {
            for (field, field_ty) in funcs.implementation.iter().flat_map(|i| &i.fields) {
                out.push(Completion {
                    label: field.clone(),
                    kind: CompletionKind::Field,
                    detail: types.name(*field_ty),
                });
            }
            for (method, id) in &funcs.methods {
                out.push(Completion {
                    label: method.clone(),
                    kind: CompletionKind::Method,
                    detail: self.signature(*id, 1),
                });
            }
        }
        let methods: &[(&str, &str)] = match types.def(ty) {
            TypeDef::List(_) => &[
                ("len", "func() -> u32"),
                ("push", "func(value)"),
                ("pop", "func() -> option"),
                ("insert", "func(at: u32, value)"),
                ("remove", "func(at: u32) -> element"),
            ],
            TypeDef::Map { .. } => &[
                ("len", "func() -> u32: the number of entries"),
                ("get", "func(key) -> option<value>"),
                ("contains-key", "func(key) -> bool"),
                (
                    "insert",
                    "func(key, value) -> option<value>: the value the key had",
                ),
                ("remove", "func(key) -> option<value>"),
            ],
            TypeDef::String => &[
                ("len", "func() -> u32: the length in bytes"),
                ("bytes", "func() -> list<u8>: the UTF-8 bytes"),
            ],
            _ if types.int_shape(ty).is_some() => &[("to-string", "func() -> string")],
            TypeDef::Char | TypeDef::Bool => &[("to-string", "func() -> string")],
            TypeDef::F32 => &[("to-bits", "func() -> u32: the IEEE 754 bits")],
            TypeDef::F64 => &[("to-bits", "func() -> u64: the IEEE 754 bits")],
            _ => &[],
        };
        for (method, detail) in methods {
            out.push(Completion {
                label: method.to_string(),
                kind: CompletionKind::Method,
                detail: detail.to_string(),
            });
        }
        // A float's instructions, described from the one list of them.
        if types.is_float(ty) {
            let name = types.name(ty);
            for op in crate::program::FloatOp::ALL {
                let params = if op.arity() == 2 {
                    format!("other: {name}")
                } else {
                    String::new()
                };
                out.push(Completion {
                    label: op.name().to_string(),
                    kind: CompletionKind::Method,
                    detail: format!("func({params}) -> {name}"),
                });
            }
        }
        // The methods the bundled libraries give the type (a list's, for its element type).
        if let Some(namespace) = crate::library::method_namespace(types, ty) {
            for method in crate::library::methods(&namespace) {
                out.push(Completion {
                    label: method.name,
                    kind: CompletionKind::Method,
                    detail: method.signature,
                });
            }
        }
        out
    }

    /// `func(params) -> result` of a function, without its first `skip` parameters.
    fn signature(&self, id: FuncId, skip: usize) -> String {
        let types = &self.program.types;
        let func = &self.program.funcs[id.0 as usize];
        let params: Vec<String> = func
            .params
            .iter()
            .zip(&func.param_types)
            .skip(skip)
            .map(|(p, &t)| format!("{}: {}", p.name, types.name(t)))
            .collect();
        let mut text = format!("func({})", params.join(", "));
        if let Some(result) = func.result {
            text += &format!(" -> {}", types.name(result));
        }
        text
    }

    /// The doc comment of function `name` of WIT interface `interface` (`ns:pkg/iface@v`).
    fn wit_docs(&self, interface: &str, name: &str) -> Option<String> {
        let wit = &self.program.wit;
        let (_, found) = wit
            .interfaces
            .iter()
            .find(|(id, _)| wit.id_of(*id).as_deref() == Some(interface))?;
        found.functions.get(name)?.docs.contents.clone()
    }

    /// The interfaces of the WIT packages the file can import from.
    fn interfaces(&self) -> Vec<Completion> {
        let wit = &self.program.wit;
        let mut out = Vec::new();
        for (id, interface) in wit.interfaces.iter() {
            let Some(label) = wit.id_of(id) else {
                continue;
            };
            out.push(Completion {
                label,
                kind: CompletionKind::Interface,
                detail: format!("{} functions", interface.functions.len()),
            });
        }
        out
    }
}

/// A function's name as the file writes it: a resource's members (named as the Canonical
/// ABI names them) as `shelf`, `shelf.add` and `shelf::merge`.
fn shown_name(name: &str) -> String {
    if let Some(resource) = name.strip_prefix("[constructor]") {
        return resource.to_string();
    }
    if let Some(method) = name.strip_prefix("[method]") {
        return method.to_string();
    }
    if let Some(rest) = name.strip_prefix("[static]") {
        return rest.replacen('.', "::", 1);
    }
    if let Some(resource) = name.strip_prefix("[dtor]") {
        return format!("{resource} drop");
    }
    name.to_string()
}

/// What an expression's resolution names, for the names an editor follows.
fn target_of(owner: FuncOrGlobal, res: Res) -> Option<Target> {
    match res {
        Res::Local(local) => Some(Target::Local(owner, local)),
        Res::Global(global) => Some(Target::Global(global)),
        Res::Func(func) => Some(Target::Func(func)),
        _ => None,
    }
}

/// The span of the name in a path, a call's callee or a method call.
fn name_span(expr: &ast::Expr) -> Option<Span> {
    match &expr.kind {
        ExprKind::Path(names) | ExprKind::Call { callee: names, .. } => {
            names.last().map(|n| n.span)
        }
        // A resource's method (a built-in method resolves to no function).
        ExprKind::Method { name, .. } => Some(name.span),
        _ => None,
    }
}

/// The smallest expression whose span holds `offset`.
fn innermost_expr(body: &Body, offset: usize) -> Option<ExprId> {
    body.exprs
        .iter()
        .filter(|(_, e)| covers(e.span, offset) && !matches!(e.kind, ExprKind::Error))
        .min_by_key(|(_, e)| e.span.end - e.span.start)
        .map(|(id, _)| id)
}

/// Whether `span` holds `offset`, its end included (a cursor just after a name is on it).
/// Library code (`http::…`) is nowhere in the file, so no offset is in it.
fn covers(span: Span, offset: usize) -> bool {
    span.file != crate::library::LIBRARY_FILE
        && (span.start as usize) <= offset
        && offset <= span.end as usize
}

/// Sets `found` to the name of the type (or type argument) in `ty` at `offset`.
fn visit_type(ty: &ast::TypeExpr, offset: usize, found: &mut Option<String>) {
    if covers(ty.name.span, offset) {
        *found = Some(ty.name.text.clone());
    }
    for arg in &ty.args {
        visit_type(arg, offset, found);
    }
}

/// The types written inside a body: `let` annotations and casts.
fn visit_body_types(body: &Body, visit: &mut dyn FnMut(&ast::TypeExpr)) {
    for (_, stmt) in body.stmts.iter() {
        if let ast::StmtKind::Let { ty: Some(ty), .. } = &stmt.kind {
            visit(ty);
        }
    }
    for (_, expr) in body.exprs.iter() {
        if let ExprKind::Cast { ty, .. } = &expr.kind {
            visit(ty);
        }
    }
}
