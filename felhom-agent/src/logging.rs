//! Logging: `tracing` to stderr, as text or JSON lines, at the configured level.
//!
//! The agent's own events and spans (one span per selftest step) and the SDK's (`pve_request`,
//! one per API call, visible from `debug`) use the configured level; other crates log warnings
//! only. From `debug` on, closing spans are logged with their duration. Nothing logged carries a secret: the
//! SDK's spans name the path template, never parameter values or credentials, and the agent
//! logs the token id only.

use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::{EnvFilter, fmt};

use crate::config::{LogFormat, LogLevel};

/// The filter for `level`: the agent and the SDK at `level`, everything else at `warn`.
pub fn filter(level: LogLevel) -> EnvFilter {
    let level = level.as_tracing().to_string().to_ascii_lowercase();
    // rustls logs a refused certificate at `warn` as a Debug dump; the SDK's error says it better.
    EnvFilter::new(format!(
        "warn,rustls=error,felhom_agent={level},proxmox_sdk={level}"
    ))
}

/// Installs the global subscriber. A second call does nothing.
pub fn init(level: LogLevel, format: LogFormat) {
    // Closing spans (with their timings) from `debug` on: at `info` the events say enough.
    let spans = if level.as_tracing() >= tracing::Level::DEBUG {
        FmtSpan::CLOSE
    } else {
        FmtSpan::NONE
    };
    let builder = fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter(level))
        .with_span_events(spans)
        .with_target(true);
    let _already_set = match format {
        LogFormat::Text => builder.with_ansi(false).try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}
