//! The series of a scene as pixel polylines, and drawing them into the RGBA
//! image of the lines layer, whole or only some columns of it.
//!
//! Lines go through each sample's column centre (see `decimate::column_x`),
//! so a column's samples draw one vertical run: the decimated and the raw
//! series cover the same pixels. Comparing two frames' paths, point by
//! point, is how `chart::layer` finds what changed.

use std::ops::Range;

use plotters::prelude::*;
use plotters_backend::DrawingBackend;

use super::{
    decimate::column_x,
    render::{Plot, Scene},
    rgba::Rgba,
};

/// A pixel position in the plot (x right, y down), or a break at a gap.
pub type Point = Option<(i32, i32)>;

/// One series as it is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub color: RGBColor,
    /// In time order, so x never decreases.
    pub points: Vec<Point>,
    /// The trend's two ends, drawn over the series.
    pub trend: Option<[(i32, i32); 2]>,
}

/// Every series of a frame, in drawing order (later ones over earlier ones).
#[derive(Clone, Debug, PartialEq)]
pub struct Paths {
    /// Line width in device pixels (a brush of 1-px passes when wider).
    pub stroke: u32,
    pub lines: Vec<Path>,
}

impl Paths {
    /// The lines of `scene` in `plot`'s pixels (the plot at 0, 0 for the
    /// lines layer's own image).
    pub fn of(scene: &Scene, plot: Plot, stroke: u32) -> Paths {
        let per_ms = plot.px_per_ms(scene.view);
        let lines = scene
            .lines
            .iter()
            .filter_map(|line| {
                let axis = scene.axes.get(line.axis)?;
                let points = line
                    .samples
                    .iter()
                    .map(|&(t, v)| {
                        let v = v?;
                        let mut x = column_x(t, scene.view.from, scene.width_ms, per_ms) as i32;
                        // A reading inside the view always shows: the first
                        // and last columns are partial, so their centres can
                        // fall outside the plot and would be clipped away.
                        if (scene.view.from..=scene.view.to).contains(&t) {
                            x = x.clamp(0, plot.w - 1);
                        }
                        Some((plot.x + x, clamped(plot.y(&axis.scale, v))))
                    })
                    .collect();
                let trend = line.trend.as_ref().map(|trend| {
                    let (a, b) = (scene.view.from, scene.view.to);
                    [
                        (
                            plot.x(scene.view, a),
                            clamped(plot.y(&axis.scale, trend.value(a))),
                        ),
                        (
                            plot.x(scene.view, b),
                            clamped(plot.y(&axis.scale, trend.value(b))),
                        ),
                    ]
                });
                Some(Path {
                    color: line.color,
                    points,
                    trend,
                })
            })
            .collect();
        Paths { stroke, lines }
    }

    /// Draws every path into `image` (its clip decides which columns are
    /// written): each series as polylines broken at gaps, a lone reading as
    /// a dot, then its trend.
    pub fn draw(&self, image: &mut Rgba) {
        for path in &self.lines {
            let style = path.color.stroke_width(1);
            // Wider strokes (high-DPR screens) as a small brush of 1-px
            // passes: wide lines as polygons break on a column's up-and-down runs.
            for &(dx, dy) in brush(self.stroke) {
                let at = |p: Point| p.map(|(x, y)| (x + dx, y + dy));
                let mut run = path.points.split(Option::is_none);
                for part in run.by_ref() {
                    match part {
                        [] => {}
                        // A lone reading between gaps: a dot, or it would not show at all.
                        [p] => {
                            let (x, y) = at(*p).expect("not a break");
                            let _ = image.draw_rect((x, y), (x + 1, y + 1), &style, true);
                        }
                        _ => {
                            let pts = part.iter().filter_map(|&p| at(p));
                            let _ = image.draw_path(pts, &style);
                        }
                    }
                }
            }
            if let Some([a, b]) = path.trend {
                let _ = image.draw_path([a, b], &path.color.mix(0.7).stroke_width(self.stroke));
            }
        }
    }
}

/// How far a path's pixels reach beyond its points' columns: the brush one
/// pixel either side, a dot one more to the right.
const REACH_LEFT: i32 = 1;
const REACH_RIGHT: i32 = 2;

/// A row far outside any plot for a reading far off the scale (the scale is
/// made from what is in view; the neighbour just outside can be anything),
/// so the drawing's integer maths cannot overflow.
fn clamped(y: i32) -> i32 {
    y.clamp(-1_000_000, 1_000_000)
}

/// The columns the points of `points` (breaks skipped) and their strokes touch.
pub fn reach(points: &[Point]) -> Option<Range<i32>> {
    let xs = points.iter().flatten().map(|p| p.0);
    let (lo, hi) = xs.fold((i32::MAX, i32::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    (lo <= hi).then(|| lo - REACH_LEFT..hi + REACH_RIGHT + 1)
}

/// Pixel offsets that draw a `stroke`-wide line from 1-px passes.
fn brush(stroke: u32) -> &'static [(i32, i32)] {
    match stroke {
        0 | 1 => &[(0, 0)],
        2 => &[(0, 0), (1, 0), (0, 1)],
        _ => &[(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)],
    }
}
