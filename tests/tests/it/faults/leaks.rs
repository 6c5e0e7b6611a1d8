//! No secret leaks, end to end: one tour of everything the client does against fakepve (token
//! and ticket auth, reads, writes, a task, renewal, a revoked ticket, 401, 403, 503 retries,
//! 595, dropped and hung connections) under a TRACE subscriber that records every crate's
//! output. Neither that log nor any error's Display, Debug or source chain, nor a client's
//! Debug, holds the token secrets, the password, a ticket or a CSRF token fakepve issued.

use std::error::Error as StdError;
use std::time::Duration;

use proxmox_sdk::api::nodes::{
    GetNodesLxc, GetNodesLxcConfig, GetNodesStatus, PostNodesLxcSnapshot, PutNodesLxcConfig,
};
use proxmox_sdk::api::version::GetVersion;
use proxmox_sdk::client::RetryPolicy;
use proxmox_sdk::task::WaitOptions;
use proxmox_sdk::tls::TlsTrust;
use proxmox_sdk::{Client, Error};
use sdk_tests::fakepve::FakePve;
use sdk_tests::fakepve_or_skip;

use super::proxy::Relay;
use crate::client::support::{all_at_trace, capture_logs, enc};

fn base(url: &str, pve: &FakePve, timeout: Duration) -> proxmox_sdk::ClientBuilder {
    Client::builder(url)
        .expect("URL")
        .trust(TlsTrust::CaFile(pve.ca_pem_path.clone()))
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .timeout(timeout)
}

/// Display with sources, Debug, and each source's own Display and Debug.
fn every_text(err: &(dyn StdError + 'static)) -> Vec<String> {
    let mut out = vec![
        proxmox_sdk::error::Report(err).to_string(),
        format!("{err:?}"),
    ];
    let mut source = err.source();
    while let Some(e) = source {
        out.push(e.to_string());
        out.push(format!("{e:?}"));
        source = e.source();
    }
    out
}

/// Secrets and the forms they travel in (percent-encoded in a cookie or form), plus the random
/// part of a ticket or token on its own.
fn forms(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_owned(), enc(secret)];
    let tail = secret.rsplit_once(':').map(|(_, tail)| tail);
    if let Some(tail) = tail.filter(|t| t.len() >= 16) {
        out.push(tail.to_owned());
    }
    out
}

#[tokio::test(flavor = "current_thread")]
async fn a_trace_logged_tour_never_shows_a_secret() {
    // A current-thread runtime: every future of the tour, spawned ones too, runs here.
    let (logs, _guard) = capture_logs(all_at_trace());

    let mut pve = fakepve_or_skip!("tasks");
    let relay = Relay::start(&pve.url).await;
    let url = pve.url.clone();
    let mut errors: Vec<Box<dyn StdError + 'static>> = Vec::new();
    let mut printed = Vec::new();

    // Token: reads, a write with its task, a 403, retried 503s, 595, a drop and a hang.
    let token = base(&url, &pve, Duration::from_secs(20))
        .token(&pve.token_id, pve.token_secret.expose())
        .build()
        .unwrap();
    token.send(&GetVersion::new()).await.expect("version");
    token.send(&GetNodesLxc::new("pve1")).await.expect("lxc");
    token
        .send(&GetNodesLxcConfig::new("pve1", 200))
        .await
        .expect("config");
    let upid = token
        .send(&PostNodesLxcSnapshot::new("pve1", 200, "leak_tour"))
        .await
        .expect("snapshot");
    token
        .wait_task(&upid, WaitOptions::default())
        .await
        .expect("task");
    let audit = pve.token(&pve.audit_token_id).expect("audit token").clone();
    let denied = base(&url, &pve, Duration::from_secs(20))
        .token(&audit.id, audit.secret.expose())
        .build()
        .unwrap();
    errors.push(Box::new(
        denied.send(&GetNodesStatus::new("pve1")).await.unwrap_err(),
    ));
    printed.push(format!("{token:?} {denied:?}"));
    pve.fail("GET", "/nodes/pve2/status", 503, "busy", Some(3))
        .await
        .unwrap();
    errors.push(Box::new(
        token.send(&GetNodesStatus::new("pve2")).await.unwrap_err(),
    ));
    pve.control(serde_json::json!({"op": "node_offline", "node": "pve2"}))
        .await
        .unwrap();
    errors.push(Box::new(
        token.send(&GetNodesStatus::new("pve2")).await.unwrap_err(),
    ));
    let via_relay = base(&relay.url, &pve, Duration::from_millis(300))
        .token(&pve.token_id, pve.token_secret.expose())
        .build()
        .unwrap();
    pve.flaky_network(1.0, 0.0, 0.0, None).await.unwrap();
    errors.push(Box::new(
        via_relay.send(&GetVersion::new()).await.unwrap_err(),
    ));
    pve.flaky_network(0.0, 1.0, 50.0, None).await.unwrap();
    errors.push(Box::new(
        via_relay.send(&GetVersion::new()).await.unwrap_err(),
    ));
    pve.flaky_network(0.0, 0.0, 0.0, None).await.unwrap();
    // A wrong token secret.
    let wrong = base(&url, &pve, Duration::from_secs(20))
        .token(&pve.token_id, "00000000-0000-0000-0000-000000000000")
        .build()
        .unwrap();
    errors.push(Box::new(wrong.send(&GetVersion::new()).await.unwrap_err()));

    // Ticket: login, a read, a write with CSRF, renewal refused, a revoked ticket.
    let ticket = base(&url, &pve, Duration::from_secs(20))
        .ticket_login(&pve.user, pve.password.expose())
        .keep_password_for_relogin(true)
        .build()
        .unwrap();
    printed.push(format!("{ticket:?}"));
    ticket.login().await.expect("login");
    printed.push(format!("{ticket:?}"));
    ticket.send(&GetNodesLxc::new("pve1")).await.expect("read");
    let mut put = PutNodesLxcConfig::new("pve1", 201);
    put.cores = Some(2);
    ticket.send(&put).await.expect("write");
    pve.control(serde_json::json!({"op": "revoke_tickets"}))
        .await
        .unwrap();
    ticket.send(&put).await.expect("write after revocation");
    let renewing = base(&url, &pve, Duration::from_secs(20))
        .ticket_login(&pve.user, pve.password.expose())
        .renew_ticket_after(Duration::ZERO)
        .build()
        .unwrap();
    renewing.login().await.expect("login");
    errors.push(Box::new(renewing.send(&put).await.unwrap_err()));
    let bad_password = base(&url, &pve, Duration::from_secs(20))
        .ticket_login(&pve.user, format!("{}x", pve.password.expose()))
        .build()
        .unwrap();
    errors.push(Box::new(bad_password.login().await.unwrap_err()));

    let kinds: Vec<&str> = errors
        .iter()
        .filter_map(|e| e.downcast_ref::<Error>())
        .map(|e| match e {
            Error::Forbidden(_) => "403",
            Error::Api(_) => "api",
            Error::ProxyHop(_) => "595",
            Error::Interrupted(_) => "drop",
            Error::Timeout { .. } => "hang",
            Error::Unauthorized(_) => "401",
            Error::LoginRequired => "login",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        ["403", "api", "595", "drop", "hang", "401", "login", "401"],
        "the tour met every failure"
    );

    let issued = pve
        .control(serde_json::json!({"op": "issued_tickets"}))
        .await
        .unwrap();
    let mut secrets = vec![
        pve.token_secret.expose().to_owned(),
        audit.secret.expose().to_owned(),
        pve.password.expose().to_owned(),
    ];
    for pair in issued.as_array().expect("ticket list") {
        for s in pair.as_array().expect("pair") {
            secrets.push(s.as_str().expect("string").to_owned());
        }
    }
    assert!(
        secrets.len() == 3 + 2 * 3,
        "three logins, one ticket and CSRF token each: {}",
        secrets.len()
    );
    drop(_guard);

    let log = logs.text();
    assert!(
        log.contains("pve_request") && log.contains("TRACE"),
        "{log:.2000}"
    );
    assert!(log.contains("/access/ticket") && log.contains("retrying"));
    let mut texts = vec![("the TRACE log".to_owned(), log)];
    for (i, e) in errors.iter().enumerate() {
        for t in every_text(e.as_ref()) {
            texts.push((format!("error #{i}"), t));
        }
    }
    for (i, p) in printed.into_iter().enumerate() {
        texts.push((format!("printed #{i}"), p));
    }
    for secret in &secrets {
        for form in forms(secret) {
            for (what, text) in &texts {
                assert!(
                    !text.contains(&form),
                    "{what} holds a secret ({} bytes of it)",
                    form.len()
                );
            }
        }
    }
    pve.stop().await.expect("stop");
}
