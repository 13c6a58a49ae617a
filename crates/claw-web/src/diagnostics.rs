//! The compiler's diagnostics as `claw:compiler/api` records, and back again for rendering.

use claw_syntax::{LineIndex, Span};

use crate::exports::claw::compiler::api::{Diagnostic, Label, Span as Place};
use crate::FILE;

/// `errors`, which point into `source`, as records; each span is also given in UTF-16 code
/// units and as a line and column.
pub fn convert(source: &str, errors: &[claw_compiler::Diagnostic]) -> Vec<Diagnostic> {
    let lines = LineIndex::new(source);
    let label = |label: &claw_compiler::Label| Label {
        span: place(source, &lines, label.span),
        message: label.message.clone(),
    };
    errors
        .iter()
        .map(|error| Diagnostic {
            code: error.code.to_owned(),
            message: error.message.clone(),
            primary: error.primary.as_ref().map(label),
            secondary: error.secondary.iter().map(label).collect(),
            notes: error.notes.clone(),
            hint: error.hint.clone(),
        })
        .collect()
}

fn place(source: &str, lines: &LineIndex, span: Span) -> Place {
    let range = span.range();
    let (line, column) = lines.line_col(source, range.start);
    Place {
        start: clamp_u32(range.start),
        end: clamp_u32(range.end),
        utf16_start: clamp_u32(utf16_offset(source, range.start)),
        utf16_end: clamp_u32(utf16_offset(source, range.end)),
        line: clamp_u32(line),
        column: clamp_u32(column),
    }
}

/// The UTF-16 offset of byte `offset` of `text` (rounded down to a character boundary).
fn utf16_offset(text: &str, offset: usize) -> usize {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].encode_utf16().count()
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A record as the compiler's diagnostic again, for the renderer. Its code must be `'static`:
/// each distinct code is kept once, so rendering many times does not grow memory.
pub fn back(diagnostic: &Diagnostic) -> claw_compiler::Diagnostic {
    let label = |label: &Label| claw_compiler::Label {
        span: Span::new(FILE, label.span.start as usize, label.span.end as usize),
        message: label.message.clone(),
    };
    claw_compiler::Diagnostic {
        code: intern(&diagnostic.code),
        message: diagnostic.message.clone(),
        primary: diagnostic.primary.as_ref().map(label),
        secondary: diagnostic.secondary.iter().map(label).collect(),
        notes: diagnostic.notes.clone(),
        hint: diagnostic.hint.clone(),
    }
}

fn intern(code: &str) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static CODES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut codes = CODES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&known) = codes.get(code) {
        return known;
    }
    let leaked: &'static str = Box::leak(code.to_owned().into_boxed_str());
    codes.insert(leaked);
    leaked
}
