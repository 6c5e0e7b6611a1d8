//! How [`Client::wait_task`](crate::Client::wait_task) waits: the polling schedule, the
//! deadline, and what counts as success.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::log::TaskLogLine;

/// Default first pause between two status polls.
const INITIAL_INTERVAL: Duration = Duration::from_millis(50);
/// Default factor by which the pause grows after each poll.
const GROWTH: f64 = 1.2;
/// Default longest pause between two polls.
const MAX_INTERVAL: Duration = Duration::from_secs(1);
/// Default number of failed polls in a row that are tolerated.
const MAX_TRANSIENT_FAILURES: u32 = 5;
/// Default number of log lines attached to a failure.
const LOG_TAIL_LINES: u64 = 50;
/// The smallest pause ever used, so a zero setting cannot spin.
const MIN_INTERVAL: Duration = Duration::from_millis(1);
/// The longest pause ever used, so no setting can overflow a deadline computation.
const MAX_PAUSE: Duration = Duration::from_secs(24 * 60 * 60);
/// The largest growth factor accepted.
const MAX_GROWTH: f64 = 16.0;

/// Whether `WARNINGS: <n>` counts as success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WarningsPolicy {
    /// Success, with the warning lines attached (PVE's own view: the task did its work).
    #[default]
    Success,
    /// Failure, e.g. for tasks where a warning means something was skipped.
    Failure,
}

/// The progress callback: receives each new log line once, in order.
pub type ProgressFn = Arc<dyn Fn(&TaskLogLine) + Send + Sync>;

/// Settings for [`Client::wait_task`](crate::Client::wait_task).
///
/// The status is polled at once, then after pauses that start at
/// [`initial_interval`](WaitOptions::initial_interval) and grow by
/// [`growth`](WaitOptions::growth) after every poll up to
/// [`max_interval`](WaitOptions::max_interval). The defaults — 50 ms, ×1.2, 1 s — were
/// chosen by measurement (`BENCHMARKS.md`, "Tasks"): past the first few polls a pause is about
/// a quarter of the time waited, so the end of a 1 s task is noticed 0.13 s late in the median
/// (about 10 polls), and from about 6 s on a long task is polled once a second.
///
/// ```
/// use std::time::Duration;
/// use proxmox_sdk::task::{WaitOptions, WarningsPolicy};
///
/// let options = WaitOptions::default()
///     .timeout(Duration::from_secs(600))
///     .stop_on_timeout(true)
///     .warnings(WarningsPolicy::Failure)
///     .on_progress(|line| println!("{}", line.text));
/// # let _ = options;
/// ```
#[derive(Clone)]
pub struct WaitOptions {
    pub(crate) initial_interval: Duration,
    pub(crate) growth: f64,
    pub(crate) max_interval: Duration,
    pub(crate) timeout: Option<Duration>,
    pub(crate) warnings: WarningsPolicy,
    pub(crate) stop_on_timeout: bool,
    pub(crate) max_transient_failures: u32,
    pub(crate) log_tail_lines: u64,
    pub(crate) progress: Option<ProgressFn>,
}

impl Default for WaitOptions {
    /// 50 ms growing ×1.2 to 1 s, no deadline, warnings are success, 5 failed polls in a
    /// row tolerated, 50 log lines on failure, no progress callback.
    fn default() -> Self {
        Self {
            initial_interval: INITIAL_INTERVAL,
            growth: GROWTH,
            max_interval: MAX_INTERVAL,
            timeout: None,
            warnings: WarningsPolicy::Success,
            stop_on_timeout: false,
            max_transient_failures: MAX_TRANSIENT_FAILURES,
            log_tail_lines: LOG_TAIL_LINES,
            progress: None,
        }
    }
}

impl WaitOptions {
    /// The defaults; see [`WaitOptions::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The pause after the first poll (clamped to 1 ms–24 h).
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval.clamp(MIN_INTERVAL, MAX_PAUSE);
        self
    }

    /// The factor each pause grows by (clamped to 1.0–16.0; 1.0 polls at a fixed interval).
    pub fn growth(mut self, factor: f64) -> Self {
        self.growth = if factor.is_finite() {
            factor.clamp(1.0, MAX_GROWTH)
        } else {
            1.0
        };
        self
    }

    /// The longest pause between two polls (clamped to 1 ms–24 h).
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval.clamp(MIN_INTERVAL, MAX_PAUSE);
        self
    }

    /// Gives up after this long with [`TaskError::Timeout`](super::TaskError::Timeout).
    /// Without it (the default) the wait lasts until the task ends or the future is dropped.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Whether `WARNINGS: <n>` is success (the default) or failure.
    pub fn warnings(mut self, policy: WarningsPolicy) -> Self {
        self.warnings = policy;
        self
    }

    /// Asks the node to stop the task when the timeout expires (off by default). The stop
    /// request runs after the deadline, bounded by the client's request timeout; its result is
    /// in [`TaskTimeout::stop`](super::TaskTimeout::stop).
    pub fn stop_on_timeout(mut self, stop: bool) -> Self {
        self.stop_on_timeout = stop;
        self
    }

    /// How many failed polls in a row are tolerated when the failure is transient
    /// (connection problems, 5xx, 595–599, and a `400`/`404` before the task was first
    /// seen). `0` fails on the first one. Each poll already carries the client's own
    /// [`RetryPolicy`](crate::client::RetryPolicy).
    pub fn max_transient_failures(mut self, failures: u32) -> Self {
        self.max_transient_failures = failures;
        self
    }

    /// How many lines from the end of the log a failure carries (default 50).
    pub fn log_tail_lines(mut self, lines: u64) -> Self {
        self.log_tail_lines = lines;
        self
    }

    /// Follows the log while waiting and calls `progress` with every new line, once each and
    /// in order, before the wait returns. Costs one log request per poll. The callback runs
    /// inside the wait, so keep it quick; PVE's `no content` stand-in for an empty log is
    /// never passed on.
    ///
    /// To consume lines elsewhere, send them into a channel:
    ///
    /// ```
    /// use proxmox_sdk::task::WaitOptions;
    ///
    /// let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    /// let options = WaitOptions::default().on_progress(move |line| {
    ///     let _ = tx.send(line.text.clone());
    /// });
    /// # let _ = (options, rx.try_recv());
    /// ```
    pub fn on_progress(mut self, progress: impl Fn(&TaskLogLine) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("initial_interval", &self.initial_interval)
            .field("growth", &self.growth)
            .field("max_interval", &self.max_interval)
            .field("timeout", &self.timeout)
            .field("warnings", &self.warnings)
            .field("stop_on_timeout", &self.stop_on_timeout)
            .field("max_transient_failures", &self.max_transient_failures)
            .field("log_tail_lines", &self.log_tail_lines)
            .field("progress", &self.progress.as_ref().map(|_| "<callback>"))
            .finish()
    }
}

/// The pauses between polls: `initial`, growing by `growth` each time, capped.
#[derive(Debug)]
pub(crate) struct Backoff {
    next: Duration,
    growth: f64,
    cap: Duration,
}

impl Backoff {
    pub(crate) fn new(options: &WaitOptions) -> Self {
        Self {
            next: options.initial_interval.min(options.max_interval),
            growth: options.growth,
            cap: options.max_interval,
        }
    }

    /// The next pause; never panics, whatever the settings.
    pub(crate) fn next_interval(&mut self) -> Duration {
        let current = self.next;
        self.next = Duration::try_from_secs_f64(current.as_secs_f64() * self.growth)
            .unwrap_or(self.cap)
            .min(self.cap);
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(backoff: &mut Backoff, n: usize) -> Vec<u128> {
        (0..n)
            .map(|_| backoff.next_interval().as_millis())
            .collect()
    }

    #[test]
    fn pauses_grow_to_the_cap_and_stay_there() {
        let options = WaitOptions::default()
            .initial_interval(Duration::from_millis(100))
            .growth(2.0)
            .max_interval(Duration::from_millis(500));
        assert_eq!(
            millis(&mut Backoff::new(&options), 5),
            [100, 200, 400, 500, 500]
        );
    }

    #[test]
    fn the_default_schedule_reaches_one_second() {
        let mut backoff = Backoff::new(&WaitOptions::default());
        let pauses = millis(&mut backoff, 40);
        assert_eq!(pauses[0], 50);
        assert!(pauses.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*pauses.last().unwrap(), 1000);
    }

    #[test]
    fn odd_settings_are_clamped_instead_of_panicking() {
        let options = WaitOptions::default()
            .initial_interval(Duration::ZERO)
            .growth(f64::NAN)
            .max_interval(Duration::MAX);
        assert_eq!(millis(&mut Backoff::new(&options), 2), [1, 1]);
        let options = WaitOptions::default()
            .initial_interval(Duration::MAX)
            .growth(1e300)
            .max_interval(Duration::MAX);
        let mut backoff = Backoff::new(&options);
        backoff.next_interval();
        assert_eq!(backoff.next_interval(), MAX_PAUSE);
        let options = WaitOptions::default()
            .initial_interval(Duration::from_secs(5))
            .max_interval(Duration::from_secs(1));
        assert_eq!(millis(&mut Backoff::new(&options), 1), [1000]);
        let options = WaitOptions::default().growth(0.5);
        assert_eq!(millis(&mut Backoff::new(&options), 3), [50, 50, 50]);
    }
}
