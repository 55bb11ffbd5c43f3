//! Inline suppression comments: `oidc-thumb-check: ignore STATUS[,STATUS] -- REASON`, in the
//! comment syntax of each format (`#`, `//`, `/* */`).

use crate::Suppression;

const MARKER: &str = "oidc-thumb-check:";

/// The suppression comments on lines `first..=last` of `text` (1-based) and on the line just
/// above `first`. A comment without a reason is returned with `reason: None`; evaluation
/// reports it instead of honouring it.
///
/// ```
/// use oidc_thumb_core::find_suppressions;
/// let text = "# oidc-thumb-check: ignore mismatch -- rotated by the IdP team\nresource \"x\" \"y\" {}\n";
/// let found = find_suppressions(text, 2, 2);
/// assert_eq!(found[0].statuses, vec!["mismatch"]);
/// assert_eq!(found[0].reason.as_deref(), Some("rotated by the IdP team"));
/// ```
pub fn find_suppressions(text: &str, first: u32, last: u32) -> Vec<Suppression> {
    let from = first.saturating_sub(1).max(1);
    text.lines()
        .enumerate()
        .map(|(index, line)| (index as u32 + 1, line))
        .skip_while(|(number, _)| *number < from)
        .take_while(|(number, _)| *number <= last)
        .filter_map(|(number, line)| parse_line(line, number))
        .collect()
}

fn parse_line(line: &str, number: u32) -> Option<Suppression> {
    let at = line.find(MARKER)?;
    let before = &line[..at];
    let in_comment = before.contains('#') || before.contains("//") || before.contains("/*");
    if !in_comment {
        return None;
    }
    let rest = line[at + MARKER.len()..].trim_start();
    let rest = rest.strip_prefix("ignore")?;
    let rest = rest.trim_end().trim_end_matches("*/").trim_end();

    let (statuses, reason) = match rest.split_once("--") {
        Some((statuses, reason)) => (statuses, Some(reason.trim())),
        None => (rest, None),
    };
    let statuses = statuses
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let reason = reason.filter(|r| !r.is_empty()).map(str::to_string);
    Some(Suppression {
        statuses,
        reason,
        line: number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_comment_syntax_is_read() {
        for line in [
            "  # oidc-thumb-check: ignore expiring -- renewal booked",
            "  // oidc-thumb-check: ignore expiring -- renewal booked",
            "  /* oidc-thumb-check: ignore expiring -- renewal booked */",
        ] {
            let found = find_suppressions(line, 1, 1);
            assert_eq!(found.len(), 1, "{line}");
            assert_eq!(found[0].statuses, vec!["expiring"]);
            assert_eq!(found[0].reason.as_deref(), Some("renewal booked"));
        }
    }

    #[test]
    fn missing_reason_is_kept_as_none() {
        let found = find_suppressions("# oidc-thumb-check: ignore mismatch", 1, 1);
        assert_eq!(found[0].reason, None);
    }

    #[test]
    fn no_status_means_every_status() {
        let found = find_suppressions("# oidc-thumb-check: ignore -- lab account", 1, 1);
        assert!(found[0].statuses.is_empty());
    }

    #[test]
    fn marker_outside_a_comment_is_not_a_suppression() {
        assert!(find_suppressions("name = \"oidc-thumb-check: ignore -- x\"", 1, 1).is_empty());
    }

    #[test]
    fn only_the_given_lines_and_the_one_above_count() {
        let text = "# oidc-thumb-check: ignore -- a\n\nx\ny\n";
        assert!(find_suppressions(text, 3, 4).is_empty());
        assert_eq!(find_suppressions(text, 2, 4).len(), 1);
    }
}
