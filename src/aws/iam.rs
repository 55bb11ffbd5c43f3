//! The AWS side: each account's OIDC providers read through IAM (the default credential chain,
//! or a role assumed from it per account, all accounts at once), and thumbprint lists updated.

use crate::cli::AccountArgs;
use anyhow::Context as _;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_iam::error::DisplayErrorContext;
use aws_sdk_iam::Client;
use oidc_thumb_core::account::{AccountProvider, Outcome, Update};
use std::collections::HashMap;
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

/// The region of the API calls when neither `--region`, the environment nor the profile names
/// one: IAM is global, and this region's STS endpoint answers for every account.
const FALLBACK_REGION: &str = "us-east-1";

use oidc_thumb_core::limits::MAX_CONCURRENT_IAM_READS as CONCURRENT_READS;

/// The session name of an assumed role, as CloudTrail shows it.
const SESSION_NAME: &str = "oidc-thumb-check";

/// The accounts read, with the clients their providers are updated through.
pub struct Accounts {
    runtime: Runtime,
    accounts: Vec<Account>,
}

/// One account: how it was reached, its IAM client, and its providers or why they could not
/// be read.
struct Account {
    label: String,
    client: Client,
    providers: Result<Vec<AccountProvider>, String>,
}

impl Accounts {
    /// Reads the providers of every account: the default credentials' own account, or the
    /// account of each `--role-arn`, concurrently. An account that cannot be read is kept with
    /// its error.
    pub fn read(args: &AccountArgs, timeout: Duration) -> anyhow::Result<Accounts> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("cannot start the runtime of the AWS calls")?;
        let accounts = runtime.block_on(read_all(args, timeout));
        Ok(Accounts { runtime, accounts })
    }

    /// Every provider read, in ARN order, each ARN once (two roles of one account read it
    /// twice).
    pub fn providers(&self) -> Vec<AccountProvider> {
        let mut providers: Vec<AccountProvider> = Vec::new();
        for account in &self.accounts {
            for provider in account.providers.iter().flatten() {
                if !providers.iter().any(|p| p.arn == provider.arn) {
                    providers.push(provider.clone());
                }
            }
        }
        providers.sort_by(|a, b| a.arn.cmp(&b.arn));
        providers
    }

    /// Why each account that could not be read was not: `role ARN: what failed`.
    pub fn errors(&self) -> Vec<String> {
        self.accounts
            .iter()
            .filter_map(|a| match &a.providers {
                Err(error) => Some(format!("{}: {error}", a.label)),
                Ok(_) => None,
            })
            .collect()
    }

    /// The accounts, as `-v` names them, with how many providers each holds.
    pub fn describe(&self) -> Vec<String> {
        self.accounts
            .iter()
            .map(|a| match &a.providers {
                Ok(providers) => format!("{}: {} OIDC providers", a.label, providers.len()),
                Err(_) => format!("{}: not read", a.label),
            })
            .collect()
    }

    /// Makes each update through the client of the account that holds the provider, and
    /// records what IAM said.
    pub fn apply(&self, updates: &mut [Update]) {
        let mut clients: HashMap<&str, &Client> = HashMap::new();
        for account in &self.accounts {
            for provider in account.providers.iter().flatten() {
                clients
                    .entry(provider.arn.as_str())
                    .or_insert(&account.client);
            }
        }
        self.runtime.block_on(async {
            for update in updates.iter_mut() {
                update.outcome = match clients.get(update.arn.as_str()) {
                    Some(client) => update_thumbprints(client, update).await,
                    None => Outcome::Failed("no account read holds this provider".to_string()),
                };
            }
        });
    }
}

/// The shared configuration (profile, region, endpoint, default credential chain), then every
/// account at once.
async fn read_all(args: &AccountArgs, timeout: Duration) -> Vec<Account> {
    let base = base_config(args, timeout).await;
    let roles: Vec<Option<String>> = if args.role_arns.is_empty() {
        vec![None]
    } else {
        args.role_arns.iter().cloned().map(Some).collect()
    };

    let mut tasks = JoinSet::new();
    for (index, role) in roles.iter().cloned().enumerate() {
        let base = base.clone();
        tasks.spawn(async move { (index, read_account(base, role).await) });
    }
    let mut read: Vec<Option<Account>> = roles.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, account)) = joined {
            if let Some(slot) = read.get_mut(index) {
                *slot = Some(account);
            }
        }
    }
    // A task that panicked left its slot empty: the account is reported as not read.
    roles
        .into_iter()
        .zip(read)
        .map(|(role, account)| {
            account.unwrap_or_else(|| Account {
                label: label(role.as_deref()),
                client: Client::new(&base),
                providers: Err("reading the account stopped unexpectedly".to_string()),
            })
        })
        .collect()
}

/// `timeout` (`--timeout`) bounds each connection and each attempt of each call, as it bounds
/// each step of the observation of a host.
async fn base_config(args: &AccountArgs, timeout: Duration) -> SdkConfig {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .operation_attempt_timeout(timeout)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts);
    if let Some(profile) = &args.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &args.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &args.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    if config.region().is_some() {
        config
    } else {
        config
            .into_builder()
            .region(Region::new(FALLBACK_REGION))
            .build()
    }
}

fn label(role: Option<&str>) -> String {
    match role {
        Some(arn) => format!("role {arn}"),
        None => "the default credentials".to_string(),
    }
}

/// One account's providers, through the role when there is one.
async fn read_account(base: SdkConfig, role: Option<String>) -> Account {
    let mut config = aws_sdk_iam::config::Builder::from(&base);
    if let Some(arn) = &role {
        let assumed = AssumeRoleProvider::builder(arn.clone())
            .configure(&base)
            .session_name(SESSION_NAME)
            .build()
            .await;
        config = config.credentials_provider(assumed);
    }
    let client = Client::from_conf(config.build());
    let providers = list_providers(&client).await;
    Account {
        label: label(role.as_deref()),
        client,
        providers,
    }
}

/// ListOpenIDConnectProviders, then GetOpenIDConnectProvider for each, a few at a time. A
/// provider deleted in between is left out.
async fn list_providers(client: &Client) -> Result<Vec<AccountProvider>, String> {
    let listed = client
        .list_open_id_connect_providers()
        .send()
        .await
        .map_err(|e| {
            format!(
                "ListOpenIDConnectProviders failed: {}",
                DisplayErrorContext(&e)
            )
        })?;
    let arns: Vec<String> = listed
        .open_id_connect_provider_list()
        .iter()
        .filter_map(|entry| entry.arn().map(str::to_string))
        .collect();

    let mut providers = Vec::new();
    for chunk in arns.chunks(CONCURRENT_READS) {
        let mut tasks = JoinSet::new();
        for arn in chunk {
            let client = client.clone();
            let arn = arn.clone();
            tasks.spawn(async move { get_provider(&client, arn).await });
        }
        while let Some(joined) = tasks.join_next().await {
            let read = joined.map_err(|e| format!("GetOpenIDConnectProvider stopped: {e}"))?;
            if let Some(provider) = read? {
                providers.push(provider);
            }
        }
    }
    providers.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(providers)
}

async fn get_provider(client: &Client, arn: String) -> Result<Option<AccountProvider>, String> {
    let got = client
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .send()
        .await;
    let output = match got {
        Ok(output) => output,
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_no_such_entity_exception()) =>
        {
            return Ok(None)
        }
        Err(error) => {
            return Err(format!(
                "GetOpenIDConnectProvider {arn} failed: {}",
                DisplayErrorContext(&error)
            ))
        }
    };
    let Some(url) = output.url() else {
        return Err(format!(
            "GetOpenIDConnectProvider {arn} returned no URL; IAM always names one"
        ));
    };
    Ok(Some(AccountProvider {
        url: url.to_string(),
        thumbprints: output.thumbprint_list().to_vec(),
        arn,
    }))
}

async fn update_thumbprints(client: &Client, update: &Update) -> Outcome {
    let list: Vec<String> = update.after.iter().map(ToString::to_string).collect();
    let sent = client
        .update_open_id_connect_provider_thumbprint()
        .open_id_connect_provider_arn(&update.arn)
        .set_thumbprint_list(Some(list))
        .send()
        .await;
    match sent {
        Ok(_) => Outcome::Applied,
        Err(error) => Outcome::Failed(format!(
            "UpdateOpenIDConnectProviderThumbprint failed: {}",
            DisplayErrorContext(&error)
        )),
    }
}
