//! A document printer in the style of Wadler's "prettier printer" (as Prettier and Gleam's
//! formatter use it): a layout is text, line breaks that may become spaces, nesting and
//! groups; a group is printed on one line when it fits in the width, and otherwise every
//! breakable line in it breaks.

/// Columns a line may take.
pub const WIDTH: usize = 100;
/// Columns one level of nesting indents.
pub const INDENT: usize = 4;

#[derive(Clone, Debug)]
pub enum Doc {
    Text(String),
    /// A space, or a line break where its group breaks.
    Line,
    /// Nothing, or a line break where its group breaks.
    SoftLine,
    /// Always a line break; every group around it breaks.
    HardLine,
    /// Text printed only where its group breaks: a trailing comma.
    IfBreak(&'static str),
    /// A `//` comment: the line ends after it, whatever follows, and every group around it
    /// breaks.
    Comment(String),
    /// Its parts, one level further in after each line break.
    Nest(Vec<Doc>),
    /// Its parts on one line if they fit, else with every line in it broken. `hard` is set
    /// when it holds a hard line or a comment, so it never fits.
    Group {
        parts: Vec<Doc>,
        hard: bool,
    },
    Concat(Vec<Doc>),
}

pub fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

pub fn group(parts: Vec<Doc>) -> Doc {
    let hard = parts.iter().any(Doc::hard);
    Doc::Group { parts, hard }
}

impl Doc {
    /// Whether the document forces a line break.
    pub fn hard(&self) -> bool {
        match self {
            Doc::HardLine | Doc::Comment(_) => true,
            Doc::Group { hard, .. } => *hard,
            Doc::Nest(parts) | Doc::Concat(parts) => parts.iter().any(Doc::hard),
            Doc::Text(_) | Doc::Line | Doc::SoftLine | Doc::IfBreak(_) => false,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// The document as text, each line ending in `\n` and none with trailing spaces.
pub fn render(doc: &Doc) -> String {
    render_width(doc, WIDTH)
}

/// [`render`] with lines of `width` columns.
pub fn render_width(doc: &Doc, width: usize) -> String {
    let mut out = String::new();
    let mut column = 0;
    // After a comment the line must end before anything else is written.
    let mut must_break = false;
    let mut stack: Vec<(usize, Mode, &Doc)> = vec![(0, Mode::Break, doc)];
    while let Some((indent, mode, doc)) = stack.pop() {
        match doc {
            Doc::Text(s) => put(&mut out, &mut column, &mut must_break, indent, s),
            Doc::Comment(s) => {
                put(&mut out, &mut column, &mut must_break, indent, s);
                must_break = true;
            }
            Doc::IfBreak(s) => {
                if mode == Mode::Break {
                    put(&mut out, &mut column, &mut must_break, indent, s);
                }
            }
            Doc::Line | Doc::SoftLine if mode == Mode::Flat => {
                if matches!(doc, Doc::Line) {
                    if must_break {
                        // The comment already ends the line; the space is not needed.
                        continue;
                    }
                    out.push(' ');
                    column += 1;
                }
            }
            Doc::Line | Doc::SoftLine | Doc::HardLine => {
                newline(&mut out, indent);
                column = indent;
                must_break = false;
            }
            Doc::Nest(parts) => {
                for part in parts.iter().rev() {
                    stack.push((indent + INDENT, mode, part));
                }
            }
            Doc::Concat(parts) => {
                for part in parts.iter().rev() {
                    stack.push((indent, mode, part));
                }
            }
            Doc::Group { parts, hard } => {
                let mode = if mode == Mode::Flat
                    || (!hard && fits(parts, width.saturating_sub(column), &stack))
                {
                    Mode::Flat
                } else {
                    Mode::Break
                };
                for part in parts.iter().rev() {
                    stack.push((indent, mode, part));
                }
            }
        }
    }
    // A file ends with one line break, unless there is nothing in it.
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Writes `s` on the current line, first ending the line when a comment is on it.
fn put(out: &mut String, column: &mut usize, must_break: &mut bool, indent: usize, s: &str) {
    if *must_break {
        newline(out, indent);
        *column = indent;
        *must_break = false;
    }
    out.push_str(s);
    *column += s.chars().count();
}

fn newline(out: &mut String, indent: usize) {
    let trimmed = out.trim_end_matches(' ').len();
    out.truncate(trimmed);
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Whether `parts`, printed flat, and what follows them up to the next line break fit in
/// `width` columns.
fn fits(parts: &[Doc], width: usize, rest: &[(usize, Mode, &Doc)]) -> bool {
    let mut left = width as isize;
    let mut work: Vec<(Mode, &Doc)> = parts.iter().rev().map(|d| (Mode::Flat, d)).collect();
    let mut rest = rest.iter().rev();
    loop {
        let Some((mode, doc)) = work.pop().or_else(|| rest.next().map(|&(_, m, d)| (m, d))) else {
            return true;
        };
        match doc {
            Doc::Text(s) => left -= s.chars().count() as isize,
            Doc::Comment(_) | Doc::HardLine => return true,
            Doc::IfBreak(s) => {
                if mode == Mode::Break {
                    left -= s.len() as isize;
                }
            }
            Doc::Line | Doc::SoftLine => {
                if mode == Mode::Break {
                    return true;
                }
                if matches!(doc, Doc::Line) {
                    left -= 1;
                }
            }
            Doc::Nest(parts) | Doc::Concat(parts) | Doc::Group { parts, .. } => {
                let mode = match doc {
                    Doc::Group { hard: false, .. } => Mode::Flat,
                    Doc::Group { .. } => Mode::Break,
                    _ => mode,
                };
                work.extend(parts.iter().rev().map(|d| (mode, d)));
            }
        }
        if left < 0 {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(args: usize) -> Doc {
        let mut inner = vec![Doc::SoftLine];
        for i in 0..args {
            if i > 0 {
                inner.push(text(","));
                inner.push(Doc::Line);
            }
            inner.push(text(format!("argument-number-{i}")));
        }
        inner.push(Doc::IfBreak(","));
        group(vec![text("f("), Doc::Nest(inner), Doc::SoftLine, text(")")])
    }

    #[test]
    fn a_group_that_fits_stays_on_one_line() {
        assert_eq!(
            render(&call(2)),
            "f(argument-number-0, argument-number-1)\n"
        );
    }

    #[test]
    fn a_group_too_wide_breaks_every_line_with_a_trailing_comma() {
        let out = render(&call(6));
        assert!(out.lines().all(|l| l.len() <= WIDTH), "{out}");
        assert!(out.starts_with("f(\n    argument-number-0,\n"), "{out}");
        assert!(out.ends_with("    argument-number-5,\n)\n"), "{out}");
    }

    #[test]
    fn a_comment_ends_its_line_and_breaks_its_group() {
        let doc = group(vec![
            text("["),
            Doc::Nest(vec![
                Doc::SoftLine,
                text("1,"),
                text(" "),
                Doc::Comment("// one".into()),
                Doc::Line,
                text("2"),
            ]),
            Doc::SoftLine,
            text("]"),
        ]);
        assert_eq!(render(&doc), "[\n    1, // one\n    2\n]\n");
    }
}
