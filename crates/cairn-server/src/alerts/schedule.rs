//! A rule's schedule in its site's local time (IANA zone, so daylight
//! saving time changes are the zone's, not ours).

use cairn_protocol::{Schedule, alerts::parse_hhmm};
use chrono::{Datelike, TimeZone, Timelike};

/// A parsed [`Schedule`]: which weekdays (bit 0 = Monday) and minutes of
/// the day `[start, end)`; an `end` at or before `start` runs past midnight,
/// and then the day is the one the period started on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySchedule {
    days: u8,
    start: u32,
    end: u32,
}

impl DaySchedule {
    /// `None` if the schedule does not parse (the validator says why).
    pub fn parse(s: &Schedule) -> Option<DaySchedule> {
        let days = s.days.iter().fold(0u8, |acc, d| acc | 1 << d.index());
        let (start, end) = (parse_hhmm(&s.start)?, parse_hhmm(&s.end)?);
        Some(DaySchedule { days, start, end })
    }

    fn on(&self, weekday: u32) -> bool {
        self.days & (1 << weekday) != 0
    }

    /// Whether the instant `ts` (UTC ms) falls inside the schedule in `tz`.
    pub fn contains(&self, tz: chrono_tz::Tz, ts: i64) -> bool {
        let Some(local) = tz.timestamp_millis_opt(ts).single() else {
            return false;
        };
        let minute = local.hour() * 60 + local.minute();
        let day = local.weekday().num_days_from_monday();
        if self.start < self.end {
            self.on(day) && (self.start..self.end).contains(&minute)
        } else {
            // Overnight: the evening belongs to today, the morning to yesterday.
            (self.on(day) && minute >= self.start) || (self.on((day + 6) % 7) && minute < self.end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_protocol::Weekday;
    use chrono_tz::Europe::Brussels;

    fn utc(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn occupied_hours_follow_local_time_across_dst_changes() {
        let s = DaySchedule::parse(&Schedule::occupied_hours()).unwrap();
        let check =
            |at: &str, expected: bool| assert_eq!(s.contains(Brussels, utc(at)), expected, "{at}");
        // Winter (UTC+1): 07:00 local is 06:00 UTC.
        check("2026-11-30T05:59:00Z", false);
        check("2026-11-30T06:00:00Z", true);
        check("2026-11-30T17:59:00Z", true);
        check("2026-11-30T18:00:00Z", false);
        // Sunday 29 March 2026 clocks go forward; Monday 07:00 is 05:00 UTC.
        check("2026-03-30T04:59:00Z", false);
        check("2026-03-30T05:00:00Z", true);
        check("2026-03-30T16:59:00Z", true);
        check("2026-03-30T17:00:00Z", false);
        // Friday before the autumn change (25 October 2026) is summer time, Monday after is winter.
        check("2026-10-23T05:30:00Z", true);
        check("2026-10-26T05:30:00Z", false);
        check("2026-10-26T06:30:00Z", true);
        // Weekends are out.
        check("2026-11-29T10:00:00Z", false);
    }

    #[test]
    fn an_overnight_schedule_belongs_to_the_day_it_starts() {
        let s = Schedule {
            days: vec![Weekday::Fri],
            start: "22:00".into(),
            end: "06:00".into(),
        };
        let s = DaySchedule::parse(&s).unwrap();
        let check = |at: &str, expected: bool| {
            assert_eq!(s.contains(chrono_tz::UTC, utc(at)), expected, "{at}")
        };
        check("2026-11-27T22:00:00Z", true); // Friday evening
        check("2026-11-28T05:59:00Z", true); // Saturday morning, Friday's night
        check("2026-11-28T06:00:00Z", false);
        check("2026-11-28T23:00:00Z", false); // Saturday evening
        check("2026-11-27T05:00:00Z", false); // Friday morning is Thursday's night
    }
}
