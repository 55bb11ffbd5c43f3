//! The workflow files are valid: every .github/workflows/*.yml, action.yml, the workflows and
//! jobs the README gives to copy, and .pre-commit-hooks.yaml, parsed and checked against the
//! keys GitHub (GitLab, pre-commit) accepts, with the references of every expression resolved:
//! steps, jobs, matrix variables, inputs, and the inputs and outputs of this action.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use yaml_rust2::{Yaml, YamlLoader};

/// How users name this action: `uses: ACTION_REPOSITORY@v1`.
const ACTION_REPOSITORY: &str = "oidc-thumb-check/oidc-thumb-check";

const WORKFLOW_KEYS: &[&str] = &[
    "name",
    "run-name",
    "on",
    "permissions",
    "env",
    "defaults",
    "concurrency",
    "jobs",
];
const EVENTS: &[&str] = &[
    "branch_protection_rule",
    "check_run",
    "check_suite",
    "create",
    "delete",
    "deployment",
    "deployment_status",
    "discussion",
    "discussion_comment",
    "fork",
    "gollum",
    "issue_comment",
    "issues",
    "label",
    "merge_group",
    "milestone",
    "page_build",
    "public",
    "pull_request",
    "pull_request_review",
    "pull_request_review_comment",
    "pull_request_target",
    "push",
    "registry_package",
    "release",
    "repository_dispatch",
    "schedule",
    "status",
    "watch",
    "workflow_call",
    "workflow_dispatch",
    "workflow_run",
];
const FILTERED_EVENT_KEYS: &[&str] = &[
    "branches",
    "branches-ignore",
    "tags",
    "tags-ignore",
    "paths",
    "paths-ignore",
    "types",
];
const DISPATCH_INPUT_KEYS: &[&str] = &["description", "required", "default", "type", "options"];
const DISPATCH_INPUT_TYPES: &[&str] = &["string", "boolean", "choice", "number", "environment"];
const PERMISSION_SCOPES: &[&str] = &[
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
];
const JOB_KEYS: &[&str] = &[
    "name",
    "permissions",
    "needs",
    "if",
    "runs-on",
    "environment",
    "concurrency",
    "outputs",
    "env",
    "defaults",
    "steps",
    "timeout-minutes",
    "strategy",
    "continue-on-error",
    "container",
    "services",
    "uses",
    "with",
    "secrets",
];
const STEP_KEYS: &[&str] = &[
    "id",
    "if",
    "name",
    "uses",
    "run",
    "working-directory",
    "shell",
    "with",
    "env",
    "continue-on-error",
    "timeout-minutes",
];
const STRATEGY_KEYS: &[&str] = &["matrix", "fail-fast", "max-parallel"];
const CONTEXTS: &[&str] = &[
    "github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix",
    "needs", "inputs",
];
const FUNCTIONS: &[&str] = &[
    "contains",
    "startsWith",
    "endsWith",
    "format",
    "join",
    "toJSON",
    "fromJSON",
    "hashFiles",
    "success",
    "always",
    "cancelled",
    "failure",
];
const ACTION_KEYS: &[&str] = &[
    "name",
    "author",
    "description",
    "inputs",
    "outputs",
    "runs",
    "branding",
];
const ACTION_INPUT_KEYS: &[&str] = &["description", "required", "default", "deprecationMessage"];
const BRANDING_COLORS: &[&str] = &[
    "white",
    "black",
    "yellow",
    "blue",
    "green",
    "orange",
    "red",
    "purple",
    "gray-dark",
];
const HOOK_KEYS: &[&str] = &[
    "id",
    "name",
    "entry",
    "language",
    "description",
    "files",
    "exclude",
    "types",
    "types_or",
    "exclude_types",
    "always_run",
    "fail_fast",
    "verbose",
    "pass_filenames",
    "require_serial",
    "language_version",
    "minimum_pre_commit_version",
    "args",
    "stages",
];
const HOOK_LANGUAGES: &[&str] = &[
    "conda",
    "coursier",
    "dart",
    "docker",
    "docker_image",
    "dotnet",
    "fail",
    "golang",
    "haskell",
    "julia",
    "lua",
    "node",
    "perl",
    "pygrep",
    "python",
    "r",
    "ruby",
    "rust",
    "swift",
    "script",
    "system",
];

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parse(text: &str, origin: &str) -> Yaml {
    let mut documents = YamlLoader::load_from_str(text)
        .unwrap_or_else(|error| panic!("{origin} is not YAML: {error}"));
    assert_eq!(documents.len(), 1, "{origin} holds one YAML document");
    documents.remove(0)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Problems found, each with where it is; the test fails listing them all.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, place: &str, problem: impl AsRef<str>) {
        self.0.push(format!("{place}: {}", problem.as_ref()));
    }

    fn assert_none(self) {
        assert!(self.0.is_empty(), "\n{}", self.0.join("\n"));
    }
}

/// The keys of a mapping as strings; a problem for a non-mapping or a non-string key.
fn keys<'a>(value: &'a Yaml, place: &str, problems: &mut Problems) -> Vec<&'a str> {
    let Some(hash) = value.as_hash() else {
        problems.add(place, "expected a mapping");
        return Vec::new();
    };
    hash.keys()
        .filter_map(|key| {
            let name = key.as_str();
            if name.is_none() {
                problems.add(place, format!("the key {key:?} is not a string"));
            }
            name
        })
        .collect()
}

fn only_known_keys(value: &Yaml, known: &[&str], place: &str, problems: &mut Problems) {
    for key in keys(value, place, problems) {
        if !known.contains(&key) {
            problems.add(place, format!("unknown key `{key}`"));
        }
    }
}

fn strings(value: &Yaml) -> Vec<&str> {
    match value {
        Yaml::String(text) => vec![text.as_str()],
        Yaml::Array(items) => items.iter().filter_map(Yaml::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The text inside every `${{ }}` of a string.
fn expressions(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        match rest[start..].find("}}") {
            Some(end) => {
                found.push(rest[start + 3..start + end].trim());
                rest = &rest[start + end + 2..];
            }
            None => {
                found.push("<unclosed>");
                break;
            }
        }
    }
    found
}

/// The dotted names an expression refers to (`steps.check.outputs.failed`), string literals
/// and numbers left out.
fn references(expression: &str) -> Vec<String> {
    let chars: Vec<char> = expression.chars().collect();
    let mut names = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        if c == '\'' {
            index += 1;
            while index < chars.len() {
                if chars[index] == '\'' {
                    if chars.get(index + 1) == Some(&'\'') {
                        index += 2;
                        continue;
                    }
                    break;
                }
                index += 1;
            }
            index += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = index;
            while index < chars.len()
                && (chars[index].is_ascii_alphanumeric() || "_-.*".contains(chars[index]))
            {
                index += 1;
            }
            names.push(chars[start..index].iter().collect());
        } else if c.is_ascii_digit() {
            while index < chars.len()
                && (chars[index].is_ascii_alphanumeric() || chars[index] == '.')
            {
                index += 1;
            }
        } else {
            index += 1;
        }
    }
    names
}

/// The action's declared inputs and outputs.
struct Action {
    inputs: BTreeSet<String>,
    outputs: BTreeSet<String>,
}

fn load_action() -> (Yaml, Action) {
    let doc = parse(&read(&repository().join("action.yml")), "action.yml");
    let names = |key: &str| -> BTreeSet<String> {
        doc[key]
            .as_hash()
            .map(|hash| {
                hash.keys()
                    .filter_map(Yaml::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let action = Action {
        inputs: names("inputs"),
        outputs: names("outputs"),
    };
    (doc, action)
}

/// What the expressions of one job may refer to.
struct Scope<'a> {
    step_ids: Vec<String>,
    our_action_steps: Vec<String>,
    needs: Vec<String>,
    matrix: BTreeSet<String>,
    workflow_inputs: &'a BTreeSet<String>,
    action: &'a Action,
}

fn check_expression(expression: &str, scope: &Scope, place: &str, problems: &mut Problems) {
    for name in references(expression) {
        let parts: Vec<&str> = name.split('.').collect();
        let root = parts[0];
        if ["true", "false", "null"].contains(&root) || FUNCTIONS.contains(&root) {
            continue;
        }
        if !CONTEXTS.contains(&root) {
            problems.add(
                place,
                format!("`{expression}` refers to an unknown name `{root}`"),
            );
            continue;
        }
        let member = parts.get(1).copied().unwrap_or("");
        match root {
            "steps" => {
                if !scope.step_ids.iter().any(|id| id == member) {
                    problems.add(place, format!("`{expression}`: no step with id `{member}`"));
                } else if scope.our_action_steps.iter().any(|id| id == member)
                    && parts.get(2) == Some(&"outputs")
                {
                    let output = parts.get(3).copied().unwrap_or("");
                    if !scope.action.outputs.contains(output) {
                        problems.add(
                            place,
                            format!("`{expression}`: the action has no output `{output}`"),
                        );
                    }
                }
            }
            "needs" if !scope.needs.iter().any(|job| job == member) => {
                problems.add(place, format!("`{expression}`: `{member}` is not in needs"));
            }
            "matrix" if !scope.matrix.contains(member) => {
                problems.add(
                    place,
                    format!("`{expression}`: the matrix has no `{member}`"),
                );
            }
            "inputs" if !scope.workflow_inputs.contains(member) => {
                problems.add(
                    place,
                    format!("`{expression}`: the workflow has no input `{member}`"),
                );
            }
            _ => {}
        }
    }
}

/// Every string below `value`, with the expressions in it checked.
fn check_expressions_below(value: &Yaml, scope: &Scope, place: &str, problems: &mut Problems) {
    match value {
        Yaml::String(text) => {
            for expression in expressions(text) {
                check_expression(expression, scope, place, problems);
            }
        }
        Yaml::Array(items) => {
            for item in items {
                check_expressions_below(item, scope, place, problems);
            }
        }
        Yaml::Hash(hash) => {
            for item in hash.values() {
                check_expressions_below(item, scope, place, problems);
            }
        }
        _ => {}
    }
}

/// An `if:` is an expression with or without `${{ }}`.
fn check_condition(value: &Yaml, scope: &Scope, place: &str, problems: &mut Problems) {
    match value {
        Yaml::String(text) if text.contains("${{") => {
            check_expressions_below(value, scope, place, problems)
        }
        Yaml::String(text) => check_expression(text, scope, place, problems),
        Yaml::Boolean(_) | Yaml::BadValue => {}
        other => problems.add(place, format!("`if` is {other:?}, not an expression")),
    }
}

fn check_permissions(value: &Yaml, place: &str, problems: &mut Problems) {
    match value {
        Yaml::BadValue => {}
        Yaml::String(text) if text == "read-all" || text == "write-all" => {}
        Yaml::Hash(hash) => {
            for (scope, level) in hash {
                let scope = scope.as_str().unwrap_or("");
                let level = level.as_str().unwrap_or("");
                if !PERMISSION_SCOPES.contains(&scope) {
                    problems.add(place, format!("unknown permission `{scope}`"));
                }
                if !["read", "write", "none"].contains(&level) {
                    problems.add(
                        place,
                        format!("permission {scope}: `{level}` is not read, write or none"),
                    );
                }
            }
        }
        other => problems.add(place, format!("permissions: {other:?}")),
    }
}

/// The events of `on`, with their filters checked; returns the workflow's inputs.
fn check_events(on: &Yaml, place: &str, problems: &mut Problems) -> BTreeSet<String> {
    let mut inputs = BTreeSet::new();
    let events: Vec<(&str, &Yaml)> = match on {
        Yaml::String(event) => vec![(event.as_str(), &Yaml::Null)],
        Yaml::Array(items) => items
            .iter()
            .filter_map(Yaml::as_str)
            .map(|e| (e, &Yaml::Null))
            .collect(),
        Yaml::Hash(hash) => hash
            .iter()
            .map(|(k, v)| (k.as_str().unwrap_or(""), v))
            .collect(),
        _ => {
            problems.add(place, "`on` must name events");
            return inputs;
        }
    };
    if events.is_empty() {
        problems.add(place, "`on` names no event");
    }
    for (event, config) in events {
        let here = format!("{place}: on.{event}");
        if !EVENTS.contains(&event) {
            problems.add(&here, "unknown event");
            continue;
        }
        match event {
            "push" | "pull_request" | "pull_request_target" if !config.is_null() => {
                only_known_keys(config, FILTERED_EVENT_KEYS, &here, problems);
                for (a, b) in [
                    ("branches", "branches-ignore"),
                    ("paths", "paths-ignore"),
                    ("tags", "tags-ignore"),
                ] {
                    if !config[a].is_badvalue() && !config[b].is_badvalue() {
                        problems.add(&here, format!("{a} and {b} cannot both be set"));
                    }
                }
            }
            "schedule" => {
                let Some(entries) = config.as_vec().filter(|entries| !entries.is_empty()) else {
                    problems.add(&here, "schedule needs a list of cron entries");
                    continue;
                };
                for entry in entries {
                    only_known_keys(entry, &["cron"], &here, problems);
                    let fields = entry["cron"]
                        .as_str()
                        .map(|cron| cron.split_whitespace().count());
                    if fields != Some(5) {
                        problems.add(&here, format!("cron {:?} needs five fields", entry["cron"]));
                    }
                }
            }
            "workflow_dispatch" | "workflow_call" if !config.is_null() => {
                let allowed: &[&str] = if event == "workflow_call" {
                    &["inputs", "outputs", "secrets"]
                } else {
                    &["inputs"]
                };
                only_known_keys(config, allowed, &here, problems);
                for name in keys(&config["inputs"], &here, problems) {
                    let input = &config["inputs"][name];
                    only_known_keys(
                        input,
                        DISPATCH_INPUT_KEYS,
                        &format!("{here}.inputs.{name}"),
                        problems,
                    );
                    if let Some(kind) = input["type"].as_str() {
                        if !DISPATCH_INPUT_TYPES.contains(&kind) {
                            problems.add(&here, format!("input {name}: unknown type {kind}"));
                        }
                    }
                    inputs.insert(name.to_owned());
                }
            }
            _ if !config.is_null() => only_known_keys(config, &["types"], &here, problems),
            _ => {}
        }
    }
    inputs
}

fn check_uses(
    uses: &str,
    with: &Yaml,
    action: &Action,
    place: &str,
    problems: &mut Problems,
) -> bool {
    let ours = uses == "./" || uses.starts_with(&format!("{ACTION_REPOSITORY}@"));
    if let Some(path) = uses.strip_prefix("./") {
        if !repository().join(path).join("action.yml").is_file() {
            problems.add(place, format!("uses {uses}: no action.yml there"));
        }
    } else if !uses.starts_with("docker://") {
        let valid = uses.split_once('@').is_some_and(|(name, reference)| {
            let parts: Vec<&str> = name.split('/').collect();
            parts.len() >= 2 && parts.iter().all(|part| !part.is_empty()) && !reference.is_empty()
        });
        if !valid {
            problems.add(
                place,
                format!("uses {uses}: expected OWNER/REPO[/PATH]@REF"),
            );
        }
    }
    if ours {
        for name in keys(with, place, problems) {
            if !action.inputs.contains(name) {
                problems.add(place, format!("with.{name}: action.yml has no such input"));
            }
        }
    }
    ours
}

fn check_job(
    id: &str,
    job: &Yaml,
    jobs: &[&str],
    workflow_inputs: &BTreeSet<String>,
    action: &Action,
    place: &str,
    problems: &mut Problems,
) {
    let place = format!("{place}: jobs.{id}");
    only_known_keys(job, JOB_KEYS, &place, problems);
    if !id
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        problems.add(
            &place,
            "a job id starts with a letter or _ and holds letters, digits, - and _",
        );
    }
    if !job["uses"].is_badvalue() {
        return;
    }
    if job["runs-on"].is_badvalue() {
        problems.add(&place, "runs-on is missing");
    }
    check_permissions(&job["permissions"], &place, problems);
    let needs: Vec<String> = strings(&job["needs"])
        .into_iter()
        .map(str::to_owned)
        .collect();
    for need in &needs {
        if !jobs.contains(&need.as_str()) || need == id {
            problems.add(&place, format!("needs `{need}`, which is not another job"));
        }
    }

    let mut matrix = BTreeSet::new();
    if !job["strategy"].is_badvalue() {
        only_known_keys(&job["strategy"], STRATEGY_KEYS, &place, problems);
        if let Some(hash) = job["strategy"]["matrix"].as_hash() {
            for (key, value) in hash {
                match key.as_str() {
                    Some("include") | Some("exclude") => {
                        for entry in value.as_vec().into_iter().flatten() {
                            for name in keys(entry, &place, problems) {
                                matrix.insert(name.to_owned());
                            }
                        }
                    }
                    Some(name) => {
                        matrix.insert(name.to_owned());
                    }
                    None => problems.add(&place, "a matrix key is not a string"),
                }
            }
        }
    }

    let Some(steps) = job["steps"].as_vec().filter(|steps| !steps.is_empty()) else {
        problems.add(&place, "steps must be a non-empty list");
        return;
    };
    let mut scope = Scope {
        step_ids: Vec::new(),
        our_action_steps: Vec::new(),
        needs,
        matrix,
        workflow_inputs,
        action,
    };
    for (name, value) in job.as_hash().into_iter().flatten() {
        if !matches!(name.as_str(), Some("steps" | "if" | "outputs")) {
            check_expressions_below(value, &scope, &place, problems);
        }
    }
    check_condition(&job["if"], &scope, &place, problems);
    for (index, step) in steps.iter().enumerate() {
        let here = format!("{place}.steps[{index}]");
        only_known_keys(step, STEP_KEYS, &here, problems);
        let uses = step["uses"].as_str();
        let run = step["run"].as_str();
        match (uses, run) {
            (Some(_), Some(_)) | (None, None) => {
                problems.add(&here, "a step has exactly one of `uses` and `run`")
            }
            (Some(uses), None) => {
                for key in ["shell", "working-directory"] {
                    if !step[key].is_badvalue() {
                        problems.add(&here, format!("`{key}` belongs to `run` steps"));
                    }
                }
                if check_uses(uses, &step["with"], action, &here, problems) {
                    if let Some(id) = step["id"].as_str() {
                        scope.our_action_steps.push(id.to_owned());
                    }
                }
            }
            (None, Some(script)) => {
                if !step["with"].is_badvalue() {
                    problems.add(&here, "`with` belongs to `uses` steps");
                }
                if script.contains("${{") {
                    problems.add(
                        &here,
                        "an expression is pasted into `run`; pass it through env:",
                    );
                }
            }
        }
        for (name, value) in step.as_hash().into_iter().flatten() {
            if name.as_str() != Some("if") {
                check_expressions_below(value, &scope, &here, problems);
            }
        }
        check_condition(&step["if"], &scope, &here, problems);
        if let Some(id) = step["id"].as_str() {
            if scope.step_ids.iter().any(|seen| seen == id) {
                problems.add(&here, format!("the step id `{id}` is used twice"));
            }
            scope.step_ids.push(id.to_owned());
        }
    }
    check_expressions_below(&job["outputs"], &scope, &place, problems);
}

fn check_workflow(doc: &Yaml, action: &Action, place: &str, problems: &mut Problems) {
    only_known_keys(doc, WORKFLOW_KEYS, place, problems);
    for required in ["on", "jobs"] {
        if doc[required].is_badvalue() {
            problems.add(place, format!("`{required}` is missing"));
        }
    }
    let workflow_inputs = check_events(&doc["on"], place, problems);
    check_permissions(&doc["permissions"], place, problems);
    let job_ids = keys(&doc["jobs"], place, problems);
    if job_ids.is_empty() {
        problems.add(place, "no jobs");
    }
    for id in &job_ids {
        check_job(
            id,
            &doc["jobs"][*id],
            &job_ids,
            &workflow_inputs,
            action,
            place,
            problems,
        );
    }
}

fn workflow_files() -> Vec<PathBuf> {
    let dir = repository().join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect(".github/workflows")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml")
        })
        .collect();
    files.sort();
    files
}

/// The ```yaml blocks of the README, with the line each starts on.
fn readme_yaml_blocks() -> Vec<(usize, String)> {
    let readme = read(&repository().join("README.md"));
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (number, line) in readme.lines().enumerate() {
        if current.is_none() {
            if line.trim() == "```yaml" {
                current = Some((number + 2, String::new()));
            }
        } else if line.trim() == "```" {
            blocks.extend(current.take());
        } else if let Some((_, text)) = &mut current {
            text.push_str(line);
            text.push('\n');
        }
    }
    blocks
}

#[test]
fn every_workflow_of_the_repository_is_valid() {
    let (_, action) = load_action();
    let mut problems = Problems::default();
    let files = workflow_files();
    assert!(
        files.len() >= 3,
        "ci, release and the action self-test: {files:?}"
    );
    for file in files {
        let place = file
            .strip_prefix(repository())
            .expect("in the repository")
            .display()
            .to_string();
        check_workflow(&parse(&read(&file), &place), &action, &place, &mut problems);
    }
    problems.assert_none();
}

#[test]
fn the_workflows_the_readme_gives_are_valid() {
    let (_, action) = load_action();
    let mut problems = Problems::default();
    let mut workflows = 0;
    for (line, text) in readme_yaml_blocks() {
        let place = format!("README.md:{line}");
        let doc = parse(&text, &place);
        if !doc["jobs"].is_badvalue() {
            workflows += 1;
            check_workflow(&doc, &action, &place, &mut problems);
        }
    }
    assert!(
        workflows >= 4,
        "pre-merge, nightly, JUnit and SARIF workflows: {workflows}"
    );
    problems.assert_none();
}

#[test]
fn the_readme_pins_the_action_by_its_major_tag() {
    for (line, text) in readme_yaml_blocks() {
        for uses in text
            .lines()
            .filter_map(|l| l.trim().trim_start_matches("- ").strip_prefix("uses: "))
        {
            if uses.starts_with(ACTION_REPOSITORY) {
                assert_eq!(uses, format!("{ACTION_REPOSITORY}@v1"), "README.md:{line}");
            }
        }
    }
}

#[test]
fn the_gitlab_job_of_the_readme_keeps_a_junit_report() {
    let mut jobs = 0;
    for (line, text) in readme_yaml_blocks() {
        let place = format!("README.md:{line}");
        let doc = parse(&text, &place);
        if !doc["jobs"].is_badvalue() || !doc["repos"].is_badvalue() {
            continue;
        }
        for (name, job) in doc.as_hash().expect("a GitLab CI file is a mapping") {
            let name = name.as_str().expect("job names are strings");
            if name.starts_with('.')
                || ["stages", "variables", "default", "include", "workflow"].contains(&name)
            {
                continue;
            }
            jobs += 1;
            assert!(
                job["script"].as_vec().is_some_and(|s| !s.is_empty()),
                "{place}: {name} needs a script"
            );
            assert!(
                job["artifacts"]["reports"]["junit"].as_str().is_some(),
                "{place}: {name} keeps a JUnit report"
            );
            assert!(
                job["artifacts"]["when"].as_str() == Some("always"),
                "{place}: {name} keeps it on failure"
            );
        }
    }
    assert_eq!(jobs, 1, "one GitLab job in the README");
}

#[test]
fn the_pre_commit_hooks_are_valid() {
    let hooks = parse(
        &read(&repository().join(".pre-commit-hooks.yaml")),
        ".pre-commit-hooks.yaml",
    );
    let hooks = hooks
        .as_vec()
        .expect(".pre-commit-hooks.yaml is a list of hooks");
    assert!(!hooks.is_empty());
    let mut problems = Problems::default();
    let mut ids = BTreeSet::new();
    for (index, hook) in hooks.iter().enumerate() {
        let place = format!(".pre-commit-hooks.yaml[{index}]");
        only_known_keys(hook, HOOK_KEYS, &place, &mut problems);
        for required in ["id", "name", "entry", "language"] {
            if hook[required].as_str().is_none() {
                problems.add(&place, format!("`{required}` is missing"));
            }
        }
        if !HOOK_LANGUAGES.contains(&hook["language"].as_str().unwrap_or("")) {
            problems.add(&place, "unknown language");
        }
        ids.insert(hook["id"].as_str().unwrap_or("").to_owned());
    }

    for (line, text) in readme_yaml_blocks() {
        let doc = parse(&text, "README.md");
        for repo in doc["repos"].as_vec().into_iter().flatten() {
            for hook in repo["hooks"].as_vec().into_iter().flatten() {
                let id = hook["id"].as_str().unwrap_or("");
                if !ids.contains(id) {
                    problems.add(&format!("README.md:{line}"), format!("no hook `{id}`"));
                }
            }
        }
    }
    problems.assert_none();
}

#[test]
fn the_action_is_a_composite_whose_inputs_all_reach_the_check() {
    let (doc, action) = load_action();
    let mut problems = Problems::default();
    let place = "action.yml";
    only_known_keys(&doc, ACTION_KEYS, place, &mut problems);
    for required in ["name", "description", "runs"] {
        if doc[required].as_str().is_none() && doc[required].as_hash().is_none() {
            problems.add(place, format!("`{required}` is missing"));
        }
    }
    if !BRANDING_COLORS.contains(&doc["branding"]["color"].as_str().unwrap_or("")) {
        problems.add(place, "branding.color is not one GitHub accepts");
    }

    for name in &action.inputs {
        let input = &doc["inputs"][name.as_str()];
        let here = format!("{place}: inputs.{name}");
        only_known_keys(input, ACTION_INPUT_KEYS, &here, &mut problems);
        if !name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            problems.add(&here, "input names are kebab-case");
        }
        if input["description"].as_str().is_none() {
            problems.add(&here, "no description");
        }
        if !input["default"].is_badvalue() && input["default"].as_str().is_none() {
            problems.add(&here, "a default is a string");
        }
    }

    assert_eq!(doc["runs"]["using"].as_str(), Some("composite"));
    let steps = doc["runs"]["steps"].as_vec().expect("runs.steps");
    let mut step_ids: Vec<String> = Vec::new();
    let mut referenced_inputs = BTreeSet::new();
    for (index, step) in steps.iter().enumerate() {
        let here = format!("{place}: runs.steps[{index}]");
        only_known_keys(
            step,
            &[
                "id",
                "name",
                "shell",
                "run",
                "env",
                "if",
                "uses",
                "with",
                "working-directory",
                "continue-on-error",
            ],
            &here,
            &mut problems,
        );
        if step["run"].as_str().is_some() == step["uses"].as_str().is_some() {
            problems.add(&here, "a step has exactly one of `uses` and `run`");
        }
        if let Some(script) = step["run"].as_str() {
            if step["shell"].as_str() != Some("bash") {
                problems.add(&here, "run steps say `shell: bash` (Git Bash on Windows)");
            }
            if script.contains("${{") {
                problems.add(
                    &here,
                    "an expression is pasted into `run`; pass it through env:",
                );
            }
        }
        for value in step["env"].as_hash().into_iter().flatten().map(|(_, v)| v) {
            for expression in expressions(value.as_str().unwrap_or("")) {
                for name in references(expression) {
                    let parts: Vec<&str> = name.split('.').collect();
                    match parts[0] {
                        "inputs" => {
                            if !action.inputs.contains(parts[1]) {
                                problems.add(&here, format!("`{expression}`: no such input"));
                            }
                            referenced_inputs.insert(parts[1].to_owned());
                        }
                        "steps" if step_ids.iter().any(|id| id == parts[1]) => {}
                        "github" => {}
                        _ => problems.add(&here, format!("`{expression}` is not an input, an earlier step's output or github.*")),
                    }
                }
            }
        }
        if let Some(id) = step["id"].as_str() {
            step_ids.push(id.to_owned());
        }
    }
    for name in &action.inputs {
        if !referenced_inputs.contains(name) {
            problems.add(place, format!("input {name} reaches no step"));
        }
    }
    for name in &action.outputs {
        let value = doc["outputs"][name.as_str()]["value"]
            .as_str()
            .unwrap_or("");
        let expected = format!("${{{{ steps.check.outputs.{name} }}}}");
        if value != expected || !step_ids.iter().any(|id| id == "check") {
            problems.add(
                place,
                format!("output {name} is {value:?}, expected {expected:?}"),
            );
        }
    }
    problems.assert_none();
}

#[test]
fn the_readme_documents_every_input_and_output() {
    let (_, action) = load_action();
    let readme = read(&repository().join("README.md"));
    for name in action.inputs.iter().chain(&action.outputs) {
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "README.md has no table row for `{name}`"
        );
    }
}

#[test]
fn expressions_are_read_past_string_literals() {
    assert_eq!(
        references("contains(matrix.target, 'steps.x') && steps.check.outputs.exit-code == '1'"),
        ["contains", "matrix.target", "steps.check.outputs.exit-code"]
    );
}
