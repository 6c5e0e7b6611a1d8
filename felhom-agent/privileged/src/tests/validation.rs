//! Hostile input: every argument type against injection, traversal, control characters, odd
//! Unicode and huge values — each a typed refusal naming the argument, and nothing run.

use std::str::FromStr;

use super::{Recording, block_on};
use crate::{
    Argument, BlockDevice, Bridge, Cores, FsType, FsUuid, GoldenLxc, Hostname, InvalidArgument,
    MemoryMib, Mode, MountPoint, Net0, Net0Ip, Privileged, Problem, RootfsGib, StorageId,
    TemplateVolid, VlanTag, Vmid,
};

use Problem::{ControlCharacter as Ctl, Empty, ForbiddenCharacter as Bad, LeadingDash as Dash};

fn refuses<T: FromStr<Err = InvalidArgument> + std::fmt::Debug>(
    argument: Argument,
    cases: &[(&str, Problem)],
) {
    for (input, problem) in cases {
        let got = T::from_str(input);
        let want = InvalidArgument {
            argument,
            problem: problem.clone(),
        };
        match got {
            Err(err) => {
                assert_eq!(err, want, "{input:?}");
                // The refusal names the argument and never repeats the hostile text.
                let message = err.to_string();
                assert!(message.starts_with(&format!("invalid {}: ", argument.as_str())));
                if input.len() > 3 && !problem.to_string().contains(input) {
                    assert!(!message.contains(input), "{message} echoes {input:?}");
                }
            }
            Ok(v) => panic!("{input:?} was accepted as {v:?}"),
        }
    }
}

fn malformed(expected: &'static str) -> Problem {
    Problem::Malformed { expected }
}

#[test]
fn vmids_outside_pves_range_or_not_plain_decimal_are_refused() {
    let range = Problem::OutOfRange {
        min: 100,
        max: 999_999_999,
    };
    let no_zero = malformed("a decimal number without leading zeros");
    refuses::<Vmid>(
        Argument::Vmid,
        &[
            ("", Empty),
            ("99", range.clone()),
            ("0", no_zero.clone()),
            ("0100", no_zero),
            ("-100", Dash),
            ("+100", Bad),
            (" 100", Bad),
            ("100;reboot", Problem::TooLong { max: 9 }),
            ("100;id", Bad),
            ("$(id)", Bad),
            ("100\n", Ctl),
            ("10\u{0}0", Ctl),
            ("１００", Bad),
            ("٣٠٠", Bad),
            ("18446744073709551616", Problem::TooLong { max: 9 }),
        ],
    );
    assert_eq!(
        Vmid::new(99),
        Err(InvalidArgument {
            argument: Argument::Vmid,
            problem: range.clone()
        })
    );
    assert_eq!(
        Vmid::new(1_000_000_000),
        Err(InvalidArgument {
            argument: Argument::Vmid,
            problem: range.clone()
        })
    );
    assert_eq!(
        Vmid::new(u64::MAX),
        Err(InvalidArgument {
            argument: Argument::Vmid,
            problem: range
        })
    );
    assert_eq!("100".parse::<Vmid>().map(Vmid::get), Ok(100));
    assert_eq!("999999999".parse::<Vmid>().map(Vmid::get), Ok(999_999_999));
}

#[test]
fn hostnames_must_be_dns_names() {
    let labels = malformed("dot-separated labels of 1-63 letters, digits and inner '-'");
    let long_label = "a".repeat(64);
    let long_name = [
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(63),
    ]
    .join(".");
    refuses::<Hostname>(
        Argument::Hostname,
        &[
            ("", Empty),
            ("-x", Dash),
            ("web;reboot", Bad),
            ("$(reboot)", Bad),
            ("web\nhost", Ctl),
            ("web\0", Ctl),
            ("web_1", Bad),
            ("wéb", Bad),
            ("ｗeb", Bad),
            ("web\u{202e}lmth", Bad),
            ("we\u{200d}b", Bad),
            ("web\u{85}", Ctl),
            ("a..b", labels.clone()),
            ("a.-b", labels.clone()),
            ("a-.b", labels.clone()),
            ("web.", labels.clone()),
            (&long_label, labels),
            (&long_name, Problem::TooLong { max: 253 }),
        ],
    );
    assert!("golden.felhom.lan".parse::<Hostname>().is_ok());
}

#[test]
fn storage_ids_and_template_volids_follow_pves_forms() {
    let storage =
        malformed("a storage id: a letter, then [A-Za-z0-9._-], ending in a letter or digit");
    refuses::<StorageId>(
        Argument::Storage,
        &[
            ("", Empty),
            ("-local", Dash),
            ("1local", storage.clone()),
            ("local-", storage.clone()),
            ("l", storage),
            ("lo cal", Bad),
            ("local:x", Bad),
            ("../etc", Bad),
            (&"a".repeat(65), Problem::TooLong { max: 64 }),
        ],
    );
    let form = malformed("storage:vztmpl/name.tar.{gz,xz,zst,bz2}");
    refuses::<TemplateVolid>(
        Argument::Template,
        &[
            ("", Empty),
            ("-local:vztmpl/x.tar.gz", Dash),
            ("local:vztmpl/../../etc/shadow.tar.gz", form.clone()),
            ("local:vztmpl/sub/x.tar.gz", form.clone()),
            ("local:iso/x.tar.gz", form.clone()),
            ("local:vztmpl/x.iso", form.clone()),
            ("local:vztmpl/.tar.gz", form.clone()),
            ("local:vztmpl/-x.tar.gz", form.clone()),
            ("local:vztmpl/x.tar.gz:y", form.clone()),
            ("/var/lib/vz/template/cache/x.tar.gz", form),
            ("local:vztmpl/x.tar.gz;reboot", Bad),
            ("local:vztmpl/x y.tar.gz", Bad),
            ("local:vztmpl/x.tar.gz\n", Ctl),
            ("local:vztmpl/ｘ.tar.gz", Bad),
            (
                &format!("local:vztmpl/{}.tar.gz", "a".repeat(250)),
                Problem::TooLong { max: 255 },
            ),
        ],
    );
    assert!(
        "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"
            .parse::<TemplateVolid>()
            .is_ok()
    );
}

#[test]
fn sizes_cores_bridges_and_network_values_are_bounded() {
    let range = |argument, min, max| InvalidArgument {
        argument,
        problem: Problem::OutOfRange { min, max },
    };
    assert_eq!(
        RootfsGib::new(0),
        Err(range(Argument::RootfsSize, 1, 65_536))
    );
    assert_eq!(
        RootfsGib::new(u64::MAX),
        Err(range(Argument::RootfsSize, 1, 65_536))
    );
    assert_eq!(
        MemoryMib::new(15),
        Err(range(Argument::Memory, 16, 4_194_304))
    );
    assert_eq!(Cores::new(8193), Err(range(Argument::Cores, 1, 8192)));
    assert_eq!(Cores::new(0), Err(range(Argument::Cores, 1, 8192)));
    assert_eq!(
        VlanTag::new(4095).map(|_| ()),
        Err(range(Argument::VlanTag, 1, 4094))
    );
    assert_eq!(
        Net0Ip::fixed("10.0.0.2".parse().expect("ip"), 33, None),
        Err(range(Argument::Ip, 1, 32))
    );
    refuses::<Bridge>(
        Argument::Bridge,
        &[
            ("", Empty),
            ("-vmbr0", Dash),
            (
                ".vmbr0",
                malformed("an interface name starting with a letter or digit"),
            ),
            ("vmbr0,fw=0", Bad),
            ("vmbr0 ", Bad),
            ("vmbr0\n", Ctl),
            ("vmbr٠", Bad),
            ("vmbr0123456789ab", Problem::TooLong { max: 15 }),
        ],
    );
}

#[test]
fn disks_uuids_and_filesystem_types_are_allowlisted() {
    let device = malformed("/dev/sdX, /dev/nvmeXnY or /dev/disk/by-id/NAME");
    refuses::<BlockDevice>(
        Argument::Device,
        &[
            ("", Empty),
            ("-a", Dash),
            ("sda", device.clone()),
            ("/dev/sda1", device.clone()),
            ("/dev/sdA", device.clone()),
            ("/dev/sd", device.clone()),
            ("/dev/sdaaa", device.clone()),
            ("/dev/mem", device.clone()),
            ("/dev/sda/../mem", device.clone()),
            ("/dev/../etc/shadow", device.clone()),
            ("/dev/nvme0", device.clone()),
            ("/dev/nvme0n1p1", device.clone()),
            ("/dev/nvme1234n1", device.clone()),
            ("/dev/disk/by-id/../../sda", device.clone()),
            ("/dev/disk/by-id/-x", device.clone()),
            ("/dev/disk/by-id/a/b", device.clone()),
            (&format!("/dev/disk/by-id/{}", "a".repeat(129)), device),
            ("/dev/disk/by-id/ata-X;reboot", Bad),
            ("/dev/disk/by-id/ata X", Bad),
            ("/dev/sda\n", Ctl),
            ("/dev/ｓda", Bad),
            (
                &format!("/dev/{}", "a".repeat(200)),
                Problem::TooLong { max: 160 },
            ),
        ],
    );
    let uuid = malformed("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx or XXXX-XXXX (hex)");
    refuses::<FsUuid>(
        Argument::Uuid,
        &[
            ("", Empty),
            ("-o", Dash),
            ("../../sda1", Bad),
            ("3b0f6c4e-9d3a-4a57-9e0b-2f7c1e5a8d2", uuid.clone()),
            ("3b0f6c4e9d3a4a579e0b2f7c1e5a8d21", uuid.clone()),
            ("ABCD-EF0", uuid),
            ("ABCD-EFG1", Bad),
            ("ABCD_EF01", Bad),
            ("ABCD-EF01\n", Ctl),
            (
                "３b0f6c4e-9d3a-4a57-9e0b-2f7c1e5a8d21",
                Problem::TooLong { max: 36 },
            ),
        ],
    );
    let types = malformed("one of ext4, xfs, btrfs, vfat, exfat");
    for input in ["", "EXT4", "ntfs", "ext4 ", "ext4,exec", "-o", "ext4\0"] {
        assert_eq!(
            input.parse::<FsType>(),
            Err(InvalidArgument {
                argument: Argument::FsType,
                problem: types.clone()
            }),
            "{input:?}"
        );
    }
}

/// What the agent does with text from its config or the hub: parse each value, then call.
fn golden_from_text(fields: [&str; 5]) -> Result<GoldenLxc, InvalidArgument> {
    let [vmid, template, hostname, storage, bridge] = fields;
    Ok(GoldenLxc {
        vmid: vmid.parse()?,
        template: template.parse()?,
        hostname: hostname.parse()?,
        storage: storage.parse()?,
        rootfs_gib: RootfsGib::new(8)?,
        memory_mib: MemoryMib::new(1024)?,
        cores: Cores::new(2)?,
        net0: Net0 {
            bridge: bridge.parse()?,
            ip: Net0Ip::Dhcp,
            firewall: false,
            vlan_tag: None,
        },
    })
}

#[test]
fn a_refused_argument_runs_nothing_and_a_valid_one_runs_exactly_once() {
    let privileged = Privileged::with_runner(Mode::Sudo, Recording::default());
    let good = [
        "9000",
        "local:vztmpl/d.tar.zst",
        "golden",
        "local-lvm",
        "vmbr0",
    ];
    for (field, hostile) in [
        (0, "9000 --start 1"),
        (1, "local:vztmpl/d.tar.zst --force"),
        (2, "golden;reboot"),
        (3, "-local"),
        (4, "vmbr0,firewall=0"),
        (2, "$(curl evil)"),
        (1, "local:vztmpl/../../../etc/shadow"),
    ] {
        let mut fields = good;
        fields[field] = hostile;
        assert!(golden_from_text(fields).is_err(), "{hostile:?}");
    }
    for device in [
        "/dev/sda; reboot",
        "/dev/sda -T permissive",
        "--scan",
        "/dev/../dev/mem",
    ] {
        assert!(device.parse::<BlockDevice>().is_err(), "{device:?}");
    }
    for path in ["/mnt/felhom/../../etc", "/mnt/felhom/x -o exec", "/etc/pve"] {
        assert!(MountPoint::new(path).is_err(), "{path:?}");
    }
    assert!(
        privileged.runner().commands().is_empty(),
        "a refused argument reached the runner"
    );

    let spec = golden_from_text(good).expect("valid");
    block_on(privileged.create_golden_lxc(&spec)).expect("recorded");
    assert_eq!(privileged.runner().commands().len(), 1);
}
