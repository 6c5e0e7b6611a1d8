//! Test your own code against the SDK without a server (cargo feature `testing`).
//!
//! The client sends everything through one small trait, [`Transport`]; this module has two
//! transports for tests, and the answers to give them:
//!
//! * [`ScriptedTransport`]: the calls you expect, in order ([`Expect`]), each with its answer
//!   ([`respond`] builds PVE's `{"data": …}` envelope and its error shapes). A request nobody
//!   expected is answered `501` naming it, and [`ScriptedTransport::finish`] fails the test
//!   naming every unexpected request and every expected call that never came.
//! * [`ScriptedTask`]: a worker task on the scripted node (`running` for N polls, then an exit
//!   status, and a log), so [`Client::wait_task`] can be driven to any outcome.
//! * [`CapturingTransport`]: records every request and answers all of them the same way (or
//!   passes them on to another transport).
//!
//! Both record what went out as [`CapturedRequest`]s: the exact bytes of the body and URL,
//! decoded views of the path and parameters, and credentials replaced by `***`. Everything
//! above the transport — authentication, retries, the envelope, error classification — is the
//! real client's, so your code sees the same values and [`Error`](crate::Error)s it would see
//! from a server.
//!
//! Enable the feature for tests only:
//!
//! ```toml
//! [dev-dependencies]
//! proxmox-sdk = { version = "0.1", features = ["testing"] }
//! tokio = { version = "1", features = ["macros", "rt", "test-util"] }
//! ```
//!
//! # A test of code that snapshots a container and waits for the task
//!
//! With tokio's clock paused (`#[tokio::test(start_paused = true)]`, or `start_paused(true)` on
//! a runtime as below), the pauses between status polls take no real time.
//!
//! ```
//! use proxmox_sdk::api::nodes::PostNodesLxcSnapshot;
//! use proxmox_sdk::task::{ExitStatus, TaskError, WaitOptions};
//! use proxmox_sdk::testing::{Expect, ScriptedTask, ScriptedTransport, respond, upid};
//! use proxmox_sdk::{Client, Error};
//!
//! // The code under test.
//! async fn snapshot(client: &Client, vmid: u32) -> Result<ExitStatus, Box<dyn std::error::Error>> {
//!     let upid = client.send(&PostNodesLxcSnapshot::new("pve1", vmid, "before-upgrade")).await?;
//!     Ok(client.wait_task(&upid, WaitOptions::default()).await?.exit_status)
//! }
//!
//! # fn main() { tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true)
//! #     .build().unwrap().block_on(the_test()) }
//! async fn the_test() {
//!     // Success: the POST answers a UPID, the task runs for three polls and ends `OK`.
//!     let task = upid("pve1", "vzsnapshot", "100");
//!     let script = ScriptedTransport::new()
//!         .expect(
//!             Expect::post("/nodes/pve1/lxc/100/snapshot")
//!                 .param("snapname", "before-upgrade")
//!                 .respond(respond::upid(&task)),
//!         )
//!         .task(ScriptedTask::new(task.clone()).running(3).exit("OK"));
//!     assert_eq!(snapshot(&script.client(), 100).await.unwrap(), ExitStatus::Ok);
//!     script.finish();
//!     let polls = script.requests().iter().filter(|r| r.path.ends_with("/status")).count();
//!     assert_eq!(polls, 4);
//!
//!     // The token lacks the privilege: the typed 403 reaches the caller.
//!     let script = ScriptedTransport::new().expect(
//!         Expect::post("/nodes/pve1/lxc/100/snapshot")
//!             .respond(respond::error(403, "Permission check failed (/vms/100, VM.Snapshot)")),
//!     );
//!     let err = snapshot(&script.client(), 100).await.unwrap_err();
//!     let err = err.downcast_ref::<Error>().unwrap();
//!     assert_eq!(err.missing_privileges(), [proxmox_sdk::Privilege::VmSnapshot]);
//!     script.finish();
//!
//!     // The task fails: the wait returns its exit status and the end of its log.
//!     let script = ScriptedTransport::new()
//!         .expect(Expect::post("/nodes/pve1/lxc/100/snapshot").respond(respond::upid(&task)))
//!         .task(
//!             ScriptedTask::new(task.clone())
//!                 .running(1)
//!                 .log(["snapshot create failed: starting cleanup", "TASK ERROR: no space left"])
//!                 .exit("no space left"),
//!         );
//!     let err = snapshot(&script.client(), 100).await.unwrap_err();
//!     let Some(TaskError::Failed(failure)) = err.downcast_ref::<TaskError>() else { panic!("{err}") };
//!     assert_eq!(failure.exit_status, ExitStatus::Failed("no space left".into()));
//!     assert_eq!(failure.log_tail.len(), 2);
//!     script.finish();
//! }
//! ```
//!
//! To use your own [`ClientBuilder`](crate::ClientBuilder) settings (ticket login, retries),
//! pass a clone of the transport to [`ClientBuilder::transport`](crate::ClientBuilder::transport)
//! and keep the original to inspect; clones share the script and the record.
//!
//! [`Transport`]: crate::transport::Transport
//! [`Client::wait_task`]: crate::Client::wait_task

mod capturing;
mod request;
pub mod respond;
mod scripted;
mod stream;
mod task;

pub use capturing::CapturingTransport;
pub use request::CapturedRequest;
pub use scripted::{Expect, Reply, ScriptedTransport};
pub use stream::{CapturedStream, STREAM_HEAD_BYTES};
pub use task::ScriptedTask;

use crate::client::{Client, RetryPolicy};
use crate::transport::Transport;
use crate::upid::Upid;

/// The endpoint of the kit's clients.
const ENDPOINT: &str = "https://pve1.test:8006";
/// The API token the kit's clients authenticate with (its secret is never printed).
const TOKEN_ID: &str = "sdk-test@pve!kit";
const TOKEN_SECRET: &str = "00000000-0000-4000-8000-000000000000";

/// A UPID of a task of `worker_type` on `worker_id` (`""` for none), started on `node` by the
/// kit's token, with fixed process numbers and start time.
///
/// ```
/// let upid = proxmox_sdk::testing::upid("pve1", "vzdump", "100");
/// assert_eq!(upid.node(), "pve1");
/// assert_eq!(upid.worker_id(), Some("100"));
/// ```
///
/// # Panics
/// When the three values cannot form a UPID (a `:` in one of them, an empty node): a bug in
/// the test.
#[track_caller]
pub fn upid(node: &str, worker_type: &str, worker_id: &str) -> Upid {
    let text =
        format!("UPID:{node}:0000A1B2:0012C3D4:6B0EFF0B:{worker_type}:{worker_id}:{TOKEN_ID}:");
    match text.parse() {
        Ok(upid) => upid,
        Err(error) => panic!("proxmox_sdk::testing::upid: {text:?} is not a UPID: {error}"),
    }
}

/// The kit's client over `transport`: token authentication, no client-side retries.
fn client_with(transport: impl Transport + 'static) -> Client {
    let built = Client::builder(ENDPOINT).and_then(|builder| {
        builder
            .token(TOKEN_ID, TOKEN_SECRET)
            .retry(RetryPolicy::disabled())
            .transport(transport)
            .build()
    });
    match built {
        Ok(client) => client,
        // The settings above are constants the kit's own tests cover.
        Err(error) => unreachable!("the testing client's fixed settings were refused: {error}"),
    }
}
