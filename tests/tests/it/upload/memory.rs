//! Memory stays flat whatever the upload's size: a child process uploads a generated stream
//! of 64 MiB and then one of 2.5 GiB (past any 32-bit length) to a sink in this process and
//! reports its peak resident memory (`VmHWM` in `/proc/self/status`); the peaks must match
//! within a few MiB. No timing is measured.

use std::process::Command;

use proxmox_sdk::api::types::StorageContent;
use proxmox_sdk::upload::Upload;

use super::sink::{self, Generated};

/// The child's environment: where to upload and how much.
const SINK_ENV: &str = "SDK_UPLOAD_CHILD_SINK";
const LEN_ENV: &str = "SDK_UPLOAD_CHILD_LEN";

/// Runs the child half in a fresh process and returns its peak RSS in KiB.
fn peak_rss_kib_uploading(origin: &str, len: u64) -> u64 {
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "upload::memory::child_uploads_and_reports_its_peak_memory",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(SINK_ENV, origin)
        .env(LEN_ENV, len.to_string())
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.split_once("peak_rss_kib=").map(|(_, v)| v))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak in the child's output: {stdout}"))
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn peak_memory_of_a_2_5_gib_upload_is_that_of_a_64_mib_one() {
    const SMALL: u64 = 64 << 20;
    const LARGE: u64 = 5 << 29; // 2.5 GiB
    let (origin, received) = sink::start().await;
    let small = tokio::task::spawn_blocking({
        let origin = origin.clone();
        move || peak_rss_kib_uploading(&origin, SMALL)
    })
    .await
    .unwrap();
    let got_small = received
        .lock()
        .unwrap()
        .take()
        .expect("small upload received");
    let large = tokio::task::spawn_blocking(move || peak_rss_kib_uploading(&origin, LARGE))
        .await
        .unwrap();
    let got_large = received
        .lock()
        .unwrap()
        .take()
        .expect("large upload received");
    assert!(got_small.body_len > SMALL && got_large.body_len > LARGE);
    assert!(
        got_large.body_len - LARGE == got_small.body_len - SMALL,
        "same form around both"
    );
    println!("peak RSS: {small} KiB for 64 MiB, {large} KiB for 2.5 GiB");
    assert!(
        large < small + 8 * 1024,
        "peak RSS grew with the upload: {small} KiB for 64 MiB, {large} KiB for 2.5 GiB"
    );
}

/// The child half of the test above (run only by it, in its own process).
#[test]
#[ignore = "run by peak_memory_of_a_2_5_gib_upload_is_that_of_a_64_mib_one in a child process"]
fn child_uploads_and_reports_its_peak_memory() {
    let (Ok(origin), Ok(len)) = (std::env::var(SINK_ENV), std::env::var(LEN_ENV)) else {
        panic!("run by the parent test only");
    };
    let len: u64 = len.parse().expect("length");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = sink::client(&origin);
        let upload = Upload::new(
            "pve1",
            "local",
            StorageContent::Iso,
            "big.iso",
            Generated::new(len),
            len,
        );
        let uploaded = client.upload(upload).await.expect("upload");
        assert_eq!(uploaded.bytes, len);
    });
    let peak = sdk_tests::memory::peak_rss_kib();
    println!("peak_rss_kib={peak}");
}
