//! The answer of the few calls that usually, but not always, start a task.

use serde::Deserializer;

use crate::upid::Upid;
use crate::wire::FromWire;

/// What a call of kind "UPID or something else" returned.
///
/// `vzdump` answers the text `OK` when nothing is to be done on the node; `POST …/qemu/{vmid}/config`
/// with `background_delay` and `DELETE …/content/{volume}` with `delay` answer `null` when the
/// task already finished within the delay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskStarted {
    /// A task was started; wait for it.
    Task(Upid),
    /// No task is running for this call: it had nothing to do or already finished. The text the
    /// server sent, if any (`OK`).
    Done(Option<String>),
}

impl TaskStarted {
    /// The UPID, when a task was started.
    pub fn upid(&self) -> Option<&Upid> {
        match self {
            TaskStarted::Task(u) => Some(u),
            TaskStarted::Done(_) => None,
        }
    }
}

impl FromWire for TaskStarted {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Option::<String>::from_wire(d)?;
        Ok(match text {
            Some(t) if t.starts_with("UPID:") => match t.parse::<Upid>() {
                Ok(u) => TaskStarted::Task(u),
                Err(e) => return Err(serde::de::Error::custom(e)),
            },
            other => TaskStarted::Done(other),
        })
    }
}
