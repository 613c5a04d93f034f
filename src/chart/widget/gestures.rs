//! Pointer gestures on the plot, as pure state: mouse drag selects a range
//! to zoom to (Shift+drag pans), one finger pans, two fingers pinch-zoom.
//! Positions are CSS pixels relative to the plot's left edge.

use crate::chart::View;

#[derive(Clone, Debug, Default)]
pub enum Gesture {
    #[default]
    Idle,
    /// Mouse drag from `x0`, now at `x`.
    Select { x0: f64, x: f64 },
    /// Pointer `id` dragging the view that was `start` when it went down at `x0`.
    Pan {
        id: i32,
        x0: f64,
        start: View,
        moved: bool,
    },
    /// Two pointers `a` and `b`, `d0` apart at first, around `mid0`.
    Pinch {
        a: (i32, f64),
        b: (i32, f64),
        d0: f64,
        start: View,
    },
}

/// What a gesture step asks the chart to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    None,
    /// Show this view (and leave live scrolling).
    View(View),
    /// A tap: show the crosshair there.
    Tap(f64),
}

impl Gesture {
    pub fn down(&mut self, id: i32, x: f64, mouse: bool, shift: bool, view: View) {
        *self = match std::mem::take(self) {
            Gesture::Pan {
                id: first,
                x0,
                start,
                ..
            } if !mouse && first != id => Gesture::Pinch {
                a: (first, x0),
                b: (id, x),
                d0: (x - x0).abs().max(1.0),
                start,
            },
            _ if mouse && !shift => Gesture::Select { x0: x, x },
            _ => Gesture::Pan {
                id,
                x0: x,
                start: view,
                moved: false,
            },
        };
    }

    pub fn moved(&mut self, id: i32, x: f64, width: f64) -> Action {
        match self {
            Gesture::Idle => Action::None,
            Gesture::Select { x: at, .. } => {
                *at = x;
                Action::None
            }
            Gesture::Pan {
                id: pid,
                x0,
                start,
                moved,
            } if *pid == id => {
                if (x - *x0).abs() > 4.0 {
                    *moved = true;
                }
                if *moved {
                    Action::View(start.pan(-(x - *x0) / width))
                } else {
                    Action::None
                }
            }
            Gesture::Pinch { a, b, d0, start } => {
                if a.0 == id {
                    a.1 = x;
                } else if b.0 == id {
                    b.1 = x;
                }
                let d = (a.1 - b.1).abs().max(1.0);
                let anchor = ((a.1 + b.1) / 2.0 / width).clamp(0.0, 1.0);
                Action::View(start.zoom(anchor, *d0 / d))
            }
            Gesture::Pan { .. } => Action::None,
        }
    }

    pub fn up(&mut self, view: View, width: f64) -> Action {
        match std::mem::take(self) {
            Gesture::Select { x0, x } => view
                .select(x0 / width, x / width, 4.0 / width)
                .map_or(Action::Tap(x), Action::View),
            Gesture::Pan {
                moved: false, x0, ..
            } => Action::Tap(x0),
            _ => Action::None,
        }
    }

    /// The selection being dragged, for the overlay.
    pub fn selection(&self) -> Option<(f64, f64)> {
        match self {
            Gesture::Select { x0, x } if (x - x0).abs() >= 4.0 => Some((x0.min(*x), x0.max(*x))),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: View = View {
        from: 0,
        to: 1_000_000,
    };

    #[test]
    fn drag_selects_and_a_click_taps() {
        let mut g = Gesture::default();
        g.down(1, 100.0, true, false, V);
        g.moved(1, 300.0, 1_000.0);
        assert_eq!(g.selection(), Some((100.0, 300.0)));
        assert_eq!(
            g.up(V, 1_000.0),
            Action::View(View {
                from: 100_000,
                to: 300_000
            })
        );
        g.down(1, 50.0, true, false, V);
        assert_eq!(g.up(V, 1_000.0), Action::Tap(50.0));
    }

    #[test]
    fn one_finger_pans_two_fingers_pinch() {
        let mut g = Gesture::default();
        g.down(7, 500.0, false, false, V);
        assert_eq!(
            g.moved(7, 400.0, 1_000.0),
            Action::View(View {
                from: 100_000,
                to: 1_100_000
            })
        );
        g.down(8, 600.0, false, false, V);
        // Fingers spread from 100 px apart to 200 px: half the span, same middle.
        let Action::View(v) = g.moved(8, 700.0, 1_000.0) else {
            panic!("a view")
        };
        assert_eq!(v.span(), 500_000);
        g.up(V, 1_000.0);
        assert!(matches!(g, Gesture::Idle));
    }
}
