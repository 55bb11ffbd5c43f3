//! Fixing: which declared thumbprint lists are stale, and the text edits that write the
//! expected list in their place with the file's formatting untouched.
//!
//! The new list is [`DeclarationResult::expected`]: the live top thumbprints of every host and
//! chain variant, then the declared values that still match a live certificate, at most five,
//! lowercase 40-hex (see [`crate::plan_thumbprints`]). A list is stale when its values, as
//! written and in order, are not exactly that list. [`plan_fix`] decides what to do with each
//! declaration; [`fix_file`] turns the decisions for one file into its new text.
//!
//! Every edit is made at the byte spans the readers found in the original text, so everything
//! outside them stays byte for byte: CloudFormation YAML and JSON, Kubernetes and Pulumi YAML
//! (spans from the position-keeping document tree), CDK and Pulumi programs (spans of the
//! string literal tokens), and Terraform, whose spans come from hcl-edit's parse of the file:
//! an edit there keeps formatting and comments exactly as hcl-edit saw them, which is what
//! rewriting "through hcl-edit" means here; the tree itself is never printed again.
//!
//! Never rewritten: lists computed at apply time, lists of declarations whose issuer URL is
//! unresolved or whose provider could not be observed (unreachable, TLS failure, refused
//! address, possible interception: [`DeclarationResult::expected`] is `None` then), Terraform
//! plan JSON (an output of terraform), and values that come from somewhere the span does not
//! point at exactly (another file's variable, a number): each is left alone with the reason.

mod edit;
mod output;
#[cfg(test)]
mod tests;

pub use edit::{apply_edits, fix_file, list_edits, rewrite_list, Edit, EditError, FileFix};
pub use output::{render_json, render_skipped_text, render_text, Change, FixRun, Skipped, VERSION};

use crate::{DeclarationResult, Format, Severity, Thumbprint, ThumbprintList};

/// What fixing does with one declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixPlan {
    /// The list already holds exactly the expected values, in order: nothing to write.
    UpToDate,
    /// The list is stale: write these values in its place.
    Rewrite(Vec<Thumbprint>),
    /// Not rewritten.
    Leave {
        /// Why, for a person: what was found and what to do.
        reason: String,
        /// True when a person must act: the list may be stale and nothing here can tell or
        /// fix it.
        attention: bool,
    },
}

/// Decides what fixing does with a judged declaration.
///
/// A declaration left alone needs attention when check would report it (warning or error)
/// and fixing could not settle it: the provider could not be observed, the issuer URL is
/// unresolved, the list is computed but the result still fails, the file is a Terraform
/// plan. A computed list on its own (a notice) needs nobody.
pub fn plan_fix(result: &DeclarationResult) -> FixPlan {
    let declaration = &result.declaration;
    let reported = result.severity >= Severity::Warning;

    match &declaration.thumbprints {
        ThumbprintList::Dynamic { expression } => {
            return FixPlan::Leave {
                reason: format!(
                    "the thumbprint list is computed at apply time (`{}`); it is never rewritten",
                    one_line(expression)
                ),
                attention: result.severity == Severity::Error,
            }
        }
        ThumbprintList::Absent if declaration.format == Format::Cdk => {
            return FixPlan::Leave {
                reason: "no thumbprints are declared; CDK computes them at deploy time, so \
                         there is nothing to rewrite"
                    .to_string(),
                attention: result.severity == Severity::Error,
            }
        }
        _ => {}
    }

    let Some(expected) = &result.expected else {
        return FixPlan::Leave {
            reason: format!("nothing was written: {}", result.message),
            attention: reported,
        };
    };
    let declared = declaration.thumbprints.values();
    let up_to_date = declared.len() == expected.len()
        && declared
            .iter()
            .zip(expected)
            .all(|(have, want)| have.value == want.to_string());
    if up_to_date {
        return FixPlan::UpToDate;
    }

    if declaration.thumbprints == ThumbprintList::Absent {
        if !reported {
            return FixPlan::UpToDate;
        }
        return FixPlan::Leave {
            reason: format!(
                "no thumbprint list is declared, so there is none to rewrite; add one: {}",
                list_literal(expected)
            ),
            attention: true,
        };
    }
    if declaration.format == Format::TerraformPlan {
        return FixPlan::Leave {
            reason: format!(
                "a Terraform plan is an output of terraform and is never rewritten; fix the \
                 configuration it was made from, then run terraform plan again (expected {})",
                list_literal(expected)
            ),
            attention: true,
        };
    }
    FixPlan::Rewrite(expected.clone())
}

/// The thumbprints as a list literal, `["a", "b"]`: valid HCL, JSON, YAML, TypeScript and
/// Python alike; the form the reports use.
pub fn list_literal(thumbprints: &[Thumbprint]) -> String {
    crate::report::list_literal(thumbprints)
}

/// An expression on one line, cut to a readable length.
fn one_line(text: &str) -> String {
    crate::report::one_line(text, 80)
}
