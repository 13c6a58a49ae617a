//! `claw fmt`: the one layout of Claw source, as `gofmt` and `gleam format` have one. It
//! has no options: 4-space indentation, lines of at most 100 columns where the code allows,
//! broken with a document printer ([`doc`]), trailing commas in broken lists, at most one
//! blank line between items and statements, and every comment kept where it was.
//!
//! The layout is built from the syntax tree, with the source text for what the tree does
//! not keep as written (literals, names with `%`), and then checked: the result must parse
//! and hold the same tokens (commas aside) and the same comments in the same order, or the
//! file is left alone and an error says why.

mod body;
mod comments;
mod doc;
mod items;
mod verify;

use claw_syntax::ast::{Body, SourceFile};
use claw_syntax::{parse, FileId, Span, SyntaxError};

pub use doc::WIDTH;

/// Why a file could not be formatted.
#[derive(Debug)]
pub enum Error {
    /// The file does not parse; it is not touched.
    Syntax(Vec<SyntaxError>),
    /// The layout would have changed what the file says. A bug in the formatter, reported
    /// rather than written.
    Changed(String),
}

/// `text` in the canonical layout.
pub fn format(text: &str) -> Result<String, Error> {
    let file = FileId(0);
    let (ast, errors) = parse(file, text);
    if !errors.is_empty() {
        return Err(Error::Syntax(errors));
    }
    let comments = claw_syntax::comments(file, text)
        .into_iter()
        .map(|span| (span.start as usize, span.end as usize))
        .collect();
    let mut fmt = Fmt {
        text,
        comments,
        next: 0,
        body: None,
    };
    let doc = fmt.file(&ast);
    let mut out = doc::render(&doc);
    // A byte-order mark is not Claw, but it is the file's to keep.
    if text.starts_with('\u{FEFF}') {
        out.insert(0, '\u{FEFF}');
    }
    verify::same_program(text, &out).map_err(Error::Changed)?;
    Ok(out)
}

/// Expression `expr` of `body` in its canonical layout on one line, without comments: what
/// a `check!` failure message shows of its condition.
pub fn one_line(text: &str, body: &Body, expr: claw_syntax::ast::ExprId) -> String {
    let mut fmt = Fmt {
        text,
        comments: Vec::new(),
        next: 0,
        body: Some(body),
    };
    let doc = fmt.expr(expr);
    let out = doc::render_width(&doc, usize::MAX / 2);
    // Only a `match` always takes several lines; its lines are joined.
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    lines.join(" ")
}

/// The state of one file's layout: the source, its comments and the next one to place,
/// and the body whose expressions are being laid out.
struct Fmt<'a> {
    text: &'a str,
    comments: Vec<(usize, usize)>,
    next: usize,
    body: Option<&'a Body>,
}

impl<'a> Fmt<'a> {
    /// The source text of `span`, for what the tree keeps only as a value.
    fn src(&self, span: Span) -> &'a str {
        &self.text[span.range()]
    }

    /// `'outer: ` before a labelled loop, else nothing.
    fn label(&self, label: &Option<claw_syntax::ast::Name>) -> doc::Doc {
        doc::Doc::Text(match label {
            Some(label) => format!("{}: ", label.text),
            None => String::new(),
        })
    }

    fn body(&self) -> &'a Body {
        self.body.expect("expressions are laid out inside a body")
    }

    fn file(&mut self, ast: &'a SourceFile) -> doc::Doc {
        self.items(ast)
    }
}

#[cfg(test)]
mod tests;
