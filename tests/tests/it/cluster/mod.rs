//! Several endpoints behind one client, and the per-node in-flight limit: failover only when
//! a call certainly was not processed (counted per server), 595s told apart by the node they
//! are about, and the limiter holding under 200 concurrent calls.

mod failover;
mod limiter;
mod refresh;
mod refresh_pin;
mod relay;
mod scripted;
