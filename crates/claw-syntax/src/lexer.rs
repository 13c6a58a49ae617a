//! Turns source text into tokens, reporting text that is not Claw.

use logos::Logos;

use crate::{FileId, Span, SyntaxError, Token, TokenKind};

/// Splits `text` into tokens, always ending with an [`TokenKind::Eof`] token.
pub fn lex(file: FileId, text: &str) -> (Vec<Token>, Vec<SyntaxError>) {
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let mut lexer = TokenKind::lexer(text);
    while let Some(kind) = lexer.next() {
        let range = lexer.span();
        let span = Span::new(file, range.start, range.end);
        let kind = match kind {
            Ok(TokenKind::Ident) if !is_valid_ident(&text[range]) => {
                errors.push(SyntaxError::InvalidIdentifier { span });
                TokenKind::Ident
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
    fn invalid_characters_merge() {
        let (tokens, errors) = lex(FileId(0), "a $$$ b");
        assert_eq!(errors.len(), 1);
        assert_eq!(tokens.len(), 4);
    }
}
