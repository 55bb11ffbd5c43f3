//! A minimal HTTP/1.1 GET: one request, one response, no redirects followed, body capped.
//! Spec: RFC 9112 (message syntax, chunked transfer coding).

use oidc_thumb_core::{DiscoveryError, HttpsUrl};
use std::io::{self, Read, Write};

pub(crate) use oidc_thumb_core::limits::{
    MAX_DISCOVERY_BYTES as MAX_BODY, MAX_RESPONSE_HEADERS as MAX_HEADERS,
    MAX_RESPONSE_HEAD_BYTES as MAX_HEAD,
};

/// Sends `GET url` and returns the body of a 200 response. The request carries no cookie and
/// no credentials.
pub(crate) fn get(io: &mut (impl Read + Write), url: &HttpsUrl) -> Result<Vec<u8>, DiscoveryError> {
    let request = request(url);
    io.write_all(request.as_bytes())
        .and_then(|()| io.flush())
        .map_err(|e| failed("sending the request", &e))?;

    let mut input = Input {
        reader: io,
        buffer: Vec::new(),
    };
    let head = input.read_head()?;
    match head.status {
        200 => {}
        301 | 302 | 303 | 307 | 308 => {
            return Err(DiscoveryError::Redirect {
                status: head.status,
                location: head.location,
            })
        }
        status => return Err(DiscoveryError::Status { status }),
    }
    match head.framing {
        Framing::Chunked => input.read_chunked(),
        Framing::Length(length) => input.read_length(length),
        Framing::Close => input.read_to_close(),
    }
}

fn request(url: &HttpsUrl) -> String {
    format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\nUser-Agent: \
         oidc-thumb-check/{}\r\nConnection: close\r\n\r\n",
        request_target(&url.path),
        url.endpoint.authority(),
        env!("CARGO_PKG_VERSION")
    )
}

/// The path with every byte that may not appear in a request line percent-encoded, so a
/// URL from a file cannot add header lines.
fn request_target(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn failed(doing: &str, error: &io::Error) -> DiscoveryError {
    let reason = if super::connect::is_timeout(error) {
        format!("{doing} timed out")
    } else {
        format!("{doing} failed: {error}")
    };
    DiscoveryError::Http { reason }
}

fn malformed(reason: impl Into<String>) -> DiscoveryError {
    DiscoveryError::Http {
        reason: reason.into(),
    }
}

/// How the body's end is known.
#[derive(Debug, PartialEq, Eq)]
enum Framing {
    Chunked,
    Length(u64),
    Close,
}

#[derive(Debug)]
struct Head {
    status: u16,
    location: Option<String>,
    framing: Framing,
}

/// The response as it arrives: bytes read but not yet used.
struct Input<'a, R> {
    reader: &'a mut R,
    buffer: Vec<u8>,
}

impl<R: Read> Input<'_, R> {
    /// Reads more bytes; 0 at the end. A TLS peer that closes without `close_notify` ends
    /// the stream as well: the body's framing decides whether anything is missing.
    fn fill(&mut self) -> Result<usize, DiscoveryError> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match self.reader.read(&mut chunk) {
                Ok(read) => {
                    self.buffer
                        .extend_from_slice(chunk.get(..read).unwrap_or_default());
                    return Ok(read);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
                Err(e) => return Err(failed("reading the response", &e)),
            }
        }
    }

    /// The status line and headers of the final response (informational ones are skipped).
    fn read_head(&mut self) -> Result<Head, DiscoveryError> {
        loop {
            let parsed = {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut response = httparse::Response::new(&mut headers);
                match response.parse(&self.buffer) {
                    Ok(httparse::Status::Complete(length)) => Some((length, head_of(&response)?)),
                    Ok(httparse::Status::Partial) => None,
                    Err(e) => return Err(malformed(format!("the response is not HTTP/1.1: {e}"))),
                }
            };
            match parsed {
                Some((length, head)) => {
                    self.buffer.drain(..length);
                    if (100..200).contains(&head.status) && head.status != 101 {
                        continue;
                    }
                    return Ok(head);
                }
                None if self.buffer.len() > MAX_HEAD => {
                    return Err(malformed("the response head is larger than 64 KiB"))
                }
                None => {
                    if self.fill()? == 0 {
                        return Err(malformed(if self.buffer.is_empty() {
                            "the server closed the connection without answering"
                        } else {
                            "the server closed the connection in the middle of the response head"
                        }));
                    }
                }
            }
        }
    }

    fn read_length(&mut self, length: u64) -> Result<Vec<u8>, DiscoveryError> {
        let length = usize::try_from(length)
            .ok()
            .filter(|l| *l <= MAX_BODY)
            .ok_or(DiscoveryError::TooLarge { limit: MAX_BODY })?;
        self.take(length)
    }

    fn read_to_close(&mut self) -> Result<Vec<u8>, DiscoveryError> {
        loop {
            if self.buffer.len() > MAX_BODY {
                return Err(DiscoveryError::TooLarge { limit: MAX_BODY });
            }
            if self.fill()? == 0 {
                return Ok(std::mem::take(&mut self.buffer));
            }
        }
    }

    fn read_chunked(&mut self) -> Result<Vec<u8>, DiscoveryError> {
        let mut body = Vec::new();
        loop {
            let line = self.line()?;
            let size_text = line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| malformed(format!("bad chunk size {size_text:?}")))?;
            if size == 0 {
                // Trailer lines up to an empty one; a server that closes instead is forgiven.
                while !self.line().unwrap_or_default().is_empty() {}
                return Ok(body);
            }
            if size > MAX_BODY.saturating_sub(body.len()) {
                return Err(DiscoveryError::TooLarge { limit: MAX_BODY });
            }
            body.extend(self.take(size)?);
            if !self.line()?.is_empty() {
                return Err(malformed("a chunk is longer than its size says"));
            }
        }
    }

    /// Exactly `length` bytes.
    fn take(&mut self, length: usize) -> Result<Vec<u8>, DiscoveryError> {
        while self.buffer.len() < length {
            if self.fill()? == 0 {
                return Err(malformed(format!(
                    "the server closed the connection after {} of {length} body bytes",
                    self.buffer.len()
                )));
            }
        }
        Ok(self.buffer.drain(..length).collect())
    }

    /// One line without its CRLF, at most 4 KiB.
    fn line(&mut self) -> Result<String, DiscoveryError> {
        loop {
            if let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                let text = String::from_utf8_lossy(&line);
                return Ok(text.trim_end_matches(['\r', '\n']).to_string());
            }
            if self.buffer.len() > 4096 {
                return Err(malformed("a chunk size line is longer than 4 KiB"));
            }
            if self.fill()? == 0 {
                return Err(malformed(
                    "the server closed the connection inside a chunked body",
                ));
            }
        }
    }
}

fn head_of(response: &httparse::Response<'_, '_>) -> Result<Head, DiscoveryError> {
    let status = response.code.unwrap_or(0);
    let mut location = None;
    let mut chunked = false;
    let mut length: Option<u64> = None;
    for header in response.headers.iter() {
        let value = String::from_utf8_lossy(header.value).trim().to_string();
        if header.name.eq_ignore_ascii_case("location") {
            location = Some(value);
        } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value
                .rsplit(',')
                .next()
                .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"));
        } else if header.name.eq_ignore_ascii_case("content-length") {
            let parsed: u64 = value
                .parse()
                .map_err(|_| malformed(format!("Content-Length {value:?} is not a number")))?;
            if length.is_some_and(|l| l != parsed) {
                return Err(malformed(
                    "the response has conflicting Content-Length headers",
                ));
            }
            length = Some(parsed);
        }
    }
    let framing = match (chunked, length) {
        (true, _) => Framing::Chunked,
        (false, Some(length)) => Framing::Length(length),
        (false, None) => Framing::Close,
    };
    Ok(Head {
        status,
        location,
        framing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use oidc_thumb_core::Endpoint;

    /// A peer that answers with fixed bytes and keeps what it was sent.
    struct Peer {
        answer: io::Cursor<Vec<u8>>,
        sent: Vec<u8>,
    }

    impl Read for Peer {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            // Small reads, so every parser state meets a boundary.
            let limit = buf.len().min(7);
            self.answer.read(&mut buf[..limit])
        }
    }

    impl Write for Peer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.sent.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn exchange(answer: &[u8]) -> (Result<Vec<u8>, DiscoveryError>, String) {
        let url =
            HttpsUrl::parse("https://idp.example:8443/realms/a b").expect("the value is valid");
        let mut peer = Peer {
            answer: io::Cursor::new(answer.to_vec()),
            sent: Vec::new(),
        };
        let result = get(&mut peer, &url);
        (
            result,
            String::from_utf8(peer.sent).expect("the value is valid"),
        )
    }

    #[test]
    fn request_names_host_and_asks_for_json_without_credentials() {
        let (_, sent) = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assert!(sent.starts_with("GET /realms/a%20b HTTP/1.1\r\nHost: idp.example:8443\r\n"));
        assert!(sent.contains("Accept: application/json\r\n"));
        assert!(sent.contains("User-Agent: oidc-thumb-check/"));
        assert!(sent.contains("Connection: close\r\n\r\n"));
        assert!(!sent.to_ascii_lowercase().contains("cookie"));
        assert!(!sent.to_ascii_lowercase().contains("authorization"));
    }

    #[test]
    fn line_breaks_in_a_path_cannot_add_headers() {
        let url = HttpsUrl {
            endpoint: Endpoint {
                host: "idp.example".into(),
                port: 443,
            },
            path: "/x\r\nCookie: a=b".into(),
        };
        assert!(request(&url).starts_with("GET /x%0D%0ACookie:%20a=b HTTP/1.1\r\n"));
    }

    #[test]
    fn content_length_body_is_read_exactly() {
        let (body, _) = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n{}{}trailing");
        assert_eq!(body.expect("the value is valid"), b"{}{}");
    }

    #[test]
    fn chunked_body_is_reassembled() {
        let (body, _) = exchange(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\n{\"a\r\n5\r\n\":1}\n\r\n0\r\nX-T: 1\r\n\r\n",
        );
        assert_eq!(body.expect("the value is valid"), b"{\"a\":1}\n");
    }

    #[test]
    fn close_delimited_body_ends_with_the_connection() {
        let (body, _) = exchange(b"HTTP/1.1 200 OK\r\n\r\n{\"jwks_uri\":1}");
        assert_eq!(body.expect("the value is valid"), b"{\"jwks_uri\":1}");
    }

    #[test]
    fn informational_responses_are_skipped() {
        let (body, _) = exchange(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
        );
        assert_eq!(body.expect("the value is valid"), b"{}");
    }

    #[test]
    fn redirect_is_reported_with_its_target() {
        let (result, _) =
            exchange(b"HTTP/1.1 302 Found\r\nLocation: https://elsewhere.example/\r\n\r\n");
        assert_eq!(
            result.expect_err("an error is expected"),
            DiscoveryError::Redirect {
                status: 302,
                location: Some("https://elsewhere.example/".into())
            }
        );
    }

    #[test]
    fn other_statuses_are_reported() {
        let (result, _) = exchange(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(
            result.expect_err("an error is expected"),
            DiscoveryError::Status { status: 404 }
        );
    }

    #[test]
    fn declared_length_over_the_cap_is_refused_unread() {
        let (result, _) = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 5242880\r\n\r\n{");
        assert_eq!(
            result.expect_err("an error is expected"),
            DiscoveryError::TooLarge { limit: MAX_BODY }
        );
    }

    #[test]
    fn streamed_body_over_the_cap_is_refused() {
        let mut answer = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
        answer.extend(std::iter::repeat_n(b' ', MAX_BODY + 10));
        let (result, _) = exchange(&answer);
        assert_eq!(
            result.expect_err("an error is expected"),
            DiscoveryError::TooLarge { limit: MAX_BODY }
        );
    }

    #[test]
    fn chunk_over_the_cap_is_refused() {
        let (result, _) =
            exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n500000\r\n");
        assert_eq!(
            result.expect_err("an error is expected"),
            DiscoveryError::TooLarge { limit: MAX_BODY }
        );
    }

    #[test]
    fn truncated_body_is_an_error() {
        let (result, _) = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}");
        let message = result.expect_err("an error is expected").to_string();
        assert!(message.contains("after 2 of 10 body bytes"), "{message}");
    }

    #[test]
    fn garbage_is_not_http() {
        let (result, _) = exchange(b"\x16\x03\x01 not http at all\r\n\r\n");
        assert!(matches!(result, Err(DiscoveryError::Http { .. })));
    }

    #[test]
    fn silence_is_an_error() {
        let (result, _) = exchange(b"");
        let message = result.expect_err("an error is expected").to_string();
        assert!(message.contains("without answering"), "{message}");
    }
}
