//! `fix` on every format it rewrites: a stale file fixed equals its expected file byte for
//! byte, and a second run finds nothing to do and writes nothing.

mod fix_support;
mod support;

use fix_support::{crlf, no_final_newline, Providers, Repo, Run};

#[test]
fn the_test_chains_have_the_thumbprints_the_fixtures_pin() {
    Providers::new();
}

/// Fixes the repository, checks every file against its expected twin, then fixes again and
/// checks that nothing was written the second time.
fn fixes_then_finds_nothing_to_do(repo: &Repo) {
    let run = Run::of(&mut repo.fix());
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.stdout.starts_with("fixed "), "{run}");
    repo.assert_fixed();

    let before = identities(repo);
    let again = Run::of(&mut repo.fix());
    assert_eq!(again.code, Some(0), "{again}");
    assert_eq!(again.stdout, "", "{again}");
    assert!(again.stderr.contains("nothing to rewrite"), "{again}");
    assert_eq!(identities(repo), before, "the second run wrote a file");
    repo.assert_fixed();
}

/// Each fixed file with what changes when it is written again: its inode on unix (a write
/// is a rename onto it), its text elsewhere.
fn identities(repo: &Repo) -> Vec<(String, String)> {
    repo.expected_files()
        .into_iter()
        .map(|file| {
            let path = repo.root().join(&file);
            #[cfg(unix)]
            let identity = {
                use std::os::unix::fs::MetadataExt;
                std::fs::metadata(&path)
                    .expect("a fixed file")
                    .ino()
                    .to_string()
            };
            #[cfg(not(unix))]
            let identity = std::fs::read_to_string(&path).expect("a fixed file");
            (file, identity)
        })
        .collect()
}

#[test]
fn terraform_lists_are_fixed_in_place_and_a_computed_list_is_untouched() {
    fixes_then_finds_nothing_to_do(&Repo::fixture("terraform"));
}

#[test]
fn cloudformation_yaml_block_lists_grow_and_shrink_by_lines() {
    fixes_then_finds_nothing_to_do(&Repo::fixture("cloudformation-yaml-block"));
}

#[test]
fn cloudformation_yaml_flow_lists_keep_their_brackets_and_quotes() {
    fixes_then_finds_nothing_to_do(&Repo::fixture("cloudformation-yaml-flow"));
}

#[test]
fn cloudformation_json_lists_stay_valid_json() {
    let repo = Repo::fixture("cloudformation-json");
    fixes_then_finds_nothing_to_do(&repo);
    let text = repo.read("template.json");
    serde_json::from_str::<serde_json::Value>(&text).expect("the fixed template is JSON");
}

#[test]
fn crossplane_lists_are_fixed_in_every_document() {
    fixes_then_finds_nothing_to_do(&Repo::fixture("crossplane"));
}

#[test]
fn ack_lists_drop_stale_values_and_write_upper_case_in_lower_case() {
    fixes_then_finds_nothing_to_do(&Repo::fixture("ack"));
}

#[test]
fn pulumi_yaml_lists_are_fixed_flow_and_block_alike() {
    fixes_then_finds_nothing_to_do(&Repo::fixture("pulumi-yaml"));
}

#[test]
fn cdk_typescript_lists_are_fixed_and_a_computed_provider_is_untouched() {
    fixes_then_finds_nothing_to_do(&Repo::fixture("cdk-ts"));
}

#[test]
fn cdk_python_constants_are_rewritten_where_they_are_declared() {
    fixes_then_finds_nothing_to_do(&Repo::fixture("cdk-python"));
}

#[test]
fn pulumi_typescript_template_literals_stay_template_literals() {
    fixes_then_finds_nothing_to_do(&Repo::fixture("pulumi-ts"));
}

#[test]
fn pulumi_python_lists_shrink_by_lines_with_their_comments() {
    fixes_then_finds_nothing_to_do(&Repo::fixture("pulumi-python"));
}

#[test]
fn crlf_line_endings_stay_crlf() {
    for fixture in ["terraform", "cloudformation-yaml-block", "pulumi-python"] {
        let repo = Repo::fixture_with(fixture, crlf);
        fixes_then_finds_nothing_to_do(&repo);
        for file in repo.expected_files() {
            let text = repo.read(&file);
            assert!(
                !text.replace("\r\n", "").contains('\n'),
                "{fixture}/{file} has a bare line feed"
            );
        }
    }
}

#[test]
fn a_file_without_a_final_newline_stays_without() {
    for fixture in ["ack", "cloudformation-yaml-flow", "terraform"] {
        let repo = Repo::fixture_with(fixture, no_final_newline);
        fixes_then_finds_nothing_to_do(&repo);
        for file in repo.expected_files() {
            assert!(!repo.read(&file).ends_with('\n'), "{fixture}/{file}");
        }
    }
}
