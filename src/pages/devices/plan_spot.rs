//! A floor's plan image (`Floor::plan_url`) in a box of the plan's aspect
//! ratio, with a dot at a spot in plan metres: read-only on the device page,
//! a picker in the form (a click or tap sets the spot, rounded to 0.1 m).
//!
//! Plan metres run from the south-west corner, x east and y north; the SVG
//! (`routes/floor_plan.rs`) draws y downwards (`svg_y = height_m - y`), so
//! the box's top edge is the plan's north wall (y = `height_m`) and its
//! bottom edge the south wall (y = 0).

use cairn_protocol::Floor;
use leptos::prelude::*;

/// Rounds to 0.1 (a tenth of a metre).
fn tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A click `px`, `py` pixels from the top-left corner of a box `box_w` ×
/// `box_h` pixels showing a plan of `width_m` × `height_m` metres: the spot
/// `(x, y)` in plan metres (y north, from the south wall), rounded to 0.1 m
/// and kept on the plan. `None` for an empty box or plan.
pub fn plan_at(
    px: f64,
    py: f64,
    box_w: f64,
    box_h: f64,
    width_m: f64,
    height_m: f64,
) -> Option<(f64, f64)> {
    let sizes = [box_w, box_h, width_m, height_m];
    if !sizes.iter().all(|s| s.is_finite() && *s > 0.0) || !px.is_finite() || !py.is_finite() {
        return None;
    }
    let east = (px / box_w).clamp(0.0, 1.0);
    let down = (py / box_h).clamp(0.0, 1.0);
    // Rounding may not step past the plan's edge (a 40.06 m floor ends at 40.0).
    let x = tenth(east * width_m).min((width_m * 10.0).floor() / 10.0);
    let y = tenth((1.0 - down) * height_m).min((height_m * 10.0).floor() / 10.0);
    // `+ 0.0` turns a -0.0 into 0.0.
    Some((x + 0.0, y + 0.0))
}

/// Where the dot for plan spot `(x, y)` goes in the box: `(left %, top %)`
/// of its width and height. `None` off the plan or for an empty plan.
pub fn marker_at(x: f64, y: f64, width_m: f64, height_m: f64) -> Option<(f64, f64)> {
    let sized = [width_m, height_m]
        .iter()
        .all(|s| s.is_finite() && *s > 0.0);
    let on = (0.0..=width_m).contains(&x) && (0.0..=height_m).contains(&y);
    (sized && on).then(|| (x / width_m * 100.0, (1.0 - y / height_m) * 100.0))
}

/// Whether `floor` has a plan to show (a non-empty one with an image).
pub fn has_plan(floor: &Floor) -> bool {
    !floor.plan_url.is_empty()
        && [floor.width_m, floor.height_m]
            .iter()
            .all(|s| s.is_finite() && *s > 0.0)
}

/// The plan of `floor` with a dot at `spot` (plan metres; none: no dot).
/// With `on_pick` a click or tap on the plan calls it with the spot there.
#[component]
pub fn PlanSpot(
    floor: Floor,
    #[prop(into)] spot: Signal<Option<(f64, f64)>>,
    /// Makes the plan a picker: called with the spot clicked, in metres.
    #[prop(optional)]
    on_pick: Option<Callback<(f64, f64)>>,
    testid: &'static str,
    /// The device page's smaller plan.
    #[prop(default = false)]
    small: bool,
) -> impl IntoView {
    let (w, h) = (floor.width_m, floor.height_m);
    let node = NodeRef::<leptos::html::Div>::new();
    let picks = on_pick.is_some();
    let click = move |ev: leptos::ev::MouseEvent| {
        let (Some(pick), Some(el)) = (on_pick, node.get()) else {
            return;
        };
        let r = el.get_bounding_client_rect();
        let (px, py) = (
            f64::from(ev.client_x()) - r.left(),
            f64::from(ev.client_y()) - r.top(),
        );
        if let Some(at) = plan_at(px, py, r.width(), r.height(), w, h) {
            pick.run(at);
        }
    };
    let marker = move || {
        spot.get()
            .and_then(|(x, y)| marker_at(x, y, w, h))
            .map(|(left, top)| {
                view! {
                    <span class="cairn-device__spot-marker" data-testid="device-plan-marker" aria-hidden="true"
                        style=format!("left: {left:.3}%; top: {top:.3}%;") />
                }
            })
    };
    view! {
        <div class="cairn-device__spot" class:cairn-device__spot--pick=picks class:cairn-device__spot--small=small
            data-testid=testid node_ref=node on:click=click
            style=format!("aspect-ratio: {w} / {h}; --cairn-spot-ratio: {:.4};", w / h)>
            <img class="cairn-device__spot-plan" src=floor.plan_url.clone() alt=format!("Plan of {}", floor.name)
                draggable="false" />
            {marker}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 40 × 16 m floor shown in a 400 × 160 px box.
    const PLAN: (f64, f64) = (40.0, 16.0);
    const BOX: (f64, f64) = (400.0, 160.0);

    fn at(px: f64, py: f64) -> Option<(f64, f64)> {
        plan_at(px, py, BOX.0, BOX.1, PLAN.0, PLAN.1)
    }

    #[test]
    fn a_click_reads_as_plan_metres_with_north_up() {
        // Top-left of the box: the plan's north-west corner.
        assert_eq!(at(0.0, 0.0), Some((0.0, 16.0)));
        // Bottom-left: the south-west corner, the plan's origin.
        assert_eq!(at(0.0, 160.0), Some((0.0, 0.0)));
        // Top-right: north-east; bottom-right: south-east.
        assert_eq!(at(400.0, 0.0), Some((40.0, 16.0)));
        assert_eq!(at(400.0, 160.0), Some((40.0, 0.0)));
        // The centre.
        assert_eq!(at(200.0, 80.0), Some((20.0, 8.0)));
        // Rounded to 0.1 m: 12.34 m east, 16 × (1 − 45/160) = 11.5 m north.
        assert_eq!(at(123.4, 45.0), Some((12.3, 11.5)));
        // Any box size: the same centre at twice the pixels.
        assert_eq!(
            plan_at(400.0, 160.0, 800.0, 320.0, 40.0, 16.0),
            Some((20.0, 8.0))
        );
    }

    #[test]
    fn a_click_stays_on_the_plan() {
        // Just outside the box (a border pixel): held at the edge.
        assert_eq!(at(-3.0, 170.0), Some((0.0, 0.0)));
        assert_eq!(at(410.0, -1.0), Some((40.0, 16.0)));
        // Rounding does not step past an odd-sized plan's edge.
        assert_eq!(
            plan_at(400.0, 0.0, 400.0, 160.0, 40.06, 16.07),
            Some((40.0, 16.0))
        );
        // No box or no plan: no spot.
        assert_eq!(plan_at(1.0, 1.0, 0.0, 160.0, 40.0, 16.0), None);
        assert_eq!(plan_at(1.0, 1.0, 400.0, 160.0, 40.0, 0.0), None);
        assert_eq!(plan_at(f64::NAN, 1.0, 400.0, 160.0, 40.0, 16.0), None);
    }

    #[test]
    fn the_marker_sits_where_the_spot_is_with_north_up() {
        let (w, h) = PLAN;
        // The origin (south-west) is the box's bottom-left corner.
        assert_eq!(marker_at(0.0, 0.0, w, h), Some((0.0, 100.0)));
        // North-east is top-right; north-west top-left; south-east bottom-right.
        assert_eq!(marker_at(40.0, 16.0, w, h), Some((100.0, 0.0)));
        assert_eq!(marker_at(0.0, 16.0, w, h), Some((0.0, 0.0)));
        assert_eq!(marker_at(40.0, 0.0, w, h), Some((100.0, 100.0)));
        assert_eq!(marker_at(20.0, 8.0, w, h), Some((50.0, 50.0)));
        assert_eq!(marker_at(10.0, 4.0, w, h), Some((25.0, 75.0)));
        // Off the plan, or no plan: no marker.
        assert_eq!(marker_at(41.0, 4.0, w, h), None);
        assert_eq!(marker_at(10.0, -0.1, w, h), None);
        assert_eq!(marker_at(f64::NAN, 4.0, w, h), None);
        assert_eq!(marker_at(1.0, 1.0, 0.0, h), None);
    }

    #[test]
    fn a_click_and_its_marker_agree() {
        // Where the picker puts a spot is where the marker shows it.
        for (px, py) in [(0.0, 0.0), (200.0, 80.0), (120.0, 40.0), (400.0, 160.0)] {
            let (x, y) = at(px, py).unwrap();
            let (left, top) = marker_at(x, y, PLAN.0, PLAN.1).unwrap();
            assert!((left - px / BOX.0 * 100.0).abs() < 1e-9, "{px}");
            assert!((top - py / BOX.1 * 100.0).abs() < 1e-9, "{py}");
        }
    }
}
