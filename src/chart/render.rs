//! What a chart frame is made of (`Scene`, `Plot`) and its frame drawn with
//! plotters on any backend: bands, grid and labels under the lines (the
//! lines are `chart::paths`). Everything is in device pixels; `dpr` scales
//! text and strokes so a tablet gets crisp, not tiny, charts.

use cairn_protocol::{Thresholds, m4::Sample};
use plotters::{
    coord::Shift,
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use super::{
    View,
    scale::{TimeTick, ValueScale},
    trend::Trend,
};

/// Colours, read from the theme's CSS variables by the component.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    pub text: RGBColor,
    pub grid: RGBColor,
    pub warn: RGBColor,
    pub critical: RGBColor,
    pub stale: RGBColor,
    pub series: Vec<RGBColor>,
}

impl Palette {
    pub fn series(&self, i: usize) -> RGBColor {
        self.series[i % self.series.len().max(1)]
    }
}

/// A value axis: left (first unit) or right (second unit).
pub struct Axis {
    pub scale: ValueScale,
    pub unit: String,
    /// Drawn as bands when every series on the axis shares these limits.
    pub thresholds: Option<Thresholds>,
}

/// A rule's own limits, drawn on the first axis instead of the metric's
/// default thresholds: where it triggers tinted, trigger lines solid, clear
/// lines dashed, in the colour of the rule's severity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleLimits {
    /// Value ranges where the rule triggers (`None`: open on that side).
    pub zones: Vec<(Option<f64>, Option<f64>)>,
    pub triggers: Vec<f64>,
    pub clears: Vec<f64>,
    /// Drawn in the critical colour, else the warning colour.
    pub critical: bool,
}

impl RuleLimits {
    /// Every value a line is drawn at.
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.triggers.iter().chain(&self.clears).copied()
    }
}

/// One series to draw.
pub struct Line<'a> {
    pub samples: &'a [Sample],
    pub color: RGBColor,
    pub axis: usize,
    /// Time of the last reading when the point has gone stale.
    pub stale_since: Option<i64>,
    pub trend: Option<Trend>,
}

pub struct Scene<'a> {
    pub view: View,
    /// The M4 column width the samples were decimated at.
    pub width_ms: i64,
    pub axes: Vec<Axis>,
    pub lines: Vec<Line<'a>>,
    pub ticks: Vec<TimeTick>,
    pub now: i64,
    /// A sparkline: no axes, no labels.
    pub compact: bool,
    /// Times an alarm was active (from, to), drawn as translucent bands.
    pub bands: Vec<(i64, i64)>,
    /// A rule's limits, drawn instead of the first axis' thresholds.
    pub limits: Option<RuleLimits>,
}

/// The plot area inside the canvas, in device pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plot {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Plot {
    /// The plot inside a `width`×`height` canvas for `axes` value axes.
    pub fn inside(width: u32, height: u32, dpr: f64, axes: usize, compact: bool) -> Plot {
        let px = |css: f64| (css * dpr).round() as i32;
        let (left, right, top, bottom) = if compact {
            (px(1.0), px(1.0), px(2.0), px(2.0))
        } else {
            (
                px(52.0),
                if axes > 1 { px(52.0) } else { px(12.0) },
                px(24.0),
                px(26.0),
            )
        };
        Plot {
            x: left,
            y: top,
            w: (width as i32 - left - right).max(1),
            h: (height as i32 - top - bottom).max(1),
        }
    }

    pub fn px_per_ms(&self, view: View) -> f64 {
        f64::from(self.w) / view.span().max(1) as f64
    }

    /// Pixel column of time `t` (not snapped).
    pub fn x(&self, view: View, t: i64) -> i32 {
        self.x + ((t - view.from) as f64 * self.px_per_ms(view)).round() as i32
    }

    pub fn y(&self, scale: &ValueScale, v: f64) -> i32 {
        scale.y(v, f64::from(self.y), f64::from(self.h)).round() as i32
    }
}

type Result<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// `[x0, x1]` widened to at least `min` pixels, kept inside `[left, right]`.
fn widen(x0: i32, x1: i32, min: i32, left: i32, right: i32) -> (i32, i32) {
    if x1 - x0 >= min {
        return (x0, x1);
    }
    let x1 = (x0 + min).min(right);
    ((x1 - min).max(left), x1)
}

/// A rule's trigger zones tinted, its trigger lines solid, its clear lines dashed.
fn draw_rule_limits<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axis: &Axis,
    limits: &RuleLimits,
    plot: Plot,
    palette: &Palette,
    dpr: f64,
) -> Result<DB> {
    let (left, right, top, bottom) = (plot.x, plot.x + plot.w, plot.y, plot.y + plot.h);
    let color = if limits.critical {
        palette.critical
    } else {
        palette.warn
    };
    let y = |v: f64| plot.y(&axis.scale, v).clamp(top, bottom);
    for &(lo, hi) in &limits.zones {
        let (y_lo, y_hi) = (lo.map_or(bottom, y), hi.map_or(top, y));
        if y_lo > y_hi {
            area.draw(&Rectangle::new(
                [(left, y_hi), (right, y_lo)],
                color.mix(0.12).filled(),
            ))?;
        }
    }
    let width = (1.5 * dpr).round().max(1.0) as u32;
    let inside = |v: f64| Some(plot.y(&axis.scale, v)).filter(|y| (top..=bottom).contains(y));
    for v in limits.triggers.iter().filter_map(|&v| inside(v)) {
        area.draw(&PathElement::new(
            vec![(left, v), (right, v)],
            color.mix(0.9).stroke_width(width),
        ))?;
    }
    let (dash, gap) = ((6.0 * dpr).round() as i32, (4.0 * dpr).round() as i32);
    for v in limits.clears.iter().filter_map(|&v| inside(v)) {
        area.draw(&plotters::element::DashedPathElement::new(
            vec![(left, v), (right, v)],
            dash,
            gap,
            color.mix(0.9).stroke_width(width),
        ))?;
    }
    Ok(())
}

/// The columns (from, to, device px) of each alarm band: while an alarm
/// was active, the whole height is tinted, at least 3 CSS px wide so a
/// short alarm still shows on a 30-day chart.
pub fn alarm_columns(scene: &Scene, plot: Plot, dpr: f64) -> Vec<(i32, i32)> {
    let (left, right) = (plot.x, plot.x + plot.w);
    let min_w = (3.0 * dpr).round().max(1.0) as i32;
    (scene.bands.iter())
        .filter(|&&(from, to)| to >= scene.view.from && from <= scene.view.to)
        .map(|&(from, to)| {
            (
                plot.x(scene.view, from).clamp(left, right),
                plot.x(scene.view, to).clamp(left, right),
            )
        })
        .filter(|(x0, x1)| x1 >= x0)
        .map(|(x0, x1)| widen(x0, x1, min_w, left, right))
        .collect()
}

/// The columns (from, to, device px) of each stale tail: no data since
/// the series' last reading, greyed up to now.
pub fn stale_columns(scene: &Scene, plot: Plot) -> Vec<(i32, i32)> {
    (scene.lines.iter())
        .filter_map(|line| line.stale_since)
        .map(|since| {
            (
                plot.x(scene.view, since).max(plot.x),
                plot.x(scene.view, scene.now).min(plot.x + plot.w),
            )
        })
        .filter(|(x0, x1)| x1 > x0)
        .collect()
}

/// Everything under the lines: threshold bands, grid, stale shading, labels.
pub fn draw_frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    plot: Plot,
    palette: &Palette,
    dpr: f64,
) -> Result<DB> {
    let (left, right, top, bottom) = (plot.x, plot.x + plot.w, plot.y, plot.y + plot.h);
    if let Some(axis) = scene.axes.first()
        && let Some(limits) = &scene.limits
    {
        draw_rule_limits(area, axis, limits, plot, palette, dpr)?;
    }
    // Threshold bands: warning and critical zones tinted, limits as lines.
    if let Some(axis) = scene.axes.first()
        && scene.limits.is_none()
        && let Some(th) = &axis.thresholds
    {
        let y = |v: f64| plot.y(&axis.scale, v).clamp(top, bottom);
        let bands = [
            (th.critical_above, None, palette.critical),
            (th.warn_above, th.critical_above, palette.warn),
        ];
        for (lo, hi, color) in bands {
            if let Some(lo) = lo {
                let hi_y = hi.map_or(top, y);
                area.draw(&Rectangle::new(
                    [(left, hi_y), (right, y(lo))],
                    color.mix(0.10).filled(),
                ))?;
            }
        }
        let bands_below = [
            (th.critical_below, None, palette.critical),
            (th.warn_below, th.critical_below, palette.warn),
        ];
        for (hi, lo, color) in bands_below {
            if let Some(hi) = hi {
                let lo_y = lo.map_or(bottom, y);
                area.draw(&Rectangle::new(
                    [(left, y(hi)), (right, lo_y)],
                    color.mix(0.10).filled(),
                ))?;
            }
        }
        for (limit, critical) in th.limits() {
            let v = plot.y(&axis.scale, limit);
            if (top..=bottom).contains(&v) {
                let color = if critical {
                    palette.critical
                } else {
                    palette.warn
                };
                area.draw(&PathElement::new(
                    vec![(left, v), (right, v)],
                    color.mix(0.8).stroke_width(1),
                ))?;
            }
        }
    }
    for (x0, x1) in alarm_columns(scene, plot, dpr) {
        area.draw(&Rectangle::new(
            [(x0, top), (x1, bottom)],
            palette.critical.mix(0.16).filled(),
        ))?;
        area.draw(&PathElement::new(
            vec![(x0, top), (x0, bottom)],
            palette.critical.mix(0.7).stroke_width(1),
        ))?;
    }
    for (x0, x1) in stale_columns(scene, plot) {
        area.draw(&Rectangle::new(
            [(x0, top), (x1, bottom)],
            palette.stale.mix(0.18).filled(),
        ))?;
    }
    if scene.compact {
        return Ok(());
    }
    let font = (12.0 * dpr).round();
    let text = |h, v| {
        TextStyle::from(("sans-serif", font).into_font())
            .color(&palette.text)
            .pos(Pos::new(h, v))
    };
    let grid = palette.grid.mix(0.55).stroke_width(1);
    for tick in &scene.ticks {
        let x = plot.x(scene.view, tick.t);
        area.draw(&PathElement::new(vec![(x, top), (x, bottom)], grid))?;
        area.draw(&Text::new(
            tick.label.clone(),
            (x, bottom + (6.0 * dpr) as i32),
            text(HPos::Center, VPos::Top),
        ))?;
    }
    for (i, axis) in scene.axes.iter().enumerate().take(2) {
        let decimals = axis.scale.decimals();
        let (x, anchor) = if i == 0 {
            (left - (6.0 * dpr) as i32, HPos::Right)
        } else {
            (right + (6.0 * dpr) as i32, HPos::Left)
        };
        for &v in &axis.scale.ticks {
            let y = plot.y(&axis.scale, v);
            if i == 0 {
                area.draw(&PathElement::new(vec![(left, y), (right, y)], grid))?;
            }
            area.draw(&Text::new(
                format!("{v:.decimals$}"),
                (x, y),
                text(anchor, VPos::Center),
            ))?;
        }
        area.draw(&Text::new(
            axis.unit.clone(),
            (x, top - (12.0 * dpr) as i32),
            text(anchor, VPos::Bottom),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::widen;

    #[test]
    fn a_short_alarm_is_widened_inside_the_plot() {
        let check =
            |x0, x1, expected| assert_eq!(widen(x0, x1, 3, 10, 100), expected, "{x0}..{x1}");
        check(20, 40, (20, 40));
        check(20, 20, (20, 23));
        check(99, 100, (97, 100));
        check(100, 100, (97, 100));
    }
}
