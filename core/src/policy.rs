//! The policy: the expiry window, the severity of each status, and the ignores in force.

use crate::{Declaration, Severity, Status, Timestamp};
use std::collections::BTreeMap;

/// How findings are weighed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Fail when the pinned certificate expires within this many days (default 30).
    pub expiry_days: u32,
    /// Severities that differ from [`Status::default_severity`].
    pub severities: BTreeMap<Status, Severity>,
    /// The severity of `mismatch` and `incomplete` for CA-validated providers, where IAM
    /// uses the thumbprints only as a fallback. `None`: the same as for any provider.
    pub ca_validated_mismatch: Option<Severity>,
    /// Ignores from the configuration.
    pub ignores: Vec<Ignore>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            expiry_days: 30,
            severities: BTreeMap::new(),
            ca_validated_mismatch: None,
            ignores: Vec::new(),
        }
    }
}

impl Policy {
    /// The severity of a status under this policy.
    pub fn severity(&self, status: Status) -> Severity {
        self.severities
            .get(&status)
            .copied()
            .unwrap_or_else(|| status.default_severity())
    }
}

/// An ignore from the configuration: which declarations, which statuses, why, until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignore {
    /// A glob over the file path (`*` within a folder, `**` across folders, `?` one
    /// character); `None` matches every file.
    pub file: Option<String>,
    /// The resource name, exactly; `None` matches every resource.
    pub resource: Option<String>,
    /// The issuer URL, without a trailing slash; `None` matches every URL.
    pub url: Option<String>,
    /// The statuses it silences; empty means every status.
    pub statuses: Vec<Status>,
    /// Why (required by the configuration).
    pub reason: String,
    /// The end date after which it stops applying.
    pub until: Option<Timestamp>,
}

impl Ignore {
    /// True when the ignore names this declaration (whatever the status and date).
    pub fn matches(&self, declaration: &Declaration) -> bool {
        let file_ok = self
            .file
            .as_deref()
            .is_none_or(|pattern| glob_match(pattern, &declaration.file));
        let resource_ok = self
            .resource
            .as_deref()
            .is_none_or(|resource| resource == declaration.resource);
        let url_ok = self.url.as_deref().is_none_or(|url| {
            declaration
                .url
                .url()
                .is_some_and(|u| u.trim_end_matches('/') == url.trim_end_matches('/'))
        });
        file_ok && resource_ok && url_ok
    }

    /// True when it silences this status.
    pub fn covers(&self, status: Status) -> bool {
        self.statuses.is_empty() || self.statuses.contains(&status)
    }

    /// True when its end date has passed at `now`.
    pub fn has_expired(&self, now: Timestamp) -> bool {
        self.until.is_some_and(|until| now > until)
    }
}

/// Matches a path against a glob: `**` any number of folders, `*` any characters but `/`,
/// `?` one character but `/`.
///
/// ```
/// use oidc_thumb_core::glob_match;
/// assert!(glob_match("infra/**/*.tf", "infra/a/b/iam.tf"));
/// assert!(glob_match("infra/**/*.tf", "infra/iam.tf"));
/// assert!(!glob_match("infra/*.tf", "infra/a/iam.tf"));
/// ```
pub fn glob_match(pattern: &str, path: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) if rest.first() == Some(&b'*') => {
                let rest = &rest[1..];
                let rest = rest.strip_prefix(b"/").unwrap_or(rest);
                if rest.is_empty() {
                    return true;
                }
                (0..=s.len()).any(|i| (i == 0 || s[i - 1] == b'/') && go(rest, &s[i..]))
            }
            Some((b'*', rest)) => {
                let limit = s.iter().position(|c| *c == b'/').unwrap_or(s.len());
                (0..=limit).any(|i| go(rest, &s[i..]))
            }
            Some((b'?', rest)) => s.first().is_some_and(|c| *c != b'/') && go(rest, &s[1..]),
            Some((c, rest)) => s.first() == Some(c) && go(rest, &s[1..]),
        }
    }
    go(pattern.as_bytes(), path.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_gitignore_paths() {
        assert!(glob_match("**/*.yaml", "k8s/oidc.yaml"));
        assert!(glob_match("**/*.yaml", "oidc.yaml"));
        assert!(glob_match("vendor/**", "vendor/x/y.tf"));
        assert!(!glob_match("vendor/**", "src/vendor.tf"));
        assert!(glob_match("iam.t?", "iam.tf"));
        assert!(!glob_match("*.tf", "a/iam.tf"));
    }

    #[test]
    fn policy_overrides_default_severity() {
        let mut policy = Policy::default();
        assert_eq!(policy.severity(Status::FragilePin), Severity::Warning);
        policy
            .severities
            .insert(Status::FragilePin, Severity::Error);
        assert_eq!(policy.severity(Status::FragilePin), Severity::Error);
    }
}
