//! The syntax of Claw: source spans, the lexer, the syntax tree and the parser.
//!
//! This crate knows nothing of types, WIT or Wasm. Parsing never fails: it returns the tree it
//! could build together with every [`SyntaxError`] it met, so later phases can still report
//! their own errors for the parts that did parse.

pub mod ast;
mod comment;
mod lexer;
mod line_index;
mod parser;
mod span;
mod syntax_error;
mod token;

pub use comment::comments;
pub use lexer::lex;
pub use line_index::LineIndex;
pub use parser::{parse, MAX_DEPTH};
pub use span::{FileId, Span};
pub use syntax_error::SyntaxError;
pub use token::{Token, TokenKind};
