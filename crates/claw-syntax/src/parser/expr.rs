//! Expressions, by precedence climbing with Rust's precedence table.

use super::{PResult, Parser};
use crate::ast::{BinaryOp, Expr, ExprId, ExprKind, UnaryOp};
use crate::{Span, SyntaxError, TokenKind};

/// Binding power of a binary operator (higher binds tighter) and whether it chains.
fn binary_op(kind: TokenKind) -> Option<(BinaryOp, u8)> {
    use BinaryOp::*;
    Some(match kind {
        TokenKind::OrOr => (Or, 1),
        TokenKind::AndAnd => (And, 2),
        TokenKind::EqEq => (Eq, 3),
        TokenKind::NotEq => (Ne, 3),
        TokenKind::Lt => (Lt, 3),
        TokenKind::LtEq => (Le, 3),
        TokenKind::Gt => (Gt, 3),
        TokenKind::GtEq => (Ge, 3),
        TokenKind::Pipe => (BitOr, 4),
        TokenKind::Caret => (BitXor, 5),
        TokenKind::Amp => (BitAnd, 6),
        TokenKind::Shl => (Shl, 7),
        TokenKind::Shr => (Shr, 7),
        TokenKind::Plus => (Add, 8),
        TokenKind::Minus => (Sub, 8),
        TokenKind::Star => (Mul, 9),
        TokenKind::Slash => (Div, 9),
        TokenKind::Percent => (Rem, 9),
        _ => return None,
    })
}

/// `as` binds tighter than any binary operator and looser than unary ones.
const CAST_POWER: u8 = 10;

impl Parser<'_> {
    pub(super) fn expr(&mut self) -> PResult<ExprId> {
        self.enter()?;
        let res = self.expr_bp(0);
        self.leave();
        res
    }

    fn alloc(&mut self, kind: ExprKind, span: Span) -> ExprId {
        self.ast.exprs.alloc(Expr { kind, span })
    }

    fn span_of(&self, expr: ExprId) -> Span {
        self.ast.exprs[expr].span
    }

    fn expr_bp(&mut self, min_power: u8) -> PResult<ExprId> {
        // Every operator in a chain counts as a level of nesting, since later phases recurse
        // into its left operand; the depth is restored however the chain ends.
        let base = self.depth;
        let res = self.chain(min_power);
        self.depth = base;
        res
    }

    fn chain(&mut self, min_power: u8) -> PResult<ExprId> {
        let mut lhs = self.unary()?;
        loop {
            if self.at(TokenKind::As) || binary_op(self.peek()).is_some() {
                self.enter()?;
            }
            if self.at(TokenKind::As) && CAST_POWER > min_power {
                self.bump();
                let ty = self.type_expr()?;
                let span = self.span_of(lhs).to(ty.span);
                lhs = self.alloc(ExprKind::Cast { expr: lhs, ty }, span);
                continue;
            }
            let Some((op, power)) = binary_op(self.peek()) else {
                break;
            };
            if power <= min_power {
                break;
            }
            self.bump();
            self.enter()?;
            let rhs = self.expr_bp(power);
            self.leave();
            let rhs = rhs?;
            // Comparisons do not chain, as in Rust: `a < b < c` is an error.
            if op.is_comparison() {
                if let Some((next, _)) = binary_op(self.peek()).filter(|(o, _)| o.is_comparison()) {
                    let _ = next;
                    return Err(self.unexpected(
                        "an operator other than a comparison (comparisons do not chain; use `&&`)",
                    ));
                }
            }
            let span = self.span_of(lhs).to(self.span_of(rhs));
            lhs = self.alloc(ExprKind::Binary { op, lhs, rhs }, span);
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<ExprId> {
        let op = match self.peek() {
            TokenKind::Minus => UnaryOp::Neg,
            TokenKind::Bang => UnaryOp::Not,
            _ => return self.primary(),
        };
        let start = self.bump().span;
        self.enter()?;
        let operand = self.unary();
        self.leave();
        let operand = operand?;
        let span = start.to(self.span_of(operand));
        Ok(self.alloc(ExprKind::Unary { op, operand }, span))
    }

    fn primary(&mut self) -> PResult<ExprId> {
        let token = self.tokens[self.pos];
        let text = &self.text[token.span.range()];
        let kind = match token.kind {
            TokenKind::Int => {
                self.bump();
                match parse_int(text) {
                    Some(value) => ExprKind::Int(value),
                    None => {
                        self.errors
                            .push(SyntaxError::InvalidNumber { span: token.span });
                        ExprKind::Error
                    }
                }
            }
            TokenKind::Float => {
                self.bump();
                match text.replace('_', "").parse::<f64>() {
                    Ok(value) => ExprKind::Float(value),
                    Err(_) => {
                        self.errors
                            .push(SyntaxError::InvalidNumber { span: token.span });
                        ExprKind::Error
                    }
                }
            }
            TokenKind::Str => {
                self.bump();
                match unescape(text, token.span) {
                    Ok(value) => ExprKind::Str(value),
                    Err(err) => {
                        self.errors.push(err);
                        ExprKind::Error
                    }
                }
            }
            TokenKind::True | TokenKind::False => {
                self.bump();
                ExprKind::Bool(token.kind == TokenKind::True)
            }
            TokenKind::LParen => {
                self.bump();
                let inner = self.expr()?;
                self.expect(TokenKind::RParen)?;
                // Widen the inner span to the parentheses so labels cover what was written.
                let span = token.span.to(self.prev_span());
                self.ast.exprs[inner].span = span;
                return Ok(inner);
            }
            TokenKind::Ident => {
                let mut path = vec![self.name()?];
                while self.eat(TokenKind::ColonColon) {
                    path.push(self.name()?);
                }
                if self.eat(TokenKind::LParen) {
                    let mut args = Vec::new();
                    while !self.at(TokenKind::RParen) {
                        args.push(self.expr()?);
                        if !self.eat(TokenKind::Comma) {
                            break;
                        }
                    }
                    self.expect(TokenKind::RParen)?;
                    let span = token.span.to(self.prev_span());
                    return Ok(self.alloc(ExprKind::Call { callee: path, args }, span));
                }
                let span = token.span.to(self.prev_span());
                return Ok(self.alloc(ExprKind::Path(path), span));
            }
            _ => return Err(self.unexpected("an expression")),
        };
        Ok(self.alloc(kind, token.span))
    }
}

fn parse_int(text: &str) -> Option<u64> {
    let digits = text.replace('_', "");
    let (digits, radix) = if let Some(hex) = digits.strip_prefix("0x") {
        (hex.to_string(), 16)
    } else if let Some(bin) = digits.strip_prefix("0b") {
        (bin.to_string(), 2)
    } else {
        (digits, 10)
    };
    u64::from_str_radix(&digits, radix).ok()
}

/// Resolves the escapes of a string literal, quotes included in `text`.
fn unescape(text: &str, span: Span) -> Result<String, SyntaxError> {
    let body = &text[1..text.len() - 1];
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escape_start = span.start as usize + 1 + i;
        let bad = |len: usize| SyntaxError::InvalidEscape {
            span: Span::new(span.file, escape_start, escape_start + len),
        };
        let Some((_, e)) = chars.next() else {
            return Err(bad(1));
        };
        out.push(match e {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            '0' => '\0',
            'u' => {
                let rest = &body[i + 2..];
                let Some(close) = rest.find('}').filter(|_| rest.starts_with('{')) else {
                    return Err(bad(2));
                };
                let hex = &rest[1..close];
                let c = u32::from_str_radix(hex, 16)
                    .ok()
                    .filter(|_| !hex.is_empty() && hex.len() <= 6)
                    .and_then(char::from_u32)
                    .ok_or_else(|| bad(close + 3))?;
                for _ in 0..=close {
                    chars.next();
                }
                c
            }
            _ => return Err(bad(1 + e.len_utf8())),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    #[test]
    fn integers() {
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("0xff"), Some(255));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("18446744073709551616"), None);
    }

    #[test]
    fn escapes() {
        let span = Span::new(FileId(0), 0, 0);
        assert_eq!(
            unescape(r#""a\n\t\\\"\u{1F600}\0""#, span).unwrap(),
            "a\n\t\\\"😀\0"
        );
        assert!(unescape(r#""\q""#, span).is_err());
        assert!(unescape(r#""\u{110000}""#, span).is_err());
    }
}
