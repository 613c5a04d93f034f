//! A least-squares trend over what is visible, and when it would cross the
//! nearest threshold at that rate ("CO2 reaches 1,000 ppm in ~2 h").

use cairn_protocol::Thresholds;

/// `value(t) = at_t0 + slope * (t - t0)`, slope per millisecond.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trend {
    pub t0: i64,
    pub at_t0: f64,
    pub slope: f64,
}

impl Trend {
    pub fn value(&self, t: i64) -> f64 {
        self.at_t0 + self.slope * (t - self.t0) as f64
    }

    /// Change per hour, as people say it.
    pub fn per_hour(&self) -> f64 {
        self.slope * 3_600_000.0
    }
}

/// Fits a line through the points (NaN skipped); `None` with fewer than 3
/// points or all at one time. Times are taken relative to the first point so
/// epoch milliseconds lose no precision.
pub fn fit(points: impl Iterator<Item = (i64, f64)>) -> Option<Trend> {
    let (mut n, mut t0) = (0.0, None);
    let (mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0);
    for (t, v) in points.filter(|p| p.1.is_finite()) {
        let t0 = *t0.get_or_insert(t);
        let x = (t - t0) as f64;
        n += 1.0;
        sx += x;
        sy += v;
        sxx += x * x;
        sxy += x * v;
    }
    let t0 = t0?;
    let denominator = n * sxx - sx * sx;
    if n < 3.0 || denominator.abs() < f64::EPSILON {
        return None;
    }
    let slope = (n * sxy - sx * sy) / denominator;
    Some(Trend {
        t0,
        at_t0: (sy - slope * sx) / n,
        slope,
    })
}

/// Where the trend is heading, seen at `now`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Projection {
    /// Crosses `limit` (critical when `true`) at time `at`.
    Reaches { limit: f64, critical: bool, at: i64 },
    /// Already past `limit`, and moving further or not back soon.
    Beyond { limit: f64, critical: bool },
    /// No limit ahead in the direction of travel.
    Clear,
}

pub fn project(trend: &Trend, now: i64, thresholds: &Thresholds) -> Projection {
    let here = trend.value(now);
    let limits = thresholds.limits();
    // Past a limit already: the worst one passed.
    let passed = limits
        .iter()
        .filter(|(limit, _)| {
            let above_side =
                thresholds.warn_above == Some(*limit) || thresholds.critical_above == Some(*limit);
            if above_side {
                here > *limit
            } else {
                here < *limit
            }
        })
        .max_by_key(|(_, critical)| *critical);
    if let Some(&(limit, critical)) = passed
        && !heading_back(trend, here, limit)
    {
        return Projection::Beyond { limit, critical };
    }
    let ahead = limits
        .iter()
        .filter(|(limit, _)| {
            if trend.slope > 0.0 {
                *limit > here
            } else {
                trend.slope < 0.0 && *limit < here
            }
        })
        .min_by(|a, b| (a.0 - here).abs().total_cmp(&(b.0 - here).abs()));
    match ahead {
        Some(&(limit, critical)) => Projection::Reaches {
            limit,
            critical,
            at: now + ((limit - here) / trend.slope).round() as i64,
        },
        None => Projection::Clear,
    }
}

fn heading_back(trend: &Trend, here: f64, limit: f64) -> bool {
    (here > limit && trend.slope < 0.0) || (here < limit && trend.slope > 0.0)
}

/// `~2 h`, `~15 min`, `~3 d`: how far ahead, roughly.
pub fn roughly(ms: i64) -> String {
    let min = (ms as f64 / 60_000.0).max(1.0);
    if min < 90.0 {
        format!("~{} min", min.round())
    } else if min < 48.0 * 60.0 {
        format!("~{} h", (min / 60.0).round())
    } else {
        format!("~{} d", (min / 1_440.0).round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_protocol::Metric;

    const HOUR: i64 = 3_600_000;

    #[test]
    fn fits_a_line_exactly_and_ignores_gaps() {
        let t0 = 1_790_000_000_000;
        let points = (0..60).map(|i| {
            (
                t0 + i * 60_000,
                if i == 7 {
                    f64::NAN
                } else {
                    600.0 + i as f64 * 2.0
                },
            )
        });
        let trend = fit(points).expect("a trend");
        assert!((trend.per_hour() - 120.0).abs() < 1e-6, "{trend:?}");
        assert!((trend.value(t0) - 600.0).abs() < 1e-6);
        assert_eq!(fit([(0, 1.0), (0, 2.0), (0, 3.0)].into_iter()), None);
        assert_eq!(fit([(0, 1.0), (1, 2.0)].into_iter()), None);
    }

    #[test]
    fn co2_rising_towards_the_warning_limit() {
        let co2 = Metric::Co2.default_thresholds().expect("co2 has limits");
        let trend = Trend {
            t0: 0,
            at_t0: 760.0,
            slope: 120.0 / HOUR as f64,
        };
        assert_eq!(
            project(&trend, 0, &co2),
            Projection::Reaches {
                limit: 1_000.0,
                critical: false,
                at: 2 * HOUR
            }
        );
        assert_eq!(roughly(2 * HOUR), "~2 h");
        let falling = Trend {
            slope: -trend.slope,
            ..trend
        };
        assert_eq!(project(&falling, 0, &co2), Projection::Clear);
        let high = Trend {
            at_t0: 2_100.0,
            ..trend
        };
        assert_eq!(
            project(&high, 0, &co2),
            Projection::Beyond {
                limit: 2_000.0,
                critical: true
            }
        );
    }

    #[test]
    fn temperature_falling_towards_the_low_limit() {
        let temp = Metric::AirTemperature.default_thresholds().expect("limits");
        let trend = Trend {
            t0: 0,
            at_t0: 20.0,
            slope: -0.5 / HOUR as f64,
        };
        assert_eq!(
            project(&trend, 0, &temp),
            Projection::Reaches {
                limit: 19.0,
                critical: false,
                at: 2 * HOUR
            }
        );
    }
}
