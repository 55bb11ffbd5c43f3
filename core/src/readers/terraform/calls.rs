//! Module calls: a provider declared in a module that other modules of the tree call through a
//! local `source` (`./modules/oidc`, `../shared`) is read once for each call, with the values
//! that call gives its variables, as Terraform would instantiate it.
//!
//! A module no module of the tree calls is a root module, read as `read_terraform_module`
//! reads it. A called module's declarations are named by their module path
//! (`module.ci.aws_iam_openid_connect_provider.github`) and stand at the resource in the called
//! module's file; a value that comes from a call has no place of its own there, so `fix`
//! leaves it to a person, naming the variable. Registry and Git sources are not followed: their
//! text is not in the tree.

use std::collections::HashMap;

use hcl_edit::structure::Block;

use super::eval::{Evaluator, Value};
use super::{config_bodies, declare, declares, kept, parse_module, Module, Parsed};
use crate::limits::{MAX_MODULE_CALL_DEPTH, MAX_MODULE_INSTANCES};
use crate::readers::{ReadContext, SourceFile};
use crate::FileReport;

/// The arguments of a `module` block that are Terraform's own, not input variables.
const META_ARGUMENTS: [&str; 7] = [
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
    "lifecycle",
];

/// Reads every Terraform module among `files` (grouped by folder), following the module calls
/// between them. Returns a report for each file that declares a provider or could not be read.
pub fn read_terraform_tree(files: &[SourceFile<'_>], ctx: &ReadContext) -> Vec<FileReport> {
    let folders = group_by_folder(files);
    if !folders.iter().any(|(_, module)| declares(module)) {
        return Vec::new();
    }

    let mut reports: Vec<Vec<FileReport>> = folders
        .iter()
        .map(|(_, module)| module.iter().map(|_| FileReport::default()).collect())
        .collect();
    // Only the modules that call another are parsed up front and held: the modules they call
    // need their `module` blocks and the values those pass, for every instance. A module that
    // only declares is parsed while its providers are declared and then let go, so memory
    // follows the calling modules and the largest declaring one, not the tree.
    let calling: Vec<Vec<Parsed>> = folders
        .iter()
        .zip(&mut reports)
        .map(|((_, module), reports)| {
            if module.iter().any(|f| may_call_a_module(f.text)) {
                parse_module(module, reports)
            } else {
                Vec::new()
            }
        })
        .collect();

    let tree = Tree {
        folders: &folders,
        parsed: &calling,
        callers: callers(&folders, &calling),
        ctx,
        known: Default::default(),
    };
    for (index, ((_, module_files), module_reports)) in
        folders.iter().zip(reports.iter_mut()).enumerate()
    {
        if !declares(module_files) {
            continue;
        }
        let own;
        let module_parsed = match calling.get(index) {
            Some(held) if !held.is_empty() => held,
            _ => {
                own = parse_module(module_files, module_reports);
                &own
            }
        };
        for instance in tree.instances(index, &mut vec![index]) {
            let module = Module::new(module_files, module_parsed, instance.inputs.as_ref(), ctx);
            declare(&module, &instance.path, module_reports);
        }
    }
    reports.into_iter().flat_map(kept).collect()
}

/// The files of each folder, folders in order.
fn group_by_folder<'a>(files: &[SourceFile<'a>]) -> Vec<(String, Vec<SourceFile<'a>>)> {
    let mut folders: std::collections::BTreeMap<&str, Vec<SourceFile<'a>>> = Default::default();
    for file in files {
        let folder = file.path.rsplit_once('/').map_or("", |(folder, _)| folder);
        folders.entry(folder).or_default().push(*file);
    }
    folders
        .into_iter()
        .map(|(folder, files)| (folder.to_string(), files))
        .collect()
}

/// True when `text` may hold a `module` block with a local `source`: a cheap test on bytes,
/// for deciding which Terraform files to keep.
pub fn may_call_a_module<T: AsRef<[u8]> + ?Sized>(text: &T) -> bool {
    let bytes = text.as_ref();
    let has = |needle: &[u8]| memchr::memmem::find(bytes, needle).is_some();
    has(b"module") && (has(b"\"./") || has(b"\"../"))
}

/// One call of a module: the calling module, the file of the `module` block, and the block.
struct Call<'a> {
    caller: usize,
    file: usize,
    block: &'a Block,
}

/// For each module (by index), the calls of it from other modules of the tree.
fn callers<'a>(
    folders: &[(String, Vec<SourceFile<'_>>)],
    parsed: &'a [Vec<Parsed>],
) -> HashMap<usize, Vec<Call<'a>>> {
    let index: HashMap<&str, usize> = folders
        .iter()
        .enumerate()
        .map(|(i, (folder, _))| (folder.as_str(), i))
        .collect();
    let mut calls: HashMap<usize, Vec<Call<'a>>> = HashMap::new();
    for (caller, (folder, _)) in folders.iter().enumerate() {
        let Some(module) = parsed.get(caller) else {
            continue;
        };
        for (file, body) in config_bodies(module) {
            for block in body.blocks().filter(|b| b.has_ident("module")) {
                let source = block
                    .body
                    .get_attribute("source")
                    .and_then(|a| a.value.as_str());
                let Some(target) = source.and_then(|s| local_source(folder, s)) else {
                    continue;
                };
                if let Some(&callee) = index.get(target.as_str()) {
                    if callee != caller {
                        calls.entry(callee).or_default().push(Call {
                            caller,
                            file,
                            block,
                        });
                    }
                }
            }
        }
    }
    calls
}

/// The folder a local `source` names, relative to the calling module's `folder`, in the form
/// the tree's paths take (`/`-separated, no `.` parts); `None` for registry, Git and other
/// remote sources.
fn local_source(folder: &str, source: &str) -> Option<String> {
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    let absolute = folder.starts_with('/');
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in source.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

/// One way the tree instantiates a module: its module path and the values its variables get.
#[derive(Clone)]
struct Instance {
    /// `module.a.module.b.`, or empty for a root module.
    path: String,
    /// `None` for a root module.
    inputs: Option<HashMap<String, Value>>,
}

struct Tree<'t, 'a> {
    folders: &'t [(String, Vec<SourceFile<'a>>)],
    parsed: &'t [Vec<Parsed>],
    callers: HashMap<usize, Vec<Call<'t>>>,
    ctx: &'t ReadContext,
    /// The instances of each module already worked out: a module called from many places is
    /// worked out once.
    known: std::cell::RefCell<HashMap<usize, Vec<Instance>>>,
}

impl Tree<'_, '_> {
    /// Every instance of module `index`: one per call of it by each instance of its caller,
    /// or the module as a root when nothing calls it. `active` holds the modules on the way
    /// here, so that modules calling each other stop.
    fn instances(&self, index: usize, active: &mut Vec<usize>) -> Vec<Instance> {
        if let Some(known) = self.known.borrow().get(&index) {
            return known.clone();
        }
        let instances = self.work_out(index, active);
        self.known.borrow_mut().insert(index, instances.clone());
        instances
    }

    fn work_out(&self, index: usize, active: &mut Vec<usize>) -> Vec<Instance> {
        let calls = self.callers.get(&index).map_or(&[][..], Vec::as_slice);
        if calls.is_empty() {
            return vec![Instance {
                path: String::new(),
                inputs: None,
            }];
        }
        let mut instances = Vec::new();
        for call in calls {
            if active.contains(&call.caller) || active.len() > MAX_MODULE_CALL_DEPTH {
                continue;
            }
            let (Some((_, files)), Some(parsed)) =
                (self.folders.get(call.caller), self.parsed.get(call.caller))
            else {
                continue;
            };
            active.push(call.caller);
            let outer = self.instances(call.caller, active);
            active.pop();
            let name = call.block.labels.first().map_or("", |l| l.as_str());
            for caller in outer {
                if instances.len() >= MAX_MODULE_INSTANCES {
                    break;
                }
                let module = Module::new(files, parsed, caller.inputs.as_ref(), self.ctx);
                instances.push(Instance {
                    path: format!("{}module.{name}.", caller.path),
                    inputs: Some(call_inputs(&module, call)),
                });
            }
        }
        if instances.is_empty() {
            // Every way in was a cycle: read the module as a root.
            instances.push(Instance {
                path: String::new(),
                inputs: None,
            });
        }
        instances
    }
}

/// The values a `module` block gives the variables of the module it calls, evaluated in the
/// calling module. Their places are in the caller's files, so they are dropped.
fn call_inputs(caller: &Module<'_>, call: &Call<'_>) -> HashMap<String, Value> {
    let mut evaluator = Evaluator::new(&caller.scope);
    call.block
        .body
        .attributes()
        .filter(|attr| !META_ARGUMENTS.contains(&attr.key.as_str()))
        .map(|attr| {
            let value = evaluator.eval(call.file, &attr.value).without_origin();
            (attr.key.as_str().to_string(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::local_source;

    #[test]
    fn local_sources_resolve_against_the_calling_folder() {
        assert_eq!(
            local_source("envs/prod", "../../modules/oidc").as_deref(),
            Some("modules/oidc")
        );
        assert_eq!(
            local_source("", "./modules/oidc/").as_deref(),
            Some("modules/oidc")
        );
        assert_eq!(local_source("a", "../../b").as_deref(), Some("../b"));
        assert_eq!(
            local_source("/repo/infra", "../modules/x").as_deref(),
            Some("/repo/modules/x")
        );
        assert_eq!(local_source("a", "terraform-aws-modules/iam/aws"), None);
        assert_eq!(local_source("a", "git::https://example.com/m.git"), None);
    }
}
