//! Several endpoints (cluster nodes) behind one client: which one a call goes to, and when a
//! call may move on to the next.
//!
//! The client sticks to one healthy endpoint. A call moves to the next endpoint only when the
//! failed attempt certainly did not reach a handler:
//!
//! * no connection could be made, or TLS verification refused the server (nothing was sent);
//! * a timeout before the request was sent;
//! * a 595 from the contacted node's *own* proxy: for a path that names no node, or names the
//!   contacted node itself (its pveproxy could not reach its own pvedaemon). A 595 for a call
//!   proxied to *another* node says that node is down: every endpoint would forward it to the
//!   same place, so the error goes to the caller ([`Error::ProxyHop`]).
//!
//! A `GET` also moves on after a broken connection or a timeout waiting for the answer (it
//! changes nothing, so sending it again elsewhere is safe); a write never does, since it may
//! have been processed. An endpoint that failed is skipped for a back-off that doubles with
//! each failure in a row (1 s up to 60 s); when every endpoint is backing off, the one whose
//! back-off ends first is tried.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::limit::Lanes;
use crate::endpoint::HttpMethod;
use crate::error::Error;
use crate::tls::TlsTrust;
use crate::transport::Transport;

/// First back-off of a failed endpoint.
const BACKOFF_BASE: Duration = Duration::from_secs(1);
/// Longest back-off of a failed endpoint.
const BACKOFF_CAP: Duration = Duration::from_secs(60);

/// One endpoint of a cluster for [`ClientBuilder::endpoints`](super::ClientBuilder::endpoints):
/// its URL, optionally its own TLS trust (a fingerprint pin per node) and its node name.
///
/// ```
/// use proxmox_sdk::client::NodeEndpoint;
/// use proxmox_sdk::tls::TlsTrust;
///
/// let pve2 = NodeEndpoint::new("https://pve2:8006")
///     .node_name("pve2")
///     .trust(TlsTrust::CaFile("/etc/pve/pve-root-ca.pem".into()));
/// # let _ = pve2;
/// ```
#[derive(Debug, Clone)]
pub struct NodeEndpoint {
    pub(super) url: String,
    pub(super) trust: Option<TlsTrust>,
    pub(super) node: Option<String>,
}

impl NodeEndpoint {
    /// An endpoint at `url` (`https://host[:port]`), trusted like the builder's own.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            trust: None,
            node: None,
        }
    }

    /// This endpoint's own TLS trust, e.g. the fingerprint of this node's certificate.
    pub fn trust(mut self, trust: TlsTrust) -> Self {
        self.trust = Some(trust);
        self
    }

    /// The URL as given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The node name, if set.
    pub fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// This endpoint's own TLS trust, if set.
    pub fn tls_trust(&self) -> Option<&TlsTrust> {
        self.trust.as_ref()
    }

    /// The PVE node name behind this URL, so that a 595 for a call proxied to this very
    /// node reads as a failure of this endpoint (and moves on) rather than of another node.
    pub fn node_name(mut self, node: impl Into<String>) -> Self {
        self.node = Some(node.into());
        self
    }
}

impl From<&str> for NodeEndpoint {
    fn from(url: &str) -> Self {
        NodeEndpoint::new(url)
    }
}

impl From<String> for NodeEndpoint {
    fn from(url: String) -> Self {
        NodeEndpoint::new(url)
    }
}

/// One endpoint as the client uses it.
pub(crate) struct Member {
    /// `https://host:port`, no trailing slash.
    pub(crate) origin: String,
    pub(crate) transport: std::sync::Arc<dyn Transport>,
    /// The in-flight limit of this endpoint, if one is set.
    pub(crate) lanes: Option<Lanes>,
    node: Option<String>,
    health: Mutex<Health>,
}

#[derive(Default)]
struct Health {
    failures: u32,
    retry_at: Option<Instant>,
}

impl Member {
    pub(crate) fn new(
        origin: String,
        transport: std::sync::Arc<dyn Transport>,
        node: Option<String>,
        lanes: Option<Lanes>,
    ) -> Self {
        Self {
            origin,
            transport,
            lanes,
            node,
            health: Mutex::new(Health::default()),
        }
    }

    fn health(&self) -> std::sync::MutexGuard<'_, Health> {
        self.health
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The endpoints of a client and the one it currently sticks to.
pub(crate) struct EndpointSet {
    members: Vec<Member>,
    current: AtomicUsize,
}

impl EndpointSet {
    /// `members` must not be empty (the builder always adds its own URL).
    pub(crate) fn new(members: Vec<Member>) -> Self {
        debug_assert!(!members.is_empty());
        Self {
            members,
            current: AtomicUsize::new(0),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.members.len()
    }

    pub(crate) fn member(&self, index: usize) -> &Member {
        &self.members[index % self.members.len()]
    }

    /// The endpoint the client sticks to now.
    pub(crate) fn current(&self) -> &Member {
        self.member(self.current.load(Ordering::Relaxed))
    }

    /// The endpoint for the next attempt, skipping those in `tried` (this call's failed
    /// ones): the sticky one when it is healthy, else the next healthy one in order, else the
    /// untried one whose back-off ends first. `None` when every endpoint was tried.
    pub(crate) fn pick(&self, tried: &[usize]) -> Option<usize> {
        let n = self.members.len();
        let start = self.current.load(Ordering::Relaxed);
        let now = Instant::now();
        let candidates = (0..n)
            .map(|k| (start + k) % n)
            .filter(|i| !tried.contains(i));
        let mut soonest: Option<(usize, Instant)> = None;
        for i in candidates {
            match self.members[i].health().retry_at {
                None => return Some(i),
                Some(at) if at <= now => return Some(i),
                Some(at) => {
                    if soonest.is_none_or(|(_, best)| at < best) {
                        soonest = Some((i, at));
                    }
                }
            }
        }
        soonest.map(|(i, _)| i)
    }

    /// An attempt at `index` succeeded (or reached a handler): it is healthy and sticky.
    pub(crate) fn succeeded(&self, index: usize) {
        let mut health = self.members[index].health();
        health.failures = 0;
        health.retry_at = None;
        drop(health);
        self.current.store(index, Ordering::Relaxed);
    }

    /// An attempt at `index` failed at the endpoint itself: back off from it, and stop
    /// sticking to it.
    pub(crate) fn failed(&self, index: usize) {
        let mut health = self.members[index].health();
        health.failures = health.failures.saturating_add(1);
        let step = BACKOFF_BASE.saturating_mul(1 << (health.failures - 1).min(6));
        health.retry_at = Some(Instant::now() + step.min(BACKOFF_CAP));
        drop(health);
        let _ = self.current.compare_exchange(
            index,
            (index + 1) % self.members.len(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// Whether `error`, from an attempt of `method` to `path` at `index`, proves the endpoint
    /// itself failed and the call was not processed there, so the call may move on.
    pub(crate) fn moves_on(
        &self,
        index: usize,
        method: HttpMethod,
        path: &str,
        error: &Error,
    ) -> bool {
        match error {
            Error::Connect(_) | Error::Tls { .. } => true,
            Error::Timeout { sent: false, .. } => true,
            Error::Timeout { sent: true, .. } | Error::Interrupted(_) => method == HttpMethod::Get,
            Error::ProxyHop(api) if api.status() == 595 => match target_node(path) {
                None => true,
                Some(node) => self.members[index].node.as_deref() == Some(node),
            },
            _ => false,
        }
    }
}

/// The `{node}` of a path below `/api2/json` (`/nodes/pve2/qemu/100/status` → `pve2`).
fn target_node(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/nodes/")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::{BoxFuture, HttpRequest, HttpResponse, TransportError};

    /// Never called: these tests only pick endpoints.
    #[derive(Debug)]
    struct Unused;

    impl Transport for Unused {
        fn execute(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            unreachable!("the endpoint set does not send")
        }
    }

    fn set(nodes: &[Option<&str>]) -> EndpointSet {
        let transport: std::sync::Arc<dyn Transport> = std::sync::Arc::new(Unused);
        EndpointSet::new(
            nodes
                .iter()
                .enumerate()
                .map(|(i, node)| {
                    Member::new(
                        format!("https://pve{i}:8006"),
                        transport.clone(),
                        node.map(str::to_owned),
                        None,
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn sticks_to_a_healthy_endpoint_and_skips_a_failed_one() {
        let set = set(&[None, None, None]);
        assert_eq!(set.pick(&[]), Some(0));
        set.failed(0);
        assert_eq!(set.pick(&[]), Some(1));
        set.succeeded(1);
        assert_eq!(set.pick(&[]), Some(1));
        // Within one call, tried endpoints are skipped; all tried is the end.
        assert_eq!(set.pick(&[1]), Some(2));
        assert_eq!(set.pick(&[0, 1, 2]), None);
        // Every endpoint backing off: the one whose back-off ends first.
        set.failed(1);
        set.failed(2);
        assert_eq!(set.pick(&[]), Some(0));
    }

    #[test]
    fn back_off_doubles_and_is_capped() {
        let set = set(&[None, None]);
        for _ in 0..20 {
            set.failed(0);
        }
        let at = set.members[0].health().retry_at.unwrap();
        assert!(at <= Instant::now() + BACKOFF_CAP);
        assert!(at > Instant::now() + BACKOFF_CAP / 2);
    }

    #[test]
    fn target_nodes_are_read_from_paths() {
        assert_eq!(target_node("/nodes/pve2/qemu/100/status"), Some("pve2"));
        assert_eq!(target_node("/nodes/pve2"), Some("pve2"));
        assert_eq!(target_node("/nodes/pve2?x=1"), Some("pve2"));
        assert_eq!(target_node("/cluster/resources"), None);
        assert_eq!(target_node("/nodes"), None);
    }
}
