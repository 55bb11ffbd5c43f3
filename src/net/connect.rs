//! Connections: name resolution within a timeout, TCP (direct or through the proxy), and the
//! TLS handshake that records the presented chain.

use super::{detail, Context};
use oidc_thumb_core::limits::CONNECT_RETRIES;
use oidc_thumb_core::{DiscoveryError, Endpoint, HttpsUrl, PresentedChain, Verification};
use rustls::pki_types::ServerName;
use rustls::{ClientConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Where a connection goes: straight to an address, or through the proxy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Route {
    Direct(IpAddr),
    Proxy,
}

impl Route {
    /// The address as reports show it: the IP literal, or `proxy`.
    pub(crate) fn label(&self) -> String {
        match self {
            Route::Direct(ip) => ip.to_string(),
            Route::Proxy => "proxy".to_string(),
        }
    }
}

/// A chain seen on one connection and how it verified.
#[derive(Clone, Debug)]
pub(crate) struct Captured {
    pub(crate) chain: PresentedChain,
    pub(crate) verification: Verification,
}

/// Whether a failure happened before TLS or during it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailureKind {
    Unreachable,
    Tls,
}

/// Why one address gave no chain.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    pub(crate) kind: FailureKind,
    pub(crate) reason: String,
    /// The peer did not answer in time; not retried.
    pub(crate) timed_out: bool,
    /// Refused or reset: retried.
    pub(crate) transient: bool,
}

impl Failure {
    pub(crate) fn unreachable(reason: impl Into<String>) -> Failure {
        Failure {
            kind: FailureKind::Unreachable,
            reason: reason.into(),
            timed_out: false,
            transient: false,
        }
    }

    pub(crate) fn tls(reason: impl Into<String>) -> Failure {
        Failure {
            kind: FailureKind::Tls,
            reason: reason.into(),
            timed_out: false,
            transient: false,
        }
    }

    /// A failure of the TCP connection: to the host's address (`proxy` is `None`; reports
    /// name the address) or to the proxy (named here).
    pub(crate) fn connect(error: &io::Error, proxy: Option<&str>, timeout: Duration) -> Failure {
        let timed_out = is_timeout(error);
        let to = proxy.map(|what| format!(" to {what}")).unwrap_or_default();
        let reason = match (error.kind(), proxy) {
            _ if timed_out => format!("connecting{to} timed out after {}", seconds(timeout)),
            (io::ErrorKind::ConnectionRefused, Some(what)) => {
                format!("{what} refused the connection")
            }
            (io::ErrorKind::ConnectionRefused, None) => "the connection was refused".to_string(),
            _ => format!("connecting{to} failed: {error}"),
        };
        Failure {
            kind: FailureKind::Unreachable,
            reason,
            timed_out,
            transient: is_transient(error),
        }
    }
}

/// Refused, reset and aborted connections are worth another try; timeouts are not.
fn is_transient(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
    )
}

pub(crate) fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// A duration for messages: `10 s`, `1.5 s`.
pub(crate) fn seconds(duration: Duration) -> String {
    let value = duration.as_secs_f64();
    if value.fract() == 0.0 {
        format!("{value:.0} s")
    } else {
        format!("{value} s")
    }
}

/// Resolves with the system resolver, in a thread of its own so a stuck lookup cannot
/// outlast the timeout (the thread is left to finish on its own).
pub(crate) fn resolve_system(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<Vec<IpAddr>, String> {
    let (sender, receiver) = mpsc::channel();
    let name = host.to_string();
    let spawned = std::thread::Builder::new()
        .name("resolve".to_string())
        .spawn(move || {
            let result = (name.as_str(), port)
                .to_socket_addrs()
                .map(|addresses| addresses.map(|a| a.ip()).collect::<Vec<_>>());
            let _ = sender.send(result);
        });
    if let Err(error) = spawned {
        return Err(format!("cannot start resolving {host}: {error}"));
    }
    match receiver.recv_timeout(timeout) {
        Ok(Ok(addresses)) if !addresses.is_empty() => Ok(addresses),
        Ok(Ok(_)) => Err(format!("{host} resolves to no address")),
        Ok(Err(error)) => Err(format!("{host} cannot be resolved: {error}")),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "resolving {host} took longer than {}",
            seconds(timeout)
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(format!("resolving {host} failed")),
    }
}

/// An open TLS connection and the chain its server presented.
pub(crate) struct Connection {
    stream: StreamOwned<ClientConnection, TcpStream>,
    pub(crate) captured: Captured,
}

impl Connection {
    /// GET `url` on this connection; the whole response within `timeout`.
    pub(crate) fn get(
        &mut self,
        url: &HttpsUrl,
        timeout: Duration,
    ) -> Result<Vec<u8>, DiscoveryError> {
        let mut io = Timed {
            stream: &mut self.stream,
            deadline: Instant::now() + timeout,
        };
        super::http::get(&mut io, url)
    }

    /// Ends the session politely, without waiting for the server.
    fn close(mut self) {
        self.stream.conn.send_close_notify();
        while self.stream.conn.wants_write() {
            if self.stream.conn.write_tls(&mut self.stream.sock).is_err() {
                break;
            }
        }
    }
}

/// Reads and writes of a TLS stream bounded by one deadline.
struct Timed<'a> {
    stream: &'a mut StreamOwned<ClientConnection, TcpStream>,
    deadline: Instant,
}

impl Timed<'_> {
    fn remaining(&self) -> io::Result<Duration> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        Ok(remaining)
    }
}

impl Read for Timed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let remaining = self.remaining()?;
        self.stream.sock.set_read_timeout(Some(remaining))?;
        self.stream.read(buf)
    }
}

impl Write for Timed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let remaining = self.remaining()?;
        self.stream.sock.set_write_timeout(Some(remaining))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// Connects and completes the handshake only to record the chain.
pub(crate) fn capture(
    context: &Context<'_>,
    endpoint: &Endpoint,
    route: &Route,
) -> Result<Captured, Failure> {
    let connection = open(context, endpoint, route)?;
    let captured = connection.captured.clone();
    connection.close();
    Ok(captured)
}

/// Connects to `endpoint` by `route` and completes the TLS handshake. Refused and reset
/// connections are tried twice more, after 200 ms and 400 ms; timeouts are not.
pub(crate) fn open(
    context: &Context<'_>,
    endpoint: &Endpoint,
    route: &Route,
) -> Result<Connection, Failure> {
    let mut backoff = Duration::from_millis(200);
    let mut retries = 0;
    loop {
        match open_once(context, endpoint, route) {
            Err(failure) if failure.transient && retries < CONNECT_RETRIES => {
                detail(|| {
                    format!(
                        "{endpoint} via {}: {}; retrying in {} ms",
                        route.label(),
                        failure.reason,
                        backoff.as_millis()
                    )
                });
                std::thread::sleep(backoff);
                backoff *= 2;
                retries += 1;
            }
            outcome => return outcome,
        }
    }
}

fn open_once(
    context: &Context<'_>,
    endpoint: &Endpoint,
    route: &Route,
) -> Result<Connection, Failure> {
    let timeout = context.options.timeout;
    let socket = match route {
        Route::Direct(ip) => {
            let address = SocketAddr::new(*ip, endpoint.port);
            detail(|| format!("{endpoint}: connecting to {address}"));
            TcpStream::connect_timeout(&address, timeout)
                .map_err(|e| Failure::connect(&e, None, timeout))?
        }
        Route::Proxy => match &context.options.proxy {
            Some(proxy) => proxy.tunnel(endpoint, timeout, context.resolve)?,
            None => return Err(Failure::unreachable("no proxy is configured")),
        },
    };
    let _ = socket.set_nodelay(true);

    let name = server_name(endpoint)?;
    let (config, recorder) = context.tls.client_config().map_err(Failure::tls)?;
    let mut tls = ClientConnection::new(config, name)
        .map_err(|e| Failure::tls(format!("cannot start a TLS session: {e}")))?;
    let mut socket = socket;
    handshake(&mut tls, &mut socket, Instant::now() + timeout, timeout)?;

    let seen = recorder
        .take()
        .ok_or_else(|| Failure::tls("the handshake finished without a certificate"))?;
    let chain = PresentedChain::from_der(seen.certificates.iter().map(|c| c.as_ref()))
        .map_err(|e| Failure::tls(format!("the presented chain cannot be read: {e}")))?;
    detail(|| {
        format!(
            "{endpoint} via {}: {} handshake done, {} certificate(s) presented",
            route.label(),
            tls.protocol_version()
                .and_then(|v| v.as_str())
                .unwrap_or("TLS"),
            chain.certs.len()
        )
    });
    Ok(Connection {
        stream: StreamOwned::new(tls, socket),
        captured: Captured {
            chain,
            verification: seen.verification,
        },
    })
}

/// The name the server is asked for (SNI) and the certificate is checked against. IP
/// literals send no SNI; rustls leaves it out for them.
fn server_name(endpoint: &Endpoint) -> Result<ServerName<'static>, Failure> {
    match endpoint.ip() {
        Some(ip) => Ok(ServerName::from(ip)),
        None => ServerName::try_from(endpoint.host.clone()).map_err(|_| {
            Failure::tls(format!(
                "{:?} cannot be used as a TLS server name",
                endpoint.host
            ))
        }),
    }
}

/// Drives the handshake by hand so that the whole of it, not each read, is bounded by the
/// deadline.
fn handshake(
    tls: &mut ClientConnection,
    socket: &mut TcpStream,
    deadline: Instant,
    timeout: Duration,
) -> Result<(), Failure> {
    let failed = |error: io::Error| handshake_failure(&error, timeout);
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(failed(io::ErrorKind::TimedOut.into()));
        }
        socket
            .set_write_timeout(Some(remaining))
            .and_then(|()| socket.set_read_timeout(Some(remaining)))
            .map_err(failed)?;
        while tls.wants_write() {
            tls.write_tls(socket).map_err(failed)?;
        }
        socket.flush().map_err(failed)?;
        if !tls.is_handshaking() {
            return Ok(());
        }
        let read = tls.read_tls(socket).map_err(failed)?;
        if read == 0 {
            return Err(failed(io::ErrorKind::UnexpectedEof.into()));
        }
        if let Err(error) = tls.process_new_packets() {
            // Send the alert that says why, then report it.
            let _ = tls.write_tls(socket);
            return Err(Failure::tls(tls_error_in_words(&error)));
        }
    }
}

/// What a TLS error means for the user, where rustls's own words name only a message type.
fn tls_error_in_words(error: &rustls::Error) -> String {
    use rustls::{Error, InvalidMessage};
    match error {
        Error::InvalidMessage(InvalidMessage::HandshakePayloadTooLarge) => {
            "the server sent a handshake message larger than 64 KiB, the TLS limit (a certificate \
             chain this large is refused)"
                .to_string()
        }
        Error::InvalidMessage(InvalidMessage::InvalidContentType) => {
            "the server did not answer in TLS (its first bytes are not a TLS record)".to_string()
        }
        Error::AlertReceived(alert) => format!("the server sent the fatal TLS alert {alert:?}"),
        other => other.to_string(),
    }
}

fn handshake_failure(error: &io::Error, timeout: Duration) -> Failure {
    let timed_out = is_timeout(error);
    let reason = match error.kind() {
        _ if timed_out => format!(
            "the server did not complete the TLS handshake within {}",
            seconds(timeout)
        ),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            "the server reset the connection during the TLS handshake".to_string()
        }
        io::ErrorKind::UnexpectedEof => {
            "the server closed the connection during the TLS handshake".to_string()
        }
        _ => error.to_string(),
    };
    Failure {
        kind: super::FailureKind::Tls,
        reason,
        timed_out,
        transient: is_transient(error),
    }
}
