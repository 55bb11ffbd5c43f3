//! The walk never leaves the root through a symbolic link: neither a linked folder nor a
//! linked file is read, wherever it points.
#![cfg(unix)]

mod walk_support;

use std::os::unix::fs::symlink;
use walk_support::{declared_files, list_json, Tree};

#[test]
fn symlinked_folder_pointing_outside_the_root_is_not_read() {
    let outside = Tree::new();
    outside.fixture("provider.tf", "secret/main.tf");
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");
    symlink(
        outside.path().join("secret"),
        tree.path().join("infra/linked"),
    )
    .expect("symlink");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["infra/main.tf"]);
}

#[test]
fn symlinked_folder_pointing_inside_the_root_is_not_read_twice() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");
    symlink(tree.path().join("infra"), tree.path().join("again")).expect("symlink");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["infra/main.tf"]);
}

#[test]
fn symlinked_file_is_not_read() {
    let outside = Tree::new();
    let target = outside.fixture("provider.tf", "main.tf");
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");
    symlink(&target, tree.path().join("infra/linked.tf")).expect("symlink");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["infra/main.tf"]);
}

#[test]
fn symlink_loop_does_not_stop_the_walk() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");
    symlink(
        tree.path().join("infra/loop"),
        tree.path().join("infra/loop"),
    )
    .expect("symlink");
    symlink(tree.path(), tree.path().join("infra/up")).expect("symlink");

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(declared_files(&listed), ["infra/main.tf"]);
}

#[test]
fn symlinked_file_named_on_the_command_line_is_a_notice_not_a_read() {
    let outside = Tree::new();
    let target = outside.fixture("provider.tf", "main.tf");
    let tree = Tree::new();
    symlink(&target, tree.path().join("linked.tf")).expect("symlink");

    let listed = list_json(tree.path(), &["linked.tf"]);

    assert_eq!(declared_files(&listed), Vec::<String>::new());
    let notices = walk_support::notices_about(&listed, "linked.tf");
    assert_eq!(notices.len(), 1, "{listed:#}");
    assert!(
        notices[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("symbolic link")),
        "{listed:#}"
    );
}
