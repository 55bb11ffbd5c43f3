//! Every bound on what the tool reads, holds and waits for, in one place.
//!
//! The files a pull request changes and the hosts those files name are untrusted input: each
//! limit here keeps a run finite in time and memory whatever they contain. The README's
//! "Limits" table lists the same values.
//!
//! Two bounds come from the libraries and have no constant here: a discovery document nested
//! deeper than 128 levels is refused by `serde_json` as not JSON, and a TLS handshake message
//! (so a presented chain) larger than 64 KiB is refused by `rustls` as a TLS error.

/// Files the walk finds that are larger than this are skipped with a notice: no hand-written
/// IaC file is that large.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// The limit for a file named on the command line, such as the JSON of a large Terraform plan
/// (`terraform show -json`), which can run to tens of megabytes. A plan is read keeping only
/// its provider resources, so its memory is little more than its text.
pub const MAX_NAMED_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Collections (YAML, JSON) nested deeper than this stop the reading of a file with a notice.
pub const MAX_NESTING_DEPTH: usize = 256;

/// Work allowed for evaluating one Terraform expression (expressions visited plus list
/// elements built), so that locals that double each other cannot cost exponential time.
pub const MAX_EVALUATION_FUEL: usize = 100_000;

/// How deep the evaluation of one Terraform expression may recurse; a value further down
/// counts as computed.
pub const MAX_EVALUATION_DEPTH: usize = 200;

/// How many module calls deep a provider's module is followed from a root module (a root
/// calling a module calling the provider's module is two).
pub const MAX_MODULE_CALL_DEPTH: usize = 16;

/// The most instances of one module read (one per call, per instance of the caller); the rest
/// are not read.
pub const MAX_MODULE_INSTANCES: usize = 64;

/// The most thumbprints IAM accepts on one provider; more is a finding.
pub const MAX_THUMBPRINTS: usize = 5;

/// The most certificates a presented chain (live or saved) may hold; a longer one is a TLS
/// error that says so.
pub const MAX_CHAIN_LEN: usize = 32;

/// The largest discovery document read; reading stops there with a finding.
pub const MAX_DISCOVERY_BYTES: usize = 1024 * 1024;

/// The largest HTTP response head (status line and headers) accepted.
pub const MAX_RESPONSE_HEAD_BYTES: usize = 64 * 1024;

/// The most header lines an HTTP response may carry.
pub const MAX_RESPONSE_HEADERS: usize = 96;

/// The most addresses of one host that are connected to; the rest are noted, not tried.
pub const MAX_ADDRESSES_PER_HOST: usize = 8;

/// The most name resolutions, connections and handshakes in flight at once.
pub const MAX_CONCURRENT_CONNECTIONS: usize = 32;

/// How many GetOpenIDConnectProvider calls of one AWS account are in flight at once.
pub const MAX_CONCURRENT_IAM_READS: usize = 8;

/// Seconds allowed, by default, for each name resolution, each connection, each TLS handshake
/// and each whole response (`--timeout`).
pub const DEFAULT_TIMEOUT_SECONDS: f64 = 10.0;

/// The largest `--timeout` accepted, in seconds.
pub const MAX_TIMEOUT_SECONDS: f64 = 3600.0;

/// How many more times a refused or reset connection is tried (after 200 ms, then 400 ms);
/// a timeout is never retried.
pub const CONNECT_RETRIES: u32 = 2;

/// The largest Markdown step summary written.
pub const MAX_SUMMARY_BYTES: usize = 1024 * 1024;
