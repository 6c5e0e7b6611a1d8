//! `dist/sudoers` against the code: every command line the runner can build for valid input
//! matches its operation's rule, hostile command lines match none, and the file holds
//! nothing but the four rules. sudo matches a rule's path exactly and its argument regex
//! against the arguments joined with single spaces; that is what [`allowed`] does.

use regex::Regex;

use super::{FakeHost, Recording, block_on};
use crate::dist::SUDOERS;
use crate::{
    Bridge, Cores, FsType, FsUuid, GoldenLxc, MemoryMib, Mode, MountPoint, Net0, Net0Ip, Operation,
    Privileged, RootfsGib, UsbMount, VlanTag,
};

struct Rule {
    alias: String,
    path: String,
    args: Regex,
}

fn rules() -> Vec<Rule> {
    SUDOERS
        .lines()
        .filter_map(|line| line.strip_prefix("Cmnd_Alias "))
        .map(|rest| {
            let (alias, command) = rest.split_once(" = ").expect("alias = command");
            let (path, args) = command.split_once(' ').expect("path and arguments");
            assert!(
                args.starts_with('^') && args.ends_with('$'),
                "{alias}: not a regex"
            );
            assert!(
                !path.contains(['*', '?', '[']),
                "{alias}: wildcard in the path"
            );
            Rule {
                alias: alias.into(),
                path: path.into(),
                args: Regex::new(args).expect("regex"),
            }
        })
        .collect()
}

/// The alias whose rule allows `argv` (what follows `sudo -n --`).
fn allowed<'r>(rules: &'r [Rule], argv: &[&str]) -> Option<&'r str> {
    let joined = argv[1..].join(" ");
    rules
        .iter()
        .find(|r| r.path == argv[0] && r.args.is_match(&joined))
        .map(|r| r.alias.as_str())
}

#[test]
fn the_file_holds_the_four_rules_one_user_line_and_nothing_else() {
    let rules = rules();
    let aliases: Vec<&str> = rules.iter().map(|r| r.alias.as_str()).collect();
    let expected: Vec<&str> = Operation::ALL.iter().map(|o| o.sudoers_alias()).collect();
    assert_eq!(aliases, expected);
    let other: Vec<&str> = SUDOERS
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("Cmnd_Alias "))
        .collect();
    assert_eq!(
        other,
        [
            r#"Defaults:felhom-agent env_reset, !requiretty, secure_path="/usr/sbin:/usr/bin:/sbin:/bin""#,
            "felhom-agent ALL = (root) NOPASSWD: FELHOM_PCT_CREATE, FELHOM_MOUNT_USB, FELHOM_SMARTCTL, FELHOM_SENSORS",
        ]
    );
    for op in Operation::ALL {
        assert!(
            op.sudoers_line()
                .starts_with(&format!("Cmnd_Alias {} = /usr/", op.sudoers_alias()))
        );
    }
}

fn golden(net0: Net0, long: bool) -> GoldenLxc {
    let (vmid, host, storage) = if long {
        (
            "999999999",
            [
                "a".repeat(63),
                "b".repeat(63),
                "c".repeat(63),
                "d".repeat(61),
            ]
            .join("."),
            format!("s{}", "x".repeat(63)),
        )
    } else {
        ("100", "golden".to_owned(), "local-lvm".to_owned())
    };
    GoldenLxc {
        vmid: vmid.parse().expect("vmid"),
        template: format!("{storage}:vztmpl/debian-12-standard_12.7-1+b2_amd64.tar.zst")
            .parse()
            .expect("template"),
        hostname: host.parse().expect("hostname"),
        storage: storage.parse().expect("storage"),
        rootfs_gib: RootfsGib::new(if long { 65_536 } else { 1 }).expect("size"),
        memory_mib: MemoryMib::new(if long { 4_194_304 } else { 16 }).expect("memory"),
        cores: Cores::new(if long { 8192 } else { 1 }).expect("cores"),
        net0,
    }
}

/// Every command the backend builds for a spread of valid inputs covering each optional part.
pub(super) fn valid_commands() -> Vec<(Operation, crate::Command)> {
    let host = FakeHost::new();
    let uuids = [
        "3b0f6c4e-9d3a-4a57-9e0b-2f7c1e5a8d21",
        "ABCD-EF01",
        "abcd-ef01",
    ];
    for uuid in uuids {
        host.filesystem(uuid, true);
    }
    let p = host.apply(Privileged::with_runner(Mode::Sudo, Recording::default()));
    let mut ops = Vec::new();
    let ip = |gw: bool| {
        Net0Ip::fixed(
            "192.168.10.250".parse().expect("ip"),
            24,
            gw.then(|| "192.168.10.1".parse().expect("gw")),
        )
        .expect("ip")
    };
    for (ip, firewall, tag) in [
        (Net0Ip::Dhcp, false, None),
        (ip(false), true, Some(1)),
        (ip(true), false, Some(4094)),
    ] {
        for long in [false, true] {
            let bridge: Bridge = if long {
                "br_0.lan-123456".parse()
            } else {
                "vmbr0".parse()
            }
            .expect("bridge");
            let vlan_tag = tag.map(|t| VlanTag::new(t).expect("tag"));
            let net0 = Net0 {
                bridge,
                ip,
                firewall,
                vlan_tag,
            };
            block_on(p.create_golden_lxc(&golden(net0, long))).expect("recorded");
            ops.push(Operation::CreateGoldenLxc);
        }
    }
    let deep = format!("/mnt/felhom/{0}/b/c.d/{0}", "Z9_.-".repeat(12) + "abcd");
    for fs_type in FsType::ALL {
        for uuid in [
            "3b0f6c4e-9d3a-4a57-9e0b-2f7c1e5a8d21",
            "ABCD-EF01",
            "abcd-ef01",
        ] {
            for (read_only, mountpoint) in [(false, "/mnt/felhom/usb"), (true, deep.as_str())] {
                let request = UsbMount {
                    uuid: uuid.parse::<FsUuid>().expect("uuid"),
                    fs_type,
                    mountpoint: MountPoint::lexically(mountpoint).expect("mountpoint"),
                    read_only,
                };
                block_on(p.mount_usb_by_uuid(&request)).expect("recorded");
                ops.push(Operation::MountUsbByUuid);
            }
        }
    }
    let by_id = format!(
        "/dev/disk/by-id/{}",
        "usb-Generic_Flash+Disk_1.0-0:0".repeat(4)
    );
    for device in [
        "/dev/sda",
        "/dev/sdzz",
        "/dev/nvme0n1",
        "/dev/nvme999n999",
        &by_id,
    ] {
        block_on(p.smart(&device.parse().expect("device"))).expect("recorded");
        ops.push(Operation::Smart);
    }
    block_on(p.sensors()).expect("recorded");
    ops.push(Operation::Sensors);
    ops.into_iter().zip(p.runner().commands()).collect()
}

#[test]
fn every_command_line_the_runner_builds_matches_its_operations_rule() {
    let rules = rules();
    let commands = valid_commands();
    assert_eq!(commands.len(), 6 + 30 + 5 + 1);
    for (operation, command) in commands {
        let argv = command.argv();
        assert_eq!(argv[..3], ["/usr/bin/sudo", "-n", "--"]);
        assert_eq!(
            allowed(&rules, &argv[3..]),
            Some(operation.sudoers_alias()),
            "{operation}: {}",
            argv.join(" ")
        );
    }
}

/// Hostile command lines (what follows `sudo -n --`), split on spaces.
pub(super) fn hostile_lines() -> Vec<String> {
    const NS: &str = "/usr/bin/nsenter --mount=/proc/1/ns/mnt --";
    const PCT_OK: &str = "create 100 local:vztmpl/d.tar.zst --hostname g --rootfs local:8 --memory 512 --cores 1 --net0 name=eth0,bridge=vmbr0,ip=dhcp --unprivileged 1 --features keyctl=1,nesting=1";
    const MOUNT_OK: &str =
        "-i -t ext4 -o nodev,nosuid,noexec -- /dev/disk/by-uuid/ABCD-EF01 /mnt/felhom/usb";
    let ok_pct = format!("{NS} /usr/sbin/pct {PCT_OK}");
    let ok_mount = format!("{NS} /usr/bin/mount {MOUNT_OK}");
    // The two reference lines match, so each hostile variant below fails for its own reason.
    let rules = rules();
    for line in [&ok_pct, &ok_mount] {
        let argv: Vec<&str> = line.split(' ').collect();
        assert!(allowed(&rules, &argv).is_some(), "{line}");
    }
    vec![
        format!("{ok_pct} --start 1"),
        ok_pct.replace("nesting=1", "nesting=1,mount=nfs"),
        ok_pct.replace("--unprivileged 1", "--unprivileged 0"),
        ok_pct.replace("ip=dhcp", "ip=dhcp,hwaddr=02:00:00:00:00:01"),
        ok_pct.replace("--hostname g", "--hostname g;reboot"),
        ok_pct.replace("--cores 1", "--cores 1 --password secret"),
        ok_pct.replace("create 100", "create 99"),
        ok_pct.replace("create 100", "destroy 100"),
        ok_pct.replace("local:vztmpl/d.tar.zst", "local:vztmpl/../../etc/shadow"),
        format!("/usr/sbin/pct {PCT_OK}"),
        ok_pct.replace("/proc/1/ns/mnt", "/proc/self/ns/mnt"),
        format!("{NS} /bin/sh -c id"),
        format!("{NS} /usr/sbin/pct exec 100 -- id"),
        ok_mount.replace("nodev,nosuid,noexec", "nodev,nosuid"),
        ok_mount.replace("noexec", "noexec,exec"),
        ok_mount.replace("noexec", "noexec,suid"),
        ok_mount.replace("-t ext4", "-t proc"),
        ok_mount.replace("-i -t", "--bind -t"),
        ok_mount.replace("/mnt/felhom/usb", "/mnt/felhom/../../etc"),
        ok_mount.replace("/mnt/felhom/usb", "/mnt/felhom"),
        ok_mount.replace("/mnt/felhom/usb", "/etc/pve"),
        ok_mount.replace("/dev/disk/by-uuid/ABCD-EF01", "/dev/sda1"),
        ok_mount.replace("ABCD-EF01", "ABCD-EF01/../../sda1"),
        format!("{ok_mount} /mnt/felhom/other"),
        format!("/usr/bin/mount {MOUNT_OK}"),
        "/usr/sbin/smartctl --json=c -a /dev/sda -d sat".into(),
        "/usr/sbin/smartctl --json=c -a /dev/sda1".into(),
        "/usr/sbin/smartctl --json=c -a /dev/mem".into(),
        "/usr/sbin/smartctl --json=c -a /dev/sda /dev/sdb".into(),
        "/usr/sbin/smartctl --json=c -a /dev/disk/by-id/../../../etc/shadow".into(),
        "/usr/sbin/smartctl -s off /dev/sda".into(),
        "/usr/sbin/smartctl -t long /dev/sda".into(),
        "/usr/bin/sensors -s".into(),
        "/usr/bin/sensors -j -c /tmp/evil.conf".into(),
        "/usr/bin/sensors".into(),
        "/usr/local/bin/sensors -j".into(),
    ]
}

#[test]
fn hostile_command_lines_match_no_rule() {
    let rules = rules();
    for line in hostile_lines() {
        let argv: Vec<&str> = line.split(' ').collect();
        assert_eq!(allowed(&rules, &argv), None, "allowed: {line}");
    }
}

#[test]
fn visudo_accepts_the_file() {
    let visudo = ["/usr/sbin/visudo", "/usr/bin/visudo"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(visudo) = visudo else {
        let required = std::env::var_os("FELHOM_VISUDO_REQUIRED").is_some_and(|v| v == "1");
        assert!(!required, "visudo is missing but FELHOM_VISUDO_REQUIRED=1");
        eprintln!(
            "SKIPPED: visudo not installed; dist/sudoers syntax not checked (apt-get install sudo)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("felhom-agent");
    std::fs::write(&file, SUDOERS).expect("write");
    let out = std::process::Command::new(visudo)
        .arg("-cf")
        .arg(&file)
        .output()
        .expect("run visudo");
    assert!(
        out.status.success(),
        "visudo -cf refused dist/sudoers:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
