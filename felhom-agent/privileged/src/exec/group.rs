//! The process group of a spawned command. Every command is started as the leader of a new
//! group, so a timeout reaches everything it forked, not only the direct child.
//!
//! In sudo mode the group leader is `sudo` and the tool runs as root: an unprivileged agent
//! cannot signal the root process itself. `SIGTERM` to the group reaches `sudo`, which relays
//! it to the command; `SIGKILL` follows after a grace period and ends `sudo` itself.

use rustix::process::{Pid, Signal, kill_process_group};

pub(crate) struct ProcessGroup {
    pgid: Option<Pid>,
}

impl ProcessGroup {
    /// The group led by the child with this pid (`None` when the child already was reaped).
    pub(crate) fn led_by(pid: Option<u32>) -> Self {
        let pgid = pid
            .and_then(|p| i32::try_from(p).ok())
            .and_then(Pid::from_raw);
        ProcessGroup { pgid }
    }

    /// Sends `signal` to every process of the group. Errors are ignored: the group may be gone
    /// already, or (sudo mode) hold a root process we may not signal.
    pub(crate) fn signal(&self, signal: Signal) {
        if let Some(pgid) = self.pgid {
            let _ = kill_process_group(pgid, signal);
        }
    }

    pub(crate) fn terminate(&self) {
        self.signal(Signal::TERM);
    }

    pub(crate) fn kill(&self) {
        self.signal(Signal::KILL);
    }

    /// The leader has been reaped normally: from now on the id may belong to someone else.
    pub(crate) fn forget(&mut self) {
        self.pgid = None;
    }
}

impl Drop for ProcessGroup {
    /// A run that was cancelled (its future dropped) still leaves no process behind.
    fn drop(&mut self) {
        self.kill();
    }
}
