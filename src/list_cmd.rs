//! `list`: the declarations found, with no network at all.

use crate::cli::{ListArgs, OutputFormat};
use crate::config::Config;
use crate::walk::{self, WalkOptions};
use crate::EXIT_OK;
use oidc_thumb_core::readers::ReadContext;
use oidc_thumb_core::report::list;
use oidc_thumb_core::resolve_issuers;
use std::io::Write;

/// Runs `list`: always exits 0 once the walk ran; unreadable files are listed as notices.
pub fn run(args: &ListArgs) -> anyhow::Result<u8> {
    let config = Config::load(args.common.config.as_deref())?;
    let ctx = ReadContext {
        aws_region: args.discovery.aws_region.clone(),
    };
    let options = WalkOptions {
        excludes: config
            .excludes
            .iter()
            .chain(&args.discovery.excludes)
            .cloned()
            .collect(),
    };

    let mut scan = walk::scan(&args.paths, &options, &ctx)?;
    resolve_issuers(&mut scan.declarations, &config.issuers);

    let output = match args.common.format {
        OutputFormat::Text => list::render_list_text(&scan.declarations, &scan.notices),
        OutputFormat::Json => list::render_list_json(&scan.declarations, &scan.notices),
    };
    crate::output::stdout(&output)?;
    if args.common.verbose > 0 {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "read {} files", scan.files_read);
    }
    Ok(EXIT_OK)
}
