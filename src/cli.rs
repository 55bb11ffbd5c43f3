//! The command line: every subcommand and option, parsed by clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Checks the OIDC provider thumbprints declared in infrastructure-as-code against the
/// certificate chains the providers serve, by the rules AWS IAM applies.
#[derive(Debug, Parser)]
#[command(name = "oidc-thumb-check", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The gate: check every declared provider against its live chain (what the Action runs).
    Check(Box<CheckArgs>),
    /// Show the thumbprint IAM expects for issuer URLs or hosts, with the chain behind it.
    Thumbprint(ThumbprintArgs),
    /// List the declarations found, without any network.
    List(ListArgs),
    /// Rewrite stale thumbprint lists in place with the values the providers serve now.
    Fix(FixArgs),
    /// Check the OIDC providers of live AWS accounts; with --apply, update their thumbprints.
    #[cfg(feature = "aws")]
    Aws(AwsArgs),
}

/// Output format on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Readable text.
    Text,
    /// Versioned JSON (`"version": 1`).
    Json,
}

/// The network timeout unless `--timeout` or the configuration says otherwise.
pub use oidc_thumb_core::limits::DEFAULT_TIMEOUT_SECONDS;

/// Options every subcommand that reaches the network shares.
#[derive(Debug, Args, Clone)]
pub struct NetArgs {
    /// Extra trusted root certificates, PEM (repeatable). `SSL_CERT_FILE` is added too.
    #[arg(long = "ca-file", value_name = "PEM")]
    pub ca_files: Vec<PathBuf>,

    /// Seconds allowed for each connect, handshake and read.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TIMEOUT_SECONDS)]
    pub timeout: f64,

    /// Allow loopback, private, link-local and other non-public addresses.
    #[arg(long)]
    pub allow_private_addresses: bool,

    /// Use saved chains instead of the network (requires --chains).
    #[arg(long, requires = "chains")]
    pub offline: bool,

    /// Folder of saved chains: HOST.pem, or HOST_PORT.pem for a port other than 443.
    #[arg(long, value_name = "DIR")]
    pub chains: Option<PathBuf>,
}

/// Options shared by every subcommand.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// Format of stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Configuration file (default: .oidc-thumb-check.toml at the root when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print only what was asked for: no progress, no notes.
    #[arg(long, short)]
    pub quiet: bool,

    /// More detail on stderr (-v: a line per provider; -vv: network detail).
    #[arg(long, short, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// `thumbprint URL|HOST[:PORT]...`
#[derive(Debug, Args)]
pub struct ThumbprintArgs {
    /// Issuer URLs (https://...) or hosts (HOST, HOST:PORT, [V6]:PORT).
    #[arg(required = true, value_name = "URL|HOST[:PORT]")]
    pub targets: Vec<String>,

    /// Write each observed chain to DIR in the saved-chain layout.
    #[arg(long, value_name = "DIR")]
    pub save_chains: Option<PathBuf>,

    #[command(flatten)]
    pub net: NetArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// `list [PATHS]...`
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Files or folders to read (default: the current folder).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub discovery: DiscoveryArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options of the IaC walk.
#[derive(Debug, Args, Clone)]
pub struct DiscoveryArgs {
    /// Leave out paths matching this glob (repeatable), relative to the root.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,

    /// AWS region of EKS issuers whose region the files do not say.
    #[arg(long, value_name = "REGION", env = "AWS_REGION")]
    pub aws_region: Option<String>,
}

/// `check [PATHS]...`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: the current folder).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Also read the providers of the AWS account and report drift beside the declarations.
    #[arg(long)]
    pub aws: bool,

    #[command(flatten)]
    pub account: AccountArgs,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub discovery: DiscoveryArgs,

    #[command(flatten)]
    pub net: NetArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// `aws`: the providers of live AWS accounts.
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// Update every stale thumbprint list in IAM; without it, print the plan and change nothing.
    #[arg(long)]
    pub apply: bool,

    #[command(flatten)]
    pub account: AccountArgs,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub net: NetArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Which AWS accounts to read, and how.
#[derive(Debug, Args, Clone, Default)]
pub struct AccountArgs {
    /// Named profile of the AWS configuration files (default: AWS_PROFILE, else the default
    /// credential chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Region of the AWS API calls (default: AWS_REGION, the profile's, else us-east-1).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Send every AWS API call to this URL (a VPC endpoint, a local IAM emulator).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Assume this role and read its account instead (repeatable: the accounts are read
    /// concurrently).
    #[arg(long = "role-arn", value_name = "ARN")]
    pub role_arns: Vec<String>,
}

impl AccountArgs {
    /// True when any option was given.
    pub fn given(&self) -> bool {
        self.profile.is_some()
            || self.region.is_some()
            || self.endpoint_url.is_some()
            || !self.role_arns.is_empty()
    }
}

/// How a report is judged and where it goes: what `check` and `aws` share.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Fail when the pinned certificate expires within this many days.
    #[arg(long, value_name = "N")]
    pub expiry_days: Option<u32>,

    /// Write a JUnit XML report.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Write a SARIF 2.1.0 report.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    /// Write the JSON report to a file (whatever --format says).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Write a Markdown job summary (default: $GITHUB_STEP_SUMMARY when set).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// GitHub workflow command annotations on stdout (auto: when GITHUB_ACTIONS=true).
    #[arg(long, value_enum, default_value_t = Annotations::Auto)]
    pub annotations: Annotations,

    /// Judge as of this date (YYYY-MM-DD or RFC 3339) instead of now: what breaks later?
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
}

/// `fix [PATHS]...`
#[derive(Debug, Args)]
pub struct FixArgs {
    /// Files or folders to fix (default: the current folder).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Print the changes as a unified diff on stdout and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Judge as of this date (YYYY-MM-DD or RFC 3339) instead of now.
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,

    #[command(flatten)]
    pub discovery: DiscoveryArgs,

    #[command(flatten)]
    pub net: NetArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// When to print GitHub annotations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Annotations {
    /// When `GITHUB_ACTIONS=true`.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[cfg(feature = "net")]
impl NetArgs {
    /// True when `--timeout` was left at its default, so the configuration may set it.
    pub fn timeout_is_default(&self) -> bool {
        self.timeout == DEFAULT_TIMEOUT_SECONDS
    }
}
