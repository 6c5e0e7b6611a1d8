//! How many calls one node gets at once: an optional limit per endpoint, with a tighter lane
//! for calls that pveproxy hands to pvedaemon.
//!
//! Each PVE node serves the API with 3 pveproxy worker processes, and every `protected` call
//! (writes that need root: creating, cloning, starting guests, …) is forwarded to pvedaemon,
//! which also runs only 3 workers. A burst beyond that queues inside PVE, where it shows up
//! as 596/599 answers and `can't lock file … got timeout`. Queueing in the client instead
//! keeps those calls cheap to cancel: a call waiting for a slot has sent nothing, dropping it
//! gives the slot up, and it waits no longer than the client's timeout.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::Error;

/// Calls in flight per endpoint; see [`ClientBuilder::limit_in_flight`](super::ClientBuilder::limit_in_flight).
///
/// ```
/// use proxmox_sdk::client::InFlightLimit;
///
/// let limit = InFlightLimit::default(); // 12 per node, 3 of them through pvedaemon
/// assert_eq!((limit.per_node(), limit.protected()), (12, 3));
/// let wider = InFlightLimit::new(24, 6);
/// # let _ = wider;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InFlightLimit {
    per_node: usize,
    protected: usize,
}

impl Default for InFlightLimit {
    /// 3 `protected` calls per node (one per pvedaemon worker) and 12 calls in all (four per
    /// pveproxy worker, which serves many connections at once but runs one handler at a time).
    fn default() -> Self {
        Self {
            per_node: 12,
            protected: 3,
        }
    }
}

impl InFlightLimit {
    /// `per_node` calls in flight per endpoint, of which at most `protected` go through
    /// pvedaemon. Zeros count as 1; `protected` is at most `per_node`.
    pub fn new(per_node: usize, protected: usize) -> Self {
        let per_node = per_node.max(1);
        Self {
            per_node,
            protected: protected.clamp(1, per_node),
        }
    }

    /// Calls in flight per endpoint.
    pub fn per_node(&self) -> usize {
        self.per_node
    }

    /// `protected` calls in flight per endpoint.
    pub fn protected(&self) -> usize {
        self.protected
    }
}

/// The two lanes of one endpoint.
#[derive(Debug)]
pub(crate) struct Lanes {
    all: Arc<Semaphore>,
    protected: Arc<Semaphore>,
}

/// The slots one attempt holds; dropping it frees them.
#[derive(Debug)]
pub(crate) struct Slot {
    _protected: Option<OwnedSemaphorePermit>,
    _all: OwnedSemaphorePermit,
}

impl Lanes {
    pub(crate) fn new(limit: InFlightLimit) -> Self {
        Self {
            all: Arc::new(Semaphore::new(limit.per_node)),
            protected: Arc::new(Semaphore::new(limit.protected)),
        }
    }

    /// Waits for a slot (a protected one first, for a protected call), at most `deadline`.
    pub(crate) async fn enter(
        &self,
        protected: bool,
        deadline: Option<Duration>,
    ) -> Result<Slot, Error> {
        let wait = async {
            let lane = if protected {
                Some(Arc::clone(&self.protected).acquire_owned().await)
            } else {
                None
            };
            let all = Arc::clone(&self.all).acquire_owned().await;
            (lane, all)
        };
        let (lane, all) = match deadline {
            Some(limit) => tokio::time::timeout(limit, wait)
                .await
                .map_err(|_| queue_timeout())?,
            None => wait.await,
        };
        // The semaphores are never closed.
        let closed = |_| Error::config("the in-flight limiter was closed");
        Ok(Slot {
            _protected: lane.transpose().map_err(closed)?,
            _all: all.map_err(closed)?,
        })
    }
}

fn queue_timeout() -> Error {
    Error::Timeout {
        sent: false,
        source: Some("waited for a free slot of the in-flight limit until the timeout".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_clamped() {
        assert_eq!(InFlightLimit::new(0, 0), InFlightLimit::new(1, 1));
        assert_eq!(InFlightLimit::new(4, 10).protected(), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_lane_queues_until_the_deadline_and_a_dropped_wait_frees_nothing_it_held() {
        let lanes = Lanes::new(InFlightLimit::new(2, 1));
        let first = lanes.enter(true, None).await.unwrap();
        // The protected lane is full: a second protected call waits, then times out unsent.
        let err = lanes
            .enter(true, Some(Duration::from_secs(5)))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Timeout { sent: false, .. }), "{err:?}");
        // An unprotected call still gets the other general slot …
        let second = lanes.enter(false, None).await.unwrap();
        // … and then the node is full.
        assert!(
            lanes
                .enter(false, Some(Duration::from_millis(1)))
                .await
                .is_err()
        );
        drop(first);
        let third = lanes.enter(true, Some(Duration::from_millis(1))).await;
        assert!(third.is_ok());
        drop(second);
    }
}
