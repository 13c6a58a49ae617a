//! Turning a [`Diagnostic`] into the text a person reads, with ariadne drawing the source lines.
//! The `claw` command prints it, and the compiler component returns it (`render-diagnostics`), so
//! the playground shows exactly what `claw check` prints; that is why this is a crate of its own
//! and not a module of the CLI.
//!
//! The layout, rustc-like:
//!
//! ```text
//! error[type-mismatch]: expected `u32`, found `string`
//!    ╭─[ main.claw:3:18 ]
//!    │
//!  3 │     let x: u32 = "hi";
//!    │                  ──┬─
//!    │                    ╰─── this is a `string`
//! ───╯
//! note: …
//! help: …
//! ```
//!
//! ariadne writes its own header (`[code] Error: …`) and capitalised `Note:`/`Help:` lines inside
//! the box; Claw's house style is lowercase `error[code]` and `help:`, so this module writes the
//! header and the trailing notes itself and keeps only ariadne's box.

use std::ops::Range;

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};
use claw_compiler::Diagnostic;
use claw_syntax::LineIndex;

/// How many diagnostics [`report`] shows; past the first hundred a reader learns nothing new,
/// and a file of garbage would otherwise bury the terminal.
pub const MAX_SHOWN: usize = 100;

/// Everything `claw check` prints for `diagnostics` of one file: each one (the first
/// [`MAX_SHOWN`], in source order, then a line counting the rest), and a last line saying what
/// could not be done (`error: could not VERB `name` due to 2 previous errors`).
pub fn report(
    verb: &str,
    file_name: &str,
    text: &str,
    diagnostics: &[Diagnostic],
    color: bool,
) -> String {
    // Phases report in their own order (all syntax errors, then type errors); readers want them
    // top to bottom. The sort is stable, so diagnostics at one place keep the compiler's order.
    let mut diagnostics: Vec<&Diagnostic> = diagnostics.iter().collect();
    diagnostics.sort_by_key(|d| d.primary.as_ref().map(|label| label.span.start));
    let renderer = Renderer::new(file_name, text, color);
    let mut out = String::new();
    for diagnostic in diagnostics.iter().take(MAX_SHOWN) {
        out.push_str(&renderer.render(diagnostic));
        out.push('\n');
    }
    if let Some(hidden) = diagnostics.len().checked_sub(MAX_SHOWN).filter(|&n| n > 0) {
        let errors = if hidden == 1 { "error" } else { "errors" };
        out.push_str(&format!("note: {hidden} more {errors} not shown\n\n"));
    }
    let count = match diagnostics.len() {
        1 => "1 previous error".to_owned(),
        n => format!("{n} previous errors"),
    };
    out.push_str(&format!(
        "{}: could not {verb} `{file_name}` due to {count}\n",
        paint(color, "error")
    ));
    out
}

/// `text` in bold red, the colour of errors, when `color` is on.
pub fn paint(color: bool, text: &str) -> String {
    if color {
        format!("\x1b[1;31m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Draws the diagnostics of one file. The file's line table is built once, here: building it
/// for each diagnostic made reporting quadratic in the number of errors.
pub struct Renderer<'a> {
    /// Shown in the location line.
    file_name: String,
    /// The file's contents without a leading byte-order mark, which ariadne would count as a
    /// column of the first line.
    text: &'a str,
    /// How many bytes were cut off the front: the diagnostics' spans point into the whole file.
    skipped: usize,
    source: Source<&'a str>,
    lines: LineIndex,
    color: bool,
}

/// Lines longer than this (in bytes) are not drawn: ariadne would copy the whole line into
/// every diagnostic on it, and a file of minified garbage is one line of megabytes.
const MAX_DRAWN_LINE: usize = 1000;

impl<'a> Renderer<'a> {
    /// `text` is the file's contents, which the diagnostics' spans point into.
    pub fn new(file_name: &str, text: &'a str, color: bool) -> Renderer<'a> {
        let shown = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        Renderer {
            file_name: file_name.to_owned(),
            text: shown,
            skipped: text.len() - shown.len(),
            source: Source::from(shown),
            lines: LineIndex::new(shown),
            color,
        }
    }

    /// A span of the file as a range of the shown text, made safe to draw.
    fn range(&self, span: claw_syntax::Span) -> Range<usize> {
        let range = span.range();
        let start = range.start.saturating_sub(self.skipped);
        let end = range.end.saturating_sub(self.skipped);
        clamp(self.text, start..end)
    }

    /// The whole rendering of one diagnostic, ending in a newline.
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        let color = self.color;
        let mut out = format!(
            "{}: {}\n",
            paint(color, &format!("error[{}]", diagnostic.code)),
            diagnostic.message
        );
        out.push_str(&self.snippet(diagnostic));
        for note in &diagnostic.notes {
            push_trailer(&mut out, "note", note, color);
        }
        if let Some(hint) = &diagnostic.hint {
            push_trailer(&mut out, "help", hint, color);
        }
        out
    }

    /// ariadne's box around the labelled lines, or nothing when the diagnostic has no place in
    /// the source (a broken WIT folder, say).
    fn snippet(&self, diagnostic: &Diagnostic) -> String {
        let color = self.color;
        let mut labels: Vec<(&claw_compiler::Label, Color)> = diagnostic
            .primary
            .iter()
            .map(|label| (label, Color::Red))
            .chain(
                diagnostic
                    .secondary
                    .iter()
                    .map(|label| (label, Color::Blue)),
            )
            .collect();
        let Some(anchor) = labels.first().map(|(label, _)| label.span) else {
            return String::new();
        };
        labels.sort_by_key(|(label, _)| (label.span.start, label.span.end));
        if labels
            .iter()
            .any(|(label, _)| self.line_len(self.range(label.span).start) > MAX_DRAWN_LINE)
        {
            return self.undrawn(anchor, &labels);
        }
        // ariadne draws labels in one box only while each is on the same line as or below the
        // one before; otherwise it opens a second box headed with the primary's location, which
        // then points at the wrong line. Feeding them in source order keeps one box.
        let name = &self.file_name;
        let config = Config::default()
            .with_color(color)
            .with_index_type(IndexType::Byte);
        let mut report = Report::build(ReportKind::Error, (name.clone(), self.range(anchor)))
            .with_config(config);
        for (label, label_color) in &labels {
            let mut ariadne_label = Label::new((name.clone(), self.range(label.span)));
            if !label.message.is_empty() {
                ariadne_label = ariadne_label.with_message(&label.message);
            }
            if color {
                ariadne_label = ariadne_label.with_color(*label_color);
            }
            report = report.with_label(ariadne_label);
        }
        let mut bytes = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = report
            .finish()
            .write((name.clone(), &self.source), &mut bytes);
        let drawn = String::from_utf8_lossy(&bytes);
        // Drop ariadne's header line; ours is already written.
        let body = drawn.split_once('\n').map_or("", |(_, body)| body);
        // ariadne pads lines to the width of the widest; trailing blanks make golden files
        // fragile.
        body.lines()
            .map(|line| format!("{}\n", line.trim_end()))
            .collect()
    }
}

impl Renderer<'_> {
    /// The length in bytes of the line holding `offset` of the shown text.
    fn line_len(&self, offset: usize) -> usize {
        let start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        end - start
    }

    /// In place of ariadne's box, for labels on lines too long to draw: each label's place
    /// and message, in a box of the same shape.
    fn undrawn(
        &self,
        anchor: claw_syntax::Span,
        labels: &[(&claw_compiler::Label, Color)],
    ) -> String {
        let place = |span: claw_syntax::Span| {
            let (line, column) = self.lines.line_col(self.text, self.range(span).start);
            format!("{line}:{column}")
        };
        let mut out = format!("   ╭─[ {}:{} ]\n", self.file_name, place(anchor));
        for (label, _) in labels {
            let message = if label.message.is_empty() {
                "here"
            } else {
                &label.message
            };
            out.push_str(&format!("   │ {}: {message}\n", place(label.span)));
        }
        out.push_str(&format!(
            "   │ (not drawn: the line is longer than {MAX_DRAWN_LINE} bytes)\n───╯\n"
        ));
        out
    }
}

/// A span made safe to draw: inside the text and on character boundaries, because a compiler
/// bug must not turn into a renderer panic.
fn clamp(text: &str, range: Range<usize>) -> Range<usize> {
    let mut start = range.start.min(text.len());
    let mut end = range.end.clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// `note: …` or `help: …`, with continuation lines indented under the first.
fn push_trailer(out: &mut String, kind: &str, text: &str, color: bool) {
    let prefix = if color {
        format!("\x1b[1m{kind}\x1b[0m: ")
    } else {
        format!("{kind}: ")
    };
    let indent = " ".repeat(kind.len() + 2);
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(&prefix);
        } else {
            out.push_str(&indent);
        }
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use claw_syntax::{FileId, Span};

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(0), start, end)
    }

    fn render(file_name: &str, text: &str, diagnostic: &Diagnostic, color: bool) -> String {
        Renderer::new(file_name, text, color).render(diagnostic)
    }

    #[test]
    fn labels_notes_and_help() {
        let text = "func f() {\n    let x: u32 = \"hi\";\n}\n";
        let diagnostic = Diagnostic::error("type-mismatch", "expected `u32`, found `string`")
            .at(span(28, 32), "this is a `string`")
            .also(span(22, 25), "expected because of this")
            .note("strings never convert to numbers")
            .hint("write a number");
        let text = render("main.claw", text, &diagnostic, false);
        assert!(text.starts_with("error[type-mismatch]: expected `u32`, found `string`\n"));
        assert!(text.contains("[ main.claw:2:18 ]"), "{text}");
        assert!(text.contains("this is a `string`"));
        assert!(text.contains("expected because of this"));
        assert!(text.ends_with("note: strings never convert to numbers\nhelp: write a number\n"));
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn without_a_place_only_the_header_and_notes() {
        let diagnostic =
            Diagnostic::error("invalid-wit", "cannot load WIT").note("first line\nsecond line");
        assert_eq!(
            render("main.claw", "", &diagnostic, false),
            "error[invalid-wit]: cannot load WIT\nnote: first line\n      second line\n"
        );
    }

    #[test]
    fn spans_past_the_end_or_inside_a_character_do_not_panic() {
        let text = "let s = \"ö\";";
        for (start, end) in [(9, 10), (100, 200), (12, 12), (10, 9)] {
            let diagnostic = Diagnostic::error("x", "y").at(span(start, end), "here");
            render("a.claw", text, &diagnostic, true);
        }
    }

    #[test]
    fn a_byte_order_mark_takes_no_column() {
        let text = "\u{FEFF}let x\nlet y";
        let first = Diagnostic::error("x", "y").at(span(7, 8), "here");
        assert!(render("a.claw", text, &first, false).contains("[ a.claw:1:5 ]"));
        let second = Diagnostic::error("x", "y").at(span(13, 14), "here");
        assert!(render("a.claw", text, &second, false).contains("[ a.claw:2:5 ]"));
    }

    #[test]
    fn labels_on_a_very_long_line_are_listed_not_drawn() {
        let text = format!("let x\n{}$ y\n", "a ".repeat(1000));
        let dollar = text.find('$').unwrap();
        let diagnostic = Diagnostic::error("invalid-token", "invalid token")
            .at(span(dollar, dollar + 1), "not part of Claw's syntax")
            .also(span(4, 5), "");
        let text = render("a.claw", &text, &diagnostic, false);
        assert_eq!(
            text,
            "error[invalid-token]: invalid token\n   ╭─[ a.claw:2:2001 ]\n   │ 1:5: here\n   │ \
             2:2001: not part of Claw's syntax\n   │ (not drawn: the line is longer than 1000 \
             bytes)\n───╯\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let diagnostic = Diagnostic::error("x", "y").at(span(0, 3), "here");
        assert!(render("a.claw", "let", &diagnostic, true).contains('\x1b'));
    }
}
