//! The SHA-256 of the file's bytes, computed on a thread of its own.
//!
//! Hashing costs about twice the CPU of the TLS that sends the bytes, so it never runs on the
//! task that feeds the connection, nor on a file's reading thread ([`super::file_chunks`]):
//! a hashing thread receives each chunk through a bounded channel. It sees the very [`Bytes`]
//! that go on the wire (shared, not copied), and the digest arrives on a [`Digested`] once
//! every chunk was hashed.

use std::io;
use std::sync::Arc;

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc::{self, Sender};
use tokio::sync::oneshot;

use super::cancel::{self, Cancel};

/// Called with the number of file bytes sent so far, after each chunk.
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// The most chunks waiting for the hashing thread (or, for a file, for the connection).
pub(crate) const QUEUE: usize = 8;

/// The bytes hashed and their SHA-256, lower-case hex, once the stream is done.
pub(crate) type Digested = oneshot::Receiver<(u64, String)>;

/// Lower-case hex, as PVE writes checksums.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A running SHA-256 and the number of bytes it has seen.
pub(crate) struct Hashed {
    hasher: Sha256,
    bytes: u64,
}

impl Hashed {
    pub(crate) fn new() -> Self {
        Self {
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    pub(crate) fn update(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
        self.bytes += chunk.len() as u64;
    }

    /// Answers the count and digest; nobody may wait any more (an abandoned upload).
    pub(crate) fn answer(self, to: oneshot::Sender<(u64, String)>) {
        let _ = to.send((self.bytes, hex(&self.hasher.finalize())));
    }
}

/// Starts a hashing thread: it hashes every chunk sent to the returned sender and, once every
/// sender is gone (or the upload is cancelled), answers the count and digest on the returned
/// receiver.
pub(crate) fn start_hasher(cancel: Cancel) -> io::Result<(Sender<Bytes>, Digested)> {
    let (chunks, mut incoming) = mpsc::channel::<Bytes>(QUEUE);
    let (answer, digested) = oneshot::channel();
    std::thread::Builder::new()
        .name("upload-sha256".into())
        .spawn(move || {
            let mut hashed = Hashed::new();
            while let Some(chunk) = cancel::recv(&mut incoming, &cancel) {
                hashed.update(&chunk);
            }
            hashed.answer(answer);
        })?;
    Ok((chunks, digested))
}

/// The error of a source that ended before its announced length.
pub(crate) fn ended_early(read: u64, expected: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the upload source ended after {read} of its {expected} bytes"),
    )
}
