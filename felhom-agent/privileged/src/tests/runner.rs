//! The system runner itself: exact argv and environment, the sudo and nsenter prefixes, the
//! time limit killing the whole process group, and bounded output.

use std::time::Duration;

use super::{StandIns, running};
use crate::Mode;
use crate::exec::{Command, Exit, Program, RunError, Runner};

fn command(mode: Mode, program: Program, args: &[&str], timeout: Duration) -> Command {
    Command::new(
        mode,
        program,
        args.iter().map(|a| a.to_string()).collect(),
        timeout,
    )
}

const LONG: Duration = Duration::from_secs(60);

#[tokio::test]
async fn a_direct_command_gets_exactly_its_argv_and_only_lc_all_and_path() {
    let s = StandIns::new();
    s.tool("smartctl", "echo '{}'");
    let _run = running();
    let out = s
        .runner()
        .run(&command(
            Mode::Direct,
            Program::Smartctl,
            &["--json=c", "-a", "/dev/sda"],
            LONG,
        ))
        .await
        .expect("runs");
    assert_eq!(out.exit, Exit::Code(0));
    assert_eq!(out.stdout, b"{}\n");
    let got = s.received("smartctl").expect("smartctl ran");
    let me = s.path("smartctl").display().to_string();
    assert_eq!(got.argv, [me.as_str(), "--json=c", "-a", "/dev/sda"]);
    assert_eq!(got.env, ["LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"]);
    assert!(s.received("sudo").is_none(), "direct mode never calls sudo");
}

#[tokio::test]
async fn sudo_mode_runs_sudo_n_dashdash_then_the_absolute_program() {
    let s = StandIns::new();
    s.tool("sensors", "echo '{}'");
    let _run = running();
    s.runner()
        .run(&command(Mode::Sudo, Program::Sensors, &["-j"], LONG))
        .await
        .expect("runs");
    let sudo = s.received("sudo").expect("sudo ran");
    let sensors = s.path("sensors").display().to_string();
    assert_eq!(
        sudo.argv,
        [
            s.path("sudo").display().to_string().as_str(),
            "-n",
            "--",
            &sensors,
            "-j"
        ]
    );
    assert_eq!(sudo.env, ["LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"]);
    assert_eq!(
        s.received("sensors").expect("sensors ran").argv,
        [sensors.as_str(), "-j"]
    );
}

#[tokio::test]
async fn pct_and_mount_enter_the_host_mount_namespace_and_smartctl_does_not() {
    let s = StandIns::new();
    s.tool("pct", "exit 0");
    s.tool("smartctl", "echo '{}'");
    let _run = running();
    let runner = s.runner();
    runner
        .run(&command(Mode::Sudo, Program::Pct, &["create", "100"], LONG))
        .await
        .expect("runs");
    let nsenter = s.received("nsenter").expect("nsenter ran");
    let pct = s.path("pct").display().to_string();
    assert_eq!(
        &nsenter.argv[1..],
        [
            "--mount=/proc/1/ns/mnt",
            "--",
            pct.as_str(),
            "create",
            "100"
        ]
    );
    std::fs::remove_file(s.path("nsenter.argv")).expect("reset");
    runner
        .run(&command(Mode::Direct, Program::Smartctl, &["-a"], LONG))
        .await
        .expect("runs");
    assert!(s.received("nsenter").is_none());
}

#[tokio::test]
async fn a_missing_program_is_a_spawn_error() {
    let s = StandIns::new();
    let _run = running();
    let err = s
        .runner()
        .run(&command(Mode::Direct, Program::Sensors, &["-j"], LONG))
        .await
        .expect_err("no sensors stand-in");
    assert!(
        matches!(
            err,
            RunError::Spawn {
                program: Program::Sensors,
                ..
            }
        ),
        "{err:?}"
    );
}

/// Polls until no process of the stand-in's recorded children is alive (bounded).
fn wait_gone(pid_file: &std::path::Path) -> bool {
    let pid = std::fs::read_to_string(pid_file).expect("child pid recorded");
    let stat = format!("/proc/{}/stat", pid.trim());
    for _ in 0..200 {
        match std::fs::read_to_string(&stat) {
            Err(_) => return true,
            // A killed process waiting for its (new) parent to reap it is gone too.
            Ok(s)
                if s.rsplit(')')
                    .next()
                    .is_some_and(|r| r.trim_start().starts_with('Z')) =>
            {
                return true;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    false
}

#[tokio::test]
async fn a_hanging_tool_is_killed_with_its_whole_process_group_at_the_time_limit() {
    let s = StandIns::new();
    let pid_file = s.path("grandchild.pid");
    // The tool forks a grandchild that ignores SIGTERM, then hangs itself.
    s.tool(
        "sensors",
        &format!(
            "sh -c 'trap \"\" TERM; sleep 1000' &\necho $! > '{}'\nsleep 1000",
            pid_file.display()
        ),
    );
    let _run = running();
    let runner = s.runner().with_kill_grace(Duration::from_millis(200));
    let err = runner
        .run(&command(
            Mode::Direct,
            Program::Sensors,
            &["-j"],
            Duration::from_millis(500),
        ))
        .await
        .expect_err("must time out");
    assert!(
        matches!(err, RunError::TimedOut { program: Program::Sensors, after } if after == Duration::from_millis(500)),
        "{err:?}"
    );
    assert!(
        wait_gone(&pid_file),
        "the grandchild survived the group kill"
    );
}

#[tokio::test]
async fn a_tool_flooding_stdout_is_killed_at_the_limit() {
    let s = StandIns::new();
    s.tool("smartctl", "exec yes flood");
    let _run = running();
    let runner = s.runner().with_limits(64 << 10, 1024);
    let err = runner
        .run(&command(Mode::Direct, Program::Smartctl, &[], LONG))
        .await
        .expect_err("must be refused");
    assert!(
        matches!(
            err,
            RunError::OutputTooLarge {
                program: Program::Smartctl,
                limit: 65536
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_tool_flooding_stderr_keeps_the_first_part_and_still_finishes() {
    let s = StandIns::new();
    s.tool(
        "sensors",
        "head -c 1000000 /dev/zero | tr '\\0' e >&2\necho '{}'",
    );
    let _run = running();
    let out = s
        .runner()
        .with_limits(1024, 4096)
        .run(&command(Mode::Direct, Program::Sensors, &[], LONG))
        .await
        .expect("finishes");
    assert_eq!(out.exit, Exit::Code(0));
    assert_eq!(out.stdout, b"{}\n");
    assert_eq!(out.stderr.len(), 4096);
    assert!(out.stderr_truncated);
    assert!(out.diagnostics().ends_with('…'));
}

#[tokio::test]
async fn a_signal_death_is_reported_as_a_signal() {
    let s = StandIns::new();
    s.tool("sensors", "kill -SEGV $$");
    let _run = running();
    let out = s
        .runner()
        .run(&command(Mode::Direct, Program::Sensors, &[], LONG))
        .await
        .expect("ran");
    assert_eq!(out.exit, Exit::Signal(11));
}
