//! Memory stays flat whatever the upload's size: a child process uploads 64 MiB and then
//! 2.5 GiB (past any 32-bit length) to a sink in this process and reports its peak resident
//! memory (`VmHWM` in `/proc/self/status`); the peaks must match within a few MiB. Both ways
//! in are checked: a caller's reader (a generated stream, read on the sending task) and a file
//! (sparse, read on the upload's own thread). No timing is measured.

use std::process::Command;

use proxmox_sdk::api::types::StorageContent;
use proxmox_sdk::upload::Upload;

use super::sink;

/// The child's environment: where to upload and how much.
const SINK_ENV: &str = "SDK_UPLOAD_CHILD_SINK";
const LEN_ENV: &str = "SDK_UPLOAD_CHILD_LEN";
/// Set to a path: upload that file (`Upload::from_file`) instead of a generated stream.
const FILE_ENV: &str = "SDK_UPLOAD_CHILD_FILE";

/// Where the child's bytes come from.
#[derive(Debug, Clone, Copy)]
enum From {
    Reader,
    File,
}

/// Runs the child half in a fresh process and returns its peak RSS in KiB.
fn peak_rss_kib_uploading(origin: &str, len: u64, from: From) -> u64 {
    let mut child = Command::new(std::env::current_exe().expect("test binary"));
    let file = match from {
        From::Reader => None,
        From::File => {
            // Named `big.iso` like the generated stream, so the form around it is the same.
            let dir = std::env::temp_dir()
                .join(format!("sdk-upload-memory-{}-{len}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join("big.iso");
            std::fs::File::create(&path)
                .and_then(|f| f.set_len(len))
                .expect("sparse file");
            child.env(FILE_ENV, &path);
            Some(dir)
        }
    };
    let output = child
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
    if let Some(dir) = file {
        let _ = std::fs::remove_dir_all(dir);
    }
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
    check_flat(From::Reader).await;
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn peak_memory_of_a_2_5_gib_file_upload_is_that_of_a_64_mib_one() {
    check_flat(From::File).await;
}

async fn check_flat(from: From) {
    const SMALL: u64 = 64 << 20;
    const LARGE: u64 = 5 << 29; // 2.5 GiB
    let (origin, received) = sink::start().await;
    let mut peaks = Vec::new();
    let mut forms = Vec::new();
    for len in [SMALL, LARGE] {
        let origin = origin.clone();
        let peak = tokio::task::spawn_blocking(move || peak_rss_kib_uploading(&origin, len, from))
            .await
            .unwrap();
        let got = received.lock().unwrap().take().expect("upload received");
        assert!(got.body_len > len, "{from:?} {len}: {} bytes", got.body_len);
        peaks.push(peak);
        forms.push(got.body_len - len);
    }
    assert_eq!(forms[0], forms[1], "same form around both");
    let (small, large) = (peaks[0], peaks[1]);
    println!("peak RSS ({from:?}): {small} KiB for 64 MiB, {large} KiB for 2.5 GiB");
    assert!(
        large < small + 8 * 1024,
        "peak RSS grew with the upload ({from:?}): {small} KiB for 64 MiB, {large} KiB for 2.5 GiB"
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
        let upload = match std::env::var_os(FILE_ENV) {
            Some(path) => Upload::from_file("pve1", "local", StorageContent::Iso, path)
                .await
                .expect("the sparse file"),
            None => sink::generated_iso("big.iso", len),
        };
        let uploaded = client.upload(upload).await.expect("upload");
        assert_eq!(uploaded.bytes, len);
    });
    let peak = sdk_tests::memory::peak_rss_kib();
    println!("peak_rss_kib={peak}");
}
