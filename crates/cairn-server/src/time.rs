//! Time as the server reads it: UTC milliseconds since the Unix epoch, from a
//! [`Clock`] that tests may fix, so nothing a test checks depends on the day
//! it runs. A leaf module: it imports nothing of the crate.

/// The wall clock now, in UTC milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `ms` as RFC 3339 UTC to the second (`2026-11-30T12:00:00Z`), for messages;
/// times chrono cannot represent are written as raw milliseconds.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || format!("{ms} ms"),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

/// Where "now" comes from for the decisions a test must be able to date: the
/// retention cutoffs (what `/api/series` answers from raw readings, what
/// `retention` prunes). Sessions and the socket's server time read the
/// system clock ([`now_ms`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    /// The machine's clock ([`now_ms`]).
    #[default]
    System,
    /// Always this instant (UTC ms): for tests.
    Fixed(i64),
}

impl Clock {
    /// Now, in UTC milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => now_ms(),
            Clock::Fixed(ms) => *ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Clock;

    #[test]
    fn a_fixed_clock_stands_still_and_the_system_clock_moves_on() {
        assert_eq!(Clock::Fixed(1_700_000_000_000).now_ms(), 1_700_000_000_000);
        // Any day this runs is after 2020-01-01 and before 2200-01-01.
        let now = Clock::System.now_ms();
        assert!(
            (1_577_836_800_000..7_258_118_400_000).contains(&now),
            "{now}"
        );
    }
}
