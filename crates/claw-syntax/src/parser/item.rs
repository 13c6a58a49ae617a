//! Top-level items: imports, globals, functions, type declarations and export blocks, plus
//! signatures and type expressions.

use super::{PResult, Parser, Recover};
use crate::ast::{
    ExportInterface, ExportTarget, Func, FuncSig, Global, ImportFrom, ImportFunc, ImportName,
    InterfacePath, Item, Member, MemberKind, Name, Param, ResourceDecl, TypeDecl, TypeDeclKind,
    TypeExpr,
};
use crate::{Span, TokenKind};

/// Words that start a type declaration when followed by a name. They stay ordinary
/// identifiers everywhere else, since `type` and `record` are common names.
const TYPE_DECL_WORDS: [&str; 5] = ["record", "variant", "enum", "flags", "type"];

/// What one item parse produced: an export block brings its functions along, and they can
/// only be numbered once the block's own index is known.
enum Parsed {
    Item(Item),
    Export(ExportInterface, Vec<Func>),
}

impl Parser<'_> {
    pub(super) fn source_file(&mut self) {
        while !self.at(TokenKind::Eof) {
            match self.item() {
                Ok(Parsed::Item(item)) => self.ast.items.push(item),
                Ok(Parsed::Export(interface, funcs)) => self.push_export(interface, funcs),
                Err(Recover) => self.recover_item(),
            }
        }
    }

    /// Pushes an export block followed by its functions (resources' members among them),
    /// linking them both ways by index.
    fn push_export(&mut self, mut interface: ExportInterface, funcs: Vec<Func>) {
        let index = self.ast.items.len();
        for (offset, func) in funcs.iter().enumerate() {
            let at = index + 1 + offset;
            match func.member {
                Some(member) => interface.resources[member.resource].members.push(at),
                None => interface.funcs.push(at),
            }
        }
        self.ast.items.push(Item::ExportInterface(interface));
        for mut func in funcs {
            func.exported = true;
            func.interface = Some(index);
            self.ast.items.push(Item::Func(func));
        }
    }

    fn item(&mut self) -> PResult<Parsed> {
        let item = match self.peek() {
            TokenKind::Import if self.peek_at(1) == TokenKind::LBrace => {
                Item::ImportFrom(self.import_from()?)
            }
            TokenKind::Import => Item::ImportFunc(self.import_func()?),
            TokenKind::Export if self.peek_at(1) != TokenKind::Func => return self.export_block(),
            TokenKind::Export | TokenKind::Func => Item::Func(self.func()?),
            TokenKind::Let => Item::Global(self.global()?),
            TokenKind::Ident if self.at_type_decl() => Item::TypeDecl(self.type_decl()?),
            _ => {
                return Err(self.unexpected(
                    "an item (`import`, `export`, `func`, `let` or a type declaration)",
                ))
            }
        };
        Ok(Parsed::Item(item))
    }

    fn at_type_decl(&self) -> bool {
        self.peek_at(1) == TokenKind::Ident && TYPE_DECL_WORDS.iter().any(|w| self.at_word(w))
    }

    /// Skips to the next token that can start an item at the top level.
    fn recover_item(&mut self) {
        let mut depth = 0usize;
        // Always make progress, even if the bad token itself starts an item.
        self.bump();
        loop {
            match self.peek() {
                TokenKind::Eof => return,
                TokenKind::Import | TokenKind::Export | TokenKind::Func | TokenKind::Let
                    if depth == 0 =>
                {
                    return
                }
                TokenKind::Ident if depth == 0 && self.at_type_decl() => return,
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.bump();
        }
    }

    /// `export ns:pkg/iface[@v] { funcs }` or `export name: interface { funcs }`.
    fn export_block(&mut self) -> PResult<Parsed> {
        let start = self.expect(TokenKind::Export)?.span;
        let inline = self.peek_at(1) == TokenKind::Colon
            && self.at_word_at(2, "interface")
            && self.peek_at(3) == TokenKind::LBrace;
        let target = if inline {
            let name = self.name()?;
            self.bump();
            self.bump();
            ExportTarget::Inline(name)
        } else {
            ExportTarget::Wit(self.interface_path()?)
        };
        self.expect(TokenKind::LBrace)?;
        let mut resources = Vec::new();
        let funcs = self.export_funcs(&mut resources);
        let interface = ExportInterface {
            target,
            funcs: Vec::new(),
            resources,
            span: start.to(self.prev_span()),
        };
        Ok(Parsed::Export(interface, funcs))
    }

    /// `resource name { fields and members }`, its members added to `funcs`.
    fn resource(&mut self, index: usize, funcs: &mut Vec<Func>) -> PResult<ResourceDecl> {
        let start = self.bump().span;
        let name = self.name()?;
        self.expect(TokenKind::LBrace)?;
        let mut fields = Vec::new();
        loop {
            let member = |kind| Member {
                resource: index,
                kind,
            };
            let start = self.span();
            let parsed = match self.peek() {
                TokenKind::RBrace => {
                    self.bump();
                    break;
                }
                TokenKind::Eof => return Err(self.unexpected("`}`")),
                TokenKind::Func => self.member(start, member(MemberKind::Method)),
                TokenKind::Ident
                    if self.at_word("static") && self.peek_at(1) == TokenKind::Func =>
                {
                    self.bump();
                    self.member(start, member(MemberKind::Static))
                }
                TokenKind::Ident
                    if self.at_word("constructor") && self.peek_at(1) == TokenKind::LParen =>
                {
                    self.member(start, member(MemberKind::Constructor))
                }
                TokenKind::Ident
                    if self.at_word("drop") && self.peek_at(1) == TokenKind::LBrace =>
                {
                    self.member(start, member(MemberKind::Drop))
                }
                TokenKind::Ident if self.peek_at(1) == TokenKind::Colon => {
                    let field = self.name()?;
                    self.bump();
                    let ty = self.type_expr()?;
                    fields.push((field, ty));
                    if !self.eat(TokenKind::Comma) && !self.at(TokenKind::RBrace) {
                        return Err(self.unexpected("`,` or `}`"));
                    }
                    continue;
                }
                _ => {
                    return Err(self.unexpected(
                        "a field, `constructor`, `func`, `static func`, `drop` or `}`",
                    ))
                }
            };
            match parsed {
                Ok(func) => funcs.push(func),
                Err(Recover) => self.recover_export_func(),
            }
        }
        Ok(ResourceDecl {
            name,
            fields,
            members: Vec::new(),
            span: start.to(self.prev_span()),
        })
    }

    /// A member of a resource block, which starts at `start`: `func`, `static func` (past
    /// `static`), `constructor` or `drop`, with its body.
    fn member(&mut self, start: Span, member: Member) -> PResult<Func> {
        let (name, sig) = match member.kind {
            MemberKind::Method | MemberKind::Static => {
                self.expect(TokenKind::Func)?;
                (self.name()?, self.func_sig()?)
            }
            MemberKind::Constructor => (self.name()?, self.func_sig()?),
            MemberKind::Drop => {
                let name = self.name()?;
                let span = Span {
                    start: name.span.end,
                    ..name.span
                };
                let sig = FuncSig {
                    params: Vec::new(),
                    result: None,
                    span,
                };
                (name, sig)
            }
        };
        let (block, body) = self.in_body(Self::block);
        let block = block?;
        Ok(Func {
            exported: true,
            interface: None,
            member: Some(member),
            name,
            sig,
            span: start.to(block.span),
            block,
            body,
        })
    }

    /// The functions of an export block through its `}`. A bad function is skipped rather
    /// than abandoning the block, so the functions after it still belong to the interface.
    fn export_funcs(&mut self, resources: &mut Vec<ResourceDecl>) -> Vec<Func> {
        let mut funcs = Vec::new();
        loop {
            match self.peek() {
                TokenKind::RBrace => {
                    self.bump();
                    return funcs;
                }
                TokenKind::Eof => {
                    self.unexpected("`}`");
                    return funcs;
                }
                TokenKind::Func => match self.func() {
                    Ok(func) => funcs.push(func),
                    Err(Recover) => self.recover_export_func(),
                },
                TokenKind::Ident
                    if self.at_word("resource") && self.peek_at(1) == TokenKind::Ident =>
                {
                    let index = resources.len();
                    match self.resource(index, &mut funcs) {
                        Ok(resource) => resources.push(resource),
                        Err(Recover) => {
                            // The members parsed so far go with the resource.
                            funcs.retain(|f| f.member.is_none_or(|m| m.resource != index));
                            self.recover_export_func();
                        }
                    }
                }
                _ => {
                    self.unexpected("`func`, `resource` or `}`");
                    self.recover_export_func();
                }
            }
        }
    }

    /// Skips to the next `func` or the closing `}` of the export block. Callers stand past a
    /// `func` or on a token that is neither, so this cannot stall.
    fn recover_export_func(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                TokenKind::Eof => return,
                TokenKind::Func | TokenKind::RBrace if depth == 0 => return,
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace => depth -= 1,
                _ => {}
            }
            self.bump();
        }
    }

    /// `record`, `variant`, `enum`, `flags` or `type`, in WIT syntax.
    fn type_decl(&mut self) -> PResult<TypeDecl> {
        let keyword = self.bump();
        let word = self.text[keyword.span.range()].to_string();
        let name = self.name()?;
        let kind = if word == "type" {
            self.expect(TokenKind::Eq)?;
            let ty = self.type_expr()?;
            self.expect(TokenKind::Semi)?;
            TypeDeclKind::Alias(ty)
        } else {
            self.expect(TokenKind::LBrace)?;
            match word.as_str() {
                "record" => TypeDeclKind::Record(self.comma_list(TokenKind::RBrace, |p| {
                    let field = p.name()?;
                    p.expect(TokenKind::Colon)?;
                    Ok((field, p.type_expr()?))
                })?),
                "variant" => TypeDeclKind::Variant(self.comma_list(TokenKind::RBrace, |p| {
                    let case = p.name()?;
                    let payload = if p.eat(TokenKind::LParen) {
                        let ty = p.type_expr()?;
                        p.expect(TokenKind::RParen)?;
                        Some(ty)
                    } else {
                        None
                    };
                    Ok((case, payload))
                })?),
                "enum" => TypeDeclKind::Enum(self.comma_list(TokenKind::RBrace, |p| p.name())?),
                _ => TypeDeclKind::Flags(self.comma_list(TokenKind::RBrace, |p| p.name())?),
            }
        };
        Ok(TypeDecl {
            name,
            kind,
            span: keyword.span.to(self.prev_span()),
        })
    }

    fn import_func(&mut self) -> PResult<ImportFunc> {
        let start = self.expect(TokenKind::Import)?.span;
        let name = self.name()?;
        let alias = if self.eat(TokenKind::As) {
            Some(self.name()?)
        } else {
            None
        };
        self.expect(TokenKind::Colon)?;
        let sig = self.func_sig()?;
        self.expect(TokenKind::Semi)?;
        Ok(ImportFunc {
            name,
            alias,
            sig,
            span: start.to(self.prev_span()),
        })
    }

    fn import_from(&mut self) -> PResult<ImportFrom> {
        let start = self.expect(TokenKind::Import)?.span;
        self.expect(TokenKind::LBrace)?;
        let mut names = Vec::new();
        while !self.at(TokenKind::RBrace) {
            let name = self.name()?;
            let alias = if self.eat(TokenKind::As) {
                Some(self.name()?)
            } else {
                None
            };
            names.push(ImportName { name, alias });
            if !self.eat(TokenKind::Comma) {
                break;
            }
        }
        self.expect(TokenKind::RBrace)?;
        self.expect(TokenKind::From)?;
        let interface = self.interface_path()?;
        self.expect(TokenKind::Semi)?;
        Ok(ImportFrom {
            names,
            interface,
            span: start.to(self.prev_span()),
        })
    }

    /// `ns:pkg/iface[@version]`
    fn interface_path(&mut self) -> PResult<InterfacePath> {
        let namespace = self.name()?;
        self.expect(TokenKind::Colon)?;
        let package = self.name()?;
        self.expect(TokenKind::Slash)?;
        let interface = self.name()?;
        let version = if self.eat(TokenKind::At) {
            Some(self.version()?)
        } else {
            None
        };
        Ok(InterfacePath {
            span: namespace.span.to(self.prev_span()),
            namespace,
            package,
            interface,
            version,
        })
    }

    /// A semver such as `1.2.3` or `0.2.0-rc.1`: the tokens glued together without spaces.
    fn version(&mut self) -> PResult<Name> {
        let start = self.span();
        if !matches!(self.peek(), TokenKind::Int | TokenKind::Float) {
            return Err(self.unexpected("a version such as `1.2.3`"));
        }
        let mut end = self.bump().span;
        while !matches!(
            self.peek(),
            TokenKind::Semi | TokenKind::Comma | TokenKind::LBrace | TokenKind::Eof
        ) && self.span().start == end.end
        {
            end = self.bump().span;
        }
        let span = start.to(end);
        Ok(Name {
            text: self.text[span.range()].to_string(),
            span,
        })
    }

    fn global(&mut self) -> PResult<Global> {
        let start = self.expect(TokenKind::Let)?.span;
        let mutable = self.eat(TokenKind::Mut);
        let name = self.name()?;
        let ty = if self.eat(TokenKind::Colon) {
            Some(self.type_expr()?)
        } else {
            None
        };
        let (init, body) = self.in_body(|p| {
            if p.eat(TokenKind::Eq) {
                Ok(Some(p.expr()?))
            } else {
                Ok(None)
            }
        });
        let init = init?;
        self.expect(TokenKind::Semi)?;
        Ok(Global {
            mutable,
            name,
            ty,
            init,
            body,
            span: start.to(self.prev_span()),
        })
    }

    fn func(&mut self) -> PResult<Func> {
        let start = self.span();
        let exported = self.eat(TokenKind::Export);
        self.expect(TokenKind::Func)?;
        let name = self.name()?;
        let sig = self.func_sig()?;
        let (block, body) = self.in_body(Self::block);
        let block = block?;
        Ok(Func {
            exported,
            interface: None,
            member: None,
            name,
            sig,
            span: start.to(block.span),
            block,
            body,
        })
    }

    /// `(a: T, …) -> R`, where the `func` keyword is already consumed for definitions and is
    /// part of the signature for imports (`import f: func(…)`).
    fn func_sig(&mut self) -> PResult<FuncSig> {
        let start = self.span();
        self.eat(TokenKind::Func);
        self.expect(TokenKind::LParen)?;
        let mut params = Vec::new();
        while !self.at(TokenKind::RParen) {
            let name = self.name()?;
            self.expect(TokenKind::Colon)?;
            let ty = self.type_expr()?;
            params.push(Param { name, ty });
            if !self.eat(TokenKind::Comma) {
                break;
            }
        }
        self.expect(TokenKind::RParen)?;
        let result = if self.eat(TokenKind::Arrow) {
            Some(self.type_expr()?)
        } else {
            None
        };
        Ok(FuncSig {
            params,
            result,
            span: start.to(self.prev_span()),
        })
    }

    pub(super) fn type_expr(&mut self) -> PResult<TypeExpr> {
        self.type_expr_in(false)
    }

    /// The type after `as`, which an operator may follow: `x as u32-1` subtracts, as `x-1`
    /// does, where elsewhere `u32-1` would be a misspelt name.
    pub(super) fn cast_type(&mut self) -> PResult<TypeExpr> {
        self.type_expr_in(true)
    }

    fn type_expr_in(&mut self, cast: bool) -> PResult<TypeExpr> {
        self.enter()?;
        let res = self.type_expr_inner(cast);
        self.leave();
        res
    }

    fn type_expr_inner(&mut self, cast: bool) -> PResult<TypeExpr> {
        let name: Name = match self.peek() {
            TokenKind::Ident if cast => self.ident()?,
            TokenKind::Ident => self.name()?,
            // The "no type here" of `result<_, E>`.
            TokenKind::Underscore => Name {
                text: "_".to_string(),
                span: self.bump().span,
            },
            _ => match self.name_with_digit_word() {
                Some(name) => name,
                None => return Err(self.unexpected("a type")),
            },
        };
        let mut args = Vec::new();
        if self.eat(TokenKind::Lt) {
            self.split_closing_angle();
            while !self.at(TokenKind::Gt) {
                args.push(self.type_expr()?);
                self.split_closing_angle();
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(TokenKind::Gt)?;
        }
        Ok(TypeExpr {
            span: name.span.to(self.prev_span()),
            name,
            args,
        })
    }

    /// Splits a `>>`, `>=` or `>>=` at the cursor into `>` and the rest, so that
    /// `list<list<u8>>` closes both lists. The `>` takes the slot of the token before, which
    /// is consumed already (a `<` at least), so nothing shifts: inserting into the token list
    /// made a file full of `>>` quadratic.
    fn split_closing_angle(&mut self) {
        let token = self.tokens[self.pos];
        let rest = match token.kind {
            TokenKind::Shr => TokenKind::Gt,
            TokenKind::GtEq => TokenKind::Eq,
            TokenKind::ShrEq => TokenKind::GtEq,
            _ => return,
        };
        let Some(before) = self.pos.checked_sub(1) else {
            return;
        };
        let mid = token.span.start + 1;
        let mut first = token;
        first.kind = TokenKind::Gt;
        first.span.end = mid;
        let mut second = token;
        second.kind = rest;
        second.span.start = mid;
        self.tokens[before] = first;
        self.tokens[self.pos] = second;
        self.pos = before;
    }
}
