//! What a started scenario is: its URL, certificate, fingerprint and credentials, as read from
//! the launcher's "ready" line.

use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

/// A secret string (token secret, password) whose `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for building an `Authorization` header or a login form.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One ACL grant of a token in the scenario (given to both the token and its user).
#[derive(Clone, Debug, Deserialize)]
pub struct Grant {
    /// ACL path, e.g. `/`, `/vms/200`, `/storage/local`.
    pub path: String,
    /// Privilege names, e.g. `VM.Audit`.
    pub privs: Vec<String>,
}

/// An API token the scenario created.
#[derive(Clone, Debug, Deserialize)]
pub struct Token {
    /// Full token id, `user@realm!name`.
    pub id: String,
    /// The token secret (a UUID).
    pub secret: Secret,
    /// What it was granted; empty for a token with no rights at all.
    pub grants: Vec<Grant>,
}

impl Token {
    /// The value of the `Authorization` header PVE expects for this token.
    pub fn authorization(&self) -> String {
        format!("PVEAPIToken={}={}", self.id, self.secret.expose())
    }
}

/// A user that can log in with a ticket (`POST /access/ticket`).
#[derive(Clone, Debug, Deserialize)]
pub struct User {
    /// User id, `user@realm`.
    pub user: String,
    /// Its password.
    pub password: Secret,
}

/// Everything the ready line says about a started scenario.
#[derive(Clone, Debug, Deserialize)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub scenario: String,
    /// Base URL, `https://127.0.0.1:PORT` (append `/api2/json/...`).
    pub url: String,
    /// Address it listens on.
    pub host: String,
    /// Port it listens on.
    pub port: u16,
    /// PEM file of the self-signed server certificate (use it as the only CA).
    pub ca_pem_path: PathBuf,
    /// SHA-256 fingerprint of the server certificate, `AA:BB:...` (upper-case hex).
    pub fingerprint: String,
    /// The superuser, `root@pam` (every permission check passes for it).
    pub user: String,
    /// The superuser's password (fresh per start).
    pub password: Secret,
    /// The node most guests live on (`pve1`).
    pub node: String,
    /// Id of the token holding exactly the felhom-agent role on `/`.
    pub token_id: String,
    /// Secret of that token.
    pub token_secret: Secret,
    /// Id of a token holding only `VM.Audit` on `/` (to provoke 403s).
    pub audit_token_id: String,
    /// Secret of that token.
    pub audit_token_secret: Secret,
    /// Every token of the scenario, the two above included.
    pub tokens: Vec<Token>,
    /// Users that can log in with a password (besides `root@pam`).
    pub users: Vec<User>,
    /// Real seconds per PVE second (0: tasks finish inside their POST).
    pub time_scale: f64,
    /// PVE seconds each kind of LXC task takes (`snapshot`, `rollback`, `create`, ...).
    pub ct_secs: serde_json::Map<String, serde_json::Value>,
    /// Process id of the launcher.
    pub pid: u32,
    /// fakepve's version.
    pub fakepve_version: String,
    /// Scenario facts: guest ids, volume ids, nodes, injected faults (see `scenario.py`).
    pub extra: serde_json::Value,
}

impl ScenarioInfo {
    /// `url` + `/api2/json` + `path` (`path` starts with `/`).
    pub fn api_url(&self, path: &str) -> String {
        format!("{}/api2/json{}", self.url, path)
    }

    /// The `Authorization` header value for the agent token.
    pub fn authorization(&self) -> String {
        format!(
            "PVEAPIToken={}={}",
            self.token_id,
            self.token_secret.expose()
        )
    }

    /// The token with this id, if the scenario made it.
    pub fn token(&self, id: &str) -> Option<&Token> {
        self.tokens.iter().find(|t| t.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_show_in_debug() {
        let token: Token = serde_json::from_value(serde_json::json!({
            "id": "a@pve!t", "secret": "s3cr3t-value", "grants": [],
        }))
        .unwrap();
        let shown = format!("{token:?} {}", token.secret);
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        assert_eq!(token.authorization(), "PVEAPIToken=a@pve!t=s3cr3t-value");
    }
}
