//! Test support for `aws` and `check --aws`: a moto server on loopback standing in for IAM and
//! STS, accounts in it reached the way the binary reaches them (a role assumed per account),
//! the saved chains of the test providers, and the binary run against both with test
//! credentials and nothing read from the machine's AWS configuration.
//!
//! moto keeps IAM's state per account, and the account of an assumed role is the one its ARN
//! names, so each test works in accounts of its own and the tests of a file share one server.
//! The server is `$OIDC_THUMB_CHECK_MOTO` (`dist/test.sh` sets it), else `.venv/bin/moto_server`
//! at the root of the repository; without either, each test says it is skipped, except under
//! `CI=true`, where a missing server fails.

#![allow(dead_code)]

#[allow(unused_imports)]
pub use crate::support::check::{Providers, Run, AT, IDP_LEAF, IDP_TOP, KEYS_TOP, SSO_TOP};
#[allow(unused_imports)]
pub use crate::support::pki::sha1_of;
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// A thumbprint no test chain has: a stale value.
pub const STALE: &str = "5555555555555555555555555555555555555555";

/// How long the server may take to start on a busy machine.
const STARTUP: Duration = Duration::from_secs(60);

/// A moto server on 127.0.0.1, stopped when the last test holding it drops it.
pub struct Moto {
    child: Mutex<Child>,
    port: u16,
    _log: tempfile::NamedTempFile,
}

impl Moto {
    /// The server of this test binary, started on first use; `None` (after saying so) when
    /// there is no moto server to run outside CI.
    pub fn shared(test: &str) -> Option<Arc<Moto>> {
        static SERVER: Mutex<Weak<Moto>> = Mutex::new(Weak::new());

        let Some(program) = program() else {
            let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(
                !in_ci,
                "no moto server: run `bash dist/test.sh`, which installs it and sets \
                 OIDC_THUMB_CHECK_MOTO"
            );
            eprintln!(
                "skipped {test}: no moto server (set OIDC_THUMB_CHECK_MOTO, or run `bash \
                 dist/test.sh`, which installs one in .venv)"
            );
            return None;
        };
        let mut shared = SERVER.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(server) = shared.upgrade() {
            return Some(server);
        }
        let server = Arc::new(Moto::start(&program));
        *shared = Arc::downgrade(&server);
        Some(server)
    }

    fn start(program: &Path) -> Moto {
        let port = free_port();
        let log = tempfile::NamedTempFile::new().expect("a log file for the moto server");
        let child = Command::new(program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.reopen().expect("the log file opens again"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let server = Moto {
            child: Mutex::new(child),
            port,
            _log: log,
        };
        server.wait_until_ready();
        server
    }

    fn wait_until_ready(&self) {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let started = Instant::now();
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            let exited = self
                .child
                .lock()
                .map(|mut child| child.try_wait().ok().flatten())
                .unwrap_or(None);
            if let Some(status) = exited {
                panic!("the moto server exited ({status}): {}", self.log());
            }
            assert!(
                started.elapsed() < STARTUP,
                "the moto server did not listen on port {} within {STARTUP:?}: {}",
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log(&self) -> String {
        let mut text = String::new();
        let _ = self
            ._log
            .reopen()
            .and_then(|mut file| file.read_to_string(&mut text));
        text
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The account `id` as the tests and the binary reach it.
    pub fn account(&self, id: &str) -> Account {
        Account {
            id: id.to_string(),
            endpoint: self.endpoint(),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Ok(child) = self.child.get_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn program() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("OIDC_THUMB_CHECK_MOTO").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "OIDC_THUMB_CHECK_MOTO={} is not a file",
            path.display()
        );
        return Some(path);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    venv.is_file().then_some(venv)
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free loopback port");
    listener.local_addr().expect("its address").port()
}

/// An account of the moto server, reached through its role `checker`, as the binary's
/// `--role-arn` reaches it.
pub struct Account {
    pub id: String,
    endpoint: String,
}

impl Account {
    /// `arn:aws:iam::ID:role/checker`.
    pub fn role_arn(&self) -> String {
        format!("arn:aws:iam::{}:role/checker", self.id)
    }

    /// The ARN IAM gives the provider of `url` (without its scheme) in this account.
    pub fn provider_arn(&self, url: &str) -> String {
        format!("arn:aws:iam::{}:oidc-provider/{url}", self.id)
    }

    /// Creates an OIDC provider through the SDK and returns its ARN.
    pub fn create_provider(&self, url: &str, thumbprints: &[&str]) -> String {
        block_on(async {
            let iam = self.iam().await;
            let created = iam
                .create_open_id_connect_provider()
                .url(url)
                .client_id_list("sts.amazonaws.com")
                .set_thumbprint_list(Some(thumbprints.iter().map(ToString::to_string).collect()))
                .send()
                .await
                .unwrap_or_else(|e| panic!("CreateOpenIDConnectProvider {url}: {e:?}"));
            created
                .open_id_connect_provider_arn()
                .expect("IAM returns the new ARN")
                .to_string()
        })
    }

    /// The thumbprints IAM holds for a provider, read back through the SDK.
    pub fn thumbprints(&self, arn: &str) -> Vec<String> {
        block_on(async {
            let iam = self.iam().await;
            let provider = iam
                .get_open_id_connect_provider()
                .open_id_connect_provider_arn(arn)
                .send()
                .await
                .unwrap_or_else(|e| panic!("GetOpenIDConnectProvider {arn}: {e:?}"));
            provider.thumbprint_list().to_vec()
        })
    }

    /// An IAM client with the credentials of this account's role, from STS AssumeRole.
    async fn iam(&self) -> aws_sdk_iam::Client {
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new("us-east-1"))
                .endpoint_url(&self.endpoint)
                .credentials_provider(aws_sdk_sts::config::Credentials::new(
                    "testing", "testing", None, None, "tests",
                ))
                .build(),
        );
        let assumed = sts
            .assume_role()
            .role_arn(self.role_arn())
            .role_session_name("tests")
            .send()
            .await
            .unwrap_or_else(|e| panic!("AssumeRole {}: {e:?}", self.role_arn()));
        let credentials = assumed
            .credentials()
            .expect("AssumeRole returns credentials");
        aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::Config::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new("us-east-1"))
                .endpoint_url(&self.endpoint)
                .credentials_provider(aws_sdk_iam::config::Credentials::new(
                    credentials.access_key_id(),
                    credentials.secret_access_key(),
                    Some(credentials.session_token().to_string()),
                    None,
                    "tests",
                ))
                .build(),
        )
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the SDK calls")
        .block_on(future)
}

/// A temporary folder holding `chains/` (the saved chains of every test provider, and
/// `discovery.json`: `sso.example.test` keeps its keys on `keys.example.test`) and `repo/`
/// (a fixture from `tests/fixtures/aws/`, for `check --aws`).
pub struct Workspace {
    dir: tempfile::TempDir,
    pub providers: Providers,
}

impl Workspace {
    /// The saved chains, and an empty repository.
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("a temporary folder");
        crate::support::check::save_chains(&dir.path().join("chains"));
        std::fs::create_dir_all(dir.path().join("repo")).expect("create the repository");
        Workspace {
            dir,
            providers: Providers::new(),
        }
    }

    /// The same, with `tests/fixtures/aws/NAME` copied into the repository.
    pub fn with_fixture(name: &str) -> Workspace {
        let workspace = Workspace::new();
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/aws")
            .join(name);
        for entry in std::fs::read_dir(&source).expect("read the fixture folder") {
            let entry = entry.expect("a fixture entry");
            std::fs::copy(entry.path(), workspace.repo().join(entry.file_name()))
                .expect("copy a fixture file");
        }
        workspace
    }

    /// The repository the binary runs in.
    pub fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// The saved chains.
    pub fn chains(&self) -> PathBuf {
        self.dir.path().join("chains")
    }

    /// The binary in the repository with test credentials for `moto` (`--endpoint-url`
    /// added), judging against the saved chains at [`AT`]: `SUBCOMMAND --endpoint-url URL
    /// --offline --chains DIR --at AT`.
    pub fn command(&self, subcommand: &str, moto: &Moto) -> assert_cmd::Command {
        let mut command = self.bare_command();
        command.args([
            subcommand,
            "--endpoint-url",
            &moto.endpoint(),
            "--offline",
            "--chains",
        ]);
        command.arg(self.chains()).args(["--at", AT]);
        command
    }

    /// The binary in the repository with test credentials and no AWS configuration: no
    /// profile, no metadata service, nothing from the machine's `~/.aws`.
    pub fn bare_command(&self) -> assert_cmd::Command {
        let mut command = crate::support::command();
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("AWS_") {
                command.env_remove(&name);
            }
        }
        let missing = self.dir.path().join("no-aws-configuration");
        command
            .current_dir(self.repo())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", &missing)
            .env("AWS_SHARED_CREDENTIALS_FILE", &missing);
        command
    }
}
