//! The real sudo agrees with the regex model of `sudoers.rs`: in a private mount namespace
//! (nothing on the host changes), `dist/sudoers` is bind-mounted over `/etc/sudoers` with the
//! user `nobody`, empty stand-ins fill in the programs this host lacks (an overlay on
//! `/usr/bin` and `/usr/sbin`), and `sudo -n -l -U nobody -- ARGV…` must allow every command
//! line the runner builds and refuse every hostile one. Needs root, sudo, unshare and
//! overlayfs; otherwise it says so and passes (or fails under FELHOM_SUDO_LIVE_REQUIRED=1).

use std::os::unix::fs::PermissionsExt;

use super::sudoers::{hostile_lines, valid_commands};
use crate::dist::SUDOERS;

const SCRIPT: &str = r#"set -e
d="$1"
mount --bind "$d/sudoers" /etc/sudoers
for dir in /usr/bin /usr/sbin; do
  name=$(echo "$dir" | tr / _)
  mkdir -p "$d/up$name" "$d/work$name"
  mount -t overlay overlay -o "lowerdir=$dir,upperdir=$d/up$name,workdir=$d/work$name" "$dir"
done
for p in /usr/sbin/pct /usr/sbin/smartctl /usr/bin/sensors /usr/bin/nsenter /usr/bin/mount; do
  [ -e "$p" ] || { printf '#!/bin/sh\n' > "$p"; chmod 755 "$p"; }
done
set +e
for f in "$d"/line_*; do
  xargs -0 -a "$f" sudo -n -l -U nobody -- > /dev/null 2>&1
  echo "${f##*/} $?"
done
"#;

fn skip(why: &str) {
    let required = std::env::var_os("FELHOM_SUDO_LIVE_REQUIRED").is_some_and(|v| v == "1");
    assert!(!required, "live sudoers check required but {why}");
    eprintln!("SKIPPED: live sudoers check: {why}");
}

#[test]
fn real_sudo_allows_exactly_what_the_model_allows() {
    if !rustix::process::geteuid().is_root() {
        return skip("not running as root");
    }
    if !std::path::Path::new("/usr/bin/sudo").exists()
        || !std::path::Path::new("/usr/bin/unshare").exists()
    {
        return skip("sudo or unshare not installed");
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let d = dir.path();
    let sudoers = SUDOERS.replace("felhom-agent", "nobody") + "root ALL=(ALL:ALL) ALL\n";
    std::fs::write(d.join("sudoers"), sudoers).expect("write");
    std::fs::set_permissions(d.join("sudoers"), std::fs::Permissions::from_mode(0o440))
        .expect("chmod");

    let mut expected = Vec::new();
    let valid = valid_commands()
        .into_iter()
        .map(|(_, c)| c.argv()[3..].join("\0"));
    let hostile = hostile_lines().into_iter().map(|l| l.replace(' ', "\0"));
    for (i, (argv, allow)) in valid
        .map(|a| (a, true))
        .chain(hostile.map(|a| (a, false)))
        .enumerate()
    {
        let name = format!("line_{i:03}");
        std::fs::write(d.join(&name), &argv).expect("write line");
        expected.push((name, argv.replace('\0', " "), allow));
    }
    let out = std::process::Command::new("/usr/bin/unshare")
        .args([
            "-m",
            "--propagation",
            "private",
            "/bin/sh",
            "-c",
            SCRIPT,
            "sh",
        ])
        .arg(d)
        .output()
        .expect("run unshare");
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || stdout.lines().count() != expected.len() {
        return skip(&format!(
            "no private mount namespace with overlayfs here: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    for ((name, line, allow), result) in expected.iter().zip(stdout.lines()) {
        let (got_name, rc) = result.split_once(' ').expect("name rc");
        assert_eq!(got_name, name);
        assert_eq!(
            rc == "0",
            *allow,
            "real sudo {} `{line}`",
            if *allow { "refused" } else { "allowed" }
        );
    }
}
