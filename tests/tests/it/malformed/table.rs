//! The malformed-answer table: each row is one hostile or broken server answer, the call that
//! meets it, and the typed [`Error`] variant (with its key facts) the SDK must give. Rows run
//! in their own task, so a panic is reported as that row's failure, not as the end of the table.

use std::time::Duration;

use proxmox_sdk::api::nodes::{
    GetNodesLxc, GetNodesStatus, PostNodesLxcStatusStart, PutNodesLxcConfig,
};
use proxmox_sdk::client::RetryPolicy;
use proxmox_sdk::error::Report;
use proxmox_sdk::tls::TlsTrust;
use proxmox_sdk::{Client, Error, HttpMethod};

use super::rows::{Call, Row, rows};
use super::server::TableServer;
use crate::client::support::{TOKEN_ID, TOKEN_SECRET};

/// Longest `Display` (with sources) or `Debug` any row's error may have.
const MAX_REPORT: usize = 16 * 1024;

/// The variant's name, as the table states it.
pub(super) fn variant(err: &Error) -> &'static str {
    match err {
        Error::InvalidParameter(_) => "InvalidParameter",
        Error::Config { .. } => "Config",
        Error::Connect(_) => "Connect",
        Error::Tls { .. } => "Tls",
        Error::Timeout { .. } => "Timeout",
        Error::Interrupted(_) => "Interrupted",
        Error::BadRequest(_) => "BadRequest",
        Error::Unauthorized(_) => "Unauthorized",
        Error::Forbidden(_) => "Forbidden",
        Error::ProxyHop(_) => "ProxyHop",
        Error::Api(_) => "Api",
        Error::Decode { .. } => "Decode",
        Error::MissingData { .. } => "MissingData",
        Error::TfaRequired(_) => "TfaRequired",
        Error::LoginRequired => "LoginRequired",
        _ => "(a variant this table does not know)",
    }
}

fn client(server: &TableServer, timeout: Duration) -> Client {
    Client::builder(&server.origin)
        .expect("origin")
        .token(TOKEN_ID, TOKEN_SECRET)
        .trust(TlsTrust::fingerprint(server.fingerprint))
        .retry(RetryPolicy::disabled())
        .timeout(timeout)
        .build()
        .expect("client")
}

async fn run(client: Client, index: usize, call: Call) -> Result<(), Error> {
    let node = format!("row{index}");
    match call {
        Call::List => client.send(&GetNodesLxc::new(&node)).await.map(drop),
        Call::Object => client.send(&GetNodesStatus::new(&node)).await.map(drop),
        Call::Unit => client.send(&PutNodesLxcConfig::new(&node, 100)).await,
        Call::Upid => client
            .send(&PostNodesLxcStatusStart::new(&node, 100))
            .await
            .map(drop),
        Call::Raw => client
            .raw(HttpMethod::Get, &format!("/nodes/{node}/status"), &[])
            .await
            .map(drop),
    }
}

/// Checks one row's outcome; returns what is wrong with it.
fn judge(row: &Row, outcome: Result<(), Error>) -> Result<(), String> {
    let err = match (outcome, row.want) {
        (Ok(()), "Ok") => return Ok(()),
        (Ok(()), want) => return Err(format!("succeeded, wanted Error::{want}")),
        (Err(err), _) => err,
    };
    let got = variant(&err);
    if got != row.want {
        return Err(format!(
            "gave Error::{got}, wanted Error::{}: {:.300}",
            row.want,
            Report(&err).to_string()
        ));
    }
    if !(row.check)(&err) {
        return Err(format!(
            "Error::{got} without the expected facts: {:.600}",
            format!("{err:?}")
        ));
    }
    let (report, debug) = (Report(&err).to_string(), format!("{err:?}"));
    if report.len() > MAX_REPORT || debug.len() > 2 * MAX_REPORT {
        return Err(format!(
            "unbounded error text: Display {} bytes, Debug {} bytes",
            report.len(),
            debug.len()
        ));
    }
    if report.contains(TOKEN_SECRET) || debug.contains(TOKEN_SECRET) {
        return Err("the token secret is in the error".to_owned());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_malformed_answer_gives_its_typed_error() {
    let table = rows();
    assert!(table.len() >= 40, "only {} rows", table.len());
    let server = TableServer::start(table.iter().map(|r| r.answer.clone()).collect()).await;
    let mut failures = Vec::new();
    for (index, row) in table.iter().enumerate() {
        let timeout = row.timeout.unwrap_or(Duration::from_secs(20));
        let task = tokio::spawn(run(client(&server, timeout), index, row.call));
        let verdict = match task.await {
            Ok(outcome) => judge(row, outcome),
            Err(join) => Err(format!("panicked: {join}")),
        };
        // Retries are off: every row reaches the server exactly once (a redirect is not
        // followed, a failed call is not repeated).
        let verdict = verdict.and_then(|()| match server.count(index) {
            1 => Ok(()),
            n => Err(format!("the server saw {n} requests, not 1")),
        });
        if let Err(problem) = verdict {
            failures.push(format!("row {index} ({}): {problem}", row.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}
