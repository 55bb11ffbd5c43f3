//! The line starts of a file's text, so that many places in a large file cost a binary search
//! each instead of a scan from the start of the text.

use crate::{find_suppressions, Span, Suppression};

/// A text with the byte offset of each of its lines.
pub(in crate::readers) struct Lines<'t> {
    text: &'t str,
    /// Byte offset of the first byte of each line; the first line starts at 0.
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Lines { text, starts }
    }

    /// The same span as [`Span::of`] gives for `start..end` of the text.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let start = start.min(self.text.len());
        let end = end.clamp(start, self.text.len());
        let (line, column) = self.line_column(start);
        let (end_line, end_column) = self.line_column(end);
        Span {
            start,
            end,
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The same as [`crate::line_column`]: 1-based line and character column of a byte offset.
    fn line_column(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|start| *start <= offset);
        let line_start = self.start_of(line);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line as u32, column as u32)
    }

    /// The byte offset where 1-based line `line` starts (the end of the text past the last).
    fn start_of(&self, line: usize) -> usize {
        match line.checked_sub(1) {
            Some(index) => self.starts.get(index).copied().unwrap_or(self.text.len()),
            None => 0,
        }
    }

    /// The same as [`find_suppressions`] over the whole text, reading only the lines it needs.
    pub fn suppressions(&self, first: u32, last: u32) -> Vec<Suppression> {
        let from = first.saturating_sub(1).max(1);
        let skipped = from - 1;
        let start = self.start_of(from as usize);
        let end = self.start_of(last as usize + 1);
        let part = self.text.get(start..end).unwrap_or_default();
        let mut found = find_suppressions(part, first - skipped, last.saturating_sub(skipped));
        for suppression in &mut found {
            suppression.line += skipped;
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &str =
        "\u{feff}a = \"é\"\r\n\n  # oidc-thumb-check: ignore -- lab\r\nb = [\"ü\"]\nlast";

    #[test]
    fn spans_equal_those_of_span_of_at_every_offset() {
        let lines = Lines::new(MIXED);
        for start in 0..=MIXED.len() + 2 {
            for end in [start, start + 1, start + 7, MIXED.len() + 3] {
                assert_eq!(
                    lines.span(start, end),
                    Span::of(MIXED, start, end),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn suppressions_equal_those_found_over_the_whole_text() {
        let lines = Lines::new(MIXED);
        let count = MIXED.lines().count() as u32;
        for first in 1..=count + 1 {
            for last in first..=count + 1 {
                assert_eq!(
                    lines.suppressions(first, last),
                    find_suppressions(MIXED, first, last),
                    "{first}..={last}"
                );
            }
        }
        assert_eq!(lines.suppressions(3, 4)[0].line, 3);
    }
}
