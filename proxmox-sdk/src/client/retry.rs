//! Which failed requests are tried again, and how long to wait in between.
//!
//! The rule ties the decision to the method and to what the error says about the request:
//!
//! * **`GET`** is retried on every transient error ([`Error::is_retryable`]): connect
//!   failures, timeouts, broken connections, 5xx other than a plain 500 and 501, the pveproxy
//!   hop errors 595–599, and a 500 reporting lock contention (`… got timeout`).
//! * **`POST`, `PUT`, `DELETE`** are retried only when the error proves the server never
//!   acted on them ([`Error::may_have_been_processed`] is `false`): the connection could not
//!   be made, or pveproxy could not even connect to the target node (595). Once a write may
//!   have reached a handler — a timeout waiting for the answer, a reset connection, any 5xx —
//!   it is never replayed: creating a guest or starting a task twice is worse than an error.
//!
//! Waits grow exponentially from [`RetryPolicy::base_delay`] up to
//! [`RetryPolicy::max_delay`], with "equal jitter" (a random wait between half and all of
//! the step) so that many clients do not retry in lockstep.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::endpoint::HttpMethod;
use crate::error::Error;

/// How a [`Client`](super::Client) retries failed requests.
///
/// ```
/// use std::time::Duration;
/// use proxmox_sdk::client::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(5).max_delay(Duration::from_secs(10));
/// let never = RetryPolicy::disabled();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base: Duration,
    cap: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts in total, waits starting at 250 ms and capped at 5 s, with jitter.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(5),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in total, including the first (`1` disables retries; `0` counts as `1`).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry; each further retry doubles it.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base = delay;
        self
    }

    /// The longest wait between two attempts.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.cap = delay;
        self
    }

    /// Whether waits are randomised (on by default).
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// The wait before attempt `attempt + 1` after `attempt` attempts failed with `error`,
    /// or `None` when the request must not be sent again.
    pub(crate) fn next_delay(
        &self,
        method: HttpMethod,
        error: &Error,
        attempt: u32,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !error.is_retryable() {
            return None;
        }
        let safe = method == HttpMethod::Get || !error.may_have_been_processed();
        safe.then(|| self.delay(attempt))
    }

    /// The wait after the `retry`-th failure (1-based).
    fn delay(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let step = self.base.saturating_mul(factor).min(self.cap);
        if !self.jitter || step.is_zero() {
            return step;
        }
        let half = step / 2;
        let spread = u64::try_from((step - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(random() % spread.saturating_add(1))
    }
}

/// A random number from std's per-process random hashing keys (no extra dependency).
fn random() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u8(0);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350))
            .jitter(false)
    }

    fn connect() -> Error {
        Error::Connect(Box::new(std::io::Error::other("refused")))
    }

    fn interrupted() -> Error {
        Error::Interrupted(Box::new(std::io::Error::other("reset")))
    }

    #[test]
    fn waits_double_up_to_the_cap() {
        let p = policy().max_attempts(10);
        let waits: Vec<_> = (1..=4)
            .map(|a| p.next_delay(HttpMethod::Get, &connect(), a).unwrap())
            .collect();
        assert_eq!(waits, [100, 200, 350, 350].map(Duration::from_millis));
    }

    #[test]
    fn jitter_stays_within_half_and_full_step() {
        let p = policy().jitter(true);
        for _ in 0..100 {
            let d = p.next_delay(HttpMethod::Get, &connect(), 2).unwrap();
            assert!(
                d >= Duration::from_millis(100) && d <= Duration::from_millis(200),
                "{d:?}"
            );
        }
    }

    #[test]
    fn writes_are_retried_only_when_never_sent() {
        let p = policy();
        assert!(p.next_delay(HttpMethod::Post, &connect(), 1).is_some());
        assert!(p.next_delay(HttpMethod::Post, &interrupted(), 1).is_none());
        assert!(
            p.next_delay(HttpMethod::Delete, &interrupted(), 1)
                .is_none()
        );
        assert!(p.next_delay(HttpMethod::Get, &interrupted(), 1).is_some());
    }

    #[test]
    fn the_attempt_limit_holds_and_disabled_never_retries() {
        assert!(
            policy()
                .next_delay(HttpMethod::Get, &connect(), 3)
                .is_none()
        );
        assert!(
            RetryPolicy::disabled()
                .next_delay(HttpMethod::Get, &connect(), 1)
                .is_none()
        );
        assert!(
            policy()
                .max_attempts(0)
                .next_delay(HttpMethod::Get, &connect(), 1)
                .is_none()
        );
    }
}
