//! The `thumbprint` subcommand: the thumbprint IAM expects for issuer URLs or hosts, with the
//! presented chain behind it, as text or versioned JSON.

mod render;

use crate::cli::{OutputFormat, ThumbprintArgs};
use crate::saved_chains;
use anyhow::anyhow;
use oidc_thumb_core::{Endpoint, HostObservation, HttpsUrl, Observations, Timestamp};
use std::io::Write;

/// What the user asked about: an issuer URL (its discovery document names the JWKS host) or
/// a bare host.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Issuer(String),
    Host(Endpoint),
}

fn parse_target(text: &str) -> anyhow::Result<Target> {
    let text = text.trim();
    let hint = "give an issuer URL (https://HOST/PATH) or a host (HOST, HOST:PORT, [IPV6]:PORT)";
    if text.contains("://") {
        HttpsUrl::parse(text).map_err(|e| anyhow!("{e}; {hint}"))?;
        return Ok(Target::Issuer(text.to_string()));
    }
    Endpoint::parse(text)
        .map(Target::Host)
        .map_err(|e| anyhow!("{e}; {hint}"))
}

/// Runs `thumbprint`. `Err` is a usage error (exit 2); otherwise the exit code: 0 when every
/// target was checked, 1 when any could not be.
pub fn run(args: &ThumbprintArgs) -> anyhow::Result<u8> {
    let mut targets: Vec<Target> = Vec::new();
    for text in &args.targets {
        let target = parse_target(text)?;
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
    let mut issuers: Vec<String> = Vec::new();
    let mut hosts: Vec<Endpoint> = Vec::new();
    for target in &targets {
        match target {
            Target::Issuer(url) => issuers.push(url.clone()),
            Target::Host(endpoint) => hosts.push(endpoint.clone()),
        }
    }

    let observations = observe(args, &issuers, &hosts)?;
    let reports: Vec<render::TargetReport<'_>> = targets
        .iter()
        .map(|target| render::TargetReport::new(target, &observations))
        .collect();

    let now = now();
    let output = match (args.common.format, args.common.quiet) {
        (OutputFormat::Json, _) => render::json(&reports)?,
        (OutputFormat::Text, true) => render::thumbprints_only(&reports),
        (OutputFormat::Text, false) => render::text(&reports, now),
    };
    std::io::stdout()
        .lock()
        .write_all(output.as_bytes())
        .map_err(|e| anyhow!("cannot write to stdout: {e}"))?;

    diagnose(&reports, args.common.quiet, args.common.verbose, now);
    if let Some(dir) = &args.save_chains {
        let saved = saved_chains::save_chains(dir, &observations)?;
        for note in &saved.notes {
            eprintln!("warning: {note}");
        }
        if args.common.verbose > 0 {
            eprintln!("saved {} file(s) in {}", saved.files.len(), dir.display());
        }
    }

    let all_checked = reports.iter().all(render::TargetReport::checked);
    Ok(if all_checked {
        crate::EXIT_OK
    } else {
        crate::EXIT_FAILED
    })
}

fn observe(
    args: &ThumbprintArgs,
    issuers: &[String],
    hosts: &[Endpoint],
) -> anyhow::Result<Observations> {
    if args.net.offline {
        let dir = args
            .net
            .chains
            .as_ref()
            .ok_or_else(|| anyhow!("--offline needs --chains DIR"))?;
        if !dir.is_dir() {
            anyhow::bail!("--chains {} is not a folder", dir.display());
        }
        return Ok(saved_chains::observe_saved(dir, issuers, hosts));
    }
    if let Some(dir) = &args.net.chains {
        anyhow::bail!(
            "--chains {} is read only with --offline; add --offline to use the saved chains \
             instead of the network",
            dir.display()
        );
    }
    observe_network(args, issuers, hosts)
}

#[cfg(feature = "net")]
fn observe_network(
    args: &ThumbprintArgs,
    issuers: &[String],
    hosts: &[Endpoint],
) -> anyhow::Result<Observations> {
    let config = crate::config::Config::load(args.common.config.as_deref())?;
    let options = crate::net::NetOptions::from_args_and_config(&args.net, &config)?;
    crate::net::set_verbosity(args.common.verbose);
    Ok(crate::net::observe(issuers, hosts, &options))
}

#[cfg(not(feature = "net"))]
fn observe_network(
    _args: &ThumbprintArgs,
    _issuers: &[String],
    _hosts: &[Endpoint],
) -> anyhow::Result<Observations> {
    anyhow::bail!("this build has no network support; use --offline --chains DIR")
}

/// Errors and warnings on stderr; at `-v` a line per host.
fn diagnose(reports: &[render::TargetReport<'_>], quiet: bool, verbose: u8, now: Timestamp) {
    let mut described: Vec<&Endpoint> = Vec::new();
    for report in reports {
        if let Some(error) = report
            .error
            .as_ref()
            .filter(|_| !report.error_shown_by_host)
        {
            eprintln!("error: {}: {error}", report.title());
        }
        for (_, host) in &report.hosts {
            if !described.contains(&&host.endpoint) {
                described.push(&host.endpoint);
                describe_host(host, quiet, verbose, now);
            }
        }
    }
}

fn describe_host(host: &HostObservation, quiet: bool, verbose: u8, now: Timestamp) {
    let authority = host.endpoint.authority();
    match &host.result {
        Err(error) => eprintln!("error: {authority}: {error}"),
        Ok(variants) if variants.iter().any(|v| v.possibly_intercepted()) => {
            for variant in variants.iter().filter(|v| v.possibly_intercepted()) {
                eprintln!("error: {authority}: {}", render::interception(variant));
            }
        }
        Ok(variants) if verbose > 0 => {
            for variant in variants {
                let top = variant.chain.top();
                eprintln!(
                    "{authority}: top certificate {} ({}), expires {} ({} days left), from {}",
                    top.display_name(),
                    top.sha1,
                    top.not_after.date(),
                    top.days_left(now),
                    render::addresses(variant)
                );
            }
        }
        Ok(_) => {}
    }
    if !quiet {
        for note in &host.notes {
            eprintln!("warning: {authority}: {note}");
        }
    }
}

fn now() -> Timestamp {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Timestamp(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_hosts_are_told_apart() {
        assert_eq!(
            parse_target("https://idp.example/realms/x").expect("the value is valid"),
            Target::Issuer("https://idp.example/realms/x".into())
        );
        assert_eq!(
            parse_target("[::1]:8443").expect("the value is valid"),
            Target::Host(Endpoint {
                host: "::1".into(),
                port: 8443
            })
        );
    }

    #[test]
    fn plain_http_is_a_usage_error_with_a_hint() {
        let message = parse_target("http://idp.example")
            .expect_err("an error is expected")
            .to_string();
        assert!(message.contains("not an https:// URL"), "{message}");
        assert!(message.contains("give an issuer URL"), "{message}");
    }
}
