//! The network side: discovery documents and presented chains, over a TLS client of our own.
//!
//! Every connection goes to an address the tool chose after the address policy, records the
//! chain the server presents, and never follows a redirect. Hosts are fetched once each, with
//! a bounded number of threads.

mod connect;
mod http;
mod proxy;
mod roots;
mod verify;

pub use proxy::Proxy;

use crate::cli::NetArgs;
use crate::config::Config;
use connect::{Captured, Failure, FailureKind, Route};
use oidc_thumb_core::{
    non_public_reason, read_discovery_document, AddressPolicy, ChainVariant, Discovery,
    DiscoveryError, Endpoint, HostError, HostObservation, HttpsUrl, IssuerObservation,
    Observations,
};
use rustls::pki_types::CertificateDer;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use oidc_thumb_core::limits::MAX_TIMEOUT_SECONDS;
pub use oidc_thumb_core::limits::{
    MAX_ADDRESSES_PER_HOST as MAX_ADDRESSES, MAX_CONCURRENT_CONNECTIONS as DEFAULT_CONCURRENCY,
};

/// How the network is used: timeouts, extra trust anchors, the address policy and the proxy.
#[derive(Clone, Debug)]
pub struct NetOptions {
    /// Bounds name resolution, each connect, each handshake and each response.
    pub timeout: Duration,
    /// Roots a chain may verify against besides the public ones (`--ca-file`, `SSL_CERT_FILE`).
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// Which non-public addresses may be connected to.
    pub address_policy: AddressPolicy,
    /// The HTTP proxy from `HTTPS_PROXY`, with `NO_PROXY` exemptions.
    pub proxy: Option<Proxy>,
    /// The most connections open at once.
    pub max_concurrency: usize,
}

impl NetOptions {
    /// Options from the command line and the environment (`SSL_CERT_FILE`, `HTTPS_PROXY`,
    /// `NO_PROXY`). An unreadable `--ca-file` is an error that names it.
    pub fn from_args(args: &NetArgs, policy: AddressPolicy) -> anyhow::Result<NetOptions> {
        if !args.timeout.is_finite() || args.timeout <= 0.0 || args.timeout > MAX_TIMEOUT_SECONDS {
            anyhow::bail!(
                "--timeout {} is not a number of seconds between 0 and {MAX_TIMEOUT_SECONDS}",
                args.timeout
            );
        }
        let timeout = Duration::from_secs_f64(args.timeout);

        let mut extra_roots = Vec::new();
        for path in &args.ca_files {
            extra_roots.extend(roots::read_ca_file(path)?);
        }
        if let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) {
            extra_roots.extend(roots::read_ssl_cert_file(std::path::Path::new(&path))?);
        }

        Ok(NetOptions {
            timeout,
            extra_roots,
            address_policy: policy,
            proxy: Proxy::from_env()?,
            max_concurrency: DEFAULT_CONCURRENCY,
        })
    }
}

impl NetOptions {
    /// Options from the command line, then the configuration file (its extra roots, its
    /// timeout unless `--timeout` was given, its allowed hosts and networks), then the
    /// environment.
    pub fn from_args_and_config(args: &NetArgs, config: &Config) -> anyhow::Result<NetOptions> {
        let mut args = args.clone();
        args.ca_files.extend(config.ca_files.iter().cloned());
        if let Some(timeout) = config.timeout.filter(|_| args.timeout_is_default()) {
            args.timeout = timeout;
        }
        let policy = AddressPolicy {
            allow_all: args.allow_private_addresses,
            hosts: config.allow_private_hosts.clone(),
            networks: config.allow_private_networks.clone(),
        };
        NetOptions::from_args(&args, policy)
    }
}

static VERBOSITY: AtomicU8 = AtomicU8::new(0);

/// Sets how much network detail goes to stderr: from 2 (`-vv`) on, a line per step.
pub fn set_verbosity(level: u8) {
    VERBOSITY.store(level, Ordering::Relaxed);
}

/// Writes a line of network detail on stderr at `-vv`.
fn detail(line: impl FnOnce() -> String) {
    if VERBOSITY.load(Ordering::Relaxed) >= 2 {
        eprintln!("  {}", line());
    }
}

/// Reads the discovery document of each distinct issuer, then captures the presented chains
/// of every issuer host, JWKS host and extra host, each once, on every address it resolves to.
pub fn observe(issuers: &[String], extra_hosts: &[Endpoint], options: &NetOptions) -> Observations {
    observe_with(issuers, extra_hosts, options, &connect::resolve_system)
}

/// Name resolution: host and port to addresses, within a timeout.
type Resolver = dyn Fn(&str, u16, Duration) -> Result<Vec<IpAddr>, String> + Sync;

/// What one run shares across threads.
struct Context<'a> {
    options: &'a NetOptions,
    tls: verify::TlsSetup,
    resolve: &'a Resolver,
}

/// The addresses of a host that will be tried, and those the address policy refused.
#[derive(Clone, Debug)]
struct Plan {
    routes: Vec<Route>,
    refused: Vec<(IpAddr, &'static str)>,
    notes: Vec<String>,
}

/// What reading one issuer's discovery document produced besides the outcome.
struct Discovered {
    observation: IssuerObservation,
    issuer_host: Option<(Endpoint, Result<Plan, HostError>)>,
    attempts: Vec<(Route, Result<Captured, Failure>)>,
}

type Attempts = HashMap<(Endpoint, Route), Result<Captured, Failure>>;

fn observe_with(
    issuers: &[String],
    extra_hosts: &[Endpoint],
    options: &NetOptions,
    resolve: &Resolver,
) -> Observations {
    let issuers = distinct_issuers(issuers);
    let tls = match verify::TlsSetup::new(&options.extra_roots) {
        Ok(tls) => tls,
        Err(reason) => return unusable_tls(&issuers, extra_hosts, &reason),
    };
    let context = Context {
        options,
        tls,
        resolve,
    };
    let workers = options.max_concurrency.max(1);
    if let Some(proxy) = &options.proxy {
        detail(|| format!("through the proxy {}", proxy.endpoint()));
    }

    // Discovery first: it names the JWKS hosts.
    let discovered = run_bounded(&issuers, workers, |issuer| discover(&context, issuer));
    let mut hosts: Vec<Endpoint> = Vec::new();
    let mut plans: HashMap<Endpoint, Result<Plan, HostError>> = HashMap::new();
    let mut attempts: Attempts = HashMap::new();
    let mut observed_issuers = Vec::new();
    for found in discovered {
        if let Some((endpoint, plan)) = found.issuer_host {
            push_unique(&mut hosts, endpoint.clone());
            for (route, outcome) in found.attempts {
                attempts.insert((endpoint.clone(), route), outcome);
            }
            plans.insert(endpoint, plan);
        }
        if let Ok(discovery) = &found.observation.discovery {
            push_unique(&mut hosts, discovery.jwks_endpoint.clone());
        }
        observed_issuers.push(found.observation);
    }
    for endpoint in extra_hosts {
        push_unique(&mut hosts, endpoint.clone());
    }

    // Then every host not yet resolved, and every address not yet tried.
    let unplanned: Vec<Endpoint> = hosts
        .iter()
        .filter(|e| !plans.contains_key(*e))
        .cloned()
        .collect();
    let new_plans = run_bounded(&unplanned, workers, |endpoint| plan(&context, endpoint));
    plans.extend(unplanned.into_iter().zip(new_plans));
    let tasks: Vec<(Endpoint, Route)> = hosts
        .iter()
        .filter_map(|e| Some((e, plans.get(e)?.as_ref().ok()?)))
        .flat_map(|(e, plan)| plan.routes.iter().map(move |r| (e.clone(), r.clone())))
        .filter(|task| !attempts.contains_key(task))
        .collect();
    let outcomes = run_bounded(&tasks, workers, |(endpoint, route)| {
        connect::capture(&context, endpoint, route)
    });
    attempts.extend(tasks.into_iter().zip(outcomes));

    let hosts = hosts
        .iter()
        .map(|endpoint| match plans.get(endpoint) {
            Some(plan) => assemble(endpoint, plan, &attempts),
            None => HostObservation {
                endpoint: endpoint.clone(),
                result: Err(HostError::Unreachable {
                    reason: "the host was not resolved".to_string(),
                }),
                notes: Vec::new(),
            },
        })
        .collect();
    Observations {
        issuers: observed_issuers,
        hosts,
    }
}

/// Issuer URLs once each, compared without a trailing slash, first spelling kept.
fn distinct_issuers(issuers: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for issuer in issuers {
        let trimmed = issuer.trim();
        let key = trimmed.trim_end_matches('/');
        if !seen.iter().any(|s| s.trim_end_matches('/') == key) {
            seen.push(trimmed.to_string());
        }
    }
    seen
}

fn push_unique(hosts: &mut Vec<Endpoint>, endpoint: Endpoint) {
    if !hosts.contains(&endpoint) {
        hosts.push(endpoint);
    }
}

/// Every issuer and host failed alike, when the trust anchors cannot even be loaded.
fn unusable_tls(issuers: &[String], extra_hosts: &[Endpoint], reason: &str) -> Observations {
    let error = HostError::Tls {
        reason: format!("the trusted roots cannot be used: {reason}"),
    };
    Observations {
        issuers: issuers
            .iter()
            .map(|issuer| IssuerObservation {
                issuer: issuer.clone(),
                discovery: Err(DiscoveryError::Host(error.clone())),
            })
            .collect(),
        hosts: extra_hosts
            .iter()
            .map(|endpoint| HostObservation {
                endpoint: endpoint.clone(),
                result: Err(error.clone()),
                notes: Vec::new(),
            })
            .collect(),
    }
}

/// Runs `work` over `items` on at most `workers` threads, results in the order of `items`.
fn run_bounded<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let workers = workers.clamp(1, items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(index) else { break };
                let result = work(item);
                if let Some(Ok(mut slot)) = slots.get(index).map(Mutex::lock) {
                    *slot = Some(result);
                }
            });
        }
    });
    // A worker that panicked takes the whole scope down with it, so every slot is filled.
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .collect()
}

/// Resolves a host and applies the address policy to each address.
fn plan(context: &Context<'_>, endpoint: &Endpoint) -> Result<Plan, HostError> {
    let policy = &context.options.address_policy;
    let literal = endpoint.ip();
    let via_proxy = context
        .options
        .proxy
        .as_ref()
        .is_some_and(|proxy| proxy.applies_to(endpoint));

    let addresses = match (literal, via_proxy) {
        (Some(ip), _) => vec![ip],
        // Through a proxy, the proxy resolves the name, so the address policy only judges
        // IP literals.
        (None, true) => {
            return Ok(Plan {
                routes: vec![Route::Proxy],
                refused: Vec::new(),
                notes: Vec::new(),
            })
        }
        (None, false) => {
            detail(|| format!("resolving {}", endpoint.host));
            (context.resolve)(&endpoint.host, endpoint.port, context.options.timeout)
                .map_err(|reason| HostError::Unreachable { reason })?
        }
    };

    let mut distinct: Vec<IpAddr> = Vec::new();
    for ip in addresses.into_iter().map(oidc_thumb_core::canonical_ip) {
        if !distinct.contains(&ip) {
            distinct.push(ip);
        }
    }
    let mut notes = Vec::new();
    if distinct.len() > MAX_ADDRESSES {
        notes.push(format!(
            "{} resolves to {} addresses; the first {MAX_ADDRESSES} were tried",
            endpoint.host,
            distinct.len()
        ));
        distinct.truncate(MAX_ADDRESSES);
    }
    if literal.is_none() {
        detail(|| format!("{} resolves to {}", endpoint.host, join(&distinct)));
    }

    let mut routes = Vec::new();
    let mut refused = Vec::new();
    for ip in distinct {
        match policy.check(&endpoint.host, ip) {
            Ok(()) if via_proxy => routes.push(Route::Proxy),
            Ok(()) => routes.push(Route::Direct(ip)),
            Err(reason) => refused.push((ip, reason)),
        }
    }
    match (routes.is_empty(), refused.first()) {
        (true, Some((ip, reason))) => Err(HostError::RefusedAddress {
            address: ip.to_string(),
            reason: (*reason).to_string(),
        }),
        (true, None) => Err(HostError::Unreachable {
            reason: format!("{} resolves to no address", endpoint.host),
        }),
        (false, _) => Ok(Plan {
            routes,
            refused,
            notes,
        }),
    }
}

fn join(addresses: &[IpAddr]) -> String {
    addresses
        .iter()
        .map(IpAddr::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads one issuer's discovery document, remembering the connections it made.
fn discover(context: &Context<'_>, issuer: &str) -> Discovered {
    let url = match HttpsUrl::discovery(issuer) {
        Ok(url) => url,
        Err(error) => {
            return Discovered {
                observation: IssuerObservation {
                    issuer: issuer.to_string(),
                    discovery: Err(DiscoveryError::Http {
                        reason: error.to_string(),
                    }),
                },
                issuer_host: None,
                attempts: Vec::new(),
            }
        }
    };

    let plan = plan(context, &url.endpoint);
    let mut attempts = Vec::new();
    let discovery = match &plan {
        Ok(plan) => fetch_discovery(context, &url, plan, &mut attempts),
        Err(error) => Err(DiscoveryError::Host(error.clone())),
    };

    Discovered {
        observation: IssuerObservation {
            issuer: issuer.to_string(),
            discovery,
        },
        issuer_host: Some((url.endpoint, plan)),
        attempts,
    }
}

/// Tries the issuer host's addresses in order until one answers, and reads the document there.
/// A timeout ends the attempts: a host that accepts and never answers is not waited for on
/// every address.
fn fetch_discovery(
    context: &Context<'_>,
    url: &HttpsUrl,
    plan: &Plan,
    attempts: &mut Vec<(Route, Result<Captured, Failure>)>,
) -> Result<Discovery, DiscoveryError> {
    let mut failures = Vec::new();
    for route in &plan.routes {
        match connect::open(context, &url.endpoint, route) {
            Ok(mut connection) => {
                attempts.push((route.clone(), Ok(connection.captured.clone())));
                let body = connection.get(url, context.options.timeout);
                detail(|| match &body {
                    Ok(body) => format!("GET {url}: 200, {} bytes", body.len()),
                    Err(error) => format!("GET {url}: {error}"),
                });
                return discovery_from_body(url, &body?);
            }
            Err(failure) => {
                let stop = failure.timed_out;
                failures.push((route.clone(), failure.clone()));
                attempts.push((route.clone(), Err(failure)));
                if stop {
                    break;
                }
            }
        }
    }
    Err(DiscoveryError::Host(host_error(&url.endpoint, &failures)))
}

fn discovery_from_body(url: &HttpsUrl, body: &[u8]) -> Result<Discovery, DiscoveryError> {
    let jwks_uri = read_discovery_document(body)?;
    let jwks = HttpsUrl::parse(&jwks_uri).map_err(|_| DiscoveryError::JwksNotHttps {
        jwks_uri: jwks_uri.clone(),
    })?;
    Ok(Discovery {
        issuer_endpoint: url.endpoint.clone(),
        jwks_uri,
        jwks_endpoint: jwks.endpoint,
    })
}

/// The error of a host none of whose addresses answered. Each reason is prefixed with its
/// address unless the host is that address.
fn host_error(endpoint: &Endpoint, failures: &[(Route, Failure)]) -> HostError {
    let reason = match failures {
        [] => "no address was tried".to_string(),
        [(Route::Direct(ip), failure)] if endpoint.ip() != Some(*ip) => {
            format!("{ip}: {}", failure.reason)
        }
        [(_, failure)] => failure.reason.clone(),
        many => many
            .iter()
            .map(|(route, failure)| format!("{}: {}", route.label(), failure.reason))
            .collect::<Vec<_>>()
            .join("; "),
    };
    if failures.iter().any(|(_, f)| f.kind == FailureKind::Tls) {
        HostError::Tls { reason }
    } else {
        HostError::Unreachable { reason }
    }
}

/// One host's observation from its plan and the outcome on each of its addresses: distinct
/// chains grouped with the addresses that presented them.
fn assemble(
    endpoint: &Endpoint,
    plan: &Result<Plan, HostError>,
    attempts: &Attempts,
) -> HostObservation {
    let plan = match plan {
        Ok(plan) => plan,
        Err(error) => {
            return HostObservation {
                endpoint: endpoint.clone(),
                result: Err(error.clone()),
                notes: Vec::new(),
            }
        }
    };

    let mut variants: Vec<ChainVariant> = Vec::new();
    let mut failures = Vec::new();
    for route in &plan.routes {
        match attempts.get(&(endpoint.clone(), route.clone())) {
            Some(Ok(captured)) => add_to_variants(&mut variants, route, captured),
            Some(Err(failure)) => failures.push((route.clone(), failure.clone())),
            None => {}
        }
    }

    let mut notes = plan.notes.clone();
    notes.extend(
        plan.refused
            .iter()
            .map(|(ip, reason)| format!("{ip} was not tried: the address is {reason}")),
    );
    let result = if variants.is_empty() {
        Err(host_error(endpoint, &failures))
    } else {
        notes.extend(
            failures
                .iter()
                .map(|(route, failure)| format!("{}: {}", route.label(), failure.reason)),
        );
        Ok(variants)
    };
    HostObservation {
        endpoint: endpoint.clone(),
        result,
        notes,
    }
}

fn add_to_variants(variants: &mut Vec<ChainVariant>, route: &Route, captured: &Captured) {
    let public = match route {
        Route::Direct(ip) => non_public_reason(*ip).is_none(),
        Route::Proxy => false,
    };
    if let Some(variant) = variants.iter_mut().find(|v| v.chain == captured.chain) {
        variant.addresses.push(route.label());
        variant.public_addresses &= public;
        variant.via_proxy |= *route == Route::Proxy;
        return;
    }
    variants.push(ChainVariant {
        addresses: vec![route.label()],
        chain: captured.chain.clone(),
        verification: captured.verification.clone(),
        via_proxy: *route == Route::Proxy,
        public_addresses: public,
    });
}

#[cfg(test)]
mod tests;
