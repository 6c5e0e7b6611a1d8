//! Ending an upload whose peer stopped taking its bytes.
//!
//! The upload's [timeout](super::Upload::timeout) bounds the whole transfer and is long (a
//! large image over a slow link). A peer that stops reading (a hung pveproxy, a black-holed
//! route) would hold the upload until then. So the call also watches the file bytes handed to
//! the connection: when none moved for the [stall timeout](super::Upload::stall_timeout)
//! before the file was sent whole, the upload ends with [`Error::Timeout`]. Once the whole
//! file went out, only the timeout applies (PVE answers after its own checks).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::digest::Progress;
use crate::error::Error;

/// The progress callback the body calls: it records the file bytes handed over, then calls
/// the caller's `progress`, if any. Returns it and the count it records.
pub(crate) fn watch(progress: Option<Progress>) -> (Progress, Arc<AtomicU64>) {
    let moved = Arc::new(AtomicU64::new(0));
    let recorded = Arc::clone(&moved);
    let callback: Progress = Arc::new(move |sent| {
        recorded.store(sent, Ordering::Relaxed);
        if let Some(progress) = &progress {
            progress(sent);
        }
    });
    (callback, moved)
}

/// Completes with the stall error once `moved` stayed put for `after` while below `len`;
/// never completes once the whole file went out.
pub(crate) async fn stalled(moved: &AtomicU64, len: u64, after: Duration) -> Error {
    let tick = (after / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
    let mut last = moved.load(Ordering::Relaxed);
    let mut since = Instant::now();
    loop {
        tokio::time::sleep(tick).await;
        let now = moved.load(Ordering::Relaxed);
        if now >= len {
            return std::future::pending().await;
        }
        if now != last {
            (last, since) = (now, Instant::now());
        } else if since.elapsed() >= after {
            return Error::Timeout {
                sent: true,
                source: Some(
                    format!(
                        "the upload made no progress for {after:?}: the server stopped taking \
                         the file after {now} of its {len} bytes"
                    )
                    .into(),
                ),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn bytes_that_stop_moving_end_the_upload_and_a_finished_file_never_does() {
        let (progress, moved) = watch(None);
        progress(10);
        let started = Instant::now();
        let err = stalled(&moved, 100, Duration::from_secs(8)).await;
        assert!(started.elapsed() >= Duration::from_secs(8));
        assert!(
            matches!(&err, Error::Timeout { sent: true, source: Some(s) }
                if s.to_string().contains("after 10 of its 100 bytes")),
            "{err:?}"
        );
        progress(100);
        let done = tokio::time::timeout(
            Duration::from_secs(3600),
            stalled(&moved, 100, Duration::from_secs(8)),
        );
        assert!(done.await.is_err(), "a finished file is not a stall");
    }
}
