//! End-to-end tests of every trust mode: a real reqwest client against local rustls servers,
//! checking both the verdict and that nothing was sent to a server that failed verification.

mod ca;
mod insecure;
mod pin;
mod probe;
mod support;
mod system;
