//! The HTTP client: transport, authentication, TLS trust, retries. (Being written.)

pub mod tls;
