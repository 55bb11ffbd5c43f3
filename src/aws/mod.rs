//! `aws`: the OIDC providers of live AWS accounts, judged exactly as `check` judges the
//! repository's declarations, their stale thumbprint lists updated with `--apply`; and the
//! accounts beside the repository for `check --aws`.
//!
//! Exit codes: 0 every provider passed (after the updates, with `--apply`); 1 a finding at
//! error level, an account that could not be read, or an update IAM refused; 2 the invocation
//! or the configuration is wrong.

mod iam;

use crate::check_cmd::{
    annotations_on, judge_declarations, judgement_time, observe_declarations, policy_of,
    print_verdicts, read_declarations, stdout_report, write_reports,
};
use crate::cli::{AccountArgs, AwsArgs, CheckArgs, OutputFormat};
use crate::config::Config;
use crate::net::NetOptions;
use crate::{EXIT_FAILED, EXIT_OK};
use iam::Accounts;
use oidc_thumb_core::account::{
    after_updates, declaration_of, plan_updates, render_json, render_text,
};
use oidc_thumb_core::{add_drift, evaluate, Declaration, Policy, Report, Timestamp};
use std::time::Duration;

/// What the text output says when the accounts read hold no OIDC provider.
const NO_PROVIDER: &str = "No OIDC provider in the AWS accounts read.\n";

/// Runs `aws`: reads the accounts, judges their providers, prints the plan or makes it.
pub fn run(args: &AwsArgs) -> anyhow::Result<u8> {
    let config = Config::load(args.common.config.as_deref())?;
    let now = judgement_time(args.report.at.as_deref())?;
    let annotations = annotations_on(&args.report, &args.common)?;
    let policy = policy_of(&config, &args.report);
    crate::net::set_verbosity(args.common.verbose);

    let timeout = NetOptions::from_args_and_config(&args.net, &config)?.timeout;
    let accounts = read_accounts(&args.account, timeout, args.common.verbose)?;
    let mut declarations: Vec<Declaration> =
        accounts.providers().iter().map(declaration_of).collect();
    let observations = observe_declarations(&declarations, &args.net, &config)?;
    let mut report = evaluate(&declarations, Vec::new(), &observations, &policy, now);

    let mut run = plan_updates(&report, args.apply);
    if args.apply && !run.updates.is_empty() {
        accounts.apply(&mut run.updates);
        // Judged again against the same observations, the report says what IAM holds now.
        declarations = after_updates(&declarations, &run.updates);
        report = evaluate(&declarations, Vec::new(), &observations, &policy, now);
    }
    if args.common.verbose > 0 {
        print_verdicts(&report);
    }

    let json = render_json(&report, &run);
    let body = match args.common.format {
        OutputFormat::Json => json.clone(),
        OutputFormat::Text if report.results.is_empty() => NO_PROVIDER.to_string(),
        OutputFormat::Text => {
            let mut text = stdout_report(&report, &args.common);
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&render_text(&run));
            text
        }
    };
    write_reports(&report, &args.report, annotations, &body, &json)?;

    let failed = report.gate_failed() || run.failed() || !accounts.errors().is_empty();
    Ok(if failed { EXIT_FAILED } else { EXIT_OK })
}

/// `check --aws`: the repository's declarations and the accounts' providers judged together
/// (each host observed once), with drift between them; false beside the report when an
/// account could not be read.
pub fn judge_beside_accounts(
    args: &CheckArgs,
    config: &Config,
    policy: &Policy,
    now: Timestamp,
) -> anyhow::Result<(Report, bool)> {
    let timeout = NetOptions::from_args_and_config(&args.net, config)?.timeout;
    let accounts = read_accounts(&args.account, timeout, args.common.verbose)?;
    let (mut declarations, notices) = read_declarations(&args.paths, &args.discovery, config)?;
    declarations.extend(accounts.providers().iter().map(declaration_of));

    let mut report = judge_declarations(&declarations, notices, &args.net, config, policy, now)?;
    let every_account_read = accounts.errors().is_empty();
    add_drift(&mut report, policy, every_account_read);
    Ok((report, every_account_read))
}

/// The accounts read, each one that could not be read named on stderr.
fn read_accounts(args: &AccountArgs, timeout: Duration, verbose: u8) -> anyhow::Result<Accounts> {
    let accounts = Accounts::read(args, timeout)?;
    if verbose > 0 {
        for line in accounts.describe() {
            eprintln!("{line}");
        }
    }
    for error in accounts.errors() {
        eprintln!(
            "error: cannot read the OIDC providers of {error}\n  check the credentials (the \
             environment, --profile), the role's trust policy and permissions, --region and \
             --endpoint-url"
        );
    }
    Ok(accounts)
}
