//! What the chart shows: a time range, and the maths of zooming and panning
//! it. Positions are fractions of the plot width (0 = left edge, 1 = right).

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// Zooming stops at a minute across and at five years.
pub const MIN_SPAN: i64 = MIN;
pub const MAX_SPAN: i64 = 5 * 365 * DAY;

/// The range buttons. `Live` scrolls with the clock; `Custom` is whatever a
/// zoom, pan or the date fields made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Range {
    Live,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Custom,
}

impl Range {
    pub const PRESETS: [Range; 6] = [
        Range::Live,
        Range::Hour,
        Range::Day,
        Range::Week,
        Range::Month,
        Range::Year,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Range::Live => "Live",
            Range::Hour => "1 h",
            Range::Day => "24 h",
            Range::Week => "7 d",
            Range::Month => "30 d",
            Range::Year => "1 y",
            Range::Custom => "Custom",
        }
    }

    /// The span a preset shows, ending now.
    pub fn span(self) -> Option<i64> {
        match self {
            Range::Live => Some(15 * MIN),
            Range::Hour => Some(HOUR),
            Range::Day => Some(DAY),
            Range::Week => Some(7 * DAY),
            Range::Month => Some(30 * DAY),
            Range::Year => Some(365 * DAY),
            Range::Custom => None,
        }
    }

    /// The URL form (`?range=24h`).
    pub fn name(self) -> &'static str {
        match self {
            Range::Live => "live",
            Range::Hour => "1h",
            Range::Day => "24h",
            Range::Week => "7d",
            Range::Month => "30d",
            Range::Year => "1y",
            Range::Custom => "custom",
        }
    }

    pub fn parse(name: &str) -> Option<Range> {
        Range::PRESETS.into_iter().find(|r| r.name() == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    pub from: i64,
    pub to: i64,
}

impl View {
    /// `span` ms ending at `now`.
    pub fn ending(now: i64, span: i64) -> View {
        View {
            from: now - span,
            to: now,
        }
    }

    /// This view as whole columns of `decimate::column_width(span, px)`,
    /// `px` of them, ending with the column that holds `to` (so up to
    /// `px` − 1 ms longer than asked). A live chart drawn this way moves by
    /// whole pixels as time goes on, and shifts its image instead of
    /// redrawing it (`chart::layer`).
    pub fn snapped(self, px: u32) -> View {
        let width = super::decimate::column_width(self.span(), px);
        let to = (self.to.div_euclid(width) + 1) * width;
        View {
            from: to - width * i64::from(px.max(1)),
            to,
        }
    }

    pub fn span(self) -> i64 {
        self.to - self.from
    }

    /// The time at a fraction of the width.
    pub fn time_at(self, x: f64) -> i64 {
        self.from + (self.span() as f64 * x).round() as i64
    }

    /// Zooms by `factor` (< 1 in, > 1 out) keeping the time under `anchor` in place.
    pub fn zoom(self, anchor: f64, factor: f64) -> View {
        let anchor = anchor.clamp(0.0, 1.0);
        let at = self.time_at(anchor);
        let span = ((self.span() as f64 * factor).round() as i64).clamp(MIN_SPAN, MAX_SPAN);
        let from = at - (span as f64 * anchor).round() as i64;
        View {
            from,
            to: from + span,
        }
    }

    /// Moves by `fraction` of the width (positive = later).
    pub fn pan(self, fraction: f64) -> View {
        let by = (self.span() as f64 * fraction).round() as i64;
        View {
            from: self.from + by,
            to: self.to + by,
        }
    }

    /// The range between two positions of a drag, or `None` when the drag is
    /// too small to mean a zoom (under `min_fraction` of the width).
    pub fn select(self, a: f64, b: f64, min_fraction: f64) -> Option<View> {
        let (a, b) = (a.min(b).clamp(0.0, 1.0), a.max(b).clamp(0.0, 1.0));
        if b - a < min_fraction {
            return None;
        }
        let (from, to) = (self.time_at(a), self.time_at(b));
        Some(if to - from < MIN_SPAN {
            let mid = (from + to) / 2;
            View {
                from: mid - MIN_SPAN / 2,
                to: mid + MIN_SPAN / 2,
            }
        } else {
            View { from, to }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: View = View { from: 0, to: HOUR };

    #[test]
    fn wheel_zoom_keeps_the_time_under_the_pointer() {
        let z = V.zoom(0.25, 0.5);
        assert_eq!(z.span(), HOUR / 2);
        assert_eq!(z.time_at(0.25), V.time_at(0.25));
        assert_eq!(V.zoom(0.5, 1e-9).span(), MIN_SPAN, "zoom stops at a minute");
        assert_eq!(V.zoom(0.5, 1e9).span(), MAX_SPAN);
    }

    #[test]
    fn drag_select_and_pan() {
        assert_eq!(
            V.select(0.75, 0.5, 0.01),
            Some(View {
                from: 30 * MIN,
                to: 45 * MIN
            })
        );
        assert_eq!(V.select(0.5, 0.501, 0.01), None, "a click is not a zoom");
        assert_eq!(
            V.pan(-0.5),
            View {
                from: -HOUR / 2,
                to: HOUR / 2
            }
        );
        assert_eq!(Range::parse("24h"), Some(Range::Day));
    }
}
