//! The lines layer of a chart from frame to frame: its RGBA image and what
//! it drew last, so a frame only redraws the columns that changed.
//!
//! A live chart's view is snapped to whole columns (`View::snapped`): when
//! time moves on by `k` columns every drawn point moves exactly `k` pixels
//! left, and `rgba::Rgba` draws a moved segment as the same pixels moved. So
//! the image is shifted, and only the columns where this frame's paths
//! differ from the last frame's (moved) are cleared and redrawn: the new
//! readings at the right, and at the left edge what scrolled out. A frame
//! whose paths are unchanged draws nothing. Anything else (a new size,
//! scale or colour, a zoom, a trend) redraws the whole image.
//!
//! The result is the image a whole redraw would give, pixel for pixel
//! (tested below on random frames).

use std::ops::Range;

use super::{
    paths::{Paths, Point, reach},
    rgba::Rgba,
};

/// Where a frame's columns lie in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    /// The view's start, UTC ms.
    pub from: i64,
    /// One column's width, ms.
    pub width_ms: i64,
    /// The view spans exactly one column per pixel of the plot, so moving
    /// `from` by whole columns moves every point by whole pixels.
    pub exact: bool,
}

/// What a paint changed in the image, for the canvas to update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Damage {
    /// Nothing: the frame looks like the last one.
    None,
    /// The whole image (first frame, new size or scale, a zoom).
    All,
    /// The image moved `by` columns left (what was in the first `by`
    /// columns is gone, the last `by` are empty), then these columns
    /// (sorted, not overlapping, the last `by` among them) were redrawn.
    Moved { by: i32, columns: Vec<Range<i32>> },
}

#[derive(Default)]
pub struct LineLayer {
    image: Vec<u8>,
    w: u32,
    h: u32,
    last: Option<(Grid, Paths)>,
}

enum Plan {
    Same,
    Full,
    /// Shift the image `shift` columns left, then redraw `columns`.
    Update {
        shift: i32,
        columns: Vec<Range<i32>>,
    },
}

impl LineLayer {
    /// The image, `w * h * 4` bytes of straight-alpha RGBA.
    pub fn pixels(&self) -> &[u8] {
        &self.image
    }

    /// The next paint draws everything.
    pub fn forget(&mut self) {
        self.last = None;
    }

    /// Paints `paths` on a `w`×`h` image for a frame on `grid`.
    pub fn paint(&mut self, paths: Paths, grid: Grid, w: u32, h: u32) -> Damage {
        let damage = match self.plan(&paths, grid, w, h) {
            Plan::Same => Damage::None,
            Plan::Full => {
                paths.draw(&mut Rgba::new(&mut self.image, w, h));
                Damage::All
            }
            Plan::Update { shift, columns } => {
                if shift > 0 {
                    let (row, by) = (w as usize * 4, shift as usize * 4);
                    for r in self.image.chunks_exact_mut(row) {
                        r.copy_within(by.., 0);
                    }
                }
                for c in &columns {
                    paths.draw(&mut Rgba::region(&mut self.image, w, h, c.clone()));
                }
                Damage::Moved { by: shift, columns }
            }
        };
        (self.w, self.h) = (w, h);
        self.last = Some((grid, paths));
        damage
    }

    fn plan(&self, paths: &Paths, grid: Grid, w: u32, h: u32) -> Plan {
        let Some((last_grid, last)) = &self.last else {
            return Plan::Full;
        };
        let moved = grid.from - last_grid.from;
        let comparable = (w, h) == (self.w, self.h)
            && grid.exact
            && last_grid.exact
            && grid.width_ms == last_grid.width_ms
            && moved % grid.width_ms == 0
            && (0..i64::from(w)).contains(&(moved / grid.width_ms))
            && paths.stroke == last.stroke
            && paths.lines.len() == last.lines.len();
        if !comparable {
            return Plan::Full;
        }
        let (w, shift) = (w as i32, (moved / grid.width_ms) as i32);
        // The old points where they are now.
        let at = |p: &Point| p.map(|(x, y)| (x - shift, y));
        // Columns [0, left) and [right, w) are redrawn.
        let (mut left, mut right) = (0, w - shift);
        for (o, n) in last.lines.iter().zip(&paths.lines) {
            if o.color != n.color || o.trend.is_some() || n.trend.is_some() {
                if shift == 0 && o == n {
                    continue;
                }
                return Plan::Full;
            }
            let (op, np) = (&o.points, &n.points);
            if op.len() == np.len() && op.iter().zip(np).all(|(p, q)| at(p) == *q) {
                continue;
            }
            // The new path is the old one without what scrolled out on the
            // left (op[..a]), then what changed from the last common point on.
            // Several old points can equal the new first one (a column's
            // first and last reading on one pixel): the longest match wins.
            let Some(first) = np.first() else {
                return Plan::Full;
            };
            let common_from = |a: usize| {
                (op[a..].iter().zip(np))
                    .take_while(|(p, q)| at(p) == **q)
                    .count()
            };
            let best = (0..op.len())
                .filter(|&a| at(&op[a]) == *first)
                .map(|a| (common_from(a), a))
                .max_by_key(|&(common, a)| (common, std::cmp::Reverse(a)));
            let Some((common, a)) = best else {
                return Plan::Full;
            };
            if a > 0
                && let Some(r) = reach(&op[..=a])
            {
                left = left.max(r.end - shift);
            }
            if a + common < op.len() || common < np.len() {
                let tail = [
                    reach(&op[a + common - 1..]).map(|r| r.start - shift),
                    reach(&np[common - 1..]).map(|r| r.start),
                ];
                if let Some(start) = tail.into_iter().flatten().min() {
                    right = right.min(start);
                }
            }
        }
        let (left, right) = (left.clamp(0, w), right.clamp(0, w));
        // Both ends meeting: every column.
        let ends = if left >= right {
            [0..w, 0..0]
        } else {
            [0..left, right..w]
        };
        let columns: Vec<Range<i32>> = ends.into_iter().filter(|r| !r.is_empty()).collect();
        if shift == 0 && columns.is_empty() {
            return Plan::Same;
        }
        Plan::Update { shift, columns }
    }
}

#[cfg(test)]
mod tests;
