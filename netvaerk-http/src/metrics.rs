//! The service's metrics in the Prometheus text format (version 0.0.4).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::connections::Refusal;

/// The upper bounds of the append latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// Counters, a histogram and gauges, shared by every request.
#[derive(Default)]
pub struct Metrics {
    /// Requests by route template and status.
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// Refusals by NS3 rule (`none` for a refusal without one) and code.
    refusals: Mutex<BTreeMap<(String, String), u64>>,
    /// Decided-and-appended latency: count per bucket (cumulative at export), sum, count.
    buckets: [AtomicU64; BUCKETS.len()],
    sum_micros: AtomicU64,
    count: AtomicU64,
    /// Events appended by this process.
    appended: AtomicU64,
    /// Connections refused because all places overall were taken.
    refused_total: AtomicU64,
    /// Connections refused because all places for their address were taken.
    refused_address: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// Counts a request to `route` answered with `status`.
    pub fn request(&self, route: &str, status: u16) {
        *lock(&self.requests).entry((route.to_owned(), status)).or_default() += 1;
    }

    /// Counts a refusal.
    pub fn refusal(&self, rule: Option<String>, code: &str) {
        *lock(&self.refusals)
            .entry((rule.unwrap_or_else(|| "none".to_owned()), code.to_owned()))
            .or_default() += 1;
    }

    /// Counts a connection refused for `refusal`.
    pub(super) fn connection_refused(&self, refusal: Refusal) {
        self.refused(refusal).fetch_add(1, Ordering::Relaxed);
    }

    fn refused(&self, refusal: Refusal) -> &AtomicU64 {
        match refusal {
            Refusal::Total => &self.refused_total,
            Refusal::Address => &self.refused_address,
        }
    }

    /// Records one decision that appended `events`, taking `took`.
    pub fn appended(&self, took: Duration, events: usize) {
        let seconds = took.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
        self.sum_micros.fetch_add(took.as_micros() as u64, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.appended.fetch_add(events as u64, Ordering::Relaxed);
    }

    /// The text exposition, with the head position, the number of feed clients, of open
    /// connections and of requests in flight.
    pub fn render(&self, head: u64, feed_clients: usize, connections: usize, in_flight: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP netvaerk_http_requests_total HTTP requests by route and status.");
        let _ = writeln!(out, "# TYPE netvaerk_http_requests_total counter");
        for ((route, status), count) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "netvaerk_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        let _ = writeln!(out, "# HELP netvaerk_refusals_total Commands refused, by NS3 rule and code.");
        let _ = writeln!(out, "# TYPE netvaerk_refusals_total counter");
        for ((rule, code), count) in lock(&self.refusals).iter() {
            let _ = writeln!(out, "netvaerk_refusals_total{{rule=\"{rule}\",code=\"{code}\"}} {count}");
        }
        let _ = writeln!(
            out,
            "# HELP netvaerk_append_seconds Time to decide and durably append an accepted command or batch."
        );
        let _ = writeln!(out, "# TYPE netvaerk_append_seconds histogram");
        let mut cumulative = 0;
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "netvaerk_append_seconds_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "netvaerk_append_seconds_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "netvaerk_append_seconds_sum {sum}");
        let _ = writeln!(out, "netvaerk_append_seconds_count {count}");
        let _ = writeln!(out, "# HELP netvaerk_events_appended_total Events this process appended.");
        let _ = writeln!(out, "# TYPE netvaerk_events_appended_total counter");
        let _ = writeln!(out, "netvaerk_events_appended_total {}", self.appended.load(Ordering::Relaxed));
        let _ = writeln!(out, "# HELP netvaerk_head_position The log's last position.");
        let _ = writeln!(out, "# TYPE netvaerk_head_position gauge");
        let _ = writeln!(out, "netvaerk_head_position {head}");
        let _ = writeln!(out, "# HELP netvaerk_feed_clients Clients following the event feed now.");
        let _ = writeln!(out, "# TYPE netvaerk_feed_clients gauge");
        let _ = writeln!(out, "netvaerk_feed_clients {feed_clients}");
        let _ = writeln!(out, "# HELP netvaerk_http_connections Connections open now.");
        let _ = writeln!(out, "# TYPE netvaerk_http_connections gauge");
        let _ = writeln!(out, "netvaerk_http_connections {connections}");
        let _ = writeln!(out, "# HELP netvaerk_http_requests_in_flight Requests being answered now.");
        let _ = writeln!(out, "# TYPE netvaerk_http_requests_in_flight gauge");
        let _ = writeln!(out, "netvaerk_http_requests_in_flight {in_flight}");
        let _ = writeln!(
            out,
            "# HELP netvaerk_http_connections_refused_total Connections refused at a cap, by cap (total or address)."
        );
        let _ = writeln!(out, "# TYPE netvaerk_http_connections_refused_total counter");
        for refusal in [Refusal::Total, Refusal::Address] {
            let _ = writeln!(
                out,
                "netvaerk_http_connections_refused_total{{cap=\"{}\"}} {}",
                refusal.name(),
                self.refused(refusal).load(Ordering::Relaxed)
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_counts_match() {
        let metrics = Metrics::default();
        metrics.appended(Duration::from_micros(300), 1);
        metrics.appended(Duration::from_millis(3), 2);
        metrics.appended(Duration::from_secs(9), 1);
        metrics.request("/v1/head", 200);
        metrics.refusal(Some("NW-4".into()), "innovation_limit_reached");
        let text = metrics.render(4, 1, 7, 2);
        assert!(text.contains("netvaerk_append_seconds_bucket{le=\"0.0005\"} 1\n"));
        assert!(text.contains("netvaerk_append_seconds_bucket{le=\"0.005\"} 2\n"));
        assert!(text.contains("netvaerk_append_seconds_bucket{le=\"2.5\"} 2\n"));
        assert!(text.contains("netvaerk_append_seconds_bucket{le=\"+Inf\"} 3\n"));
        assert!(text.contains("netvaerk_append_seconds_count 3\n"));
        assert!(text.contains("netvaerk_events_appended_total 4\n"));
        assert!(text.contains("netvaerk_http_requests_total{route=\"/v1/head\",status=\"200\"} 1\n"));
        assert!(text.contains("netvaerk_refusals_total{rule=\"NW-4\",code=\"innovation_limit_reached\"} 1\n"));
        assert!(text.contains("netvaerk_head_position 4\n"));
        assert!(text.contains("netvaerk_feed_clients 1\n"));
        assert!(text.contains("netvaerk_http_connections 7\n"));
        assert!(text.contains("netvaerk_http_requests_in_flight 2\n"));
    }
}
