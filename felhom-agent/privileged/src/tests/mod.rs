//! The real runner against stand-in executables: `#!/bin/sh` scripts in a temporary directory
//! that take the place of sudo, nsenter and the four tools (the only way to point the runner
//! at them is `cfg(test)`). Every stand-in records the argv and environment it received
//! (from `/proc/$$/cmdline` and `/proc/$$/environ`, so nothing the shell adds gets in), and
//! answers with a fixture written from the tool's documented output.

// Each test runs on its own current-thread runtime and holds the shared side of `SCRIPTS`
// across its awaits on purpose: the lock only keeps other threads from writing a script
// while this one forks (see `SCRIPTS`), it never waits on another task of the same runtime.
#![allow(clippy::await_holding_lock)]

mod mountpoint;
mod operations;
mod runner;
mod smart;
mod sudoers;
mod sudoers_live;
mod validation;

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use crate::exec::{Command, Exit, Output, Program, RunError, Runner, SystemRunner};
use crate::{Mode, Privileged};

/// Writing an executable while another test thread forks makes that script's `execve` fail
/// with ETXTBSY (the child briefly holds the write descriptor). Writers take this lock
/// exclusively, runs take it shared.
static SCRIPTS: RwLock<()> = RwLock::new(());

pub(crate) fn fixture(name: &str) -> &'static str {
    match name {
        "smartctl-ata.json" => include_str!("../../tests/fixtures/smartctl-ata.json"),
        "smartctl-nvme.json" => include_str!("../../tests/fixtures/smartctl-nvme.json"),
        "smartctl-open-failed.json" => {
            include_str!("../../tests/fixtures/smartctl-open-failed.json")
        }
        "sensors.json" => include_str!("../../tests/fixtures/sensors.json"),
        "pct-create.txt" => include_str!("../../tests/fixtures/pct-create.txt"),
        other => panic!("no fixture {other}"),
    }
}

/// A directory of stand-ins. `sudo` and `nsenter` check their own fixed arguments and then
/// `exec` the rest, like the real ones.
pub(crate) struct StandIns {
    dir: tempfile::TempDir,
}

/// What one stand-in received.
#[derive(Debug)]
pub(crate) struct Received {
    /// argv, starting with the stand-in's own path.
    pub(crate) argv: Vec<String>,
    /// The environment, `KEY=value` in order.
    pub(crate) env: Vec<String>,
}

impl StandIns {
    pub(crate) fn new() -> Self {
        let stand_ins = StandIns {
            dir: tempfile::tempdir().expect("temporary directory"),
        };
        stand_ins.tool(
            "sudo",
            r#"[ "$1" = "-n" ] && [ "$2" = "--" ] || { echo "stand-in sudo: want -n --" >&2; exit 99; }
shift 2
exec "$@""#,
        );
        stand_ins.tool(
            "nsenter",
            r#"[ "$1" = "--mount=/proc/1/ns/mnt" ] && [ "$2" = "--" ] || { echo "stand-in nsenter: bad args" >&2; exit 98; }
shift 2
exec "$@""#,
        );
        stand_ins
    }

    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes the stand-in `name`: record what it got, then run `body`.
    pub(crate) fn tool(&self, name: &str, body: &str) {
        use std::os::unix::fs::PermissionsExt;
        let record = format!(
            "cat /proc/$$/cmdline > '{dir}/{name}.argv'\ncat /proc/$$/environ > '{dir}/{name}.env'\n",
            dir = self.dir().display()
        );
        let script = format!("#!/bin/sh\n{record}{body}\n");
        let _exclusive = SCRIPTS.write().unwrap_or_else(|e| e.into_inner());
        let path = self.path(name);
        std::fs::write(&path, script).expect("write stand-in");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }

    /// Writes `contents` next to the stand-ins and returns its path.
    pub(crate) fn file(&self, name: &str, contents: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, contents).expect("write fixture");
        path.display().to_string()
    }

    /// A tool that prints `stdout_fixture` and exits with `code`.
    pub(crate) fn answering(&self, name: &str, stdout_fixture: &str, code: i32) {
        let file = self.file(&format!("{name}.out"), fixture(stdout_fixture));
        self.tool(name, &format!("cat '{file}'\nexit {code}"));
    }

    /// What `name` received; `None` if it never ran.
    pub(crate) fn received(&self, name: &str) -> Option<Received> {
        let split = |bytes: Vec<u8>| -> Vec<String> {
            bytes
                .split(|b| *b == 0)
                .filter(|s| !s.is_empty())
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect()
        };
        let argv = std::fs::read(self.path(&format!("{name}.argv"))).ok()?;
        let env = std::fs::read(self.path(&format!("{name}.env"))).ok()?;
        // cmdline starts with the interpreter (`/bin/sh`); drop it.
        let argv = split(argv).into_iter().skip(1).collect();
        Some(Received {
            argv,
            env: split(env),
        })
    }

    pub(crate) fn runner(&self) -> SystemRunner {
        SystemRunner::default().with_stand_ins(self.dir())
    }

    pub(crate) fn privileged(&self, mode: Mode) -> Privileged<SystemRunner> {
        Privileged::with_runner(mode, self.runner())
    }
}

/// Holds the shared side of [`SCRIPTS`] while commands run.
pub(crate) fn running() -> std::sync::RwLockReadGuard<'static, ()> {
    SCRIPTS.read().unwrap_or_else(|e| e.into_inner())
}

/// A runner that records every command and answers like a successful tool, so a test sees
/// exactly what an operation would run — or proves that it ran nothing.
#[derive(Default)]
pub(crate) struct Recording {
    commands: std::sync::Mutex<Vec<Command>>,
}

impl Recording {
    pub(crate) fn commands(&self) -> Vec<Command> {
        self.commands.lock().expect("lock").clone()
    }
}

impl Runner for Recording {
    fn run(
        &self,
        command: &Command,
    ) -> impl std::future::Future<Output = Result<Output, RunError>> + Send {
        self.commands.lock().expect("lock").push(command.clone());
        let stdout = match command.program() {
            Program::Smartctl | Program::Sensors => b"{}".to_vec(),
            Program::Pct | Program::Mount => Vec::new(),
        };
        std::future::ready(Ok(Output {
            exit: Exit::Code(0),
            stdout,
            stderr: Vec::new(),
            stderr_truncated: false,
        }))
    }
}

/// Runs a future on a fresh current-thread runtime (for the recording runner, no I/O).
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// A fake `/dev` and `/sys` with one USB disk (`sdb1`) and one internal SATA disk (`sda2`),
/// for the USB check of `mount_usb_by_uuid`.
pub(crate) struct FakeHost {
    dir: tempfile::TempDir,
}

impl FakeHost {
    const USB: &'static str =
        "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb/sdb1";
    const SATA: &'static str =
        "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda2";

    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path();
        for d in [
            "dev/disk/by-uuid",
            "sys/class/block",
            &format!("sys/{}", Self::USB),
            &format!("sys/{}", Self::SATA),
        ] {
            std::fs::create_dir_all(root.join(d)).expect("mkdir");
        }
        for (name, sys) in [("sdb1", Self::USB), ("sda2", Self::SATA)] {
            std::fs::write(root.join("dev").join(name), "").expect("device node stand-in");
            std::os::unix::fs::symlink(
                root.join("sys").join(sys),
                root.join("sys/class/block").join(name),
            )
            .expect("symlink");
        }
        FakeHost { dir }
    }

    /// Registers `uuid` as a filesystem on the USB disk (`usb`) or the internal one.
    pub(crate) fn filesystem(&self, uuid: &str, usb: bool) -> &Self {
        let device = self
            .dir
            .path()
            .join("dev")
            .join(if usb { "sdb1" } else { "sda2" });
        std::os::unix::fs::symlink(device, self.dir.path().join("dev/disk/by-uuid").join(uuid))
            .expect("symlink");
        self
    }

    pub(crate) fn apply<R: Runner>(&self, privileged: Privileged<R>) -> Privileged<R> {
        let root = self.dir.path();
        privileged.with_host_paths(root.join("dev/disk/by-uuid"), root.join("sys/class/block"))
    }
}
