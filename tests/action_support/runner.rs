//! A composite action run the way a GitHub runner runs it: each `run` step written to a file and
//! run with `bash --noprofile --norc -eo pipefail`, its `env:` evaluated from the inputs and the
//! outputs of earlier steps, `GITHUB_OUTPUT` read back after every step, the first failing step
//! ending the run, and the action's outputs evaluated at the end.
//!
//! Only the expressions the action may use are known (`inputs.*`, `steps.*.outputs.*`,
//! `github.action_repository`); anything else fails the test, so the action cannot grow an
//! expression this simulation would silently get wrong.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use yaml_rust2::{Yaml, YamlLoader};

/// The repository the action is published from, as `github.action_repository` gives it.
pub const ACTION_REPOSITORY: &str = "oidc-thumb-check/oidc-thumb-check";

/// One `run` step as it ran.
#[derive(Debug)]
pub struct StepRun {
    /// The step's `id`.
    pub id: String,
    /// The exit code of bash, or None when the step was skipped after an earlier failure.
    pub exit_code: Option<i32>,
    /// What the step printed on stdout.
    pub stdout: String,
    /// What the step printed on stderr.
    pub stderr: String,
    /// What the step wrote to `GITHUB_OUTPUT`.
    pub outputs: BTreeMap<String, String>,
}

/// A whole run of the action.
#[derive(Debug)]
pub struct ActionRun {
    /// Every step, in order.
    pub steps: Vec<StepRun>,
    /// The action's outputs, from `outputs.*.value`.
    pub outputs: BTreeMap<String, String>,
    /// What the steps wrote to `GITHUB_STEP_SUMMARY`.
    pub summary: String,
}

impl ActionRun {
    /// True when every step ran and succeeded, as the runner marks the action's step.
    pub fn succeeded(&self) -> bool {
        self.steps.iter().all(|step| step.exit_code == Some(0))
    }

    /// The step with this id.
    pub fn step(&self, id: &str) -> &StepRun {
        self.steps
            .iter()
            .find(|step| step.id == id)
            .unwrap_or_else(|| panic!("no step {id} in the run: {self:#?}"))
    }

    /// The action's output `name` ("" when unset, as in an expression).
    pub fn output(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .unwrap_or_else(|| panic!("action.yml declares no output {name}"))
    }

    /// Everything the steps printed, for assertion messages.
    pub fn log(&self) -> String {
        let mut log = String::new();
        for step in &self.steps {
            log.push_str(&format!(
                "--- step {} (exit {:?})\n{}{}",
                step.id, step.exit_code, step.stdout, step.stderr
            ));
        }
        log
    }
}

/// The runner's machine: where the action and the workspace are, and the environment the
/// runner gives every step.
pub struct Runner {
    /// The action's checkout (`GITHUB_ACTION_PATH`).
    pub action_dir: PathBuf,
    /// The repository being checked (`GITHUB_WORKSPACE`, the steps' working folder).
    pub workspace: PathBuf,
    /// The runner's temporary folder (`RUNNER_TEMP`).
    pub runner_temp: PathBuf,
    /// `RUNNER_OS` and `RUNNER_ARCH`.
    pub os: &'static str,
    /// `RUNNER_ARCH`.
    pub arch: &'static str,
    /// Folders of `PATH`.
    pub path: Vec<PathBuf>,
    /// Further variables of the job's environment.
    pub env: Vec<(String, String)>,
}

impl Runner {
    /// Runs action.yml from `action_dir` with these inputs (names as in action.yml).
    pub fn run(&self, inputs: &[(&str, &str)]) -> ActionRun {
        let action = load_action(&self.action_dir.join("action.yml"));
        let inputs = resolve_inputs(&action, inputs);
        let summary_file = self.runner_temp.join("step_summary.md");
        std::fs::write(&summary_file, "").expect("summary file");

        let steps = action["runs"]["steps"]
            .as_vec()
            .expect("runs.steps is a list");
        let mut runs: Vec<StepRun> = Vec::new();
        for (index, step) in steps.iter().enumerate() {
            let id = step["id"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("__{index}"));
            if runs.iter().any(|run| run.exit_code != Some(0)) {
                runs.push(StepRun {
                    id,
                    exit_code: None,
                    stdout: String::new(),
                    stderr: String::new(),
                    outputs: BTreeMap::new(),
                });
                continue;
            }
            let context = Context {
                inputs: &inputs,
                steps: &runs,
            };
            runs.push(self.run_step(index, id, step, &context, &summary_file));
        }

        let context = Context {
            inputs: &inputs,
            steps: &runs,
        };
        let mut outputs = BTreeMap::new();
        if let Some(declared) = action["outputs"].as_hash() {
            for (name, output) in declared {
                let name = name.as_str().expect("output names are strings");
                let value = output["value"].as_str().expect("outputs have a value");
                outputs.insert(name.to_owned(), context.evaluate(value));
            }
        }
        let summary = std::fs::read_to_string(&summary_file).expect("summary file");
        ActionRun {
            steps: runs,
            outputs,
            summary,
        }
    }

    fn run_step(
        &self,
        index: usize,
        id: String,
        step: &Yaml,
        context: &Context,
        summary_file: &Path,
    ) -> StepRun {
        let script = step["run"]
            .as_str()
            .unwrap_or_else(|| panic!("step {id}: only `run` steps are simulated"));
        assert_eq!(
            step["shell"].as_str(),
            Some("bash"),
            "step {id}: composite run steps need `shell: bash`"
        );
        assert!(
            !script.contains("${{"),
            "step {id}: expressions are pasted into the script; pass them through env:"
        );
        for (key, _) in step.as_hash().expect("a step is a mapping") {
            let key = key.as_str().expect("step keys are strings");
            assert!(
                ["id", "name", "shell", "run", "env"].contains(&key),
                "step {id}: the simulation does not know the key {key}"
            );
        }

        let script_file = self.runner_temp.join(format!("step-{index}.sh"));
        let output_file = self.runner_temp.join(format!("output-{index}"));
        std::fs::write(&script_file, script).expect("step script");
        std::fs::write(&output_file, "").expect("output file");

        let mut command = assert_cmd::Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(&self.workspace)
            .env_clear()
            .env(
                "PATH",
                std::env::join_paths(&self.path).expect("PATH folders"),
            )
            .env("HOME", self.runner_temp.join("home"))
            .env("GITHUB_ACTIONS", "true")
            .env("CI", "true")
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("GITHUB_ACTION_PATH", &self.action_dir)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", summary_file)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("RUNNER_OS", self.os)
            .env("RUNNER_ARCH", self.arch)
            .env("RUNNER_TEMP", &self.runner_temp)
            .timeout(Duration::from_secs(120));
        for (name, value) in &self.env {
            command.env(name, value);
        }
        if let Some(env) = step["env"].as_hash() {
            for (name, value) in env {
                let name = name.as_str().expect("env names are strings");
                let value = value.as_str().expect("env values are strings");
                command.env(name, context.evaluate(value));
            }
        }

        let output = command.output().expect("bash runs");
        let outputs = parse_output_file(&std::fs::read_to_string(&output_file).expect("outputs"));
        StepRun {
            id,
            exit_code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            outputs,
        }
    }
}

/// action.yml, parsed.
pub fn load_action(path: &Path) -> Yaml {
    let text = std::fs::read_to_string(path).expect("action.yml is readable");
    let mut documents = YamlLoader::load_from_str(&text).expect("action.yml is YAML");
    assert_eq!(documents.len(), 1, "action.yml holds one document");
    documents.remove(0)
}

/// Every declared input with the given value or its default; an undeclared one fails.
fn resolve_inputs(action: &Yaml, given: &[(&str, &str)]) -> BTreeMap<String, String> {
    let declared = action["inputs"].as_hash().expect("inputs is a mapping");
    let mut inputs = BTreeMap::new();
    for (name, input) in declared {
        let name = name.as_str().expect("input names are strings");
        let default = match &input["default"] {
            Yaml::String(text) => text.clone(),
            Yaml::BadValue | Yaml::Null => String::new(),
            other => panic!("input {name}: the default {other:?} is not a string"),
        };
        inputs.insert(name.to_owned(), default);
    }
    for (name, value) in given {
        let slot = inputs
            .get_mut(*name)
            .unwrap_or_else(|| panic!("action.yml declares no input {name}"));
        *slot = (*value).to_owned();
    }
    inputs
}

/// What `${{ }}` expressions can see while a step runs.
struct Context<'a> {
    inputs: &'a BTreeMap<String, String>,
    steps: &'a [StepRun],
}

impl Context<'_> {
    /// A string with every `${{ expression }}` replaced by its value.
    fn evaluate(&self, template: &str) -> String {
        let mut result = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${{") {
            result.push_str(&rest[..start]);
            let end = rest[start..]
                .find("}}")
                .unwrap_or_else(|| panic!("unclosed expression in {template:?}"));
            let expression = rest[start + 3..start + end].trim();
            result.push_str(&self.value_of(expression));
            rest = &rest[start + end + 2..];
        }
        result.push_str(rest);
        result
    }

    fn value_of(&self, expression: &str) -> String {
        if expression == "github.action_repository" {
            return ACTION_REPOSITORY.to_owned();
        }
        if let Some(name) = expression.strip_prefix("inputs.") {
            return self
                .inputs
                .get(name)
                .unwrap_or_else(|| panic!("{expression}: no such input"))
                .clone();
        }
        if let Some(rest) = expression.strip_prefix("steps.") {
            if let Some((id, name)) = rest.split_once(".outputs.") {
                let step = self
                    .steps
                    .iter()
                    .find(|step| step.id == id)
                    .unwrap_or_else(|| panic!("{expression}: no earlier step {id}"));
                return step.outputs.get(name).cloned().unwrap_or_default();
            }
        }
        panic!("the simulated runner does not evaluate {expression:?}")
    }
}

/// `name=value` lines and `name<<DELIMITER` blocks, as the runner reads `GITHUB_OUTPUT`.
pub fn parse_output_file(text: &str) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value: Vec<&str> = Vec::new();
            loop {
                let next = lines
                    .next()
                    .unwrap_or_else(|| panic!("output {name}: no closing {delimiter}"));
                if next == delimiter {
                    break;
                }
                value.push(next);
            }
            outputs.insert(name.to_owned(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_owned(), value.to_owned());
        } else {
            panic!("GITHUB_OUTPUT holds a line the runner would reject: {line:?}");
        }
    }
    outputs
}
