//! AWS accounts: the OIDC providers IAM holds, as declarations judged the way files are, and
//! the thumbprint updates planned (and made) for them, in text and versioned JSON.
//!
//! A provider becomes a [`Declaration`] whose `file` is its ARN, whose `resource` is the URL
//! as IAM names it (without a scheme), and whose location is empty: it has no line. The new
//! list of an update is [`DeclarationResult::expected`]: the live top thumbprints of every
//! host and chain variant, then the existing values that still match a live certificate, at
//! most five, order stable. There is none when a host could not be observed, refused its
//! address or looks intercepted, so such a provider is never updated.

use crate::report::json::CheckOutput;
use crate::report::pretty_json;
use crate::{
    Declaration, DeclarationResult, DeclaredThumbprint, Format, IssuerUrl, Report, Span,
    Thumbprint, ThumbprintList,
};
use serde::Serialize;

/// The version of the `aws` JSON output, which is the `check` output with the updates added.
pub const VERSION: u32 = crate::report::json::VERSION;

/// An OIDC provider as IAM returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountProvider {
    /// Its ARN.
    pub arn: String,
    /// The issuer URL as IAM keeps it: without `https://`.
    pub url: String,
    /// Its thumbprints, in IAM's order.
    pub thumbprints: Vec<String>,
}

/// The issuer URL of a provider: IAM's URL with `https://` in front (kept when it already has
/// a scheme).
///
/// ```
/// use oidc_thumb_core::account::issuer_url;
/// assert_eq!(issuer_url("token.actions.githubusercontent.com"), "https://token.actions.githubusercontent.com");
/// assert_eq!(issuer_url("https://idp.example.com/realm"), "https://idp.example.com/realm");
/// ```
pub fn issuer_url(iam_url: &str) -> String {
    let trimmed = iam_url.trim();
    if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    }
}

/// The provider as a declaration, so the same evaluation, policy and reports apply to it.
pub fn declaration_of(provider: &AccountProvider) -> Declaration {
    Declaration {
        file: provider.arn.clone(),
        format: Format::AwsAccount,
        resource: provider.url.trim().to_string(),
        location: Span::default(),
        url: IssuerUrl::Known {
            url: issuer_url(&provider.url),
            expression: None,
        },
        thumbprints: literal(provider.thumbprints.iter().cloned()),
        suppressions: Vec::new(),
    }
}

/// What updating does with one judged provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpdatePlan {
    /// IAM already holds exactly the expected list, in order.
    UpToDate,
    /// Replace the list with these values.
    Update(Vec<Thumbprint>),
    /// Not updated, and why.
    Leave(String),
}

/// Decides what updating does with a judged provider: nothing without an expected list (the
/// observation failed, was refused or looks intercepted), nothing when IAM holds that list
/// already, else the expected list. Applying the new list and judging again plans nothing.
pub fn plan_update(result: &DeclarationResult) -> UpdatePlan {
    let Some(expected) = &result.expected else {
        return UpdatePlan::Leave(format!(
            "not updated: the live chains could not all be observed: {}",
            result.message
        ));
    };
    let held: Vec<Option<Thumbprint>> = result
        .declaration
        .thumbprints
        .values()
        .iter()
        .map(|v| v.value.parse::<Thumbprint>().ok())
        .collect();
    let same = held.len() == expected.len()
        && held
            .iter()
            .zip(expected)
            .all(|(have, want)| have.as_ref() == Some(want));
    if same {
        UpdatePlan::UpToDate
    } else {
        UpdatePlan::Update(expected.clone())
    }
}

/// The update plan of a judged report: an update for every provider whose list is stale, the
/// providers that could not be judged left with why, ARN order kept from the report.
pub fn plan_updates(report: &Report, apply: bool) -> AccountRun {
    let mut run = AccountRun {
        apply,
        ..AccountRun::default()
    };
    for result in &report.results {
        let declaration = &result.declaration;
        match plan_update(result) {
            UpdatePlan::UpToDate => {}
            UpdatePlan::Update(after) => run.updates.push(Update {
                arn: declaration.file.clone(),
                before: declaration
                    .thumbprints
                    .values()
                    .iter()
                    .map(|v| v.value.clone())
                    .collect(),
                after,
                outcome: Outcome::Planned,
            }),
            UpdatePlan::Leave(reason) => run.left.push(Left {
                arn: declaration.file.clone(),
                reason,
            }),
        }
    }
    run
}

/// The providers as IAM holds them after the run: each applied update's list in place of the
/// one it replaced, every other provider as it was.
pub fn after_updates(declarations: &[Declaration], updates: &[Update]) -> Vec<Declaration> {
    declarations
        .iter()
        .map(|declaration| {
            let applied = updates
                .iter()
                .find(|u| u.arn == declaration.file && u.outcome == Outcome::Applied);
            match applied {
                Some(update) => {
                    let mut after = declaration.clone();
                    after.thumbprints = literal(update.after.iter().map(ToString::to_string));
                    after
                }
                None => declaration.clone(),
            }
        })
        .collect()
}

fn literal(values: impl Iterator<Item = String>) -> ThumbprintList {
    ThumbprintList::Literal {
        values: values
            .map(|value| DeclaredThumbprint {
                value,
                span: Span::default(),
            })
            .collect(),
        span: Span::default(),
    }
}

/// Everything one `aws` run planned, made and left.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountRun {
    /// True with `--apply`: the updates were attempted, not only planned.
    pub apply: bool,
    /// The providers whose list is (or would be) replaced, in ARN order.
    pub updates: Vec<Update>,
    /// The providers left alone although their list may be stale, with why.
    pub left: Vec<Left>,
}

/// One provider's list replaced, or to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    /// The provider's ARN.
    pub arn: String,
    /// The values IAM held.
    pub before: Vec<String>,
    /// The values to hold.
    pub after: Vec<Thumbprint>,
    /// Planned, made, or failed.
    pub outcome: Outcome,
}

/// What became of an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Planned only: the run had no `--apply`.
    Planned,
    /// IAM accepted the new list.
    Applied,
    /// IAM refused it, or could not be reached: the message says why.
    Failed(String),
}

/// A provider not updated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Left {
    /// The provider's ARN.
    pub arn: String,
    /// Why, and what to do.
    pub reason: String,
}

impl AccountRun {
    /// True when an update was attempted and failed.
    pub fn failed(&self) -> bool {
        self.updates
            .iter()
            .any(|u| matches!(u.outcome, Outcome::Failed(_)))
    }
}

/// The plan, or what was done: per provider its ARN, the list before and after (every value in
/// full, for review), then the providers left alone, then one closing sentence.
pub fn render_text(run: &AccountRun) -> String {
    let mut out = String::new();
    for update in &run.updates {
        let heading = match &update.outcome {
            Outcome::Planned => format!("would update {}", update.arn),
            Outcome::Applied => format!("updated {}", update.arn),
            Outcome::Failed(reason) => format!("failed to update {}: {reason}", update.arn),
        };
        out.push_str(&heading);
        out.push('\n');
        out.push_str(&format!("  before: {}\n", joined(&update.before)));
        let after: Vec<String> = update.after.iter().map(ToString::to_string).collect();
        out.push_str(&format!("  after:  {}\n", joined(&after)));
    }
    for left in &run.left {
        out.push_str(&format!("left {}: {}\n", left.arn, left.reason));
    }
    out.push_str(&closing_sentence(run));
    out.push('\n');
    out
}

fn joined(values: &[String]) -> String {
    if values.is_empty() {
        "(none)".to_string()
    } else {
        values.join(", ")
    }
}

fn closing_sentence(run: &AccountRun) -> String {
    let count =
        |outcome: fn(&Outcome) -> bool| run.updates.iter().filter(|u| outcome(&u.outcome)).count();
    let providers = |n: usize| crate::report::count(n, "provider", "providers");
    if run.updates.is_empty() {
        return "No thumbprint list to update.".to_string();
    }
    if !run.apply {
        return format!(
            "{} would be updated; nothing was changed: run again with --apply to update.",
            providers(run.updates.len())
        );
    }
    let applied = count(|o| *o == Outcome::Applied);
    let failed = count(|o| matches!(o, Outcome::Failed(_)));
    if failed == 0 {
        format!("{} updated.", providers(applied))
    } else {
        format!("{} updated, {failed} failed.", providers(applied))
    }
}

/// The `check` JSON report with `apply`, `updates` and `left` added: pretty-printed, ending
/// with a newline.
pub fn render_json(report: &Report, run: &AccountRun) -> String {
    let output = AwsOutput {
        check: CheckOutput::of(report),
        apply: run.apply,
        updates: run.updates.iter().map(UpdateOutput::of).collect(),
        left: run
            .left
            .iter()
            .map(|l| LeftOutput {
                arn: &l.arn,
                reason: &l.reason,
            })
            .collect(),
    };
    pretty_json(&output)
}

#[derive(Serialize)]
struct AwsOutput<'a> {
    #[serde(flatten)]
    check: CheckOutput<'a>,
    apply: bool,
    updates: Vec<UpdateOutput<'a>>,
    left: Vec<LeftOutput<'a>>,
}

#[derive(Serialize)]
struct UpdateOutput<'a> {
    arn: &'a str,
    before: &'a [String],
    after: Vec<String>,
    /// `planned`, `updated` or `failed`.
    status: &'static str,
    error: Option<&'a str>,
}

impl<'a> UpdateOutput<'a> {
    fn of(update: &'a Update) -> UpdateOutput<'a> {
        let (status, error) = match &update.outcome {
            Outcome::Planned => ("planned", None),
            Outcome::Applied => ("updated", None),
            Outcome::Failed(reason) => ("failed", Some(reason.as_str())),
        };
        UpdateOutput {
            arn: &update.arn,
            before: &update.before,
            after: update.after.iter().map(ToString::to_string).collect(),
            status,
            error,
        }
    }
}

#[derive(Serialize)]
struct LeftOutput<'a> {
    arn: &'a str,
    reason: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        evaluate, ChainVariant, Endpoint, HostObservation, Observations, Policy, PresentedChain,
        Status, Timestamp, Verification,
    };

    fn provider(thumbprints: &[&str]) -> AccountProvider {
        AccountProvider {
            arn: "arn:aws:iam::111111111111:oidc-provider/idp.example.com".to_string(),
            url: "idp.example.com".to_string(),
            thumbprints: thumbprints.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn a_provider_is_a_declaration_named_by_its_arn_with_an_https_url() {
        let declaration = declaration_of(&provider(&["aa".repeat(20).as_str()]));
        assert_eq!(declaration.file, provider(&[]).arn);
        assert_eq!(declaration.resource, "idp.example.com");
        assert_eq!(declaration.url.url().unwrap(), "https://idp.example.com");
        assert_eq!(declaration.location.line, 0);
        assert!(!declaration.has_file());
        assert_eq!(declaration.format.as_str(), "aws");
    }

    #[test]
    fn an_unobserved_provider_is_left_alone() {
        let declarations = [declaration_of(&provider(&[]))];
        let now = Timestamp::parse("2026-06-01").unwrap();
        let report = evaluate(
            &declarations,
            Vec::new(),
            &Observations::default(),
            &Policy::default(),
            now,
        );
        let result = &report.results[0];
        assert_eq!(result.status, Status::Unreachable);
        assert!(
            matches!(plan_update(result), UpdatePlan::Leave(reason) if reason.contains("not updated"))
        );
    }

    /// A self-signed chain for `idp.example.com`, observed as `verification` says, at public
    /// addresses.
    fn observed(verification: Verification) -> (Observations, Thumbprint) {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["idp.example.com".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let chain = PresentedChain::from_der([cert.der().as_ref()]).unwrap();
        let top = chain.top_thumbprint();
        let endpoint = Endpoint {
            host: "idp.example.com".to_string(),
            port: 443,
        };
        let observations = Observations {
            issuers: Vec::new(),
            hosts: vec![HostObservation {
                endpoint,
                result: Ok(vec![ChainVariant {
                    addresses: vec!["192.0.2.1".to_string()],
                    chain,
                    verification,
                    via_proxy: false,
                    public_addresses: true,
                }]),
                notes: Vec::new(),
            }],
        };
        (observations, top)
    }

    fn judged(declarations: &[Declaration], observations: &Observations) -> Report {
        let now = Timestamp::parse("2026-06-01").unwrap();
        evaluate(
            declarations,
            Vec::new(),
            observations,
            &Policy::default(),
            now,
        )
    }

    #[test]
    fn an_intercepted_chain_is_never_written_to_iam() {
        let (observations, _) = observed(Verification::Unverified {
            reason: "unknown issuer".to_string(),
        });
        let declarations = [declaration_of(&provider(&[&"11".repeat(20)]))];

        let report = judged(&declarations, &observations);

        assert_eq!(report.results[0].status, Status::Interception);
        let run = plan_updates(&report, true);
        assert!(run.updates.is_empty());
        assert_eq!(run.left.len(), 1);
    }

    #[test]
    fn a_list_once_applied_plans_nothing_more() {
        let (observations, top) = observed(Verification::Saved);
        let stale = "11".repeat(20);
        let declarations = [declaration_of(&provider(&[&stale]))];

        let mut run = plan_updates(&judged(&declarations, &observations), true);
        assert_eq!(run.updates.len(), 1);
        assert_eq!(run.updates[0].before, [stale]);
        assert_eq!(run.updates[0].after, [top]);
        run.updates[0].outcome = Outcome::Applied;
        let after = after_updates(&declarations, &run.updates);

        let again = plan_updates(&judged(&after, &observations), true);
        assert_eq!(
            again,
            AccountRun {
                apply: true,
                ..AccountRun::default()
            }
        );
    }

    #[test]
    fn a_plan_says_nothing_was_changed() {
        let run = AccountRun {
            apply: false,
            updates: vec![Update {
                arn: "arn:x".to_string(),
                before: Vec::new(),
                after: vec![Thumbprint::from_bytes([0xab; 20])],
                outcome: Outcome::Planned,
            }],
            left: Vec::new(),
        };
        let text = render_text(&run);
        assert!(text.starts_with("would update arn:x\n  before: (none)\n"));
        assert!(text.ends_with(
            "1 provider would be updated; nothing was changed: run again with --apply to update.\n"
        ));
    }
}
