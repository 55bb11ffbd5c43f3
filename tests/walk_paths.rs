//! The paths `list` is given: folders are walked, files named explicitly are read as they
//! are, and a path that does not exist is a usage error.

mod walk_support;

use walk_support::{command_in, declared_files, list_json, notices_about, stderr_of, Tree};

#[test]
fn path_that_does_not_exist_exits_2_naming_it() {
    let tree = Tree::new();

    let output = command_in(tree.path())
        .args(["list", "infra/missing"])
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("infra/missing does not exist"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn path_that_does_not_exist_stops_before_any_output_even_beside_good_ones() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");

    let output = command_in(tree.path())
        .args(["list", "infra", "typo"])
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("typo does not exist"));
    assert!(output.stdout.is_empty());
}

#[test]
fn no_path_means_the_current_folder() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");

    let listed = list_json(tree.path(), &[]);

    assert_eq!(declared_files(&listed), ["infra/main.tf"]);
}

#[test]
fn file_named_explicitly_is_read() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");
    tree.fixture("provider.tf", "infra/other.tf");

    let listed = list_json(tree.path(), &["infra/main.tf"]);

    assert_eq!(declared_files(&listed), ["infra/main.tf"]);
}

#[test]
fn overlapping_paths_read_each_file_once() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");
    tree.fixture("alias-bomb.yaml", "stacks/oidc.yaml");
    let absolute = tree.path().join("stacks/oidc.yaml");
    let absolute = absolute.to_str().expect("a UTF-8 path");

    let listed = list_json(
        tree.path(),
        &[
            ".",
            "infra",
            "./infra/main.tf",
            "stacks/oidc.yaml",
            absolute,
        ],
    );

    let mut files = declared_files(&listed);
    files.dedup();
    assert_eq!(declared_files(&listed).len(), 2, "{listed:#}");
    assert_eq!(files, ["infra/main.tf", "stacks/oidc.yaml"]);
}

#[test]
fn file_named_explicitly_is_read_even_when_ignored() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "generated/main.tf");
    tree.write(".gitignore", "generated/\n");

    let listed = list_json(tree.path(), &["generated/main.tf"]);

    assert_eq!(declared_files(&listed), ["generated/main.tf"]);
}

#[test]
fn file_named_explicitly_that_no_reader_reads_is_a_notice() {
    let tree = Tree::new();
    tree.write("notes.txt", "aws_iam_openid_connect_provider\n");

    let listed = list_json(tree.path(), &["notes.txt"]);

    assert_eq!(declared_files(&listed), Vec::<String>::new());
    assert_eq!(notices_about(&listed, "notes.txt").len(), 1, "{listed:#}");
}

#[test]
fn several_folders_are_all_walked() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "a/main.tf");
    tree.fixture("provider.tf", "b/main.tf");
    tree.fixture("provider.tf", "c/main.tf");

    let listed = list_json(tree.path(), &["c", "a"]);

    assert_eq!(declared_files(&listed), ["a/main.tf", "c/main.tf"]);
}

#[test]
fn absolute_path_inside_the_current_folder_is_shown_relative() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");
    let absolute = tree.path().join("infra");

    let listed = list_json(tree.path(), &[absolute.to_str().expect("a UTF-8 path")]);

    assert_eq!(declared_files(&listed), ["infra/main.tf"]);
}

#[test]
fn files_of_other_kinds_are_not_read_in_a_walk() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");
    tree.write("infra/README.md", "aws_iam_openid_connect_provider\n");
    tree.write("infra/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["infra/main.tf"]);
    assert_eq!(listed["notices"], serde_json::json!([]));
}
