//! `wait_ip`: the first usable address of the VM's `net0`, as the guest agent reports it.

use std::net::IpAddr;
use std::time::Duration;

use super::{Agent, AgentError, Backoff, Deadline, Step, poll_until};
use crate::api::nodes::{
    GetNodesQemuAgentNetworkGetInterfacesResponseResultItem as Interface, GetNodesQemuConfig,
};

/// Which addresses [`Agent::wait_ip`] accepts. Only unicast addresses routable past the link
/// count (what Linux calls scope global): loopback, link-local, unspecified and multicast
/// addresses never match. Private IPv4 (10/8, 172.16/12, 192.168/16) and IPv6 unique-local
/// (`fc00::/7`) addresses match, since that is where VMs live; a public IPv6 address is
/// preferred to a unique-local one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IpFilter {
    /// An IPv4 address.
    V4,
    /// An IPv6 address.
    V6,
    /// Either; IPv4 preferred when the interface has both.
    Any,
}

impl IpFilter {
    fn accepts(self, ip: &IpAddr) -> bool {
        let family = match self {
            IpFilter::V4 => ip.is_ipv4(),
            IpFilter::V6 => ip.is_ipv6(),
            IpFilter::Any => true,
        };
        family && is_global_unicast(ip)
    }
}

/// Unicast in the sense a user connecting to the VM needs: routable past the link.
fn is_global_unicast(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast())
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xffc0) == 0xfe80) // link-local
        }
    }
}

impl Agent {
    /// Waits (for at most `within`) until the guest reports an address matching `filter` on
    /// the interfaces whose MAC is the one of the VM's `net0` (read from its configuration),
    /// and returns it.
    ///
    /// # Errors
    /// [`AgentError::TimedOut`] when no such address appeared in time (the last failure, if
    /// the agent was not running, is kept); [`AgentError::Api`] when the configuration has
    /// no `net0` with a MAC address (an [`Error::Config`](crate::Error::Config)); any other
    /// [`AgentError`].
    pub async fn wait_ip(&self, filter: IpFilter, within: Duration) -> Result<IpAddr, AgentError> {
        let deadline = Deadline::after(within);
        let config = deadline
            .bound(async {
                let call = GetNodesQemuConfig::new(&self.node, self.vmid);
                Ok(self.client.send(&call).await?)
            })
            .await?;
        let mac = config
            .net
            .get(0)
            .and_then(|net| net.macaddr.clone())
            .ok_or_else(|| {
                AgentError::Api(crate::Error::config(format!(
                    "VM {} has no net0 with a MAC address",
                    self.vmid
                )))
            })?;
        let backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(5));
        poll_until(deadline, backoff, || async {
            match self.network_interfaces().await {
                Ok(interfaces) => match pick(&interfaces, &mac, filter) {
                    Some(ip) => Step::Done(ip),
                    None => Step::Again(None),
                },
                Err(e) => Step::retry_transient(e),
            }
        })
        .await
    }
}

/// The first address matching `filter` on the interfaces with `mac` (IPv4 first for `Any`,
/// then public IPv6, then unique-local).
/// Several interfaces can carry the MAC: a bridge, bond or VLAN on top of the NIC has the
/// NIC's MAC and usually holds the address (the NIC itself then has none).
pub(crate) fn pick(interfaces: &[Interface], mac: &str, filter: IpFilter) -> Option<IpAddr> {
    let addresses: Vec<IpAddr> = interfaces
        .iter()
        .filter(|i| {
            i.hardware_address
                .as_deref()
                .is_some_and(|hw| hw.eq_ignore_ascii_case(mac))
        })
        .flat_map(|nic| nic.ip_addresses.iter().flatten())
        .filter_map(|a| a.ip_address.parse().ok())
        .filter(|ip| filter.accepts(ip))
        .collect();
    let rank = |ip: &IpAddr| match ip {
        IpAddr::V4(_) => 0,
        IpAddr::V6(v6) if (v6.segments()[0] & 0xfe00) != 0xfc00 => 1,
        IpAddr::V6(_) => 2, // unique local
    };
    addresses.iter().min_by_key(|ip| rank(ip)).copied()
}
