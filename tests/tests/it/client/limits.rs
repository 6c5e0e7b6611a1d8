//! The schema's limits are checked before sending: a value PVE would refuse is a typed
//! `Error::InvalidParameter` naming the parameter, the value and the range, and nothing reaches
//! the transport.

use proxmox_sdk::Error;
use proxmox_sdk::api::nodes::{PostNodesQemuStatusStart, PutNodesLxcConfig};
use proxmox_sdk::testing::{CapturingTransport, respond, upid};
use proxmox_sdk::wire::ParamError;

/// Sends `request` through a capturing client: the error, and how many requests went out.
async fn refused<E: proxmox_sdk::Endpoint>(request: &E) -> (ParamError, usize)
where
    E::Response: std::fmt::Debug,
{
    let capture = CapturingTransport::new();
    let err = capture
        .client()
        .send(request)
        .await
        .expect_err("a value outside the schema's limits is refused");
    let Error::InvalidParameter(param) = err else {
        panic!("expected Error::InvalidParameter, got {err:?}");
    };
    (param, capture.requests().len())
}

#[tokio::test]
async fn vmid_99_in_the_path_is_refused_before_sending() {
    let (err, sent) = refused(&PostNodesQemuStatusStart::new("pve1", 99)).await;
    assert_eq!(
        err,
        ParamError::OutOfRange {
            name: "vmid".into(),
            value: "99".into(),
            range: "100 to 999999999".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "parameter `vmid` is 99, out of range: 100 to 999999999"
    );
    assert_eq!(sent, 0, "nothing reaches the transport");
}

#[tokio::test]
async fn an_out_of_range_optional_integer_is_refused_before_sending() {
    let (err, sent) = refused(&PutNodesLxcConfig::new("pve1", 100).cores(8193)).await;
    assert_eq!(
        err,
        ParamError::OutOfRange {
            name: "cores".into(),
            value: "8193".into(),
            range: "1 to 8192".into(),
        }
    );
    assert_eq!(sent, 0);
}

#[tokio::test]
async fn a_too_long_text_is_refused_naming_its_length_only() {
    let hostname = "h".repeat(256);
    let (err, sent) = refused(&PutNodesLxcConfig::new("pve1", 100).hostname(hostname)).await;
    assert_eq!(
        err,
        ParamError::LengthOutOfRange {
            name: "hostname".into(),
            length: 256,
            range: "at most 255".into(),
        }
    );
    assert_eq!(sent, 0);
}

#[tokio::test]
async fn values_at_the_bounds_are_sent() {
    let capture = CapturingTransport::new();
    capture
        .client()
        .send(
            &PutNodesLxcConfig::new("pve1", 100)
                .cores(8192)
                .hostname("h".repeat(255)),
        )
        .await
        .expect("the bounds themselves are allowed");
    let sent = capture.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].body.as_deref(),
        Some(format!("cores=8192&hostname={}", "h".repeat(255)).as_str())
    );

    let task = upid("pve1", "qmstart", "999999999");
    let capture = CapturingTransport::answering(respond::upid(&task));
    let started = capture
        .client()
        .send(&PostNodesQemuStatusStart::new("pve1", 999_999_999))
        .await
        .expect("the largest vmid is allowed");
    assert_eq!(started, task);
    assert_eq!(
        capture.requests()[0].call(),
        "POST /nodes/pve1/qemu/999999999/status/start"
    );
}
