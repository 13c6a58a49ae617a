//! Patterns, as written in `match` arms.

use super::expr::{parse_int, unescape};
use super::{PResult, Parser};
use crate::ast::{Pat, PatId, PatKind};
use crate::{Span, SyntaxError, TokenKind};

impl Parser<'_> {
    pub(super) fn pat(&mut self) -> PResult<PatId> {
        self.enter()?;
        let res = self.or_pat();
        self.leave();
        res
    }

    /// One pattern, or alternatives separated by `|`.
    fn or_pat(&mut self) -> PResult<PatId> {
        let first = self.pat_inner()?;
        if !self.at(TokenKind::Pipe) {
            return Ok(first);
        }
        let start = self.body.pats[first].span;
        let mut alternatives = vec![first];
        while self.eat(TokenKind::Pipe) {
            alternatives.push(self.pat_inner()?);
        }
        let span = start.to(self.prev_span());
        Ok(self.alloc_pat(PatKind::Or(alternatives), span))
    }

    fn alloc_pat(&mut self, kind: PatKind, span: Span) -> PatId {
        self.body.pats.alloc(Pat { kind, span })
    }

    // A literal that fails to read is reported and stands as `_`, so the arm still parses and
    // the rest of the match is checked.
    fn pat_inner(&mut self) -> PResult<PatId> {
        let token = self.tokens[self.pos];
        if matches!(token.kind, TokenKind::DotDot | TokenKind::DotDotEq) {
            self.bump();
            let Some(end) = self.range_end()? else {
                return Err(self.unexpected("the end of the range"));
            };
            let span = token.span.to(self.prev_span());
            let kind = PatKind::Range {
                start: None,
                end: Some(end),
                inclusive: token.kind == TokenKind::DotDotEq,
            };
            return Ok(self.alloc_pat(kind, span));
        }
        if let Some(start) = self.range_end()? {
            return self.range_rest(start);
        }
        let kind = match token.kind {
            TokenKind::Underscore => {
                self.bump();
                PatKind::Wildcard
            }
            TokenKind::Ident => return self.case_pat(),
            TokenKind::Str => {
                self.bump();
                match unescape(&self.text[token.span.range()], token.span) {
                    Ok(value) => PatKind::Str(value),
                    Err(err) => {
                        self.errors.push(err);
                        PatKind::Wildcard
                    }
                }
            }
            TokenKind::True | TokenKind::False => {
                self.bump();
                PatKind::Bool(token.kind == TokenKind::True)
            }
            TokenKind::LParen => {
                self.bump();
                let (elems, is_tuple) = self.paren_list(Self::pat)?;
                let span = token.span.to(self.prev_span());
                if !is_tuple {
                    self.body.pats[elems[0]].span = span;
                    return Ok(elems[0]);
                }
                PatKind::Tuple(elems)
            }
            _ => return Err(self.unexpected("a pattern")),
        };
        let span = token.span.to(self.prev_span());
        Ok(self.alloc_pat(kind, span))
    }

    /// A number or char pattern, which may end a range, if one comes next.
    fn range_end(&mut self) -> PResult<Option<PatId>> {
        let token = self.tokens[self.pos];
        let kind = match token.kind {
            TokenKind::Int | TokenKind::Minus => self.int_pat()?,
            TokenKind::Char => {
                self.bump();
                self.char_value(token)
                    .map_or(PatKind::Wildcard, PatKind::Char)
            }
            _ => return Ok(None),
        };
        let span = token.span.to(self.prev_span());
        Ok(Some(self.alloc_pat(kind, span)))
    }

    /// After a number or char pattern: the rest of a range that starts with it, if `..` or
    /// `..=` follows. `a..` has no end; `a..=` needs one.
    fn range_rest(&mut self, start: PatId) -> PResult<PatId> {
        let inclusive = match self.peek() {
            TokenKind::DotDot => false,
            TokenKind::DotDotEq => true,
            _ => return Ok(start),
        };
        self.bump();
        let end = self.range_end()?;
        if end.is_none() && inclusive {
            return Err(self.unexpected("the end of the range"));
        }
        let span = self.body.pats[start].span.to(self.prev_span());
        let kind = PatKind::Range {
            start: Some(start),
            end,
            inclusive,
        };
        Ok(self.alloc_pat(kind, span))
    }

    /// `-3`, `0xff`: read as `i128` so every integer type's range fits, negative or not.
    fn int_pat(&mut self) -> PResult<PatKind> {
        let negative = self.eat(TokenKind::Minus);
        let token = self.expect(TokenKind::Int)?;
        match parse_int(&self.text[token.span.range()]) {
            Some(value) if negative => Ok(PatKind::Int(-i128::from(value))),
            Some(value) => Ok(PatKind::Int(i128::from(value))),
            None => {
                self.errors
                    .push(SyntaxError::InvalidNumber { span: token.span });
                Ok(PatKind::Wildcard)
            }
        }
    }

    /// `x`, `color::red`, `some(p)`, `shape::circle(p)`.
    fn case_pat(&mut self) -> PResult<PatId> {
        let start = self.span();
        let mut path = vec![self.name()?];
        while self.eat(TokenKind::ColonColon) {
            path.push(self.name()?);
        }
        let kind = if self.eat(TokenKind::LParen) {
            let payload = self.pat()?;
            self.expect(TokenKind::RParen)?;
            PatKind::Case {
                path,
                payload: Some(payload),
            }
        } else if path.len() > 1 {
            PatKind::Case {
                path,
                payload: None,
            }
        } else {
            PatKind::Name(path.remove(0))
        };
        let span = start.to(self.prev_span());
        Ok(self.alloc_pat(kind, span))
    }
}
