//! `create_golden_lxc`, `mount_usb_by_uuid` and `sensors` against stand-ins, and sudo's
//! refusals.

use super::{FakeHost, StandIns, running};
use crate::{
    Error, FsType, GoldenLxc, Mode, MountPoint, Net0, Net0Ip, Operation, SudoRefusal, UsbMount,
};

pub(crate) fn golden() -> GoldenLxc {
    GoldenLxc {
        vmid: "9000".parse().expect("vmid"),
        template: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"
            .parse()
            .expect("template"),
        hostname: "golden".parse().expect("hostname"),
        storage: "local-lvm".parse().expect("storage"),
        rootfs_gib: crate::RootfsGib::new(8).expect("size"),
        memory_mib: crate::MemoryMib::new(1024).expect("memory"),
        cores: crate::Cores::new(2).expect("cores"),
        net0: Net0 {
            bridge: "vmbr0".parse().expect("bridge"),
            ip: Net0Ip::Dhcp,
            firewall: true,
            vlan_tag: None,
        },
    }
}

const PCT_ARGS: [&str; 17] = [
    "create",
    "9000",
    "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
    "--hostname",
    "golden",
    "--rootfs",
    "local-lvm:8",
    "--memory",
    "1024",
    "--cores",
    "2",
    "--net0",
    "name=eth0,bridge=vmbr0,firewall=1,ip=dhcp",
    "--unprivileged",
    "1",
    "--features",
    "keyctl=1,nesting=1",
];

#[tokio::test]
async fn pct_create_runs_through_sudo_and_nsenter_with_exactly_the_golden_argv() {
    let s = StandIns::new();
    s.answering("pct", "pct-create.txt", 0);
    let _run = running();
    let created = s
        .privileged(Mode::Sudo)
        .create_golden_lxc(&golden())
        .await
        .expect("created");
    assert_eq!(created.vmid.get(), 9000);
    assert!(
        created
            .log
            .contains("Detected container architecture: amd64")
    );
    let pct = s.received("pct").expect("pct ran");
    assert_eq!(&pct.argv[1..], PCT_ARGS);
    // The environment of the first process we start (later hops are the stand-ins' shells).
    let sudo = s.received("sudo").expect("sudo ran");
    assert_eq!(sudo.env, ["LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"]);
}

#[tokio::test]
async fn a_taken_vmid_is_its_own_error_and_other_failures_keep_stderr() {
    let taken = StandIns::new();
    taken.tool(
        "pct",
        "echo \"unable to create CT 9000 - CT 9000 already exists on node 'pve'\" >&2\nexit 255",
    );
    let broken = StandIns::new();
    broken.tool(
        "pct",
        "echo \"storage 'nope' does not exist\" >&2\nexit 255",
    );
    let _run = running();
    let err = taken
        .privileged(Mode::Direct)
        .create_golden_lxc(&golden())
        .await
        .expect_err("taken");
    assert!(matches!(err, Error::VmidInUse { vmid: 9000 }), "{err:?}");
    let err = broken
        .privileged(Mode::Direct)
        .create_golden_lxc(&golden())
        .await
        .expect_err("fails");
    assert_eq!(
        err.to_string(),
        "pct failed with exit code 255: storage 'nope' does not exist"
    );
}

#[tokio::test]
async fn a_sudo_refusal_names_the_missing_sudoers_rule_and_runs_nothing() {
    let password = StandIns::new();
    password.tool("sudo", "echo 'sudo: a password is required' >&2\nexit 1");
    password.tool("pct", "exit 0");
    let not_allowed = StandIns::new();
    not_allowed.tool(
        "sudo",
        "echo \"Sorry, user felhom-agent is not allowed to execute '/usr/sbin/smartctl -a /dev/sda' as root on pve.\" >&2\nexit 1",
    );
    let _run = running();
    let err = password
        .privileged(Mode::Sudo)
        .create_golden_lxc(&golden())
        .await
        .expect_err("refused");
    match &err {
        Error::SudoRefused { operation, refusal } => {
            assert_eq!(*operation, Operation::CreateGoldenLxc);
            assert_eq!(*refusal, SudoRefusal::PasswordRequired);
        }
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains(Operation::CreateGoldenLxc.sudoers_line()),
        "{message}"
    );
    assert!(message.starts_with("sudo refused create_golden_lxc (a password is required)"));
    assert!(
        password.received("pct").is_none(),
        "nothing ran behind sudo"
    );

    let err = not_allowed
        .privileged(Mode::Sudo)
        .sensors()
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            Error::SudoRefused {
                operation: Operation::Sensors,
                refusal: SudoRefusal::NotAllowed
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn in_direct_mode_a_sudo_like_message_is_just_the_tools_failure() {
    let s = StandIns::new();
    s.tool("sensors", "echo 'sudo: a password is required' >&2\nexit 1");
    let _run = running();
    let err = s
        .privileged(Mode::Direct)
        .sensors()
        .await
        .expect_err("fails");
    assert!(matches!(err, Error::Failed { .. }), "{err:?}");
}

#[tokio::test]
async fn mount_gets_nodev_nosuid_noexec_and_its_exit_code_is_kept() {
    let base = tempfile::tempdir().expect("base");
    let target = base.path().join("backup");
    std::fs::create_dir(&target).expect("mkdir");
    let base_str: &'static str = Box::leak(base.path().display().to_string().into_boxed_str());
    let mountpoint = MountPoint::under(base_str, &target.display().to_string()).expect("valid");
    let request = UsbMount {
        uuid: "3b0f6c4e-9d3a-4a57-9e0b-2f7c1e5a8d21"
            .parse()
            .expect("uuid"),
        fs_type: FsType::Ext4,
        mountpoint: mountpoint.clone(),
        read_only: true,
    };
    let host = FakeHost::new();
    host.filesystem("3b0f6c4e-9d3a-4a57-9e0b-2f7c1e5a8d21", true);
    let ok = StandIns::new();
    ok.tool("mount", "exit 0");
    let busy = StandIns::new();
    busy.tool(
        "mount",
        "echo 'mount: /mnt/felhom/backup: /dev/sdb1 already mounted.' >&2\nexit 32",
    );
    let _run = running();
    let mounted = host
        .apply(ok.privileged(Mode::Sudo))
        .mount_usb_by_uuid(&request)
        .await
        .expect("mounted");
    assert_eq!(
        mounted.device,
        "/dev/disk/by-uuid/3b0f6c4e-9d3a-4a57-9e0b-2f7c1e5a8d21"
    );
    assert_eq!(mounted.mountpoint, mountpoint);
    let got = ok.received("mount").expect("ran");
    let expected = [
        "-i",
        "-t",
        "ext4",
        "-o",
        "nodev,nosuid,noexec,ro",
        "--",
        "/dev/disk/by-uuid/3b0f6c4e-9d3a-4a57-9e0b-2f7c1e5a8d21",
        mountpoint.as_str(),
    ];
    assert_eq!(&got.argv[1..], expected);
    let err = host
        .apply(busy.privileged(Mode::Direct))
        .mount_usb_by_uuid(&request)
        .await
        .expect_err("busy");
    assert!(
        matches!(&err, Error::MountFailed { code: 32, stderr } if stderr.contains("already mounted")),
        "{err:?}"
    );
}

#[tokio::test]
async fn only_a_filesystem_on_a_usb_disk_is_mounted() {
    let base = tempfile::tempdir().expect("base");
    let base_str: &'static str = Box::leak(base.path().display().to_string().into_boxed_str());
    let mountpoint = MountPoint::under(base_str, base_str).err();
    assert!(
        mountpoint.is_some(),
        "the base itself is never a mountpoint"
    );
    std::fs::create_dir(base.path().join("usb")).expect("mkdir");
    let mountpoint = MountPoint::under(base_str, &format!("{base_str}/usb")).expect("valid");
    let host = FakeHost::new();
    host.filesystem("ABCD-EF01", false);
    let s = StandIns::new();
    s.tool("mount", "exit 0");
    let request = |uuid: &str| UsbMount {
        uuid: uuid.parse().expect("uuid"),
        fs_type: FsType::Vfat,
        mountpoint: mountpoint.clone(),
        read_only: false,
    };
    let _run = running();
    let p = host.apply(s.privileged(Mode::Sudo));
    let err = p
        .mount_usb_by_uuid(&request("ABCD-EF01"))
        .await
        .expect_err("internal disk");
    assert!(
        matches!(&err, Error::NotUsb { uuid, device } if uuid == "ABCD-EF01" && device.ends_with("/dev/sda2")),
        "{err:?}"
    );
    let err = p
        .mount_usb_by_uuid(&request("1234-5678"))
        .await
        .expect_err("absent");
    assert!(
        matches!(&err, Error::NoSuchFilesystem { uuid } if uuid == "1234-5678"),
        "{err:?}"
    );
    assert!(
        s.received("sudo").is_none() && s.received("mount").is_none(),
        "nothing may run"
    );
}

#[tokio::test]
async fn sensors_decode_chip_feature_reading() {
    let s = StandIns::new();
    s.answering("sensors", "sensors.json", 0);
    let _run = running();
    let readings = s.privileged(Mode::Sudo).sensors().await.expect("readings");
    assert_eq!(readings.chips.len(), 3);
    let core = &readings.chips["coretemp-isa-0000"];
    assert_eq!(core.adapter.as_deref(), Some("ISA adapter"));
    assert_eq!(core.features["Package id 0"]["temp1_input"], 47.0);
    assert_eq!(
        readings.chips["nvme-pci-0100"].features["Composite"]["temp1_min"],
        -273.15
    );
    assert_eq!(
        readings.chips["nct6798-isa-0290"].features["fan2"]["fan2_input"],
        1017.0
    );
    assert_eq!(&s.received("sensors").expect("ran").argv[1..], ["-j"]);
}

#[tokio::test]
async fn sensors_exit_1_with_no_chips_is_no_sensors_and_other_failures_are_errors() {
    let none = StandIns::new();
    none.tool(
        "sensors",
        "echo 'No sensors found!' >&2\necho 'Make sure you loaded all the kernel drivers you need.' >&2\necho 'Try sensors-detect to find out which these are.' >&2\nexit 1",
    );
    let broken = StandIns::new();
    broken.tool(
        "sensors",
        "echo 'Error: File /etc/sensors3.conf, line 3: parse error' >&2\nexit 1",
    );
    let garbage = StandIns::new();
    garbage.tool(
        "sensors",
        "echo 'coretemp-isa-0000'\necho 'Adapter: ISA adapter'",
    );
    let _run = running();
    assert!(
        none.privileged(Mode::Direct)
            .sensors()
            .await
            .expect("no sensors")
            .is_empty()
    );
    let err = broken
        .privileged(Mode::Direct)
        .sensors()
        .await
        .expect_err("fails");
    assert!(matches!(err, Error::Failed { .. }), "{err:?}");
    let err = garbage
        .privileged(Mode::Direct)
        .sensors()
        .await
        .expect_err("not JSON");
    assert!(matches!(err, Error::BadOutput { .. }), "{err:?}");
}
