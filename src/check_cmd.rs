//! `check`: the gate. Declarations against live (or saved) chains, judged by IAM's rules,
//! with every requested report written from one run.

use crate::cli::{
    Annotations, CheckArgs, CommonArgs, DiscoveryArgs, NetArgs, OutputFormat, ReportArgs,
};
use crate::config::Config;
use crate::walk::{self, WalkOptions};
use crate::{output, EXIT_FAILED, EXIT_OK};
use anyhow::{bail, Context};
use oidc_thumb_core::readers::ReadContext;
use oidc_thumb_core::report::{github, json, junit, sarif, summary, text};
use oidc_thumb_core::{
    evaluate, plan_observations, resolve_issuers, Declaration, ObservationPlan, Observations,
    Policy, ReadNotice, Report, Timestamp,
};
use std::path::PathBuf;

/// Runs the gate: 0 when it passed, 1 when a finding is at error level.
pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let config = Config::load(args.common.config.as_deref())?;
    let now = judgement_time(args.report.at.as_deref())?;
    let annotations = annotations_on(&args.report, &args.common)?;
    let policy = policy_of(&config, &args.report);

    let (report, accounts_read) = if args.aws {
        beside_accounts(args, &config, &policy, now)?
    } else {
        if args.account.given() {
            bail!("--profile, --region, --endpoint-url and --role-arn need --aws");
        }
        let report = judge(
            &args.paths,
            &args.discovery,
            &args.net,
            &config,
            &policy,
            now,
        )?;
        (report, true)
    };
    if args.common.verbose > 0 {
        print_verdicts(&report);
    }

    let stdout = stdout_report(&report, &args.common);
    write_reports(
        &report,
        &args.report,
        annotations,
        &stdout,
        &json::render(&report),
    )?;
    Ok(if report.gate_failed() || !accounts_read {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// The declarations and the providers of the AWS accounts judged together, with drift; false
/// beside the report when an account could not be read.
#[cfg(feature = "aws")]
fn beside_accounts(
    args: &CheckArgs,
    config: &Config,
    policy: &Policy,
    now: Timestamp,
) -> anyhow::Result<(Report, bool)> {
    crate::aws::judge_beside_accounts(args, config, policy, now)
}

#[cfg(not(feature = "aws"))]
fn beside_accounts(
    _: &CheckArgs,
    _: &Config,
    _: &Policy,
    _: Timestamp,
) -> anyhow::Result<(Report, bool)> {
    bail!("this build has no AWS support: --aws needs the `aws` feature")
}

/// The configuration's policy, with `--expiry-days` in force.
pub fn policy_of(config: &Config, args: &ReportArgs) -> Policy {
    let mut policy = config.policy.clone();
    if let Some(days) = args.expiry_days {
        policy.expiry_days = days;
    }
    policy
}

/// A line per result on stderr, at `-v`: its place, resource and status.
pub fn print_verdicts(report: &Report) {
    for result in &report.results {
        let d = &result.declaration;
        if d.has_file() {
            eprintln!(
                "{}:{}: {} {}",
                d.file, d.location.line, d.resource, result.status
            );
        } else {
            eprintln!("{}: {}", d.file, result.status);
        }
    }
}

/// The pipeline `check` and `fix` share: the declarations under `paths` (issuers the
/// configuration maps resolved), their providers observed once each, every declaration
/// judged under `policy` as of `now`.
pub fn judge(
    paths: &[PathBuf],
    discovery: &DiscoveryArgs,
    net: &NetArgs,
    config: &Config,
    policy: &Policy,
    now: Timestamp,
) -> anyhow::Result<Report> {
    let (declarations, notices) = read_declarations(paths, discovery, config)?;
    judge_declarations(&declarations, notices, net, config, policy, now)
}

/// The declarations under `paths`, issuers the configuration maps resolved, and the files
/// that could not be read.
pub fn read_declarations(
    paths: &[PathBuf],
    discovery: &DiscoveryArgs,
    config: &Config,
) -> anyhow::Result<(Vec<Declaration>, Vec<ReadNotice>)> {
    let ctx = ReadContext {
        aws_region: discovery.aws_region.clone(),
    };
    let options = WalkOptions {
        excludes: config
            .excludes
            .iter()
            .chain(&discovery.excludes)
            .cloned()
            .collect(),
    };
    let scan = walk::scan(paths, &options, &ctx)?;
    let mut declarations = scan.declarations;
    resolve_issuers(&mut declarations, &config.issuers);
    Ok((declarations, scan.notices))
}

/// Declarations observed (each issuer and host once) and judged.
pub fn judge_declarations(
    declarations: &[Declaration],
    notices: Vec<ReadNotice>,
    net: &NetArgs,
    config: &Config,
    policy: &Policy,
    now: Timestamp,
) -> anyhow::Result<Report> {
    let observations = observe_declarations(declarations, net, config)?;
    Ok(evaluate(declarations, notices, &observations, policy, now))
}

/// What the declarations need observed, from saved chains or the network.
pub fn observe_declarations(
    declarations: &[Declaration],
    net: &NetArgs,
    config: &Config,
) -> anyhow::Result<Observations> {
    observe(&plan_observations(declarations), net, config)
}

/// "Now", or the date `--at` names.
pub fn judgement_time(at: Option<&str>) -> anyhow::Result<Timestamp> {
    match at {
        Some(text) => Timestamp::parse(text)
            .with_context(|| format!("--at {text:?} is not a date such as 2027-01-31")),
        None => {
            let seconds = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Ok(Timestamp(i64::try_from(seconds).unwrap_or(i64::MAX)))
        }
    }
}

/// Whether GitHub annotations go to stdout. They cannot share it with JSON.
pub fn annotations_on(args: &ReportArgs, common: &CommonArgs) -> anyhow::Result<bool> {
    let json = common.format == OutputFormat::Json;
    match args.annotations {
        Annotations::Never => Ok(false),
        Annotations::Always if json => bail!(
            "--annotations always cannot share stdout with --format json; write the JSON \
             report with --json FILE instead"
        ),
        Annotations::Always => Ok(true),
        Annotations::Auto => {
            Ok(!json && std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"))
        }
    }
}

/// Observations from saved chains (`--offline`) or from the network.
fn observe(plan: &ObservationPlan, net: &NetArgs, config: &Config) -> anyhow::Result<Observations> {
    // A wrong --chains is a usage error whether or not there is anything to observe.
    let saved = match (&net.chains, net.offline) {
        (Some(dir), true) if !dir.is_dir() => bail!("--chains {} is not a folder", dir.display()),
        (Some(dir), true) => Some(dir),
        (None, true) => bail!("--offline needs --chains DIR"),
        (Some(dir), false) => bail!(
            "--chains {} is read only with --offline; add --offline to judge against the saved \
             chains instead of the network",
            dir.display()
        ),
        (None, false) => None,
    };
    if plan.issuers.is_empty() && plan.hosts.is_empty() {
        return Ok(Observations::default());
    }
    match saved {
        Some(dir) => Ok(crate::saved_chains::observe_saved(
            dir,
            &plan.issuers,
            &plan.hosts,
        )),
        None => observe_live(plan, net, config),
    }
}

#[cfg(feature = "net")]
fn observe_live(
    plan: &ObservationPlan,
    net: &NetArgs,
    config: &Config,
) -> anyhow::Result<Observations> {
    let options = crate::net::NetOptions::from_args_and_config(net, config)?;
    Ok(crate::net::observe(&plan.issuers, &plan.hosts, &options))
}

#[cfg(not(feature = "net"))]
fn observe_live(_: &ObservationPlan, _: &NetArgs, _: &Config) -> anyhow::Result<Observations> {
    bail!("this build has no network support; use --offline --chains DIR")
}

/// The report in the format stdout shows.
pub fn stdout_report(report: &Report, common: &CommonArgs) -> String {
    match common.format {
        OutputFormat::Json => json::render(report),
        // Quiet: a gate that passed says nothing; one that failed still says why.
        OutputFormat::Text if common.quiet && !report.gate_failed() => String::new(),
        OutputFormat::Text => text::render(report, output::color_enabled()),
    }
}

/// Every requested output, from the one report: on stdout the annotations (when on) and
/// `body`; in files the reports `args` asks for, `json` being the JSON document.
pub fn write_reports(
    report: &Report,
    args: &ReportArgs,
    annotations: bool,
    body: &str,
    json: &str,
) -> anyhow::Result<()> {
    let commands = github::render(report);

    let mut stdout = String::new();
    if annotations {
        stdout.push_str(&commands.commands);
    }
    stdout.push_str(body);
    output::stdout(&stdout)?;

    if let Some(path) = &args.json {
        output::file(path, json, "JSON report")?;
    }
    if let Some(path) = &args.junit {
        output::file(path, &junit::render(report), "JUnit report")?;
    }
    if let Some(path) = &args.sarif {
        output::file(
            path,
            &sarif::render(report, env!("CARGO_PKG_VERSION")),
            "SARIF report",
        )?;
    }
    let counts = annotations.then_some(&commands.counts);
    match summary_target(args) {
        Some((path, true)) => {
            output::append(&path, &summary::render(report, counts), "job summary")?
        }
        Some((path, false)) => {
            output::file(&path, &summary::render(report, counts), "job summary")?
        }
        None => {}
    }
    Ok(())
}

/// `--summary FILE` (written), else `$GITHUB_STEP_SUMMARY` (appended, as GitHub expects).
fn summary_target(args: &ReportArgs) -> Option<(PathBuf, bool)> {
    if let Some(path) = &args.summary {
        return Some((path.clone(), false));
    }
    std::env::var_os("GITHUB_STEP_SUMMARY")
        .filter(|p| !p.is_empty())
        .map(|p| (PathBuf::from(p), true))
}
