//! Loopback TLS servers for timing `thumbprint` (dist/bench-thumbprint.sh): COUNT servers on
//! 127.0.0.2, 127.0.0.3, ..., each waiting DELAY_MS before its handshake.
//!
//! Usage: bench_servers [COUNT] [DELAY_MS]. Prints one `IP:PORT` per server, then `ready`,
//! and serves until its standard input closes.

#[path = "../tests/support/mod.rs"]
#[allow(clippy::unwrap_used)]
mod support;

use std::io::{BufRead, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use support::pki::Pki;
use support::server::Server;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let count: u8 = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let delay: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);

    let chain = Pki::new("Bench", 1).chain_with_root();
    let mut servers = Vec::new();
    for n in 0..count {
        let ip = Ipv4Addr::new(127, 0, 0, n.saturating_add(2));
        let server = Server::builder(&chain)
            .at(SocketAddr::from((ip, 0)))
            .handshake_delay(Duration::from_millis(delay))
            .start()?;
        servers.push(server);
    }

    let mut stdout = std::io::stdout().lock();
    for server in &servers {
        writeln!(stdout, "{}", server.authority())?;
    }
    writeln!(stdout, "ready")?;
    stdout.flush()?;
    drop(stdout);

    // Serve until whoever started us closes our standard input.
    for line in std::io::stdin().lock().lines() {
        line?;
    }
    Ok(())
}
