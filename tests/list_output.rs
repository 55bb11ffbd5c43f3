//! What `list` prints: the chosen format alone on stdout, the files that could not be read
//! listed with the declarations, unresolved issuer URLs as expressions, and a count.

mod walk_support;

use walk_support::{command_in, fixture, list_json, stderr_of, stdout_of, Tree};

fn list_text(tree: &Tree, args: &[&str]) -> String {
    let output = command_in(tree.path())
        .arg("list")
        .args(args)
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    stdout_of(&output)
}

#[test]
fn empty_tree_says_nothing_was_found() {
    let tree = Tree::new();
    tree.write("README.md", "# nothing here\n");

    let text = list_text(&tree, &["."]);

    assert!(!text.contains("LOCATION"), "{text}");
    assert!(text.to_lowercase().contains("no "), "{text}");
}

#[test]
fn empty_tree_in_json_has_empty_lists() {
    let tree = Tree::new();

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(
        listed,
        serde_json::json!({"version": 1, "declarations": [], "notices": []})
    );
}

#[test]
fn text_lists_files_that_could_not_be_read_after_the_declarations() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "good/main.tf");
    tree.fixture("truncated.tf", "cut/main.tf");

    let text = list_text(&tree, &["."]);

    let declared = text
        .find("good/main.tf:4:3")
        .expect("the declaration is listed");
    let noticed = text.find("cut/main.tf:").expect("the notice is listed");
    assert!(declared < noticed, "{text}");
    assert!(text.contains("could not be read"), "{text}");
    assert!(text.ends_with("1 declaration found.\n"), "{text}");
}

#[test]
fn unresolved_issuer_url_is_null_with_its_expression() {
    let tree = Tree::new();
    tree.fixture("issuer-from-a-module.tf", "main.tf");

    let listed = list_json(tree.path(), &["."]);

    let declaration = &listed["declarations"][0];
    assert_eq!(declaration["url"], serde_json::Value::Null);
    assert_eq!(declaration["url_expression"], "module.cluster.issuer");
}

#[test]
fn issuer_url_from_the_configuration_resolves_an_expression() {
    let tree = Tree::new();
    tree.fixture("issuer-from-a-module.tf", "main.tf");
    tree.write(
        ".oidc-thumb-check.toml",
        "[issuers]\n\"module.cluster.issuer\" = \"https://idp.example.com\"\n",
    );

    let listed = list_json(tree.path(), &["."]);

    assert_eq!(listed["declarations"][0]["url"], "https://idp.example.com");
}

#[test]
fn verbose_counts_the_files_read_on_stderr_only() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "a/main.tf");
    tree.write("b/stack.yaml", "Resources: {}\n");
    tree.write("README.md", "not read\n");

    let output = command_in(tree.path())
        .args(["list", "--format", "json", "-v", "."])
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr_of(&output).trim(), "read 2 files");
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(listed["declarations"].as_array().map(Vec::len), Some(1));
}

#[test]
fn json_notice_has_file_line_and_message() {
    let tree = Tree::new();
    tree.write("cut.tf", fixture("truncated.tf"));

    let listed = list_json(tree.path(), &["."]);

    let notice = &listed["notices"][0];
    assert_eq!(notice["file"], "cut.tf");
    assert!(
        notice["line"].as_u64().is_some_and(|l| l >= 4),
        "{notice:#}"
    );
    assert!(notice["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn config_file_that_does_not_parse_is_a_usage_error() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "main.tf");
    tree.write(".oidc-thumb-check.toml", "exclude = [\n");

    let output = command_in(tree.path())
        .args(["list", "."])
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(stderr_of(&output).contains(".oidc-thumb-check.toml"));
}
