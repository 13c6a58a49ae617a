//! Expressions, by precedence climbing with Rust's precedence table: ranges below every binary
//! operator, then binary operators and casts, unary operators, and postfix chains (fields,
//! methods, indexing, `?`) binding tightest.

use super::{PResult, Parser, Recover};
use crate::ast::{
    ArmBody, BinaryOp, Expr, ExprId, ExprKind, FormatPart, MatchArm, Name, PatId, UnaryOp,
};
use crate::{Span, SyntaxError, Token, TokenKind};

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

/// The binding power of `&&`; an `if let` value holds only operators binding tighter.
const AND_POWER: u8 = 2;

/// `as` binds tighter than any binary operator and looser than unary ones.
const CAST_POWER: u8 = 10;

impl Parser<'_> {
    pub(super) fn expr(&mut self) -> PResult<ExprId> {
        self.enter()?;
        let res = self.range_or_expr();
        self.leave();
        res
    }

    /// The head of `if`, `while`, `for … in` or `match`, where a `{` opens the body.
    pub(super) fn head_expr(&mut self) -> PResult<ExprId> {
        self.with_brace_literals(false, Self::expr)
    }

    /// An expression inside brackets, where brace literals are fine again.
    fn nested_expr(&mut self) -> PResult<ExprId> {
        self.with_brace_literals(true, Self::expr)
    }

    /// `a..b` and `a..=b`, looser than every binary operator; ranges do not chain.
    fn range_or_expr(&mut self) -> PResult<ExprId> {
        let start = self.expr_bp(0)?;
        let inclusive = match self.peek() {
            TokenKind::DotDot => false,
            TokenKind::DotDotEq => true,
            _ => return Ok(start),
        };
        self.bump();
        let end = self.expr_bp(0)?;
        if matches!(self.peek(), TokenKind::DotDot | TokenKind::DotDotEq) {
            return Err(self.unexpected("the end of the range (ranges do not chain)"));
        }
        let span = self.span_of(start).to(self.span_of(end));
        Ok(self.alloc(
            ExprKind::Range {
                start,
                end,
                inclusive,
            },
            span,
        ))
    }

    fn alloc(&mut self, kind: ExprKind, span: Span) -> ExprId {
        self.body.exprs.alloc(Expr { kind, span })
    }

    fn span_of(&self, expr: ExprId) -> Span {
        self.body.exprs[expr].span
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
                let ty = self.cast_type()?;
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
            _ => return self.postfix(),
        };
        let start = self.bump().span;
        self.enter()?;
        let operand = self.unary();
        self.leave();
        let operand = operand?;
        let span = start.to(self.span_of(operand));
        Ok(self.alloc(ExprKind::Unary { op, operand }, span))
    }

    fn postfix(&mut self) -> PResult<ExprId> {
        // Like operator chains, every postfix operator is a level of nesting for later phases.
        let base = self.depth;
        let res = self.postfix_chain();
        self.depth = base;
        res
    }

    fn postfix_chain(&mut self) -> PResult<ExprId> {
        let mut expr = self.primary()?;
        loop {
            if !matches!(
                self.peek(),
                TokenKind::Dot | TokenKind::LBracket | TokenKind::Question
            ) {
                return Ok(expr);
            }
            self.enter()?;
            let kind = match self.bump().kind {
                TokenKind::Dot => self.after_dot(expr)?,
                TokenKind::LBracket => {
                    let index = self.nested_expr()?;
                    self.expect(TokenKind::RBracket)?;
                    ExprKind::Index { base: expr, index }
                }
                _ => ExprKind::Try(expr),
            };
            let span = self.span_of(expr).to(self.prev_span());
            expr = self.alloc(kind, span);
        }
    }

    /// What follows a `.`: a field, a tuple index or a method call.
    fn after_dot(&mut self, base: ExprId) -> PResult<ExprKind> {
        let token = self.tokens[self.pos];
        match token.kind {
            TokenKind::Ident => {
                let name = self.ident()?;
                if !self.eat(TokenKind::LParen) {
                    return Ok(ExprKind::Field { base, name });
                }
                let args = self.call_args()?;
                Ok(ExprKind::Method {
                    receiver: base,
                    name,
                    args,
                })
            }
            TokenKind::Int => {
                self.bump();
                let name = self.tuple_index(token.span);
                Ok(ExprKind::Field { base, name })
            }
            TokenKind::Float => Ok(self.float_as_fields(base, token)),
            _ => Err(self.unexpected("a field name, a tuple index or a method")),
        }
    }

    /// `t.0.1` lexes as `t`, `.`, `0.1`: the float is two tuple indices.
    fn float_as_fields(&mut self, base: ExprId, token: Token) -> ExprKind {
        self.bump();
        let text = &self.text[token.span.range()];
        let Some(dot) = text.find('.') else {
            // An exponent form such as `t.1e3`.
            self.errors
                .push(SyntaxError::InvalidNumber { span: token.span });
            return ExprKind::Error;
        };
        let mid = token.span.start as usize + dot;
        let file = token.span.file;
        let first = self.tuple_index(Span::new(file, token.span.start as usize, mid));
        let second = self.tuple_index(Span::new(file, mid + 1, token.span.end as usize));
        let inner_span = self.span_of(base).to(first.span);
        let inner = self.alloc(ExprKind::Field { base, name: first }, inner_span);
        ExprKind::Field {
            base: inner,
            name: second,
        }
    }

    /// A tuple index written at `span`, which must be plain decimal digits.
    fn tuple_index(&mut self, span: Span) -> Name {
        let text = &self.text[span.range()];
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            self.errors.push(SyntaxError::InvalidNumber { span });
        }
        Name {
            text: text.to_string(),
            span,
        }
    }

    /// Arguments after the `(`, through the `)`.
    fn call_args(&mut self) -> PResult<Vec<ExprId>> {
        self.with_brace_literals(true, |p| p.comma_list(TokenKind::RParen, Self::expr))
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
            TokenKind::Char => {
                self.bump();
                self.char_value(token)
                    .map_or(ExprKind::Error, ExprKind::Char)
            }
            TokenKind::True | TokenKind::False => {
                self.bump();
                ExprKind::Bool(token.kind == TokenKind::True)
            }
            TokenKind::LParen => return self.paren_or_tuple(token),
            TokenKind::LBracket => {
                self.bump();
                let elems = self
                    .with_brace_literals(true, |p| p.comma_list(TokenKind::RBracket, Self::expr))?;
                ExprKind::List(elems)
            }
            TokenKind::LBrace if !self.no_brace_literal => {
                self.bump();
                self.brace_literal()?
            }
            TokenKind::Match => return self.match_expr(),
            TokenKind::Let => return self.let_expr(),
            TokenKind::Ident
                if self.at_word("check")
                    && self.peek_at(1) == TokenKind::Bang
                    && self.peek_at(2) == TokenKind::LParen =>
            {
                return self.check();
            }
            TokenKind::Ident
                if self.at_word("format")
                    && self.peek_at(1) == TokenKind::Bang
                    && self.peek_at(2) == TokenKind::LParen =>
            {
                return self.format();
            }
            // `new T {…}`: two names in a row mean nothing else.
            TokenKind::Ident
                if self.at_word("new")
                    && self.peek_at(1) == TokenKind::Ident
                    && self.peek_at(2) == TokenKind::LBrace =>
            {
                self.bump();
                let ty = self.name()?;
                self.bump();
                let fields = self.with_brace_literals(true, |p| {
                    p.comma_list(TokenKind::RBrace, |p| {
                        let name = p.name()?;
                        p.expect(TokenKind::Colon)?;
                        Ok((name, p.expr()?))
                    })
                })?;
                ExprKind::New { ty, fields }
            }
            TokenKind::Ident => return self.path_or_call(),
            _ => return Err(self.unexpected("an expression")),
        };
        let span = token.span.to(self.prev_span());
        Ok(self.alloc(kind, span))
    }

    fn paren_or_tuple(&mut self, open: Token) -> PResult<ExprId> {
        self.bump();
        let (elems, is_tuple) = self.with_brace_literals(true, |p| p.paren_list(Self::expr))?;
        let span = open.span.to(self.prev_span());
        if is_tuple {
            return Ok(self.alloc(ExprKind::Tuple(elems), span));
        }
        Ok(self.alloc(ExprKind::Paren(elems[0]), span))
    }

    /// After the `{`: `{x: 1, y: 2}` is a record, `{read, write}` and `{}` are flags, and
    /// `{"a": 1}` (any key but a bare name) is a map.
    fn brace_literal(&mut self) -> PResult<ExprKind> {
        if self.at(TokenKind::Ident) && self.peek_at(1) == TokenKind::Colon {
            let fields = self.comma_list(TokenKind::RBrace, |p| {
                let name = p.name()?;
                p.expect(TokenKind::Colon)?;
                Ok((name, p.expr()?))
            })?;
            return Ok(ExprKind::Record(fields));
        }
        if !self.at(TokenKind::Ident) && !self.at(TokenKind::RBrace) {
            let entries = self.comma_list(TokenKind::RBrace, |p| {
                let key = p.expr()?;
                p.expect(TokenKind::Colon)?;
                Ok((key, p.expr()?))
            })?;
            return Ok(ExprKind::Map(entries));
        }
        let flags = self.comma_list(TokenKind::RBrace, |p| p.name())?;
        Ok(ExprKind::Flags(flags))
    }

    /// `check!(cond)`.
    fn check(&mut self) -> PResult<ExprId> {
        let start = self.bump().span;
        self.bump();
        self.bump();
        let cond = self.nested_expr()?;
        self.expect(TokenKind::RParen)?;
        let span = start.to(self.prev_span());
        Ok(self.alloc(ExprKind::Check { cond }, span))
    }

    /// `format!("…{expr}…")`: the string literal's text, split at its placeholders, each of
    /// which is parsed as an expression where it stands in the file.
    fn format(&mut self) -> PResult<ExprId> {
        let start = self.bump().span;
        self.bump();
        self.bump();
        let literal = self.expect(TokenKind::Str)?;
        self.expect(TokenKind::RParen)?;
        let span = start.to(self.prev_span());
        let parts = self.format_parts(literal.span)?;
        Ok(self.alloc(ExprKind::Format(parts), span))
    }

    fn format_parts(&mut self, literal: Span) -> PResult<Vec<FormatPart>> {
        let text = self.text;
        // Byte offsets into the file: the literal's text is between its quotes.
        let (first, end) = (literal.start as usize + 1, literal.end as usize - 1);
        let mut parts = Vec::new();
        let mut piece = String::new();
        let mut piece_start = first;
        let mut at = first;
        let flush = |p: &mut Self, piece: &mut String, piece_start: usize, parts: &mut Vec<_>| {
            if piece.is_empty() {
                return Ok(());
            }
            let span = Span::new(literal.file, piece_start - 1, piece_start + piece.len() + 1);
            match unescape(&format!("\"{piece}\""), span) {
                Ok(value) => parts.push(FormatPart::Text(value)),
                Err(err) => {
                    p.errors.push(err);
                    return Err(Recover);
                }
            }
            piece.clear();
            Ok(())
        };
        while at < end {
            let rest = &text[at..end];
            if rest.starts_with("{{") || rest.starts_with("}}") {
                // The brace stands for itself; a piece never holds a lone one.
                flush(self, &mut piece, piece_start, &mut parts)?;
                parts.push(FormatPart::Text(rest[..1].to_owned()));
                at += 2;
                piece_start = at;
                continue;
            }
            if rest.starts_with('}') {
                self.errors.push(SyntaxError::UnexpectedToken {
                    span: Span::new(literal.file, at, at + 1),
                    found: "a lone `}`",
                    expected: "`}}` for a brace in `format!` text".into(),
                });
                return Err(Recover);
            }
            if rest.starts_with('{') {
                flush(self, &mut piece, piece_start, &mut parts)?;
                let Some(close) = rest.find('}') else {
                    self.errors.push(SyntaxError::UnexpectedToken {
                        span: Span::new(literal.file, at, at + 1),
                        found: "a `{` without its `}`",
                        expected: "`{expression}`, or `{{` for a brace".into(),
                    });
                    return Err(Recover);
                };
                let inner = (at + 1, at + close);
                parts.push(FormatPart::Expr(self.placeholder(literal.file, inner)?));
                at += close + 1;
                piece_start = at;
                continue;
            }
            let c = rest.chars().next().expect("not at the end");
            if c == '\\' {
                // An escape is copied whole, so the braces of `\u{…}` stay text.
                let mut len = 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
                if rest[1..].starts_with("u{") {
                    len = rest.find('}').map_or(len, |close| close + 1);
                }
                piece.push_str(&rest[..len]);
                at += len;
                continue;
            }
            piece.push(c);
            at += c.len_utf8();
        }
        flush(self, &mut piece, piece_start, &mut parts)?;
        Ok(parts)
    }

    /// The expression in a `format!` placeholder: the file's bytes `start..end`, lexed and
    /// parsed where they stand, so its spans are the file's.
    fn placeholder(
        &mut self,
        file: crate::FileId,
        (start, end): (usize, usize),
    ) -> PResult<ExprId> {
        let (mut tokens, errors) = crate::lex(file, &self.text[start..end]);
        let shift = |span: &mut Span| {
            span.start += start as u32;
            span.end += start as u32;
        };
        for token in &mut tokens {
            shift(&mut token.span);
        }
        for mut error in errors {
            error.shift(start as u32);
            self.errors.push(error);
        }
        if tokens.len() == 1 {
            self.errors.push(SyntaxError::UnexpectedToken {
                span: Span::new(file, start - 1, end + 1),
                found: "an empty `{}`",
                expected: "an expression in the braces".into(),
            });
            return Err(Recover);
        }
        let saved_tokens = std::mem::replace(&mut self.tokens, tokens);
        let saved_pos = std::mem::replace(&mut self.pos, 0);
        let expr = self.with_brace_literals(true, Self::expr);
        let expr = expr.and_then(|expr| {
            if self.at(TokenKind::Eof) {
                Ok(expr)
            } else {
                Err(self.unexpected("`}` after the placeholder's expression"))
            }
        });
        self.tokens = saved_tokens;
        self.pos = saved_pos;
        expr
    }

    /// `a`, `a::b`, or either called: `f(x)`, `shape::circle(1.0)`.
    fn path_or_call(&mut self) -> PResult<ExprId> {
        let start = self.span();
        let mut path = vec![self.ident()?];
        while self.eat(TokenKind::ColonColon) {
            path.push(self.ident()?);
        }
        let kind = if self.eat(TokenKind::LParen) {
            let args = self.call_args()?;
            ExprKind::Call { callee: path, args }
        } else {
            ExprKind::Path(path)
        };
        let span = start.to(self.prev_span());
        Ok(self.alloc(kind, span))
    }

    /// `let pat = value`, the condition of an `if let`. The value stops before `&&` and `||`,
    /// as in Rust, so `let p = a && b` is `(let p = a) && b` (and reported as misplaced).
    fn let_expr(&mut self) -> PResult<ExprId> {
        let start = self.expect(TokenKind::Let)?.span;
        self.enter()?;
        let res = self.let_rest();
        self.leave();
        let (pat, value) = res?;
        let span = start.to(self.prev_span());
        Ok(self.alloc(ExprKind::Let { pat, value }, span))
    }

    fn let_rest(&mut self) -> PResult<(PatId, ExprId)> {
        let pat = self.pat()?;
        self.expect(TokenKind::Eq)?;
        Ok((pat, self.expr_bp(AND_POWER)?))
    }

    pub(super) fn match_expr(&mut self) -> PResult<ExprId> {
        let start = self.expect(TokenKind::Match)?.span;
        let scrutinee = self.head_expr()?;
        self.expect(TokenKind::LBrace)?;
        let arms = self.with_brace_literals(true, Self::match_arms)?;
        let span = start.to(self.prev_span());
        Ok(self.alloc(ExprKind::Match { scrutinee, arms }, span))
    }

    /// Arms through the closing `}`: commas between them, optional after a block body.
    fn match_arms(&mut self) -> PResult<Vec<MatchArm>> {
        let mut arms = Vec::new();
        while !self.at(TokenKind::RBrace) {
            let arm = self.match_arm()?;
            let is_block = matches!(arm.body, ArmBody::Block(_));
            arms.push(arm);
            if !self.eat(TokenKind::Comma) && !is_block {
                break;
            }
        }
        self.expect(TokenKind::RBrace)?;
        Ok(arms)
    }

    fn match_arm(&mut self) -> PResult<MatchArm> {
        let pat = self.pat()?;
        let guard = if self.eat(TokenKind::If) {
            Some(self.expr()?)
        } else {
            None
        };
        self.expect(TokenKind::FatArrow)?;
        let body = if self.at(TokenKind::LBrace) && !self.at_brace_literal() {
            ArmBody::Block(self.block()?)
        } else {
            ArmBody::Expr(self.expr()?)
        };
        let span = self.body.pats[pat].span.to(self.prev_span());
        Ok(MatchArm {
            pat,
            guard,
            body,
            span,
        })
    }

    /// Whether a `{` plainly starts a record (`{x: …`) or flags (`{a, …`, `{a}`) literal;
    /// no block starts that way, so an arm may return either without parentheses.
    fn at_brace_literal(&self) -> bool {
        self.peek_at(1) == TokenKind::Ident
            && matches!(
                self.peek_at(2),
                TokenKind::Colon | TokenKind::Comma | TokenKind::RBrace
            )
    }

    /// The character of a char literal; an error (reported here) if it is not exactly one.
    pub(super) fn char_value(&mut self, token: Token) -> Option<char> {
        match unescape(&self.text[token.span.range()], token.span) {
            Ok(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(c),
                    _ => {
                        self.errors
                            .push(SyntaxError::InvalidToken { span: token.span });
                        None
                    }
                }
            }
            Err(err) => {
                self.errors.push(err);
                None
            }
        }
    }
}

pub(super) fn parse_int(text: &str) -> Option<u64> {
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
pub(super) fn unescape(text: &str, span: Span) -> Result<String, SyntaxError> {
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
