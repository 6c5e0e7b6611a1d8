//! Bounded capture of a pipe: a tool that floods its output costs at most `limit` bytes.

use tokio::io::{AsyncRead, AsyncReadExt};

/// What was read from one pipe.
pub(crate) struct Captured {
    /// At most `limit` bytes.
    pub(crate) bytes: Vec<u8>,
    /// Whether the stream had more than `limit` bytes.
    pub(crate) overflowed: bool,
}

/// What to do once a stream passes its limit.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnOverflow {
    /// Stop reading: the caller kills the process (stdout, which must be complete to parse).
    Stop,
    /// Keep the first `limit` bytes and discard the rest until end of stream (stderr, which is
    /// only diagnostics; the time limit still bounds how long that takes).
    Drain,
}

pub(crate) async fn read_bounded<R: AsyncRead + Unpin>(
    mut reader: R,
    limit: usize,
    on_overflow: OnOverflow,
) -> std::io::Result<Captured> {
    let mut bytes = Vec::new();
    let mut overflowed = false;
    let mut chunk = [0u8; 8192];
    loop {
        let n = reader.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        let room = limit - bytes.len();
        bytes.extend_from_slice(&chunk[..n.min(room)]);
        if n > room {
            overflowed = true;
            if on_overflow == OnOverflow::Stop {
                break;
            }
        }
    }
    Ok(Captured { bytes, overflowed })
}
