//! `smart`: `smartctl --json=c -a DEVICE`, decoded into a [`SmartReport`].
//!
//! **Why not the API:** PVE's `GET /nodes/{node}/disks/smart` (`Sys.Audit` on `/`) returns a
//! health string and an attribute list re-parsed from smartctl's text output — no model,
//! serial or power-on fields, no exit status bits, and only for disks PVE itself lists. The
//! full report takes raw device I/O, which only root may do. smartctl's exit status is a bit
//! mask: bits 0–1 mean there is no
//! report, bits 2–7 describe the disk and come back in [`SmartReport::exit`].

use std::fmt;

use serde::Deserialize;

use crate::args::BlockDevice;
use crate::error::{Error, Operation};
use crate::exec::{Exit, Runner};
use crate::ops::{Privileged, failed};

/// smartctl's exit status, decoded (smartctl(8), "RETURN VALUES").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmartExit(u8);

impl SmartExit {
    /// Bit 0: the command line did not parse.
    pub const COMMAND_LINE: u8 = 1 << 0;
    /// Bit 1: the device could not be opened, or did not answer IDENTIFY.
    pub const DEVICE_OPEN: u8 = 1 << 1;
    /// Bit 2: a SMART or other ATA command failed, or a checksum error in a SMART structure.
    pub const COMMAND_FAILED: u8 = 1 << 2;
    /// Bit 3: SMART status says "DISK FAILING".
    pub const DISK_FAILING: u8 = 1 << 3;
    /// Bit 4: prefail attributes at or below threshold.
    pub const PREFAIL_NOW: u8 = 1 << 4;
    /// Bit 5: usage or prefail attributes were at or below threshold in the past.
    pub const THRESHOLD_PAST: u8 = 1 << 5;
    /// Bit 6: the device error log has errors.
    pub const ERROR_LOG: u8 = 1 << 6;
    /// Bit 7: the self-test log has errors.
    pub const SELF_TEST_LOG: u8 = 1 << 7;

    const NAMES: [&'static str; 8] = [
        "command line did not parse",
        "device open failed",
        "a SMART command failed",
        "disk failing",
        "prefail attribute at threshold",
        "attribute at threshold in the past",
        "error log has errors",
        "self-test log has errors",
    ];

    /// Wraps the raw exit code (only its low 8 bits exist).
    pub fn from_code(code: u8) -> Self {
        SmartExit(code)
    }

    /// The raw bit mask.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// Whether `bit` (one of the constants) is set.
    pub fn contains(self, bit: u8) -> bool {
        self.0 & bit != 0
    }

    /// Bits 0 or 1: smartctl produced no usable report.
    pub fn is_fatal(self) -> bool {
        self.contains(Self::COMMAND_LINE | Self::DEVICE_OPEN)
    }

    /// The names of the set bits, lowest first.
    pub fn names(self) -> Vec<&'static str> {
        (0..8)
            .filter(|i| self.0 & (1 << i) != 0)
            .map(|i| Self::NAMES[i])
            .collect()
    }
}

impl fmt::Display for SmartExit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("exit 0");
        }
        write!(f, "exit {}: {}", self.0, self.names().join(", "))
    }
}

/// The overall health verdict (`smart_status.passed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// The device's self-assessment passed.
    Passed,
    /// The device says it is failing.
    Failed,
}

/// The facts of one SMART read the agent reports; `None` where the device does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmartReport {
    /// The device as asked for.
    pub device: String,
    /// `model_name`.
    pub model: Option<String>,
    /// `serial_number`.
    pub serial: Option<String>,
    /// `smart_status.passed`.
    pub health: Option<Health>,
    /// `temperature.current`, °C.
    pub temperature_celsius: Option<i64>,
    /// `power_on_time.hours`.
    pub power_on_hours: Option<u64>,
    /// ATA attribute 5 (`Reallocated_Sector_Ct`), raw value.
    pub reallocated_sectors: Option<u64>,
    /// ATA attribute 197 (`Current_Pending_Sector`), raw value.
    pub pending_sectors: Option<u64>,
    /// The decoded exit status (bits 2–7 may be set; 0–1 never are in a report).
    pub exit: SmartExit,
}

#[derive(Deserialize)]
struct Json {
    #[serde(default)]
    smartctl: Option<Tool>,
    model_name: Option<String>,
    serial_number: Option<String>,
    smart_status: Option<Status>,
    temperature: Option<Temperature>,
    power_on_time: Option<PowerOn>,
    ata_smart_attributes: Option<Attributes>,
}

#[derive(Deserialize)]
struct Tool {
    #[serde(default)]
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    string: String,
}

#[derive(Deserialize)]
struct Status {
    passed: bool,
}

#[derive(Deserialize)]
struct Temperature {
    current: Option<i64>,
}

#[derive(Deserialize)]
struct PowerOn {
    hours: Option<u64>,
}

#[derive(Deserialize)]
struct Attributes {
    #[serde(default)]
    table: Vec<Attribute>,
}

#[derive(Deserialize)]
struct Attribute {
    id: u16,
    raw: Raw,
}

#[derive(Deserialize)]
struct Raw {
    value: u64,
}

fn report(device: &BlockDevice, json: Json, exit: SmartExit) -> SmartReport {
    let attribute = |id| {
        json.ata_smart_attributes
            .as_ref()
            .and_then(|a| a.table.iter().find(|row| row.id == id))
            .map(|row| row.raw.value)
    };
    SmartReport {
        device: device.to_string(),
        reallocated_sectors: attribute(5),
        pending_sectors: attribute(197),
        model: json.model_name,
        serial: json.serial_number,
        health: json.smart_status.map(|s| {
            if s.passed {
                Health::Passed
            } else {
                Health::Failed
            }
        }),
        temperature_celsius: json.temperature.and_then(|t| t.current),
        power_on_hours: json.power_on_time.and_then(|p| p.hours),
        exit,
    }
}

impl<R: Runner> Privileged<R> {
    /// Reads SMART data of a whole disk.
    ///
    /// # Errors
    /// [`Error::SmartUnavailable`] for exit bits 0–1 (with smartctl's messages),
    /// [`Error::BadOutput`] when stdout is not smartctl's JSON, [`Error::Failed`] when it was
    /// killed by a signal, [`Error::SudoRefused`], [`Error::Run`].
    pub async fn smart(&self, device: &BlockDevice) -> Result<SmartReport, Error> {
        let operation = Operation::Smart;
        let args = vec!["--json=c".into(), "-a".into(), device.to_string()];
        let output = self.execute(operation, args).await?;
        let Exit::Code(code) = output.exit else {
            return Err(failed(operation, &output));
        };
        let exit = SmartExit::from_code((code & 0xff) as u8);
        let parsed = serde_json::from_slice::<Json>(&output.stdout);
        if exit.is_fatal() {
            let from_json = parsed.ok().and_then(|j| j.smartctl).map(|t| {
                t.messages
                    .into_iter()
                    .map(|m| m.string)
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            let messages = from_json
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| output.diagnostics());
            return Err(Error::SmartUnavailable {
                device: device.to_string(),
                status: exit,
                messages,
            });
        }
        let json = parsed.map_err(|source| Error::BadOutput {
            program: operation.program(),
            source,
        })?;
        Ok(report(device, json, exit))
    }
}
