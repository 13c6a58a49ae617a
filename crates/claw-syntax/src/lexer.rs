//! Turns source text into tokens, reporting text that is not Claw.

use logos::Logos;

use crate::{FileId, Span, SyntaxError, Token, TokenKind};

/// Splits `text` into tokens, always ending with an [`TokenKind::Eof`] token. A UTF-8
/// byte-order mark at the start is skipped; spans stay byte offsets into `text` as given.
pub fn lex(file: FileId, text: &str) -> (Vec<Token>, Vec<SyntaxError>) {
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let offset = if text.starts_with(BYTE_ORDER_MARK) {
        BYTE_ORDER_MARK.len_utf8()
    } else {
        0
    };
    let mut start = offset;
    let mut lexer = TokenKind::lexer(&text[start..]);
    loop {
        // A loop label (`'outer`) starts like a char literal, so the lexer's longest match
        // would run it into the next quote on the line: it is taken apart here, where it is
        // defined (`'outer:`) or named (`break 'outer`), and lexing goes on after it.
        let at = start + lexer.span().end + skipped(lexer.remainder());
        let after_jump = matches!(
            tokens.last(),
            Some(Token {
                kind: TokenKind::Break | TokenKind::Continue,
                ..
            })
        );
        if let Some(end) = label_at(text, at, after_jump) {
            tokens.push(Token {
                kind: TokenKind::Label,
                span: Span::new(file, at, end),
            });
            start = end;
            lexer = TokenKind::lexer(&text[start..]);
            continue;
        }
        let Some(kind) = lexer.next() else { break };
        let range = lexer.span();
        let range = range.start + start..range.end + start;
        let span = Span::new(file, range.start, range.end);
        let kind = match kind {
            Ok(TokenKind::Ident) if !is_valid_ident(&text[range.clone()]) => {
                errors.push(SyntaxError::InvalidIdentifier { span });
                TokenKind::Ident
            }
            // One error at the opening quote; the parser sees an invalid token, which it skips
            // without reporting it again.
            Ok(TokenKind::UnterminatedStr) => {
                let quote = Span::new(file, range.start, range.start + 1);
                errors.push(SyntaxError::UnterminatedString { span: quote });
                TokenKind::Error
            }
            Ok(TokenKind::UnterminatedChar) => {
                let quote = Span::new(file, range.start, range.start + 1);
                errors.push(SyntaxError::UnterminatedChar { span: quote });
                TokenKind::Error
            }
            Ok(kind) => kind,
            Err(()) => {
                // Merge a run of invalid characters into one error.
                match (tokens.last_mut(), errors.last_mut()) {
                    (
                        Some(Token {
                            kind: TokenKind::Error,
                            span: prev,
                        }),
                        Some(SyntaxError::InvalidToken { span: err }),
                    ) if prev.end == span.start => {
                        prev.end = span.end;
                        err.end = span.end;
                        continue;
                    }
                    _ => errors.push(SyntaxError::InvalidToken { span }),
                }
                TokenKind::Error
            }
        };
        tokens.push(Token { kind, span });
    }
    let end = Span::new(file, text.len(), text.len());
    tokens.push(Token {
        kind: TokenKind::Eof,
        span: end,
    });
    (tokens, errors)
}

/// The length of the whitespace and comments `text` starts with, which the lexer skips.
fn skipped(text: &str) -> usize {
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n', '\x0C']);
        match trimmed.strip_prefix("//") {
            Some(comment) => rest = comment.find('\n').map_or("", |end| &comment[end..]),
            None => return text.len() - trimmed.len(),
        }
    }
}

/// The end of the loop label at byte `at`, if one is there: `'name` followed by `:` (where
/// it is defined), or after `break` and `continue` (where it is named), and not by the quote
/// that would make it a char literal.
fn label_at(text: &str, at: usize, after_jump: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'\'') || !bytes.get(at + 1)?.is_ascii_alphabetic() {
        return None;
    }
    let mut end = at + 1;
    while bytes
        .get(end)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
    {
        end += 1;
    }
    match bytes.get(end) {
        Some(b'\'') => None,
        Some(b':') if bytes.get(end + 1) != Some(&b'\'') => Some(end),
        _ if after_jump => Some(end),
        _ => None,
    }
}

/// What some editors put at the start of a UTF-8 file; it is not part of the program.
pub(crate) const BYTE_ORDER_MARK: char = '\u{FEFF}';

/// WIT's rule: each `-`-separated word is all lower case or all upper case.
fn is_valid_ident(text: &str) -> bool {
    text.trim_start_matches('%').split('-').all(|word| {
        word.chars().all(|c| !c.is_ascii_uppercase())
            || word.chars().all(|c| !c.is_ascii_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        lex(FileId(0), text).0.iter().map(|t| t.kind).collect()
    }

    #[test]
    fn kebab_identifiers_and_minus() {
        use TokenKind::*;
        assert_eq!(
            kinds("max-nanos - x-1"),
            [Ident, Minus, Ident, Minus, Int, Eof]
        );
        assert_eq!(kinds("%func func"), [Ident, Func, Eof]);
    }

    #[test]
    fn numbers() {
        use TokenKind::*;
        assert_eq!(
            kinds("1_000 0xff 0b1010 1.5 2.0e-3 3e8"),
            [Int, Int, Int, Float, Float, Float, Eof]
        );
    }

    #[test]
    fn ranges_and_fields_after_integers() {
        use TokenKind::*;
        assert_eq!(kinds("0..n"), [Int, DotDot, Ident, Eof]);
        assert_eq!(kinds("0..=10"), [Int, DotDotEq, Int, Eof]);
        assert_eq!(kinds("t.0"), [Ident, Dot, Int, Eof]);
        // The parser splits the float back into two field names.
        assert_eq!(kinds("t.0.1"), [Ident, Dot, Float, Eof]);
    }

    #[test]
    fn new_punctuation_and_keywords() {
        use TokenKind::*;
        assert_eq!(
            kinds("[ ] => ? _ match for in check!( record"),
            [
                LBracket, RBracket, FatArrow, Question, Underscore, Match, For, In, Ident, Bang,
                LParen, Ident, Eof
            ]
        );
    }

    #[test]
    fn chars() {
        use TokenKind::*;
        assert_eq!(
            kinds(r"'a' '\n' '\'' '\\' '\u{1F600}' 'ab'"),
            [Char, Char, Char, Char, Char, Char, Eof]
        );
    }

    #[test]
    fn mixed_case_word_is_an_error() {
        let (_, errors) = lex(FileId(0), "fooBar FOO-bar");
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn unterminated_literals_are_one_error_at_the_quote() {
        for text in ["f(\"abc); }", "\"abc\\", "\"", "\"a\\\"", "x = 'a; }"] {
            let (tokens, errors) = lex(FileId(0), text);
            assert_eq!(errors.len(), 1, "{text}: {errors:?}");
            let quote = text.find(['"', '\'']).unwrap();
            assert_eq!(errors[0].span().range(), quote..quote + 1, "{text}");
            assert!(
                matches!(
                    errors[0],
                    SyntaxError::UnterminatedString { .. } | SyntaxError::UnterminatedChar { .. }
                ),
                "{text}: {errors:?}"
            );
            // The literal runs to the end of the line.
            let last = tokens[tokens.len() - 2];
            assert_eq!(
                (last.kind, last.span.end as usize),
                (TokenKind::Error, text.len())
            );
        }
        let (tokens, errors) = lex(FileId(0), "\"abc\nx");
        assert_eq!(errors.len(), 1);
        assert_eq!(tokens[1].kind, TokenKind::Ident);
    }

    #[test]
    fn terminated_literals_are_not_affected() {
        let (tokens, errors) = lex(FileId(0), r#""a\"b" 'c' "" '\''"#);
        assert!(errors.is_empty(), "{errors:?}");
        let kinds: Vec<_> = tokens.iter().map(|t| t.kind).collect();
        use TokenKind::*;
        assert_eq!(kinds, [Str, Char, Str, Char, Eof]);
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_spans_stay_in_the_text() {
        let text = "\u{FEFF}func f\nlet";
        let (tokens, errors) = lex(FileId(0), text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(tokens[0].kind, TokenKind::Func);
        assert_eq!(&text[tokens[0].span.range()], "func");
        assert_eq!(&text[tokens[2].span.range()], "let");
        assert_eq!(tokens[3].span.range(), text.len()..text.len());
        // Only at the start: elsewhere it is not Claw.
        assert_eq!(lex(FileId(0), "f \u{FEFF}").1.len(), 1);
    }

    #[test]
    fn invalid_characters_merge() {
        let (tokens, errors) = lex(FileId(0), "a $$$ b");
        assert_eq!(errors.len(), 1);
        assert_eq!(tokens.len(), 4);
    }
}
