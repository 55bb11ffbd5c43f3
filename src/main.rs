//! oidc-thumb-check: finds the AWS IAM OIDC providers declared in infrastructure-as-code and
//! checks their thumbprints against the certificate chains the providers serve.

#[cfg(feature = "aws")]
mod aws;
mod check_cmd;
mod cli;
mod config;
mod fix_cmd;
mod list_cmd;
#[cfg(feature = "net")]
mod net;
mod output;
mod saved_chains;
mod thumbprint_cmd;
mod walk;

use clap::Parser;
use std::process::ExitCode;

/// The gate passed, or every URL was checked.
pub const EXIT_OK: u8 = 0;
/// The gate failed (a finding at error level), a URL could not be checked, or `fix` left
/// something for a person.
pub const EXIT_FAILED: u8 = 1;
/// The invocation or the configuration is wrong.
pub const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };

    let outcome: anyhow::Result<u8> = match cli.command {
        cli::Command::Thumbprint(args) => thumbprint_cmd::run(&args),
        cli::Command::Check(args) => check_cmd::run(&args),
        cli::Command::List(args) => list_cmd::run(&args),
        cli::Command::Fix(args) => fix_cmd::run(&args),
        #[cfg(feature = "aws")]
        cli::Command::Aws(args) => aws::run(&args),
    };

    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
