//! A plain HTTP file server on 127.0.0.1 that stands in for the release downloads, and records
//! every path asked of it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Serves the files under a folder until the test process ends.
pub struct FileServer {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl FileServer {
    /// Starts serving `root` on a free port of 127.0.0.1.
    pub fn start(root: &Path) -> FileServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        let base_url = format!("http://{}", listener.local_addr().expect("bound address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let root = root.to_path_buf();
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || serve(stream, &root, &seen));
            }
        });
        FileServer { base_url, requests }
    }

    /// The paths asked for so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("request log").clone()
    }
}

fn serve(stream: TcpStream, root: &Path, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("stream clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }

    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    seen.lock().expect("request log").push(path.clone());

    let body = file_under(root, &path).and_then(|file| std::fs::read(file).ok());
    let mut stream = stream;
    let head = match &body {
        Some(bytes) => format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            bytes.len()
        ),
        None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
    };
    let _ = stream.write_all(head.as_bytes());
    if let Some(bytes) = body {
        let _ = stream.write_all(&bytes);
    }
}

/// The file a URL path names below `root`; nothing outside it.
fn file_under(root: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = Path::new(url_path.trim_start_matches('/'));
    if relative
        .components()
        .any(|component| !matches!(component, Component::Normal(_)))
    {
        return None;
    }
    let file = root.join(relative);
    file.is_file().then_some(file)
}
