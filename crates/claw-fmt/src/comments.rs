//! Putting each comment back where it was: before the item, statement, arm, element or
//! expression that follows it, after the one it shares a line with, or before the bracket
//! that closes the block it ends. Comments are taken in source order, so none is lost or
//! reordered; a comment inside an expression the layout has no place for comes out before
//! the next part of the expression that has one.

use crate::doc::{text, Doc};
use crate::Fmt;

impl Fmt<'_> {
    /// The comments that start before `pos`, each on a line of its own and ending in a line
    /// break, with one blank line kept wherever the source has one or more. `prev` is where
    /// the previous element ended (`None`: the first in its block, where no blank line goes).
    pub(crate) fn lines_before(&mut self, pos: usize, prev: Option<usize>) -> Vec<Doc> {
        let mut docs = Vec::new();
        let mut last = prev;
        while let Some(&(start, end)) = self.comments.get(self.next) {
            if start >= pos {
                break;
            }
            self.next += 1;
            if last.is_some_and(|last| self.blank(last, start)) {
                docs.push(Doc::HardLine);
            }
            docs.push(Doc::Comment(self.text[start..end].to_string()));
            docs.push(Doc::HardLine);
            last = Some(end);
        }
        if last.is_some_and(|last| self.blank(last, pos)) {
            docs.push(Doc::HardLine);
        }
        docs
    }

    /// The comment on the same line after an element that ends at `end`, if one starts
    /// before `limit` (where the next element, or the closing bracket, starts).
    pub(crate) fn trailing(&mut self, end: usize, limit: usize) -> Doc {
        match self.comments.get(self.next) {
            Some(&(start, stop))
                if start >= end && start < limit && !self.text[end..start].contains('\n') =>
            {
                self.next += 1;
                Doc::Concat(vec![
                    text(" "),
                    Doc::Comment(self.text[start..stop].to_string()),
                ])
            }
            _ => Doc::Concat(Vec::new()),
        }
    }

    /// The comments before a closing bracket at `close`, after the last element (which
    /// ended at `prev`): lines of their own, with no line break after the last.
    pub(crate) fn dangling(&mut self, close: usize, prev: Option<usize>) -> Vec<Doc> {
        let mut docs = self.lines_before(close, prev);
        while matches!(docs.last(), Some(Doc::HardLine)) {
            docs.pop();
        }
        docs
    }

    /// Whether the source between `from` and `to` holds a blank line.
    fn blank(&self, from: usize, to: usize) -> bool {
        from < to && self.text[from..to].matches('\n').count() >= 2
    }
}
