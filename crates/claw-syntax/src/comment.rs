//! The comments of a file. The parser skips them; the formatter (and, later, hover text)
//! needs them where they were, as Gleam keeps them beside its tree in `ModuleExtra`.

use crate::{lex, FileId, Span};

/// Every `//` comment in `text`, in order, each from its `//` to the end of its line (the
/// line break not included).
pub fn comments(file: FileId, text: &str) -> Vec<Span> {
    let (tokens, _) = lex(file, text);
    let mut out = Vec::new();
    let mut from = 0;
    for token in &tokens {
        // Between two tokens there is only whitespace and comments.
        let gap_end = token.span.start as usize;
        let mut at = from;
        while let Some(found) = text[at..gap_end].find("//") {
            let start = at + found;
            let end = text[start..gap_end]
                .find('\n')
                .map_or(gap_end, |n| start + n);
            let end = start + text[start..end].trim_end_matches('\r').len();
            out.push(Span::new(file, start, end));
            at = end;
        }
        from = (token.span.end as usize).max(from);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_between_tokens_not_in_strings() {
        let text = "// a\nlet x = \"// not\"; // b\r\n/// c";
        let found: Vec<&str> = comments(FileId(0), text)
            .iter()
            .map(|s| &text[s.range()])
            .collect();
        assert_eq!(found, ["// a", "// b", "/// c"]);
    }
}
