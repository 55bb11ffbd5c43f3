//! Observation of hosts with several addresses, through a resolver the tests choose, against
//! TLS servers on loopback.

use super::*;
use std::net::{Ipv4Addr, SocketAddr};

#[path = "../../tests/support/mod.rs"]
mod support;

use support::pki::Pki;
use support::server::Server;

fn options(policy: AddressPolicy) -> NetOptions {
    NetOptions {
        timeout: Duration::from_secs(5),
        extra_roots: Vec::new(),
        address_policy: policy,
        proxy: None,
        max_concurrency: 8,
    }
}

fn allow_all() -> AddressPolicy {
    AddressPolicy {
        allow_all: true,
        ..AddressPolicy::default()
    }
}

fn loopback(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

/// Two servers on one port, at 127.0.0.1 and 127.0.0.2.
fn two_servers(first: &support::pki::Chain, second: &support::pki::Chain) -> (Server, Server) {
    for _ in 0..20 {
        let one = Server::start(first);
        let at = SocketAddr::new(loopback(2), one.port());
        if let Ok(two) = Server::builder(second).at(at).start() {
            return (one, two);
        }
    }
    panic!("no port free on both 127.0.0.1 and 127.0.0.2");
}

/// A resolver that knows one name.
fn resolver(
    name: &'static str,
    addresses: Vec<IpAddr>,
) -> impl Fn(&str, u16, Duration) -> Result<Vec<IpAddr>, String> + Sync {
    move |host, _, _| {
        if host == name {
            Ok(addresses.clone())
        } else {
            Err(format!("{host} is unknown"))
        }
    }
}

fn observe_host(endpoint: &Endpoint, options: &NetOptions, resolve: &Resolver) -> HostObservation {
    let observations = observe_with(&[], std::slice::from_ref(endpoint), options, resolve);
    observations
        .host(endpoint)
        .cloned()
        .expect("the host is observed")
}

fn idp(port: u16) -> Endpoint {
    Endpoint {
        host: "idp.test".into(),
        port,
    }
}

#[test]
fn addresses_presenting_different_chains_are_separate_variants() {
    let first = Pki::new("First", 10).chain_with_root();
    let second = Pki::new("Second", 20).chain_without_root();
    let (one, _two) = two_servers(&first, &second);
    let resolve = resolver("idp.test", vec![loopback(1), loopback(2)]);

    let host = observe_host(&idp(one.port()), &options(allow_all()), &resolve);

    let variants = host.result.expect("both addresses answered");
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0].addresses, ["127.0.0.1"]);
    assert_eq!(
        variants[0].chain.top_thumbprint().to_string(),
        first.top_thumbprint()
    );
    assert_eq!(variants[1].addresses, ["127.0.0.2"]);
    assert_eq!(
        variants[1].chain.top_thumbprint().to_string(),
        second.top_thumbprint()
    );
    assert!(!variants[0].public_addresses && !variants[0].via_proxy);
}

#[test]
fn addresses_presenting_the_same_chain_are_one_variant() {
    let chain = Pki::new("Same", 30).chain_with_root();
    let (one, _two) = two_servers(&chain, &chain);
    let resolve = resolver("idp.test", vec![loopback(1), loopback(2)]);

    let host = observe_host(&idp(one.port()), &options(allow_all()), &resolve);

    let variants = host.result.expect("both addresses answered");
    assert_eq!(variants.len(), 1);
    assert_eq!(variants[0].addresses, ["127.0.0.1", "127.0.0.2"]);
}

#[test]
fn an_address_that_fails_while_another_answers_is_a_note() {
    let chain = Pki::new("Half", 40).chain_with_root();
    let server = Server::start(&chain);
    // Nothing listens on 127.0.0.3 at this port.
    let resolve = resolver("idp.test", vec![loopback(3), loopback(1)]);

    let host = observe_host(&idp(server.port()), &options(allow_all()), &resolve);

    let variants = host.result.expect("one address answered");
    assert_eq!(variants.len(), 1);
    assert_eq!(variants[0].addresses, ["127.0.0.1"]);
    assert_eq!(host.notes.len(), 1, "{:?}", host.notes);
    assert_eq!(host.notes[0], "127.0.0.3: the connection was refused");
}

#[test]
fn addresses_the_policy_refuses_are_noted_and_not_tried() {
    let chain = Pki::new("Policy", 50).chain_with_root();
    let (one, two) = two_servers(&chain, &chain);
    let resolve = resolver("idp.test", vec![loopback(1), loopback(2)]);
    let policy = AddressPolicy {
        networks: vec![oidc_thumb_core::Cidr::parse("127.0.0.2/32").expect("network")],
        ..AddressPolicy::default()
    };

    let host = observe_host(&idp(one.port()), &options(policy), &resolve);

    let variants = host.result.expect("the allowed address answered");
    assert_eq!(variants[0].addresses, ["127.0.0.2"]);
    assert_eq!(
        host.notes,
        ["127.0.0.1 was not tried: the address is loopback"]
    );
    assert!(one.requests().is_empty() && two.requests().is_empty());
}

#[test]
fn a_host_whose_every_address_is_refused_is_an_error() {
    let resolve = resolver(
        "idp.test",
        vec![loopback(1), "10.0.0.1".parse().expect("ip")],
    );

    let host = observe_host(&idp(443), &options(AddressPolicy::default()), &resolve);

    assert_eq!(
        host.result,
        Err(HostError::RefusedAddress {
            address: "127.0.0.1".into(),
            reason: "loopback".into()
        })
    );
}

#[test]
fn a_name_that_does_not_resolve_is_unreachable() {
    let resolve = resolver("other.test", vec![loopback(1)]);

    let host = observe_host(&idp(443), &options(allow_all()), &resolve);

    assert_eq!(
        host.result,
        Err(HostError::Unreachable {
            reason: "idp.test is unknown".into()
        })
    );
}

#[test]
fn addresses_are_deduplicated_and_capped() {
    let mut addresses: Vec<IpAddr> = (1..=10).map(loopback).collect();
    addresses.insert(1, "::ffff:127.0.0.1".parse().expect("ip"));
    let resolve = resolver("idp.test", addresses);
    let options = options(allow_all());
    let context = Context {
        options: &options,
        tls: verify::TlsSetup::new(&[]).expect("public roots load"),
        resolve: &resolve,
    };

    let plan = plan(&context, &idp(443)).expect("addresses resolve");

    let expected: Vec<Route> = (1..=8).map(|n| Route::Direct(loopback(n))).collect();
    assert_eq!(plan.routes, expected);
    assert_eq!(
        plan.notes,
        ["idp.test resolves to 10 addresses; the first 8 were tried"]
    );
}

#[test]
fn issuers_are_compared_without_a_trailing_slash() {
    let issuers = [
        "https://idp.example/".to_string(),
        "https://idp.example".to_string(),
        " https://other.example".to_string(),
    ];
    assert_eq!(
        distinct_issuers(&issuers),
        ["https://idp.example/", "https://other.example"]
    );
}

#[test]
fn bounded_runs_keep_the_order_of_their_items() {
    let items: Vec<u64> = (0..50).collect();
    let doubled = run_bounded(&items, 4, |n| {
        std::thread::sleep(Duration::from_millis(50 - n));
        n * 2
    });
    assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
}

/// Silent servers (they accept, then never answer the handshake) on one port at 127.0.0.1 up
/// to 127.0.0.`count`.
fn silent_servers(count: u8) -> Vec<Server> {
    let chain = Pki::new("Silent", 60).chain_with_root();
    'attempt: for _ in 0..20 {
        let first = Server::builder(&chain)
            .reply(support::server::Reply::Silence)
            .start()
            .expect("server starts");
        let port = first.port();
        let mut servers = vec![first];
        for last in 2..=count {
            let at = SocketAddr::new(loopback(last), port);
            match Server::builder(&chain)
                .reply(support::server::Reply::Silence)
                .at(at)
                .start()
            {
                Ok(server) => servers.push(server),
                Err(_) => continue 'attempt,
            }
        }
        return servers;
    }
    panic!("no port free on 127.0.0.1 to 127.0.0.{count}");
}

#[test]
fn a_host_resolving_to_many_silent_addresses_ends_within_one_timeout() {
    let servers = silent_servers(8);
    let port = servers[0].port();
    // A hundred addresses: the first eight hold the handshake open, the rest are never tried.
    let addresses: Vec<IpAddr> = (1..=100).map(loopback).collect();
    let resolve = resolver("idp.test", addresses);
    let mut options = options(allow_all());
    options.timeout = Duration::from_secs(1);

    let started = std::time::Instant::now();
    let host = observe_host(&idp(port), &options, &resolve);
    let elapsed = started.elapsed();

    // The eight addresses are tried at once, so the whole host takes one handshake timeout,
    // not eight; the bound leaves room for a loaded machine.
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
    assert_eq!(
        host.notes,
        ["idp.test resolves to 100 addresses; the first 8 were tried"]
    );
    let Err(HostError::Tls { reason }) = &host.result else {
        panic!("expected a TLS error, got {:?}", host.result);
    };
    for last in 1..=8 {
        assert!(
            reason.contains(&format!(
                "127.0.0.{last}: the server did not complete the TLS handshake within 1 s"
            )),
            "{reason}"
        );
    }
    assert!(!reason.contains("127.0.0.9"), "{reason}");
}
