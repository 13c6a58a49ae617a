//! The one diagnostic type every phase reports, and the conversion of syntax errors into it.
//!
//! Rendering is the caller's business (the CLI uses ariadne); here a diagnostic is plain data.

use claw_syntax::{Span, SyntaxError};

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// A stable kebab-case code such as `type-mismatch`, shown to users and used in tests.
    pub code: &'static str,
    /// Lowercase, no trailing period, names in backticks.
    pub message: String,
    /// Where the problem is; `None` for problems with no place in the source (a broken WIT folder).
    pub primary: Option<Label>,
    /// Related places, such as the earlier definition of a duplicate.
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    /// What to do about it.
    pub hint: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            hint: None,
        }
    }

    pub fn at(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.primary = Some(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn also(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }
}

impl From<SyntaxError> for Diagnostic {
    fn from(err: SyntaxError) -> Diagnostic {
        let span = err.span();
        match err {
            SyntaxError::InvalidToken { .. } => Diagnostic::error("invalid-token", "invalid token")
                .at(span, "not part of Claw's syntax"),
            SyntaxError::InvalidIdentifier { .. } => Diagnostic::error(
                "invalid-identifier",
                "identifier mixes upper and lower case",
            )
            .at(span, "each word must be all lower case or all upper case")
            .hint("write identifiers in kebab-case, like `max-nanos`"),
            SyntaxError::NameWordStartsWithDigit { name, .. } => Diagnostic::error(
                "invalid-identifier",
                format!("`{name}` is not a valid name"),
            )
            .at(span, "each word of a name must start with a letter")
            .hint("digits may follow a letter inside a word, as in `utf8` or `item2`"),
            SyntaxError::UnterminatedString { .. } => {
                Diagnostic::error("unterminated-string", "string literal is not terminated")
                    .at(span, "this string has no closing `\"`")
                    .hint("close the string with `\"` before the end of the line")
            }
            SyntaxError::UnterminatedChar { .. } => {
                Diagnostic::error("unterminated-char", "character literal is not terminated")
                    .at(span, "this character has no closing `'`")
                    .hint("close the character with `'` before the end of the line")
            }
            SyntaxError::InvalidEscape { .. } => {
                Diagnostic::error("invalid-escape", "invalid escape in string")
                    .at(span, "unknown escape")
                    .note(r#"valid escapes are \n \t \r \\ \" \' \0 and \u{…}"#)
            }
            SyntaxError::InvalidNumber { .. } => {
                Diagnostic::error("invalid-number", "number literal is too large")
                    .at(span, "does not fit in 64 bits")
            }
            SyntaxError::TooDeep { .. } => {
                Diagnostic::error("too-deep", "the code is nested too deeply")
                    .at(
                        span,
                        format!(
                            "more than {} levels of nesting here",
                            claw_syntax::MAX_DEPTH
                        ),
                    )
                    .hint("split the expression or block with `let` bindings or helper functions")
            }
            SyntaxError::UnexpectedToken {
                found, expected, ..
            } => Diagnostic::error(
                "unexpected-token",
                format!("expected {expected}, found {found}"),
            )
            .at(span, format!("expected {expected}")),
        }
    }
}
