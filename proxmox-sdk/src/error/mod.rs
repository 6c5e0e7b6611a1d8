//! The one error type of the SDK.
//!
//! Every failure of a call is an [`Error`]. Its variants answer the two questions a caller
//! has after a failure:
//!
//! * **May the request have done something?** [`Error::may_have_been_processed`] is `false`
//!   when the request never left this machine (refused parameters, connect failure, TLS
//!   refusal) or the server refused it before acting (400, 401, 403, 501), and `true`
//!   otherwise. A write that may have been processed is never replayed automatically.
//! * **Is trying again likely to help?** [`Error::is_retryable`] is `true` for transient
//!   failures: connection problems, timeouts, 502–504 and other non-500 server errors, the
//!   pveproxy hop errors 595–599, and PVE's lock contention (`can't lock file … got timeout`).
//! * **What went wrong, in PVE's terms?** [`Error::failure_kind`] reads the server's text
//!   with the same table as [`TaskError::failure_kind`](crate::task::TaskError::failure_kind):
//!   not found, already exists, locked (and by what), lock timeout, no quorum, …
//!
//! **Tasks are inside it too.** A call that starts a worker task has succeeded when the task
//! is accepted; the work itself can still fail. [`Client::wait_task`](crate::Client::wait_task)
//! describes that with its own [`TaskError`] (failed, timed out, status unreadable), and
//! [`Error::Task`] holds one whole, so [`Client::send`](crate::Client::send),
//! [`Client::run`](crate::Client::run) and `wait_task` all `?` into one `Result<_, Error>`.
//! An umbrella rather than `From` both ways: a [`TaskError`] cannot stand for a refused
//! HTTP call without a made-up variant, while an [`Error`] can hold a task error with nothing
//! lost — `match` reaches the exit status, the log tail and the missing privilege through
//! `Error::Task(TaskError::Failed(failure))`, and [`Error::permission_denied`] looks inside.
//! The two types refer to each other on purpose (a task error keeps the call error that ended
//! the wait); nothing else here depends on [`crate::task`].
//!
//! `Display` describes only the error itself and never repeats its source (RFC0022 style);
//! print the whole chain with [`Report`]. No variant ever holds a credential.

mod api;
pub(crate) mod bounded;
mod kind;

use std::error::Error as StdError;
use std::fmt;

pub use api::ApiError;
pub use bounded::DecodeDetail;
pub(crate) use bounded::{MAX_NAME, MAX_TEXT, bound};
pub use kind::{FailureKind, LockKind};

use crate::Privilege;
use crate::login::TfaChallenge;
use crate::permission::PermissionDenied;
use crate::task::TaskError;
use crate::tls::FingerprintMismatch;
use crate::transport::{BoxError, TransportError};
use crate::wire::ParamError;

/// Everything that can go wrong with a PVE API call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter value cannot be sent; nothing was sent.
    #[error("request refused before sending: a parameter cannot be sent")]
    InvalidParameter(#[from] ParamError),
    /// The client configuration is unusable (endpoint URL, credentials, TLS trust).
    #[error("invalid client configuration: {problem}")]
    Config {
        /// What is wrong.
        problem: String,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxError>,
    },
    /// No connection could be made; nothing was sent.
    #[error("could not connect to the server")]
    Connect(#[source] BoxError),
    /// The server's certificate was refused; nothing was sent, no credential left the client.
    #[error("TLS verification of the server failed{}", describe_mismatch(.mismatch))]
    Tls {
        /// The presented and the pinned fingerprints, when a fingerprint pin did not match.
        mismatch: Option<FingerprintMismatch>,
        /// The underlying failure.
        #[source]
        source: BoxError,
    },
    /// No complete response arrived in time.
    #[error("the request timed out {}", if *.sent { "waiting for the response" } else { "before it was sent" })]
    Timeout {
        /// Whether the request may have reached the server.
        sent: bool,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxError>,
    },
    /// The connection failed after the request was sent; the server may have acted on it.
    #[error("the connection failed after the request was sent")]
    Interrupted(#[source] BoxError),
    /// 400: the server refused the parameters; see [`ApiError::parameter_errors`].
    #[error("the server refused the request: {0}")]
    BadRequest(Box<ApiError>),
    /// 401: missing, wrong or expired credentials (or a bad CSRF token).
    #[error("authentication failed: {0}")]
    Unauthorized(Box<ApiError>),
    /// 403: authenticated, but a permission is missing; see [`Error::permission_denied`].
    #[error("permission denied: {0}")]
    Forbidden(Box<ApiError>),
    /// 595–599: the node this client talks to could not reach the cluster node the call is
    /// forwarded to (pveproxy's proxy hop). Not a problem of this client's own connection or
    /// TLS trust.
    #[error("the contacted node could not forward the call to the target node ({}): {}", proxy_stage(.0.status()), .0)]
    ProxyHop(Box<ApiError>),
    /// Any other HTTP error status (most PVE handler failures are 500).
    #[error("the server answered {0}")]
    Api(Box<ApiError>),
    /// A success response whose content does not match the expected type.
    #[error("cannot decode the response of {endpoint} at `{path}`")]
    Decode {
        /// Method and path template of the call, e.g. `GET /nodes/{node}/lxc`.
        endpoint: String,
        /// Where in the response body decoding failed, e.g. `data[3].maxmem`.
        path: String,
        /// What the decoder reported (any text it quotes from the body is bounded).
        #[source]
        source: DecodeDetail,
    },
    /// A success status whose JSON body is not PVE's `{"data": …}` answer: it has no `data`
    /// key at all (pveproxy always sends one, `null` when there is nothing). An extjs-format
    /// answer or some other server's JSON; nothing is read from it, and whether the call took
    /// effect is unknown. `"data": null` is not this error.
    #[error("the response of {endpoint} has no `data` key ({})", describe_keys(.keys, *.key_count))]
    MissingData {
        /// Method and path template of the call.
        endpoint: String,
        /// The body's first top-level keys (names only, bounded; values are never kept).
        keys: Vec<String>,
        /// How many top-level keys the body had.
        key_count: usize,
    },
    /// Ticket login needs a second factor; answer with
    /// [`Client::complete_tfa`](crate::Client::complete_tfa).
    #[error("two-factor authentication required (offered: {})", .0.offered())]
    TfaRequired(Box<TfaChallenge>),
    /// The endpoint does not accept API tokens (its schema says `allowtoken: 0`, e.g. TFA
    /// management and the ticket request) and the client authenticates with one; nothing was
    /// sent. Use a ticket login for it.
    #[error("{endpoint} does not accept API tokens (allowtoken 0); nothing was sent")]
    TokenNotAllowed {
        /// Method and path template of the call.
        endpoint: String,
    },
    /// Ticket authentication has no valid ticket and no password to log in with.
    #[error("not logged in: no valid ticket, and no password is kept to log in again")]
    LoginRequired,
    /// [`Client::locate`](crate::Client::locate): the cluster lists no guest with this vmid
    /// (`GET /cluster/resources`); nothing else was sent.
    #[error("no guest {vmid} in the cluster")]
    NoSuchGuest {
        /// The vmid looked for.
        vmid: u32,
    },
    /// The call started a task, and the task failed, outlived the wait, or could not be
    /// followed ([`TaskError`]). From [`Client::run`](crate::Client::run), and from `?` on
    /// [`Client::wait_task`](crate::Client::wait_task).
    #[error(transparent)]
    Task(#[from] TaskError),
}

impl Error {
    /// Whether the server may have acted on the request.
    ///
    /// `false` when it certainly did not: refused before sending, no connection, TLS refusal,
    /// a timeout before sending, a 4xx refusal, 501 (no such method), 595 (the proxy hop never
    /// connected), a login step. `true` otherwise, including every 5xx from a handler (it may
    /// have done part of its work) and a successful response that failed to decode.
    pub fn may_have_been_processed(&self) -> bool {
        match self {
            Error::InvalidParameter(_)
            | Error::Config { .. }
            | Error::Connect(_)
            | Error::Tls { .. }
            | Error::BadRequest(_)
            | Error::Unauthorized(_)
            | Error::Forbidden(_)
            | Error::TfaRequired(_)
            | Error::TokenNotAllowed { .. }
            | Error::LoginRequired
            | Error::NoSuchGuest { .. } => false,
            Error::Timeout { sent, .. } => *sent,
            Error::Interrupted(_)
            | Error::Decode { .. }
            | Error::MissingData { .. }
            | Error::Task(_) => true,
            Error::ProxyHop(api) => api.status() != 595,
            Error::Api(api) => api.status() >= 500 && api.status() != 501,
        }
    }

    /// Whether the failure is transient, so the same request may succeed later.
    ///
    /// This says nothing about whether repeating it is *safe*; see
    /// [`Error::may_have_been_processed`]. A plain 500 is not transient (PVE reports missing
    /// guests and failed checks that way) unless its message is lock contention
    /// ([`FailureKind::LockTimeout`]). A task error is retryable only as
    /// [`TaskError::is_retryable`] says (a task that ended on a lock timeout did nothing);
    /// otherwise the task ran, and starting it again is a new decision, not a retry.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Connect(_)
            | Error::Timeout { .. }
            | Error::Interrupted(_)
            | Error::ProxyHop(_) => true,
            Error::Api(api) => match api.status() {
                500 => api.is_lock_timeout(),
                501 => false,
                s => s >= 500,
            },
            Error::Task(task) => task.is_retryable(),
            _ => false,
        }
    }

    /// What PVE's error text says went wrong, read by the table of [`FailureKind`] — from an
    /// error response, or from a failed task's exit status; `None` for errors without a server
    /// answer and for texts the table does not know.
    ///
    /// ```
    /// # use proxmox_sdk::error::{Error, FailureKind};
    /// fn advice(err: &Error) -> &'static str {
    ///     match err.failure_kind() {
    ///         Some(FailureKind::NotFound) => "it is gone",
    ///         Some(FailureKind::Locked(_)) => "wait for the other operation",
    ///         Some(kind) if kind.is_retryable() => "try again",
    ///         _ => "look at the message",
    ///     }
    /// }
    /// # let _ = advice;
    /// ```
    pub fn failure_kind(&self) -> Option<FailureKind> {
        match self {
            Error::Task(task) => task.failure_kind(),
            _ => self.api_error().and_then(ApiError::failure_kind),
        }
    }

    /// The HTTP status of an error response.
    pub fn status(&self) -> Option<u16> {
        self.api_error().map(ApiError::status)
    }

    /// The error response, for every variant that carries one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::BadRequest(api)
            | Error::Unauthorized(api)
            | Error::Forbidden(api)
            | Error::ProxyHop(api)
            | Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The parsed permission failure of a 403 — or of a task's exit status, or of a 403
    /// reading a task's status — when its text names one.
    pub fn permission_denied(&self) -> Option<&PermissionDenied> {
        match self {
            Error::Forbidden(api) => api.permission_denied(),
            Error::Task(task) => task.permission_denied(),
            _ => None,
        }
    }

    /// The task error of [`Error::Task`].
    pub fn task_error(&self) -> Option<&TaskError> {
        match self {
            Error::Task(task) => Some(task),
            _ => None,
        }
    }

    /// The privileges a 403 or a failed task says are missing; empty when it names none.
    pub fn missing_privileges(&self) -> &[Privilege] {
        self.permission_denied()
            .map(PermissionDenied::privileges)
            .unwrap_or(&[])
    }

    /// The TFA challenge of [`Error::TfaRequired`].
    pub fn tfa_challenge(&self) -> Option<&TfaChallenge> {
        match self {
            Error::TfaRequired(challenge) => Some(challenge),
            _ => None,
        }
    }

    pub(crate) fn config(problem: impl Into<String>) -> Self {
        Error::Config {
            problem: problem.into(),
            source: None,
        }
    }

    pub(crate) fn config_with(problem: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Error::Config {
            problem: problem.into(),
            source: Some(source.into()),
        }
    }
}

impl From<TransportError> for Error {
    fn from(err: TransportError) -> Self {
        match err {
            TransportError::Connect(source) => Error::Connect(source),
            TransportError::Tls { mismatch, source } => Error::Tls { mismatch, source },
            TransportError::Timeout { sent, source } => Error::Timeout { sent, source },
            TransportError::Interrupted(source) => Error::Interrupted(source),
        }
    }
}

fn describe_keys(keys: &[String], count: usize) -> String {
    if count == 0 {
        return "an empty object".to_owned();
    }
    let mut text = format!("top-level keys: {}", keys.join(", "));
    if count > keys.len() {
        text.push_str(&format!(" and {} more", count - keys.len()));
    }
    text
}

fn describe_mismatch(mismatch: &Option<FingerprintMismatch>) -> String {
    match mismatch {
        Some(m) => format!(": {m}"),
        None => String::new(),
    }
}

/// AnyEvent::HTTP's meaning of pveproxy's pseudo status codes.
fn proxy_stage(status: u16) -> &'static str {
    match status {
        595 => "connecting to it failed",
        596 => "TLS, sending the request or reading the response headers failed",
        597 => "reading the response body failed",
        598 => "the proxy aborted the request",
        _ => "other proxy failure",
    }
}

/// Prints an error followed by each of its sources: `outer: inner: innermost`.
///
/// ```
/// use proxmox_sdk::error::Report;
///
/// let io = std::io::Error::other("connection refused");
/// assert_eq!(Report(&io).to_string(), "connection refused");
/// ```
pub struct Report<'a>(pub &'a (dyn StdError + 'static));

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        let mut depth = 0;
        while let Some(err) = source {
            if depth >= 32 {
                break;
            }
            write!(f, ": {err}")?;
            source = err.source();
            depth += 1;
        }
        Ok(())
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
