//! The configuration file, `.oidc-thumb-check.toml`: severities, excludes, issuer URLs for
//! unresolved expressions, extra CA files, private hosts allowed, and ignores.

use anyhow::{bail, Context};
use oidc_thumb_core::{Cidr, Ignore, Policy, Severity, Status, Timestamp};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default file name, looked for in the current folder.
pub const DEFAULT_FILE: &str = ".oidc-thumb-check.toml";

/// The file as written. Unknown keys are errors that name the key and the line.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    expiry_days: Option<u32>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    ca_files: Vec<PathBuf>,
    ca_validated_mismatch: Option<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    issuers: BTreeMap<String, String>,
    #[serde(default)]
    network: Network,
    #[serde(default)]
    ignore: Vec<IgnoreEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Network {
    #[serde(default)]
    allow_private_hosts: Vec<String>,
    #[serde(default)]
    allow_private_networks: Vec<String>,
    timeout: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct IgnoreEntry {
    file: Option<String>,
    resource: Option<String>,
    url: Option<String>,
    #[serde(default)]
    status: Vec<String>,
    reason: Option<String>,
    until: Option<String>,
}

/// The configuration, checked and ready to use.
#[derive(Debug, Default)]
// Without the `net` feature (the WebAssembly build) the network settings are read and
// checked, so a shared configuration file still works, but nothing uses them.
#[cfg_attr(not(feature = "net"), allow(dead_code))]
pub struct Config {
    /// Globs left out of the walk.
    pub excludes: Vec<String>,
    /// Extra trusted roots, relative paths resolved against the file's folder.
    pub ca_files: Vec<PathBuf>,
    /// Issuer URLs for unresolved expressions.
    pub issuers: BTreeMap<String, String>,
    /// Host names whose non-public addresses are allowed.
    pub allow_private_hosts: Vec<String>,
    /// Networks whose addresses are allowed.
    pub allow_private_networks: Vec<Cidr>,
    /// Network timeout in seconds, when set.
    pub timeout: Option<f64>,
    /// Severities per status, the CA-validated softening and the ignores.
    pub policy: Policy,
}

impl Config {
    /// Reads `explicit`, or `.oidc-thumb-check.toml` in the current folder when present.
    /// A missing explicit file, a syntax error or an unknown key is an error.
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<Config> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => {
                let default = PathBuf::from(DEFAULT_FILE);
                if !default.is_file() {
                    return Ok(Config::default());
                }
                default
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the configuration {}", path.display()))?;
        Config::parse(&text, &path)
    }

    /// Parses the text of a configuration file read from `path`.
    pub fn parse(text: &str, path: &Path) -> anyhow::Result<Config> {
        let file: File = toml::from_str(text).map_err(|error| {
            anyhow::anyhow!("{}: {}", path.display(), describe_toml_error(text, &error))
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let at = |what: String| format!("{}: {what}", path.display());

        let mut policy = Policy::default();
        if let Some(days) = file.expiry_days {
            policy.expiry_days = days;
        }
        for (status, severity) in &file.severity {
            let status =
                parse_status(status).with_context(|| at(format!("[severity] {status:?}")))?;
            let severity =
                parse_severity(severity).with_context(|| at(format!("[severity] {status}")))?;
            policy.severities.insert(status, severity);
        }
        if let Some(severity) = &file.ca_validated_mismatch {
            policy.ca_validated_mismatch =
                Some(parse_severity(severity).with_context(|| at("ca-validated-mismatch".into()))?);
        }
        for (index, entry) in file.ignore.into_iter().enumerate() {
            let ignore = parse_ignore(entry)
                .with_context(|| at(format!("[[ignore]] number {}", index + 1)))?;
            policy.ignores.push(ignore);
        }

        let mut networks = Vec::new();
        for text in &file.network.allow_private_networks {
            let cidr = Cidr::parse(text).with_context(|| {
                at(format!("[network] allow-private-networks: {text:?} is not an address or CIDR network such as 10.0.0.0/8"))
            })?;
            networks.push(cidr);
        }
        if let Some(timeout) = file.network.timeout {
            if !(timeout > 0.0 && timeout.is_finite()) {
                bail!(at(format!(
                    "[network] timeout must be a positive number of seconds, not {timeout}"
                )));
            }
        }

        Ok(Config {
            excludes: file.exclude,
            ca_files: file.ca_files.into_iter().map(|p| base.join(p)).collect(),
            issuers: file.issuers,
            allow_private_hosts: file.network.allow_private_hosts,
            allow_private_networks: networks,
            timeout: file.network.timeout,
            policy,
        })
    }
}

fn parse_status(name: &str) -> anyhow::Result<Status> {
    Status::parse(name).with_context(|| {
        let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown status; expected one of {}", names.join(", "))
    })
}

fn parse_severity(name: &str) -> anyhow::Result<Severity> {
    Severity::parse(name).with_context(|| {
        format!("unknown severity {name:?}; expected error, warning, notice or off")
    })
}

fn parse_ignore(entry: IgnoreEntry) -> anyhow::Result<Ignore> {
    let reason = match entry.reason {
        Some(reason) if !reason.trim().is_empty() => reason,
        _ => bail!("an ignore needs a `reason`"),
    };
    if entry.file.is_none() && entry.resource.is_none() && entry.url.is_none() {
        bail!("an ignore needs at least one of `file`, `resource` or `url`");
    }
    let statuses = entry
        .status
        .iter()
        .map(|s| parse_status(s).with_context(|| format!("status {s:?}")))
        .collect::<anyhow::Result<Vec<Status>>>()?;
    let until = match entry.until {
        Some(text) => Some(
            end_of(&text)
                .with_context(|| format!("`until` {text:?} is not a date such as 2027-01-31"))?,
        ),
        None => None,
    };
    Ok(Ignore {
        file: entry.file,
        resource: entry.resource,
        url: entry.url,
        statuses,
        reason,
        until,
    })
}

/// The last instant an ignore's `until` covers: a date includes the whole day (its last
/// second, so reports still name the date written); an instant with a time is taken as it is.
fn end_of(text: &str) -> Option<Timestamp> {
    let instant = Timestamp::parse(text)?;
    let has_time = text.trim().contains(['T', ' ']);
    Some(if has_time {
        instant
    } else {
        Timestamp(instant.plus_days(1).0 - 1)
    })
}

/// The parser's message with the line it points at.
fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    // Counted over bytes, so an offset that falls inside a character cannot panic.
    let line = error.span().map(|span| {
        let before = text.as_bytes().get(..span.start).unwrap_or(text.as_bytes());
        before.iter().filter(|b| **b == b'\n').count() + 1
    });
    let message = error.message().trim_end();
    match line {
        Some(line) => format!("line {line}: {message}"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<Config> {
        Config::parse(text, Path::new("repo/.oidc-thumb-check.toml"))
    }

    #[test]
    fn full_configuration_is_read() {
        let config = parse(
            r#"
expiry-days = 45
exclude = ["vendor/**"]
ca-files = ["certs/corp.pem"]
ca-validated-mismatch = "warning"

[severity]
fragile-pin = "error"
style = "off"

[issuers]
"module.eks.cluster_oidc_issuer_url" = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"

[network]
allow-private-hosts = ["idp.corp.internal"]
allow-private-networks = ["10.20.0.0/16"]
timeout = 5

[[ignore]]
file = "legacy/**"
status = ["mismatch"]
reason = "decommissioned in January"
until = "2027-01-31"
"#,
        )
        .unwrap();
        assert_eq!(config.policy.expiry_days, 45);
        assert_eq!(config.policy.severity(Status::FragilePin), Severity::Error);
        assert_eq!(config.policy.ca_validated_mismatch, Some(Severity::Warning));
        assert_eq!(config.ca_files, vec![PathBuf::from("repo/certs/corp.pem")]);
        assert_eq!(config.allow_private_networks.len(), 1);
        let ignore = &config.policy.ignores[0];
        assert_eq!(ignore.until.unwrap().rfc3339(), "2027-01-31T23:59:59Z");
        assert_eq!(config.issuers.len(), 1);
    }

    #[test]
    fn unknown_key_names_the_key_and_line() {
        let error = parse("expiry-days = 3\n\n[network]\nallow-private = true\n").unwrap_err();
        let text = format!("{error:#}");
        assert!(text.contains("line 4"), "{text}");
        assert!(text.contains("allow-private"), "{text}");
    }

    #[test]
    fn unknown_status_is_an_error() {
        let error = parse("[severity]\nmismatched = \"error\"\n").unwrap_err();
        assert!(format!("{error:#}").contains("expected one of pass, mismatch"));
    }

    #[test]
    fn ignore_without_reason_is_an_error() {
        let error = parse("[[ignore]]\nfile = \"a.tf\"\n").unwrap_err();
        assert!(format!("{error:#}").contains("needs a `reason`"));
    }

    #[test]
    fn ignore_until_with_a_time_ends_at_that_instant() {
        let config = parse(
            "[[ignore]]\nfile = \"a.tf\"\nreason = \"x\"\nuntil = \"2027-01-31T12:00:00Z\"\n",
        )
        .unwrap();
        let until = config.policy.ignores[0].until.unwrap();
        assert_eq!(until.rfc3339(), "2027-01-31T12:00:00Z");
    }

    #[test]
    fn bad_network_is_an_error() {
        let error = parse("[network]\nallow-private-networks = [\"10.0.0.0/40\"]\n").unwrap_err();
        assert!(format!("{error:#}").contains("not an address or CIDR"));
    }
}
