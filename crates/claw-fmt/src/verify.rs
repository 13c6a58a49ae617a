//! The formatter's own check that a layout changed nothing but layout.

use claw_syntax::{comments, lex, parse, FileId, TokenKind};

/// `Ok` when `after` parses and has the tokens of `before` (commas aside, the optional `;`
/// after a block, and tokens the parser splits, such as `>>` closing type arguments) and the same comments in the same order.
pub fn same_program(before: &str, after: &str) -> Result<(), String> {
    let file = FileId(0);
    let (_, errors) = parse(file, after);
    if !errors.is_empty() {
        return Err(format!("the result does not parse: {:?}", errors[0]));
    }
    let words = |text: &str| -> Vec<(TokenKind, String)> {
        let (tokens, _) = lex(file, text);
        let mut out: Vec<(TokenKind, String)> = Vec::new();
        for token in tokens {
            let skip = token.kind == TokenKind::Comma
                || (token.kind == TokenKind::Semi
                    && out
                        .last()
                        .is_some_and(|(kind, _)| *kind == TokenKind::RBrace));
            let word = &text[token.span.range()];
            if skip {
                continue;
            }
            // The parser splits `>>` and `>>=` where they close type arguments, so a space
            // the layout puts there (`list<list<u8>> = …`) is not a change.
            if matches!(
                token.kind,
                TokenKind::Shr | TokenKind::ShrEq | TokenKind::GtEq
            ) {
                for c in word.chars() {
                    let kind = if c == '=' {
                        TokenKind::Eq
                    } else {
                        TokenKind::Gt
                    };
                    out.push((kind, c.to_string()));
                }
            } else if let Some((whole, fraction)) = field_pair(token.kind, word) {
                // So does `t.0.1`, whose `0.1` is one float token: `t.0 .1` is the same.
                out.push((TokenKind::Int, whole.to_string()));
                out.push((TokenKind::Dot, ".".to_string()));
                out.push((TokenKind::Int, fraction.to_string()));
            } else {
                out.push((token.kind, word.to_string()));
            }
        }
        out
    };
    let (old, new) = (words(before), words(after));
    if old != new {
        let at = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
        return Err(format!(
            "token {at} changed: {:?} became {:?}",
            old.get(at),
            new.get(at)
        ));
    }
    let notes = |text: &str| -> Vec<String> {
        comments(file, text)
            .iter()
            .map(|span| text[span.range()].trim_end().to_string())
            .collect()
    };
    if notes(before) != notes(after) {
        return Err("the comments changed".into());
    }
    Ok(())
}

/// The two integers of a float token that is only `digits.digits`.
fn field_pair(kind: TokenKind, word: &str) -> Option<(&str, &str)> {
    let (whole, fraction) = word.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (kind == TokenKind::Float && digits(whole) && digits(fraction)).then_some((whole, fraction))
}
