//! `sensors`: `sensors -j`, decoded into chip → feature → reading.
//!
//! **Why not the API:** PVE exposes no hardware sensor data at all; lm-sensors reads the
//! kernel's hwmon devices on the host.

use std::collections::BTreeMap;

use crate::error::{Error, Operation};
use crate::exec::{Exit, Runner};
use crate::ops::{Privileged, failed};

/// One chip (`coretemp-isa-0000`, `nvme-pci-0100`, …).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chip {
    /// The bus adapter sensors names (`ISA adapter`, `PCI adapter`).
    pub adapter: Option<String>,
    /// Feature (`Package id 0`, `Composite`, `fan1`) → subfeature (`temp1_input`,
    /// `temp1_crit`, `fan1_input`) → value.
    pub features: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Every chip's readings; empty when the host has no sensors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SensorReadings {
    /// Chip name → chip.
    pub chips: BTreeMap<String, Chip>,
}

impl SensorReadings {
    /// `true` when sensors found no chip (exit 1 with "No sensors found!").
    pub fn is_empty(&self) -> bool {
        self.chips.is_empty()
    }
}

/// sensors' JSON: chip → { "Adapter": text, feature → { subfeature → number } }. Values
/// that are not numbers (a driver's odd entry) are skipped rather than failing the read.
fn decode(stdout: &[u8]) -> Result<SensorReadings, serde_json::Error> {
    let raw: BTreeMap<String, BTreeMap<String, serde_json::Value>> =
        serde_json::from_slice(stdout)?;
    let chips = raw
        .into_iter()
        .map(|(name, entries)| {
            let mut chip = Chip::default();
            for (key, value) in entries {
                match value {
                    serde_json::Value::String(text) if key == "Adapter" => {
                        chip.adapter = Some(text)
                    }
                    serde_json::Value::Object(subfeatures) => {
                        let readings = subfeatures
                            .into_iter()
                            .filter_map(|(sub, v)| v.as_f64().map(|n| (sub, n)))
                            .collect();
                        chip.features.insert(key, readings);
                    }
                    _ => {}
                }
            }
            (name, chip)
        })
        .collect();
    Ok(SensorReadings { chips })
}

impl<R: Runner> Privileged<R> {
    /// Reads every hardware sensor.
    ///
    /// # Errors
    /// [`Error::BadOutput`] when stdout is not sensors' JSON, [`Error::Failed`] for an exit
    /// other than 0 or "no sensors", [`Error::SudoRefused`], [`Error::Run`].
    pub async fn sensors(&self) -> Result<SensorReadings, Error> {
        let operation = Operation::Sensors;
        let output = self.execute(operation, vec!["-j".into()]).await?;
        match output.exit {
            Exit::Code(0) => decode(&output.stdout).map_err(|source| Error::BadOutput {
                program: operation.program(),
                source,
            }),
            Exit::Code(1) if output.diagnostics().starts_with("No sensors found!") => {
                Ok(SensorReadings::default())
            }
            _ => Err(failed(operation, &output)),
        }
    }
}
