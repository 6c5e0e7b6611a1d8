//! The statistics every benchmark reports, in one place: quantiles by rank (the sample at rank
//! ⌊n·q⌋ of the sorted samples, so the median of an even count is the upper middle one and
//! q = 1 is the maximum), medians and means. Each bench includes this module with `mod stats;`
//! and uses the part it needs.

use std::time::Duration;

/// The `q` quantile of `values` (0 ≤ q ≤ 1); NaN when there are none.
pub(crate) fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n => sorted[((n as f64 * q) as usize).min(n - 1)],
    }
}

/// The median of `values`; NaN when there are none.
pub(crate) fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

/// The arithmetic mean of `values`; 0 when there are none.
pub(crate) fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// `durations` in microseconds.
pub(crate) fn micros(durations: &[Duration]) -> Vec<f64> {
    durations.iter().map(|d| d.as_secs_f64() * 1e6).collect()
}

/// The median of `durations` (the upper middle one of an even count); zero when there are none.
pub(crate) fn median_duration(durations: &[Duration]) -> Duration {
    let mut sorted = durations.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}
