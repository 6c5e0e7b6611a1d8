//! felhom-agent: parse the command line, load the configuration, run the asked-for action,
//! exit with its code (0 healthy, 1 other failure, 2 configuration/usage, 3 connection/TLS,
//! 4 authentication/privileges).

use std::io::Write as _;
use std::process::ExitCode as ProcessExit;
use std::time::Duration;

use clap::{CommandFactory as _, Parser as _};
use felhom_agent::cli::{Action, Cli, Output, PrintWhat};
use felhom_agent::config::{Environment, Settings, Trust};
use felhom_agent::exit::ExitCode;
use felhom_agent::proxmox::Host;
use felhom_agent::report::{self, ErrorReport, FingerprintReport};
use felhom_agent::selftest::{self, Target, read::Concurrency};

/// How long `--print-fingerprint` waits for the connection and handshake.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

fn main() -> ProcessExit {
    let cli = Cli::parse();
    let action = match cli.action() {
        Ok(action) => action,
        Err(message) => Cli::command()
            .error(clap::error::ErrorKind::ArgumentConflict, message)
            .exit(),
    };
    if let Action::Print(what) = action {
        return print_file(what);
    }
    let env = Environment::from_process();
    let settings = match Settings::load(cli.config.as_deref(), &env) {
        Ok(settings) => settings,
        Err(error) => return fail(cli.output, &ErrorReport::config(&error)),
    };
    felhom_agent::logging::init(settings.log_level, settings.log_format);
    for notice in &settings.notices {
        tracing::warn!("{notice}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return fail(
                cli.output,
                &ErrorReport::other(
                    ExitCode::Failure,
                    format!("cannot start the async runtime: {error}"),
                ),
            );
        }
    };
    runtime.block_on(run(action, settings, cli.output))
}

async fn run(action: Action, settings: Settings, output: Output) -> ProcessExit {
    if action == Action::PrintFingerprint {
        return print_fingerprint(&settings, output).await;
    }
    let trust_source = settings.trust.1.clone();
    let config = match settings.require() {
        Ok(config) => config,
        Err(error) => return fail(output, &ErrorReport::config(&error)),
    };
    tracing::info!(endpoint = %config.endpoint, node = %config.node, token = config.token.id(), trust = %config.trust, "configuration loaded");
    let host = match Host::connect(&config) {
        Ok(host) => host,
        Err(error) => {
            let code = ExitCode::for_error(&error);
            // The SDK refused the trust settings (a CA file without certificates, say): name
            // the key and where it was set.
            let key = match (&config.trust, &trust_source) {
                (Trust::CaFile(_), Some(source)) => {
                    format!("`proxmox.tls.ca_file` from {source}: ")
                }
                _ => String::new(),
            };
            let message = format!("{key}{}", proxmox_sdk::error::Report(&error));
            return fail(output, &ErrorReport::other(code, message));
        }
    };
    let target = Target::of(&config);
    match action {
        Action::Selftest => {
            let report = selftest::read::run(&host, target, Concurrency::Concurrent).await;
            emit(output, report::read_text(&report), report::json(&report));
            report.exit_code.into()
        }
        Action::TaskSelftest { vmid, task_timeout } => {
            let report =
                selftest::task::run(&host, target, vmid, task_timeout, interrupted()).await;
            emit(output, report::task_text(&report), report::json(&report));
            report.exit_code.into()
        }
        // Handled before a host exists.
        Action::PrintFingerprint | Action::Print(_) => ExitCode::Usage.into(),
    }
}

/// Completes on the first SIGINT or SIGTERM; a second one ends the process at once (exit 130).
fn interrupted() -> impl std::future::Future<Output = ()> {
    let (first, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        signal().await;
        let _ = first.send(());
        signal().await;
        let mut message =
            String::from("felhom-agent: second interrupt, exiting without cleaning up");
        if let Some((vmid, name)) = selftest::task::in_progress() {
            message.push_str(&format!(
                "; snapshot {name} may remain on CT {vmid}: once its task ended, remove it with `pct delsnapshot {vmid} {name}`"
            ));
        }
        let _ = writeln!(std::io::stderr(), "{message}");
        std::process::exit(130);
    });
    async move {
        if rx.await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn print_fingerprint(settings: &Settings, output: Output) -> ProcessExit {
    let Some(endpoint) = &settings.endpoint else {
        let error = felhom_agent::config::ConfigError::Missing(vec![
            felhom_agent::config::MissingSetting {
                key: "proxmox.endpoint",
                env: felhom_agent::config::vars::ENDPOINT,
            },
        ]);
        return fail(output, &ErrorReport::config(&error));
    };
    let url = endpoint.value.as_str();
    match proxmox_sdk::tls::fetch_fingerprint_for_url(url, PROBE_TIMEOUT).await {
        Ok(fp) => {
            let report = FingerprintReport {
                endpoint: url.to_owned(),
                fingerprint: fp.to_string(),
            };
            emit(
                output,
                report::fingerprint_text(&report),
                report::json(&report),
            );
            ExitCode::Healthy.into()
        }
        Err(error) => fail(
            output,
            &ErrorReport::other(
                ExitCode::Connection,
                // TlsError's Display already carries its cause.
                format!("cannot read the certificate of {url}: {error}"),
            ),
        ),
    }
}

/// `print …`: the process-model files as shipped in `felhom-agent/dist/`.
fn print_file(what: PrintWhat) -> ProcessExit {
    use felhom_privileged::dist;
    let text = match what {
        PrintWhat::SystemdUnit => dist::SYSTEMD_UNIT,
        PrintWhat::Sudoers => dist::SUDOERS,
        PrintWhat::PveumRole => dist::PVEUM_ROLE,
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::Healthy.into(),
        Err(_) => ExitCode::Failure.into(),
    }
}

/// Writes the report. A closed or full stdout is not a panic: the exit code still tells.
fn emit(output: Output, text: String, json: String) {
    let mut stdout = std::io::stdout().lock();
    let _ = match output {
        Output::Text => stdout.write_all(text.as_bytes()),
        Output::Json => writeln!(stdout, "{json}"),
    };
    let _ = stdout.flush();
}

fn fail(output: Output, report: &ErrorReport) -> ProcessExit {
    let _ = match output {
        Output::Text => std::io::stderr().write_all(report::error_text(report).as_bytes()),
        Output::Json => writeln!(std::io::stdout(), "{}", report::json(report)),
    };
    report.exit_code.into()
}
