//! `smart` against a stand-in smartctl: both report shapes, every exit bit, non-JSON.

use super::{StandIns, running};
use crate::{BlockDevice, Error, Health, Mode, SmartExit};

fn sda() -> BlockDevice {
    "/dev/sda".parse().expect("valid")
}

#[tokio::test]
async fn an_ata_report_decodes_to_the_agents_fields_and_smartctl_got_exactly_its_argv() {
    let s = StandIns::new();
    s.answering("smartctl", "smartctl-ata.json", 0);
    let _run = running();
    let report = s
        .privileged(Mode::Sudo)
        .smart(&sda())
        .await
        .expect("report");
    assert_eq!(report.device, "/dev/sda");
    assert_eq!(report.model.as_deref(), Some("Samsung SSD 870 EVO 1TB"));
    assert_eq!(report.serial.as_deref(), Some("S6PTNZ0T412345K"));
    assert_eq!(report.health, Some(Health::Passed));
    assert_eq!(report.temperature_celsius, Some(33));
    assert_eq!(report.power_on_hours, Some(13021));
    assert_eq!(report.reallocated_sectors, Some(3));
    assert_eq!(report.pending_sectors, Some(1));
    assert_eq!(report.exit, SmartExit::from_code(0));
    let got = s.received("smartctl").expect("ran");
    assert_eq!(&got.argv[1..], ["--json=c", "-a", "/dev/sda"]);
    let sudo = s.received("sudo").expect("sudo ran");
    assert_eq!(sudo.env, ["LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"]);
}

#[tokio::test]
async fn an_nvme_report_has_no_ata_sector_counters() {
    let s = StandIns::new();
    s.answering("smartctl", "smartctl-nvme.json", 0);
    let _run = running();
    let dev: BlockDevice = "/dev/nvme0n1".parse().expect("valid");
    let report = s
        .privileged(Mode::Direct)
        .smart(&dev)
        .await
        .expect("report");
    assert_eq!(report.model.as_deref(), Some("WD Red SN700 1000GB"));
    assert_eq!(report.temperature_celsius, Some(41));
    assert_eq!(report.power_on_hours, Some(8770));
    assert_eq!(
        (report.reallocated_sectors, report.pending_sectors),
        (None, None)
    );
}

#[tokio::test]
async fn every_smartctl_exit_bit_is_decoded() {
    // One stand-in directory per bit, all written before anything runs.
    let per_bit: Vec<StandIns> = (0..8)
        .map(|bit| {
            let s = StandIns::new();
            let fixture = if bit < 2 {
                "smartctl-open-failed.json"
            } else {
                "smartctl-ata.json"
            };
            s.answering("smartctl", fixture, 1 << bit);
            s
        })
        .collect();
    let _run = running();
    for (bit, s) in per_bit.iter().enumerate() {
        let result = s.privileged(Mode::Direct).smart(&sda()).await;
        let code = 1u8 << bit;
        if bit < 2 {
            match result {
                Err(Error::SmartUnavailable {
                    device,
                    status,
                    messages,
                }) => {
                    assert_eq!(device, "/dev/sda");
                    assert_eq!(status.bits(), code);
                    assert!(status.is_fatal());
                    assert_eq!(
                        messages,
                        "Smartctl open device: /dev/sdz failed: No such device"
                    );
                }
                other => panic!("bit {bit}: {other:?}"),
            }
        } else {
            let report = result.unwrap_or_else(|e| panic!("bit {bit}: {e:?}"));
            assert_eq!(report.exit.bits(), code, "bit {bit}");
            assert!(!report.exit.is_fatal());
            assert_eq!(report.exit.names().len(), 1);
            assert_eq!(report.model.as_deref(), Some("Samsung SSD 870 EVO 1TB"));
        }
    }
}

#[test]
fn the_exit_mask_names_each_bit_and_combinations() {
    let failing = SmartExit::from_code(SmartExit::DISK_FAILING | SmartExit::ERROR_LOG);
    assert!(failing.contains(SmartExit::DISK_FAILING));
    assert!(!failing.contains(SmartExit::SELF_TEST_LOG));
    assert_eq!(
        failing.to_string(),
        "exit 72: disk failing, error log has errors"
    );
    assert_eq!(SmartExit::from_code(0).to_string(), "exit 0");
    assert_eq!(SmartExit::from_code(255).names().len(), 8);
}

#[tokio::test]
async fn output_that_is_not_json_is_bad_output_not_a_panic() {
    let s = StandIns::new();
    s.tool(
        "smartctl",
        "echo 'smartctl 7.3 2022-02-28 r5338 [x86_64-linux] (local build)'",
    );
    let _run = running();
    let err = s
        .privileged(Mode::Direct)
        .smart(&sda())
        .await
        .expect_err("not JSON");
    assert!(matches!(err, Error::BadOutput { .. }), "{err:?}");
}

#[tokio::test]
async fn a_fatal_exit_without_json_reports_stderr() {
    let s = StandIns::new();
    s.tool("smartctl", "echo 'open failed' >&2\nexit 2");
    let _run = running();
    let err = s
        .privileged(Mode::Direct)
        .smart(&sda())
        .await
        .expect_err("fatal");
    assert!(
        matches!(&err, Error::SmartUnavailable { messages, .. } if messages == "open failed"),
        "{err:?}"
    );
}
