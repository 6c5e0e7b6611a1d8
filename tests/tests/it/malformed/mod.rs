//! Malformed and hostile server answers: the table of typed errors they must give (over a raw
//! HTTPS server), and the client's own log lines staying bounded when the answers are huge.

mod logs;
mod rows;
mod server;
mod table;
