//! TLS servers on loopback: each presents a chain and answers every request the same way, or
//! misbehaves on purpose.

use super::pki::Chain;
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How a server answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A discovery document whose `jwks_uri` is this server's `/jwks`.
    DiscoveryOfSelf,
    /// A discovery document with this `jwks_uri`.
    Discovery(String),
    /// These bytes as the whole response, then the connection closes.
    Raw(Vec<u8>),
    /// Accepts the connection and never says a word.
    Silence,
    /// Reads the start of the ClientHello and resets the connection.
    Reset,
    /// After the handshake, `head`, then `piece` again and again, waiting `pause` before each
    /// write, until `total` bytes of body are sent (`None`: until the client goes away).
    Stream {
        head: Vec<u8>,
        piece: Vec<u8>,
        pause: Duration,
        total: Option<usize>,
    },
}

/// A running server; it stops when dropped.
pub struct Server {
    pub address: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

/// Settings of a server before it starts.
pub struct Builder {
    chain: Chain,
    address: SocketAddr,
    reply: Reply,
    handshake_delay: Duration,
}

impl Server {
    /// A server on 127.0.0.1 (any free port) presenting `chain` and serving a discovery
    /// document that points at itself.
    pub fn builder(chain: &Chain) -> Builder {
        Builder {
            chain: chain.clone(),
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            reply: Reply::DiscoveryOfSelf,
            handshake_delay: Duration::ZERO,
        }
    }

    /// Starts a server presenting `chain` with the default settings.
    pub fn start(chain: &Chain) -> Server {
        Server::builder(chain)
            .start()
            .expect("a loopback port is free")
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// `HOST:PORT`, IPv6 in brackets.
    pub fn authority(&self) -> String {
        self.address.to_string()
    }

    /// `https://HOST:PORT`.
    pub fn url(&self) -> String {
        format!("https://{}", self.address)
    }

    /// The heads of the requests received so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_millis(200));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

impl Builder {
    /// Listen on this address (port 0: any free port).
    pub fn at(mut self, address: SocketAddr) -> Builder {
        self.address = address;
        self
    }

    pub fn reply(mut self, reply: Reply) -> Builder {
        self.reply = reply;
        self
    }

    /// Wait this long after accepting before the handshake starts.
    pub fn handshake_delay(mut self, delay: Duration) -> Builder {
        self.handshake_delay = delay;
        self
    }

    pub fn start(self) -> std::io::Result<Server> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        // The key is loaded and the chain served as given, without rustls parsing the leaf
        // first, so that the hostile tests can serve certificates no verifier would accept.
        let key = provider
            .key_provider
            .load_private_key(self.chain.key())
            .map_err(std::io::Error::other)?;
        let certified = rustls::sign::CertifiedKey::new(self.chain.certs.clone(), key);
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(std::io::Error::other)?
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(certified)));
        let config = Arc::new(config);

        let listener = TcpListener::bind(self.address)?;
        let address = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let connection = Connection {
            config,
            reply: self.reply,
            delay: self.handshake_delay,
            address,
            requests: Arc::clone(&requests),
            stop: Arc::clone(&stop),
        };
        let accept_stop = Arc::clone(&stop);
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let connection = connection.clone();
                std::thread::spawn(move || connection.serve(stream));
            }
        });
        Ok(Server {
            address,
            requests,
            stop,
            accept: Some(accept),
        })
    }
}

/// What each connection's thread needs.
#[derive(Clone)]
struct Connection {
    config: Arc<ServerConfig>,
    reply: Reply,
    delay: Duration,
    address: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Connection {
    fn serve(self, mut stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        match &self.reply {
            Reply::Silence => {
                let started = Instant::now();
                while !self.stop.load(Ordering::SeqCst)
                    && started.elapsed() < Duration::from_secs(60)
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                return;
            }
            Reply::Reset => {
                // Closing with unread bytes waiting makes the kernel send a reset.
                let mut record_header = [0u8; 5];
                let _ = stream.read_exact(&mut record_header);
                return;
            }
            _ => {}
        }
        std::thread::sleep(self.delay);

        let Ok(tls) = ServerConnection::new(Arc::clone(&self.config)) else {
            return;
        };
        let mut tls = StreamOwned::new(tls, stream);
        let Some(head) = read_head(&mut tls) else {
            return;
        };
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(head);
        }
        let response = match &self.reply {
            Reply::DiscoveryOfSelf => discovery_response(
                &path,
                &format!("https://{}/jwks", self.address),
                self.address,
            ),
            Reply::Discovery(jwks_uri) => discovery_response(&path, jwks_uri, self.address),
            Reply::Raw(bytes) => bytes.clone(),
            Reply::Stream {
                head,
                piece,
                pause,
                total,
            } => {
                stream_body(&mut tls, head, piece, *pause, *total, &self.stop);
                return;
            }
            Reply::Silence | Reply::Reset => Vec::new(),
        };
        let _ = tls.write_all(&response);
        tls.conn.send_close_notify();
        let _ = tls.flush();
        let _ = tls.sock.shutdown(Shutdown::Write);
    }
}

/// Writes `head`, then `piece` until `total` body bytes are sent, the client goes away, the
/// server stops or a minute has passed.
fn stream_body(
    tls: &mut StreamOwned<ServerConnection, TcpStream>,
    head: &[u8],
    piece: &[u8],
    pause: Duration,
    total: Option<usize>,
    stop: &AtomicBool,
) {
    if tls.write_all(head).and_then(|()| tls.flush()).is_err() {
        return;
    }
    let started = Instant::now();
    let mut sent = 0;
    while total.is_none_or(|total| sent < total)
        && !stop.load(Ordering::SeqCst)
        && started.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(pause);
        if tls.write_all(piece).and_then(|()| tls.flush()).is_err() {
            return;
        }
        sent += piece.len();
    }
    tls.conn.send_close_notify();
    let _ = tls.flush();
    let _ = tls.sock.shutdown(Shutdown::Write);
}

fn read_head(tls: &mut StreamOwned<ServerConnection, TcpStream>) -> Option<String> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = tls.read(&mut chunk).ok()?;
        if read == 0 || head.len() > 16 * 1024 {
            return None;
        }
        head.extend_from_slice(&chunk[..read]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// The discovery document at its well-known path, an empty key set elsewhere.
fn discovery_response(path: &str, jwks_uri: &str, address: SocketAddr) -> Vec<u8> {
    let body = if path.ends_with("/.well-known/openid-configuration") {
        let issuer = format!(
            "https://{address}{}",
            path.trim_end_matches("/.well-known/openid-configuration")
        );
        serde_json::json!({ "issuer": issuer, "jwks_uri": jwks_uri }).to_string()
    } else {
        r#"{"keys":[]}"#.to_string()
    };
    http_response(
        "200 OK",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

/// A whole HTTP/1.1 response with a Content-Length.
pub fn http_response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}
