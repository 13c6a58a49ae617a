//! Errors found while lexing and parsing, as plain data; the compiler turns them into diagnostics.

use crate::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// Text that is not any token.
    InvalidToken { span: Span },
    /// An identifier word mixing upper and lower case, which WIT forbids.
    InvalidIdentifier { span: Span },
    /// A name with a word that starts with a digit (`passes-0-to-9`), which WIT forbids. The
    /// span covers the whole name.
    NameWordStartsWithDigit { span: Span, name: String },
    /// A string literal without its closing quote; the span is the opening quote.
    UnterminatedString { span: Span },
    /// A character literal without its closing quote; the span is the opening quote.
    UnterminatedChar { span: Span },
    /// A malformed escape in a string literal.
    InvalidEscape { span: Span },
    /// A number too large for 64 bits or otherwise unreadable.
    InvalidNumber { span: Span },
    /// Nesting (of blocks, parentheses, types or operator chains) beyond
    /// [`crate::MAX_DEPTH`] levels, which would exhaust the stack of later phases.
    TooDeep { span: Span },
    /// The parser wanted one of `expected` but found `found` (described) at `span`.
    UnexpectedToken {
        span: Span,
        found: &'static str,
        expected: String,
    },
}

impl SyntaxError {
    /// Moves the error `by` bytes later in its file: for text lexed apart from the rest (a
    /// `format!` placeholder).
    pub fn shift(&mut self, by: u32) {
        let span = self.span_mut();
        span.start += by;
        span.end += by;
    }

    pub fn span(&self) -> Span {
        *self.clone().span_mut()
    }

    fn span_mut(&mut self) -> &mut Span {
        match self {
            SyntaxError::InvalidToken { span }
            | SyntaxError::InvalidIdentifier { span }
            | SyntaxError::NameWordStartsWithDigit { span, .. }
            | SyntaxError::UnterminatedString { span }
            | SyntaxError::UnterminatedChar { span }
            | SyntaxError::InvalidEscape { span }
            | SyntaxError::InvalidNumber { span }
            | SyntaxError::TooDeep { span }
            | SyntaxError::UnexpectedToken { span, .. } => span,
        }
    }
}
