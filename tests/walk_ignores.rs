//! What the walk leaves out: files ignored by `.gitignore` or `.ignore` (inside a git
//! repository or not), `--exclude` globs and the configuration's `exclude`, hidden folders.

mod walk_support;

use walk_support::{declared_files, fixture, list_json, Tree};

/// A tree with one provider at `kept.tf` and the same provider at each of `others`.
fn tree_with(others: &[&str]) -> Tree {
    let tree = Tree::new();
    tree.fixture("provider.tf", "kept/main.tf");
    for path in others {
        tree.fixture("provider.tf", path);
    }
    tree
}

#[test]
fn gitignore_is_honoured_outside_a_git_repository() {
    let tree = tree_with(&["build/main.tf", "generated/main.tf"]);
    tree.write(".gitignore", "/build/\ngenerated/*.tf\n");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["kept/main.tf"]);
}

#[test]
fn gitignore_of_a_subfolder_applies_below_it() {
    let tree = tree_with(&["infra/old/main.tf", "infra/new/main.tf"]);
    tree.write("infra/.gitignore", "old/\n");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(
        declared_files(&listed),
        ["infra/new/main.tf", "kept/main.tf"]
    );
}

#[test]
fn gitignore_is_honoured_inside_a_git_repository() {
    let tree = tree_with(&["vendor/module/main.tf"]);
    std::fs::create_dir(tree.path().join(".git")).expect("a .git folder");
    tree.write(".gitignore", "vendor/\n");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["kept/main.tf"]);
}

#[test]
fn ignore_file_is_honoured() {
    let tree = tree_with(&["scratch/main.tf"]);
    tree.write(".ignore", "scratch/\n");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["kept/main.tf"]);
}

#[test]
fn negated_gitignore_pattern_brings_a_file_back() {
    let tree = tree_with(&["out/main.tf", "out/keep.tf"]);
    tree.write(".gitignore", "out/*.tf\n!out/keep.tf\n");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["kept/main.tf", "out/keep.tf"]);
}

#[test]
fn exclude_option_leaves_out_matching_paths() {
    let tree = tree_with(&["examples/demo/main.tf", "modules/test/fixtures/main.tf"]);

    let listed = list_json(
        tree.path(),
        &[".", "--exclude", "examples/", "--exclude", "**/fixtures/**"],
    );

    assert_eq!(declared_files(&listed), ["kept/main.tf"]);
}

#[test]
fn exclude_of_the_configuration_file_leaves_out_matching_paths() {
    let tree = tree_with(&["examples/demo/main.tf"]);
    tree.write(".oidc-thumb-check.toml", "exclude = [\"examples/\"]\n");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["kept/main.tf"]);
}

#[test]
fn exclude_of_the_configuration_and_of_the_command_line_add_up() {
    let tree = tree_with(&["examples/main.tf", "sandbox/main.tf"]);
    tree.write(".oidc-thumb-check.toml", "exclude = [\"examples/\"]\n");

    let listed = list_json(tree.path(), &[".", "--exclude", "sandbox/"]);

    assert_eq!(declared_files(&listed), ["kept/main.tf"]);
}

#[test]
fn invalid_exclude_glob_is_a_usage_error_naming_it() {
    let tree = tree_with(&[]);

    let output = walk_support::command_in(tree.path())
        .args(["list", ".", "--exclude", "infra/[z-a"])
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(2));
    let stderr = walk_support::stderr_of(&output);
    assert!(stderr.contains("--exclude \"infra/[z-a\""), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn hidden_folders_such_as_terraform_caches_are_skipped() {
    let tree = tree_with(&[
        ".terraform/modules/iam/main.tf",
        ".cache/main.tf",
        "infra/.terragrunt-cache/x/main.tf",
    ]);

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["kept/main.tf"]);
}

#[test]
fn hidden_folder_named_as_the_root_is_read() {
    let tree = Tree::new();
    tree.fixture("provider.tf", ".infra/main.tf");

    let listed = list_json(tree.path(), &[".infra"]);

    assert_eq!(declared_files(&listed), [".infra/main.tf"]);
}

#[test]
fn invalid_gitignore_line_is_a_notice_and_the_rest_is_read() {
    let tree = tree_with(&["build/main.tf"]);
    tree.write(".gitignore", "build/\nbad[z-a]\n");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["kept/main.tf"]);
    let notices = walk_support::notices_about(&listed, ".gitignore");
    assert_eq!(notices.len(), 1, "{listed:#}");
    assert_eq!(notices[0]["line"], 2, "{listed:#}");
}

#[test]
fn provider_these_trees_are_made_of_is_one_declaration() {
    let tree = Tree::new();
    tree.write("main.tf", fixture("provider.tf"));

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["main.tf"]);
    assert_eq!(listed["declarations"][0]["line"], 4);
}
