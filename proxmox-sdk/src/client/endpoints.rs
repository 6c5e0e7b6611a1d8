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
//!
//! The list itself can change while the client runs
//! ([`Client::refresh_endpoints`](super::Client::refresh_endpoints)): each attempt holds the
//! endpoint it picked, so a call in flight is never redirected by a refresh; endpoints that
//! stay keep their back-off and their in-flight slots, and the sticky one stays sticky.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
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
    pub(crate) transport: Arc<dyn Transport>,
    /// The in-flight limit of this endpoint, if one is set.
    pub(crate) lanes: Option<Lanes>,
    node: Option<String>,
    /// Whether this endpoint's connection verifies the server (https with a trust other
    /// than [`TlsTrust::InsecureSkipVerify`], or a caller's transport).
    pub(crate) verifies: bool,
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
        transport: Arc<dyn Transport>,
        node: Option<String>,
        lanes: Option<Lanes>,
    ) -> Self {
        Self {
            origin,
            transport,
            lanes,
            node,
            verifies: true,
            health: Mutex::new(Health::default()),
        }
    }

    /// Sets [`Member::verifies`].
    pub(crate) fn verifying(mut self, verifies: bool) -> Self {
        self.verifies = verifies;
        self
    }

    /// The PVE node name, if known.
    pub(crate) fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    fn health(&self) -> std::sync::MutexGuard<'_, Health> {
        self.health
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The endpoints of a client and the one it currently sticks to. The list can be replaced
/// while calls run ([`EndpointSet::replace`]): a call holds the [`Member`] it picked, so the
/// replacement never changes where an attempt in flight goes.
pub(crate) struct EndpointSet {
    members: RwLock<Arc<[Arc<Member>]>>,
    /// Index of the sticky member in `members`.
    current: AtomicUsize,
}

/// What [`EndpointSet::replace`] changed: origins added and removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) added: Vec<String>,
    pub(crate) removed: Vec<String>,
}

impl EndpointSet {
    /// `members` must not be empty (the builder always adds its own URL).
    pub(crate) fn new(members: Vec<Member>) -> Self {
        debug_assert!(!members.is_empty());
        Self {
            members: RwLock::new(members.into_iter().map(Arc::new).collect()),
            current: AtomicUsize::new(0),
        }
    }

    fn list(&self) -> Arc<[Arc<Member>]> {
        Arc::clone(
            &self
                .members
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    pub(crate) fn len(&self) -> usize {
        self.list().len()
    }

    /// The endpoint the client sticks to now.
    pub(crate) fn current(&self) -> Arc<Member> {
        let list = self.list();
        Arc::clone(&list[self.current.load(Ordering::Relaxed) % list.len()])
    }

    /// Whether every endpoint's connection verifies the server, so that whatever the client
    /// read, it read over a verified connection.
    pub(crate) fn all_verify(&self) -> bool {
        self.list().iter().all(|m| m.verifies)
    }

    /// The member of the list with this origin, or else with this node name.
    pub(crate) fn find_like(&self, origin: &str, node: Option<&str>) -> Option<Arc<Member>> {
        let list = self.list();
        (list.iter().find(|m| m.origin == origin))
            .or_else(|| node.and_then(|n| list.iter().find(|m| m.node() == Some(n))))
            .cloned()
    }

    /// Replaces the list with `members` (never empty: an empty one is ignored). The sticky
    /// endpoint stays sticky when it is still listed, else the first one is.
    pub(crate) fn replace(&self, members: Vec<Arc<Member>>) -> Change {
        if members.is_empty() {
            return Change::default();
        }
        let mut guard = self
            .members
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let old = Arc::clone(&guard);
        let sticky = &old[self.current.load(Ordering::Relaxed) % old.len()].origin;
        let listed = |list: &[Arc<Member>], origin: &str| list.iter().any(|m| m.origin == origin);
        let change = Change {
            added: (members.iter())
                .filter(|m| !listed(&old, &m.origin))
                .map(|m| m.origin.clone())
                .collect(),
            removed: (old.iter())
                .filter(|m| !listed(&members, &m.origin))
                .map(|m| m.origin.clone())
                .collect(),
        };
        let current = members
            .iter()
            .position(|m| &m.origin == sticky)
            .unwrap_or(0);
        *guard = members.into();
        self.current.store(current, Ordering::Relaxed);
        change
    }

    /// The endpoint for the next attempt, skipping those in `tried` (this call's failed
    /// ones): the sticky one when it is healthy, else the next healthy one in order, else the
    /// untried one whose back-off ends first. `None` when every endpoint was tried.
    pub(crate) fn pick(&self, tried: &[Arc<Member>]) -> Option<Arc<Member>> {
        let list = self.list();
        let n = list.len();
        let start = self.current.load(Ordering::Relaxed);
        let now = Instant::now();
        let candidates = (0..n)
            .map(|k| &list[(start + k) % n])
            .filter(|m| !tried.iter().any(|t| Arc::ptr_eq(t, m)));
        let mut soonest: Option<(&Arc<Member>, Instant)> = None;
        for member in candidates {
            match member.health().retry_at {
                None => return Some(Arc::clone(member)),
                Some(at) if at <= now => return Some(Arc::clone(member)),
                Some(at) => {
                    if soonest.is_none_or(|(_, best)| at < best) {
                        soonest = Some((member, at));
                    }
                }
            }
        }
        soonest.map(|(m, _)| Arc::clone(m))
    }

    /// The endpoint for a call that tried none yet.
    pub(crate) fn pick_any(&self) -> Arc<Member> {
        self.pick(&[]).unwrap_or_else(|| self.current())
    }

    /// An attempt at `member` succeeded (or reached a handler): it is healthy and sticky
    /// (when it is still listed).
    pub(crate) fn succeeded(&self, member: &Arc<Member>) {
        let mut health = member.health();
        health.failures = 0;
        health.retry_at = None;
        drop(health);
        if let Some(i) = self.list().iter().position(|m| Arc::ptr_eq(m, member)) {
            self.current.store(i, Ordering::Relaxed);
        }
    }

    /// An attempt at `member` failed at the endpoint itself: back off from it, and stop
    /// sticking to it.
    pub(crate) fn failed(&self, member: &Arc<Member>) {
        let mut health = member.health();
        health.failures = health.failures.saturating_add(1);
        let step = BACKOFF_BASE.saturating_mul(1 << (health.failures - 1).min(6));
        health.retry_at = Some(Instant::now() + step.min(BACKOFF_CAP));
        drop(health);
        let list = self.list();
        if let Some(i) = list.iter().position(|m| Arc::ptr_eq(m, member)) {
            let _ = self.current.compare_exchange(
                i,
                (i + 1) % list.len(),
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
    }
}

impl Member {
    /// Whether `error`, from an attempt of `method` to `path` at this endpoint, proves the
    /// endpoint itself failed and the call was not processed there, so the call may move on.
    pub(crate) fn moves_on(&self, method: HttpMethod, path: &str, error: &Error) -> bool {
        match error {
            Error::Connect(_) | Error::Tls { .. } => true,
            Error::Timeout { sent: false, .. } => true,
            Error::Timeout { sent: true, .. } | Error::Interrupted(_) => method == HttpMethod::Get,
            Error::ProxyHop(api) if api.status() == 595 => match target_node(path) {
                None => true,
                Some(node) => self.node.as_deref() == Some(node),
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
        let transport: Arc<dyn Transport> = std::sync::Arc::new(Unused);
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

    /// The position of `member` in the set's list.
    fn at(set: &EndpointSet, member: Option<Arc<Member>>) -> Option<usize> {
        let member = member?;
        set.list().iter().position(|m| Arc::ptr_eq(m, &member))
    }

    #[test]
    fn sticks_to_a_healthy_endpoint_and_skips_a_failed_one() {
        let set = set(&[None, None, None]);
        let m: Vec<Arc<Member>> = set.list().to_vec();
        assert_eq!(at(&set, set.pick(&[])), Some(0));
        set.failed(&m[0]);
        assert_eq!(at(&set, set.pick(&[])), Some(1));
        set.succeeded(&m[1]);
        assert_eq!(at(&set, set.pick(&[])), Some(1));
        // Within one call, tried endpoints are skipped; all tried is the end.
        assert_eq!(at(&set, set.pick(&m[1..2])), Some(2));
        assert!(set.pick(&m).is_none());
        // Every endpoint backing off: the one whose back-off ends first.
        set.failed(&m[1]);
        set.failed(&m[2]);
        assert_eq!(at(&set, set.pick(&[])), Some(0));
    }

    #[test]
    fn back_off_doubles_and_is_capped() {
        let set = set(&[None, None]);
        let first = set.current();
        for _ in 0..20 {
            set.failed(&first);
        }
        let at = first.health().retry_at.unwrap();
        assert!(at <= Instant::now() + BACKOFF_CAP);
        assert!(at > Instant::now() + BACKOFF_CAP / 2);
    }

    #[test]
    fn a_replacement_keeps_health_and_the_sticky_endpoint() {
        let set = set(&[None, None, None]);
        let m: Vec<Arc<Member>> = set.list().to_vec();
        set.failed(&m[0]);
        set.succeeded(&m[2]);
        let fresh = Arc::new(Member::new(
            "https://pve9:8006".into(),
            Arc::clone(&m[0].transport),
            None,
            None,
        ));
        // pve1 goes, pve9 comes; pve0 (backing off) and pve2 (sticky) stay.
        let change = set.replace(vec![
            Arc::clone(&m[0]),
            Arc::clone(&fresh),
            Arc::clone(&m[2]),
        ]);
        assert_eq!(change.added, ["https://pve9:8006"]);
        assert_eq!(change.removed, ["https://pve1:8006"]);
        assert!(Arc::ptr_eq(&set.current(), &m[2]));
        assert!(m[0].health().retry_at.is_some(), "health kept");
        // A call still holding the removed member may report on it: nothing breaks.
        set.failed(&m[1]);
        set.succeeded(&m[1]);
        assert!(Arc::ptr_eq(&set.current(), &m[2]));
        // The sticky one gone: the first listed one.
        set.replace(vec![Arc::clone(&fresh)]);
        assert!(Arc::ptr_eq(&set.current(), &fresh));
        // An empty list is refused.
        assert_eq!(set.replace(Vec::new()), Change::default());
        assert_eq!(set.len(), 1);
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
