//! Items: imports, globals, functions, export blocks and type declarations, and the types
//! and signatures in them.

use claw_syntax::ast::{
    ExportTarget, Func, FuncSig, Global, ImportFrom, ImportFunc, InterfacePath, Item, MemberKind,
    Param, ResourceDecl, SourceFile, TypeDecl, TypeDeclKind, TypeExpr,
};
use claw_syntax::Span;

use crate::doc::{group, text, Doc};
use crate::Fmt;

impl<'a> Fmt<'a> {
    pub(crate) fn items(&mut self, ast: &'a SourceFile) -> Doc {
        let top: Vec<&Item> = ast
            .items
            .iter()
            .filter(|item| {
                !matches!(
                    item,
                    Item::Func(Func {
                        interface: Some(_),
                        ..
                    })
                )
            })
            .collect();
        let (mut parts, prev) = self.lines(
            &top,
            |_, item| item_span(item),
            |fmt, item| fmt.item(ast, item),
            self.text.len(),
        );
        let rest = self.dangling(self.text.len(), prev);
        if !rest.is_empty() {
            if prev.is_some() {
                parts.push(Doc::HardLine);
            }
            parts.extend(rest);
        }
        Doc::Concat(parts)
    }

    fn item(&mut self, ast: &'a SourceFile, item: &'a Item) -> Doc {
        match item {
            Item::ImportFunc(import) => self.import_func(import),
            Item::ImportFrom(import) => self.import_from(import),
            Item::Global(global) => self.global(global),
            Item::Func(func) => self.func(func, func.exported),
            Item::TypeDecl(decl) => self.type_decl(decl),
            Item::ExportInterface(export) => {
                let head = match &export.target {
                    ExportTarget::Wit(path) => self.interface_path(path),
                    ExportTarget::Inline(name) => format!("{}: interface", self.src(name.span)),
                };
                // Functions and resources, in the order they were written.
                let mut entries: Vec<Entry<'a>> = export
                    .funcs
                    .iter()
                    .filter_map(|&index| match &ast.items[index] {
                        Item::Func(func) => Some(Entry::Func(func)),
                        _ => None,
                    })
                    .chain(export.resources.iter().map(Entry::Resource))
                    .collect();
                entries.sort_by_key(|entry| entry.span().start);
                let close = export.span.end as usize - 1;
                let (inner, prev) = self.lines(
                    &entries,
                    |_, entry| entry.span(),
                    |fmt, entry| match entry {
                        Entry::Func(func) => fmt.func(func, false),
                        Entry::Resource(resource) => fmt.resource(ast, resource),
                        _ => unreachable!("only functions and resources are in an export block"),
                    },
                    close,
                );
                self.close_block(format!("export {head} "), inner, close, prev)
            }
        }
    }

    /// One element a line (items, statements, arms), each after the comments before it and
    /// with the comment on its line, up to `close`, where the block ends. Also where the last
    /// one ended.
    pub(crate) fn lines<'e, T>(
        &mut self,
        elements: &'e [T],
        span: impl Fn(&Self, &T) -> Span,
        doc: impl Fn(&mut Self, &'e T) -> Doc,
        close: usize,
    ) -> (Vec<Doc>, Option<usize>) {
        let mut parts = Vec::new();
        let mut prev = None;
        for (index, element) in elements.iter().enumerate() {
            let at = span(self, element);
            if prev.is_some() {
                parts.push(Doc::HardLine);
            }
            parts.extend(self.lines_before(at.start as usize, prev));
            parts.push(doc(self, element));
            let limit = elements
                .get(index + 1)
                .map_or(close, |next| span(self, next).start as usize);
            parts.push(self.trailing(at.end as usize, limit));
            prev = Some(at.end as usize);
        }
        (parts, prev)
    }

    /// `head{`, the lines of `inner`, the comments before `close`, and `}`.
    pub(crate) fn close_block(
        &mut self,
        head: String,
        mut inner: Vec<Doc>,
        close: usize,
        prev: Option<usize>,
    ) -> Doc {
        let rest = self.dangling(close, prev);
        if !rest.is_empty() && !inner.is_empty() {
            inner.push(Doc::HardLine);
        }
        inner.extend(rest);
        if inner.is_empty() {
            return text(format!("{head}{{}}"));
        }
        inner.insert(0, Doc::HardLine);
        Doc::Concat(vec![
            text(format!("{head}{{")),
            Doc::Nest(inner),
            Doc::HardLine,
            text("}"),
        ])
    }

    fn import_func(&mut self, import: &'a ImportFunc) -> Doc {
        let mut head = format!("import {}", self.src(import.name.span));
        if let Some(alias) = &import.alias {
            head += &format!(" as {}", self.src(alias.span));
        }
        head += ": func";
        Doc::Concat(vec![text(head), self.sig(&import.sig), text(";")])
    }

    fn import_from(&mut self, import: &'a ImportFrom) -> Doc {
        let close = import.interface.span.start as usize;
        let names = self.list(
            "{",
            &import.names,
            |_, name| {
                (
                    name.name.span.start as usize,
                    name.local().span.end as usize,
                )
            },
            |fmt, name| {
                let mut s = fmt.src(name.name.span).to_string();
                if let Some(alias) = &name.alias {
                    s += &format!(" as {}", fmt.src(alias.span));
                }
                text(s)
            },
            close,
            "}",
            Pad::Space,
        );
        Doc::Concat(vec![
            text("import "),
            names,
            text(format!(" from {};", self.interface_path(&import.interface))),
        ])
    }

    fn interface_path(&self, path: &InterfacePath) -> String {
        let mut s = format!(
            "{}:{}/{}",
            self.src(path.namespace.span),
            self.src(path.package.span),
            self.src(path.interface.span)
        );
        if let Some(version) = &path.version {
            s += &format!("@{}", self.src(version.span));
        }
        s
    }

    fn global(&mut self, global: &'a Global) -> Doc {
        let mut head = String::from("let ");
        if global.mutable {
            head += "mut ";
        }
        head += self.src(global.name.span);
        if let Some(ty) = &global.ty {
            head += &format!(": {}", self.ty(ty));
        }
        let mut parts = vec![text(head)];
        if let Some(init) = global.init {
            self.body = Some(&global.body);
            parts.push(text(" = "));
            parts.push(self.expr(init));
            self.body = None;
        }
        parts.push(text(";"));
        group(parts)
    }

    fn func(&mut self, func: &'a Func, export: bool) -> Doc {
        let name = self.src(func.name.span);
        let head = match func.member.map(|m| m.kind) {
            Some(MemberKind::Constructor) => name.to_string(),
            Some(MemberKind::Drop) => format!("{name} "),
            Some(MemberKind::Static) => format!("static func {name}"),
            _ => format!("{}func {name}", if export { "export " } else { "" }),
        };
        self.body = Some(&func.body);
        let block = self.block(&func.block);
        self.body = None;
        if func.member.is_some_and(|m| m.kind == MemberKind::Drop) {
            return Doc::Concat(vec![text(head), block]);
        }
        Doc::Concat(vec![text(head), self.sig(&func.sig), text(" "), block])
    }

    /// `resource name { fields and members }`, in the order they were written.
    fn resource(&mut self, ast: &'a SourceFile, resource: &'a ResourceDecl) -> Doc {
        let mut entries: Vec<Entry<'a>> = resource
            .fields
            .iter()
            .map(Entry::Field)
            .chain(
                resource
                    .members
                    .iter()
                    .filter_map(|&index| match &ast.items[index] {
                        Item::Func(func) => Some(Entry::Func(func)),
                        _ => None,
                    }),
            )
            .collect();
        entries.sort_by_key(|entry| entry.span().start);
        let close = resource.span.end as usize - 1;
        let (inner, prev) = self.lines(
            &entries,
            |_, entry| entry.span(),
            |fmt, entry| match entry {
                Entry::Func(func) => fmt.func(func, false),
                Entry::Field((name, ty)) => {
                    text(format!("{}: {},", fmt.src(name.span), fmt.ty(ty)))
                }
                Entry::Resource(_) => unreachable!("resources do not nest"),
            },
            close,
        );
        let head = format!("resource {} ", self.src(resource.name.span));
        self.close_block(head, inner, close, prev)
    }

    /// `(params) -> T`.
    fn sig(&mut self, sig: &'a FuncSig) -> Doc {
        // The parameters end at the `)`: before the result type, or the signature's end.
        let close = match &sig.result {
            Some(result) => self.text[..result.span.start as usize]
                .rfind(')')
                .unwrap_or(sig.span.end as usize),
            None => sig.span.end as usize - 1,
        };
        let params = self.list(
            "(",
            &sig.params,
            |_, param: &'a Param| (param.name.span.start as usize, param.ty.span.end as usize),
            |fmt, param| {
                text(format!(
                    "{}: {}",
                    fmt.src(param.name.span),
                    fmt.ty(&param.ty)
                ))
            },
            close,
            ")",
            Pad::None,
        );
        match &sig.result {
            Some(result) => Doc::Concat(vec![params, text(format!(" -> {}", self.ty(result)))]),
            None => params,
        }
    }

    fn type_decl(&mut self, decl: &'a TypeDecl) -> Doc {
        let name = self.src(decl.name.span);
        let close = decl.span.end as usize - 1;
        let members = match &decl.kind {
            TypeDeclKind::Alias(ty) => return text(format!("type {name} = {};", self.ty(ty))),
            TypeDeclKind::Record(fields) => self.list(
                "{",
                fields,
                |_, (name, ty)| (name.span.start as usize, ty.span.end as usize),
                |fmt, (name, ty)| text(format!("{}: {}", fmt.src(name.span), fmt.ty(ty))),
                close,
                "}",
                Pad::Space,
            ),
            TypeDeclKind::Variant(cases) => self.list(
                "{",
                cases,
                |fmt, (name, payload)| {
                    let end = match payload {
                        // Past the payload's `)`.
                        Some(ty) => fmt.text[ty.span.end as usize..]
                            .find(')')
                            .map_or(ty.span.end as usize, |n| ty.span.end as usize + n + 1),
                        None => name.span.end as usize,
                    };
                    (name.span.start as usize, end)
                },
                |fmt, (name, payload)| match payload {
                    Some(ty) => text(format!("{}({})", fmt.src(name.span), fmt.ty(ty))),
                    None => text(fmt.src(name.span)),
                },
                close,
                "}",
                Pad::Space,
            ),
            TypeDeclKind::Enum(names) | TypeDeclKind::Flags(names) => self.list(
                "{",
                names,
                |_, name| (name.span.start as usize, name.span.end as usize),
                |fmt, name| text(fmt.src(name.span)),
                close,
                "}",
                Pad::Space,
            ),
        };
        let keyword = match decl.kind {
            TypeDeclKind::Record(_) => "record",
            TypeDeclKind::Variant(_) => "variant",
            TypeDeclKind::Enum(_) => "enum",
            TypeDeclKind::Flags(_) => "flags",
            TypeDeclKind::Alias(_) => "type",
        };
        Doc::Concat(vec![text(format!("{keyword} {name} ")), members])
    }

    /// A type as written, with `, ` between arguments.
    pub(crate) fn ty(&self, ty: &TypeExpr) -> String {
        let mut s = self.src(ty.name.span).to_string();
        if !ty.args.is_empty() {
            let args: Vec<String> = ty.args.iter().map(|arg| self.ty(arg)).collect();
            s += &format!("<{}>", args.join(", "));
        }
        s
    }

    /// `open`, the items separated by commas, and `close`: on one line if it fits (with a
    /// space inside the brackets under [`Pad::Space`]), else one item a line, each with
    /// its comma. `close_at` is where the closing bracket is in the source.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn list<T>(
        &mut self,
        open: &str,
        items: &'a [T],
        span: impl Fn(&Self, &'a T) -> (usize, usize),
        doc: impl Fn(&mut Self, &'a T) -> Doc,
        close_at: usize,
        close: &str,
        pad: Pad,
    ) -> Doc {
        let line = match pad {
            Pad::Space => Doc::Line,
            Pad::None | Pad::OneTuple => Doc::SoftLine,
        };
        let mut inner = vec![line.clone()];
        let mut prev = None;
        let mut docs = Vec::new();
        let mut commented = false;
        for (index, item) in items.iter().enumerate() {
            let (start, end) = span(self, item);
            let last = index + 1 == items.len();
            let lead = self.lines_before(start, prev);
            commented |= !lead.is_empty();
            inner.extend(lead);
            let item = doc(self, item);
            docs.push(item.clone());
            inner.push(item);
            inner.push(if !last || matches!(pad, Pad::OneTuple) {
                text(",")
            } else {
                Doc::IfBreak(",")
            });
            let limit = if last {
                close_at
            } else {
                span(self, &items[index + 1]).0
            };
            let trailing = self.trailing(end, limit);
            commented |= trailing.hard();
            inner.push(trailing);
            if !last {
                inner.push(Doc::Line);
            }
            prev = Some(end);
        }
        let rest = self.dangling(close_at, prev);
        // A `match` (or a call ending in one) as the last item hugs the brackets, as
        // Prettier and rustfmt lay out a closure passed last:
        // `f(a, match x {` … `})` rather than a line of its own for every argument.
        if let Some((last, before)) = docs.split_last() {
            if !commented && rest.is_empty() && last.hard() && !before.iter().any(Doc::hard) {
                let mut parts = vec![text(open)];
                for item in before {
                    parts.push(item.clone());
                    parts.push(text(", "));
                }
                parts.push(last.clone());
                if matches!(pad, Pad::OneTuple) {
                    parts.push(text(","));
                }
                parts.push(text(close));
                return Doc::Concat(parts);
            }
        }
        if items.is_empty() {
            if rest.is_empty() {
                return text(format!("{open}{close}"));
            }
            return Doc::Concat(vec![
                text(open),
                Doc::Nest([vec![Doc::HardLine], rest].concat()),
                Doc::HardLine,
                text(close),
            ]);
        }
        if !rest.is_empty() {
            inner.push(Doc::HardLine);
            inner.extend(rest);
        }
        group(vec![text(open), Doc::Nest(inner), line, text(close)])
    }
}

/// What goes inside a list's brackets when it is on one line.
#[derive(Clone, Copy)]
pub(crate) enum Pad {
    /// `(a, b)`, `[a, b]`, `{x: 1}`.
    None,
    /// `{ a, b }`, as WIT writes type members and `import` its names.
    Space,
    /// `(a,)`: the comma stays when it is on one line.
    OneTuple,
}

impl Pad {
    /// A tuple's: `(a,)` keeps its comma.
    pub(crate) fn tuple(len: usize) -> Pad {
        if len == 1 {
            Pad::OneTuple
        } else {
            Pad::None
        }
    }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::ImportFunc(i) => i.span,
        Item::ImportFrom(i) => i.span,
        Item::Global(g) => g.span,
        Item::Func(f) => f.span,
        Item::TypeDecl(t) => t.span,
        Item::ExportInterface(e) => e.span,
    }
}

/// What an export block or a resource block holds, for laying them out in source order.
enum Entry<'a> {
    Func(&'a Func),
    Resource(&'a ResourceDecl),
    Field(&'a (claw_syntax::ast::Name, claw_syntax::ast::TypeExpr)),
}

impl Entry<'_> {
    fn span(&self) -> Span {
        match self {
            Entry::Func(func) => func.span,
            Entry::Resource(resource) => resource.span,
            Entry::Field((name, ty)) => name.span.to(ty.span),
        }
    }
}
