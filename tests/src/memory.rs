//! The peak resident memory of this process, for tests and benchmarks that show memory stays
//! flat (Linux: `VmHWM` in `/proc/self/status`).

/// The peak resident set size of this process so far, in KiB.
///
/// # Panics
/// When `/proc/self/status` cannot be read or has no `VmHWM` line (not Linux).
pub fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}
