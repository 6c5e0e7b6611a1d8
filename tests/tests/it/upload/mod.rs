//! Uploads on the wire: the exact multipart bytes a local server receives, a streamed body
//! sent once whatever fails, flat memory for a multi-GiB stream, and bodies PVE would refuse
//! refused before sending.

mod memory;
mod refused;
pub(crate) mod sink;
mod stalled;
mod wire;
