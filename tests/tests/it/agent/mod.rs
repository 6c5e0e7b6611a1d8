//! The guest agent toolkit against fakepve's agent commands.

mod fakepve;
