//! A recursive-descent parser from tokens to [`ast::SourceFile`].
//!
//! The cursor and error recovery live here; items, statements and expressions each have a
//! module. On an unexpected token the parser records an error and skips to a point where
//! parsing can sensibly resume (the next item, or the end of the statement).

mod expr;
mod item;
mod pat;
mod stmt;

use crate::ast::{self, Name};
use crate::{lex, FileId, Span, SyntaxError, Token, TokenKind};

/// Parses one file. Never fails: errors come back beside the (partial) tree.
pub fn parse(file: FileId, text: &str) -> (ast::SourceFile, Vec<SyntaxError>) {
    let (tokens, errors) = lex(file, text);
    let unterminated_literal = errors.iter().any(|err| {
        matches!(
            err,
            SyntaxError::UnterminatedString { .. } | SyntaxError::UnterminatedChar { .. }
        )
    });
    let mut parser = Parser {
        text,
        tokens,
        pos: 0,
        errors,
        unterminated_literal,
        last_unexpected: None,
        ast: ast::SourceFile::default(),
        body: ast::Body::default(),
        depth: 0,
        no_brace_literal: false,
    };
    parser.source_file();
    (parser.ast, parser.errors)
}

/// Nesting deeper than this is reported instead of overflowing the stack.
pub const MAX_DEPTH: u32 = 256;

/// Signals that an error was recorded and the caller should recover.
struct Recover;

type PResult<T> = Result<T, Recover>;

struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    pos: usize,
    errors: Vec<SyntaxError>,
    /// Whether the lexer found a string or char literal without its closing quote. Such a
    /// literal swallows the rest of its line, closing brackets included, so the brackets found
    /// missing at the end of the file are not reported: they are most likely in the literal.
    unterminated_literal: bool,
    /// Where the last "expected …, found …" was reported.
    last_unexpected: Option<Span>,
    ast: ast::SourceFile,
    /// Where the body being parsed allocates its expressions, statements and patterns.
    body: ast::Body,
    depth: u32,
    /// Set in the head of `if`, `while`, `for` and `match`, where a `{` opens the body rather
    /// than a record or flags literal (Rust's struct-literal rule). Brackets lift it again.
    no_brace_literal: bool,
}

impl Parser<'_> {
    /// Parses with a fresh [`ast::Body`] to allocate in, and hands it back.
    fn in_body<T>(
        &mut self,
        parse: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> (PResult<T>, ast::Body) {
        let outer = std::mem::take(&mut self.body);
        let res = parse(self);
        let mut body = std::mem::replace(&mut self.body, outer);
        // A file holds thousands of bodies; the arenas' spare room would add up.
        body.exprs.shrink_to_fit();
        body.stmts.shrink_to_fit();
        body.pats.shrink_to_fit();
        (res, body)
    }

    fn peek(&self) -> TokenKind {
        self.tokens[self.pos].kind
    }

    fn peek_at(&self, n: usize) -> TokenKind {
        self.tokens
            .get(self.pos + n)
            .map_or(TokenKind::Eof, |t| t.kind)
    }

    fn span(&self) -> Span {
        self.tokens[self.pos].span
    }

    /// The span of the last consumed token.
    fn prev_span(&self) -> Span {
        self.tokens[self.pos.saturating_sub(1)].span
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.peek() == kind
    }

    fn bump(&mut self) -> Token {
        let token = self.tokens[self.pos];
        if token.kind != TokenKind::Eof {
            self.pos += 1;
        }
        token
    }

    fn eat(&mut self, kind: TokenKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, kind: TokenKind) -> PResult<Token> {
        if self.at(kind) {
            Ok(self.bump())
        } else {
            Err(self.unexpected(kind.describe()))
        }
    }

    /// Records "expected X, found Y" at the current token.
    fn unexpected(&mut self, expected: &str) -> Recover {
        let token = self.tokens[self.pos];
        // Don't pile on: an invalid token was already reported by the lexer; a token already
        // has its error when callers give up one after another at the same place (each open
        // block wanting its `}` at the end of the file); and see `unterminated_literal`.
        let reported = self.last_unexpected == Some(token.span);
        let swallowed = token.kind == TokenKind::Eof && self.unterminated_literal;
        if token.kind != TokenKind::Error && !reported && !swallowed {
            self.last_unexpected = Some(token.span);
            self.errors.push(SyntaxError::UnexpectedToken {
                span: token.span,
                found: token.kind.describe(),
                expected: expected.to_string(),
            });
        }
        Recover
    }

    /// Whether the current token is the identifier `word`, for the words that are keywords
    /// only in one place (`record`, `interface`, `check`, …) and names everywhere else.
    fn at_word(&self, word: &str) -> bool {
        self.at_word_at(0, word)
    }

    fn at_word_at(&self, n: usize, word: &str) -> bool {
        self.tokens
            .get(self.pos + n)
            .is_some_and(|t| t.kind == TokenKind::Ident && &self.text[t.span.range()] == word)
    }

    /// Runs `f` with brace literals allowed or not, restoring the previous rule afterwards.
    fn with_brace_literals<T>(&mut self, allowed: bool, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.no_brace_literal, !allowed);
        let res = f(self);
        self.no_brace_literal = saved;
        res
    }

    /// `elem, elem, …` up to and including `close`, with an optional trailing comma.
    fn comma_list<T>(
        &mut self,
        close: TokenKind,
        mut elem: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut elems = Vec::new();
        while !self.at(close) {
            elems.push(elem(self)?);
            if !self.eat(TokenKind::Comma) {
                break;
            }
        }
        self.expect(close)?;
        Ok(elems)
    }

    /// The inside of `( … )` after the `(`, through the `)`. Also says whether it is a tuple:
    /// `()`, `(a,)` and `(a, b)` are, `(a)` is just `a` in parentheses.
    fn paren_list<T>(
        &mut self,
        mut elem: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<(Vec<T>, bool)> {
        let mut elems = Vec::new();
        let mut trailing_comma = false;
        while !self.at(TokenKind::RParen) {
            elems.push(elem(self)?);
            trailing_comma = self.eat(TokenKind::Comma);
            if !trailing_comma {
                break;
            }
        }
        self.expect(TokenKind::RParen)?;
        let is_tuple = elems.len() != 1 || trailing_comma;
        Ok((elems, is_tuple))
    }

    /// The name being defined or referred to where nothing but a name can stand. A name with
    /// a word that starts with a digit (`passes-0-to-9`, which lexes as `passes`, `-`, `0`, …)
    /// is reported as a whole and read as one name.
    fn name(&mut self) -> PResult<Name> {
        if let Some(name) = self.name_with_digit_word() {
            return Ok(name);
        }
        self.ident()
    }

    /// An identifier token as a name. In expressions and types, where `x-1` is `x - 1`.
    fn ident(&mut self) -> PResult<Name> {
        let token = self.expect(TokenKind::Ident)?;
        Ok(self.name_of(token))
    }

    /// A run of tokens without spaces that reads as a name with a word starting with a digit:
    /// `a-1…` or `1a…`.
    fn name_with_digit_word(&mut self) -> Option<Name> {
        use TokenKind::{Float, Ident, Int, Minus};
        let glued = |p: &Self, n: usize| {
            let (prev, next) = (p.tokens.get(p.pos + n - 1)?, p.tokens.get(p.pos + n)?);
            (prev.span.end == next.span.start).then_some(next.kind)
        };
        let number = |kind: Option<TokenKind>| matches!(kind, Some(Int | Float));
        let starts = match self.peek() {
            Ident => glued(self, 1) == Some(Minus) && number(glued(self, 2)),
            Int => {
                let digits = &self.text[self.span().range()];
                digits.bytes().all(|b| b.is_ascii_digit())
                    && match glued(self, 1) {
                        Some(Ident) => true,
                        Some(Minus) => matches!(glued(self, 2), Some(Ident | Int | Float)),
                        _ => false,
                    }
            }
            _ => false,
        };
        if !starts {
            return None;
        }
        let start = self.bump().span;
        let mut end = start;
        while matches!(glued(self, 0), Some(Ident | Int | Float | Minus)) {
            end = self.bump().span;
        }
        // A trailing `-` belongs to what follows, as in `a-1 - b`.
        if self.prev_span() != start && self.tokens[self.pos - 1].kind == Minus {
            self.pos -= 1;
            end = self.prev_span();
        }
        let span = start.to(end);
        let text = self.text[span.range()].trim_start_matches('%').to_string();
        self.errors.push(SyntaxError::NameWordStartsWithDigit {
            span,
            name: text.clone(),
        });
        Some(Name { text, span })
    }

    fn name_of(&self, token: Token) -> Name {
        let text = &self.text[token.span.range()];
        Name {
            text: text.trim_start_matches('%').to_string(),
            span: token.span,
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.errors.push(SyntaxError::TooDeep { span: self.span() });
            self.depth -= 1;
            return Err(Recover);
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Skips to just past the next `;` or to the next `}`/item keyword at the current nesting,
    /// whichever comes first.
    fn recover_statement(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                TokenKind::Eof => return,
                TokenKind::Semi if depth == 0 => {
                    self.bump();
                    return;
                }
                TokenKind::LBrace | TokenKind::LParen => depth += 1,
                TokenKind::RBrace if depth == 0 => return,
                // A stray `)` is skipped like any other token.
                TokenKind::RParen if depth == 0 => {}
                TokenKind::RBrace | TokenKind::RParen => depth -= 1,
                _ => {}
            }
            self.bump();
        }
    }
}
