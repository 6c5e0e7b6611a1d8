//! The client's `warn!` (retrying) and `debug!` (request failed) lines carry an error's bounded
//! form, never a megabyte the server sent.

use crate::client::support::{
    RawServer, TOKEN_ID, TOKEN_SECRET, all_at_trace, builder, capture_logs, http,
};
use proxmox_sdk::api::nodes::GetNodesLxc;

#[tokio::test]
async fn retry_and_failure_log_lines_only_hold_the_bounded_message() {
    let (logs, _guard) = capture_logs(all_at_trace());

    let huge = "busy ".repeat(200_000);
    let body = serde_json::json!({ "data": null, "message": huge }).to_string();
    let server = RawServer::start(vec![http(&format!("503 {}", &huge[..4000]), &body)]).await;
    let client = builder(&server.base)
        .token(TOKEN_ID, TOKEN_SECRET)
        .build()
        .unwrap();
    let err = client.send(&GetNodesLxc::new("pve1")).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 3, "two retries of a GET");

    let text = logs.text();
    assert!(text.contains("retrying"), "{text:.2000}");
    assert!(text.contains("request failed"), "{text:.2000}");
    // The message as kept: trimmed (999 999 bytes), then cut.
    assert!(
        text.contains("… [cut, 999999 bytes in all]"),
        "{text:.2000}"
    );
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("retrying") || l.contains("request failed"))
        .collect();
    assert_eq!(lines.len(), 3, "{text:.2000}");
    for line in lines {
        assert!(line.len() < 4096, "a log line of {} bytes", line.len());
    }
    assert!(text.len() < 64 * 1024, "{} bytes of log", text.len());
}
