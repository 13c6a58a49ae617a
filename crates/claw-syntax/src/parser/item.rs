//! Top-level items: imports, globals and functions, plus signatures and type expressions.

use super::{PResult, Parser, Recover};
use crate::ast::{
    Func, FuncSig, Global, ImportFrom, ImportFunc, ImportName, InterfacePath, Item, Name, Param,
    TypeExpr,
};
use crate::TokenKind;

impl Parser<'_> {
    pub(super) fn source_file(&mut self) {
        while !self.at(TokenKind::Eof) {
            match self.item() {
                Ok(item) => self.ast.items.push(item),
                Err(Recover) => self.recover_item(),
            }
        }
    }

    fn item(&mut self) -> PResult<Item> {
        match self.peek() {
            TokenKind::Import if self.peek_at(1) == TokenKind::LBrace => {
                self.import_from().map(Item::ImportFrom)
            }
            TokenKind::Import => self.import_func().map(Item::ImportFunc),
            TokenKind::Export | TokenKind::Func => self.func().map(Item::Func),
            TokenKind::Let => self.global().map(Item::Global),
            _ => Err(self.unexpected("an item (`import`, `export`, `func` or `let`)")),
        }
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
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.bump();
        }
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
            TokenKind::Semi | TokenKind::Comma | TokenKind::Eof
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
        let init = if self.eat(TokenKind::Eq) {
            Some(self.expr()?)
        } else {
            None
        };
        self.expect(TokenKind::Semi)?;
        Ok(Global {
            mutable,
            name,
            ty,
            init,
            span: start.to(self.prev_span()),
        })
    }

    fn func(&mut self) -> PResult<Func> {
        let start = self.span();
        let exported = self.eat(TokenKind::Export);
        self.expect(TokenKind::Func)?;
        let name = self.name()?;
        let sig = self.func_sig()?;
        let body = self.block()?;
        Ok(Func {
            exported,
            interface: None,
            name,
            sig,
            span: start.to(body.span),
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
        self.enter()?;
        let res = self.type_expr_inner();
        self.leave();
        res
    }

    fn type_expr_inner(&mut self) -> PResult<TypeExpr> {
        let name: Name = match self.peek() {
            TokenKind::Ident => self.name()?,
            _ => return Err(self.unexpected("a type")),
        };
        let mut args = Vec::new();
        if self.eat(TokenKind::Lt) {
            while !self.at(TokenKind::Gt) {
                args.push(self.type_expr()?);
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
}
