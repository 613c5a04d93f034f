//! Where things are on screen: world coordinates and the map's viewport.
//!
//! The portfolio map is Leaflet's default Web Mercator (EPSG:3857): at zoom
//! `z` the world is `256·2^z` pixels wide and a place's pixel is its world
//! coordinate in `[0, 1)²` times that. A floor map is `CRS.Simple` with plan
//! metres as world coordinates, `2^z` pixels per metre, `lat = −y`,
//! `lng = x`. Projecting in Rust keeps 50,000 markers away from JS calls.

use std::f64::consts::PI;

/// Web Mercator world coordinate of a place, in `[0, 1)²`, y down.
pub fn mercator(lat: f64, lon: f64) -> (f64, f64) {
    // Leaflet's limit: the latitude where the world is square.
    let s = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians().sin();
    (
        (lon + 180.0) / 360.0,
        0.5 - ((1.0 + s) / (1.0 - s)).ln() / (4.0 * PI),
    )
}

/// The place at a Web Mercator world coordinate: `(lat, lon)`.
pub fn unmercator(x: f64, y: f64) -> (f64, f64) {
    let lat = (PI * (1.0 - 2.0 * y)).sinh().atan().to_degrees();
    (lat, x * 360.0 - 180.0)
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Crs {
    Mercator,
    /// A floor plan, world units in metres.
    Plan,
}

/// What the map shows: `container = (world − origin) · scale`, CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub scale: f64,
    pub origin: (f64, f64),
    pub width: f64,
    pub height: f64,
}

impl Viewport {
    /// The viewport of a map centred on world point `center` at `zoom`.
    pub fn new(crs: Crs, center: (f64, f64), zoom: f64, width: f64, height: f64) -> Viewport {
        let scale = match crs {
            Crs::Mercator => 256.0 * zoom.exp2(),
            Crs::Plan => zoom.exp2(),
        };
        Viewport {
            scale,
            origin: (
                center.0 - width / 2.0 / scale,
                center.1 - height / 2.0 / scale,
            ),
            width,
            height,
        }
    }

    pub fn to_screen(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            (x - self.origin.0) * self.scale,
            (y - self.origin.1) * self.scale,
        )
    }

    pub fn to_world(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            x / self.scale + self.origin.0,
            y / self.scale + self.origin.1,
        )
    }

    /// Whether a screen point is on the canvas, with `margin` pixels to spare.
    pub fn shows(&self, (x, y): (f64, f64), margin: f64) -> bool {
        x >= -margin && y >= -margin && x <= self.width + margin && y <= self.height + margin
    }
}

/// Ray casting: whether `p` is inside the polygon `ring`.
pub fn inside(ring: &[(f64, f64)], p: (f64, f64)) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[j]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 {
            inside = !inside;
        }
        j = i;
    }
    inside
}

pub fn centroid(ring: &[cairn_protocol::LatLon]) -> Option<(f64, f64)> {
    if ring.is_empty() {
        return None;
    }
    let n = ring.len() as f64;
    let (x, y) = ring
        .iter()
        .map(|p| mercator(p.lat, p.lon))
        .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    Some((x / n, y / n))
}

/// Which of these screen boxes (`[x0, y0, x1, y1]`, in priority order) to
/// draw so that none overlaps another or an obstacle: each is kept unless it
/// overlaps an obstacle or a box kept before it.
pub fn declutter(obstacles: &[[f64; 4]], boxes: &[[f64; 4]]) -> Vec<bool> {
    let mut kept: Vec<[f64; 4]> = obstacles.to_vec();
    boxes
        .iter()
        .map(|b| {
            let free = kept
                .iter()
                .all(|k| b[2] <= k[0] || k[2] <= b[0] || b[3] <= k[1] || k[3] <= b[1]);
            if free {
                kept.push(*b);
            }
            free
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercator_round_trips_and_matches_leaflet() {
        // Leaflet: map.project([50.8503, 4.3517], 0) = (131.0946…, 85.8719…).
        let (x, y) = mercator(50.8503, 4.3517);
        assert!((x * 256.0 - 131.0946).abs() < 1e-3, "{}", x * 256.0);
        assert!((y * 256.0 - 85.8719).abs() < 1e-3, "{}", y * 256.0);
        let (lat, lon) = unmercator(x, y);
        assert!((lat - 50.8503).abs() < 1e-9 && (lon - 4.3517).abs() < 1e-9);
    }

    #[test]
    fn the_centre_is_in_the_middle_of_the_screen() {
        let c = mercator(52.0, 5.0);
        let vp = Viewport::new(Crs::Mercator, c, 12.0, 800.0, 600.0);
        let (x, y) = vp.to_screen(c);
        assert!((x - 400.0).abs() < 1e-6 && (y - 300.0).abs() < 1e-6);
        let back = vp.to_world((x, y));
        assert!((back.0 - c.0).abs() < 1e-12);
        // One zoom step doubles distances.
        let east = (c.0 + 1e-4, c.1);
        let d12 = vp.to_screen(east).0 - x;
        let vp13 = Viewport::new(Crs::Mercator, c, 13.0, 800.0, 600.0);
        assert!((vp13.to_screen(east).0 - 400.0 - 2.0 * d12).abs() < 1e-6);
        assert!(vp.shows((-5.0, 10.0), 10.0) && !vp.shows((-50.0, 10.0), 10.0));
    }

    #[test]
    fn point_in_polygon() {
        let square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];
        assert!(inside(&square, (0.5, 0.5)));
        assert!(!inside(&square, (1.5, 0.5)));
        assert!(!inside(&[], (0.5, 0.5)));
        let c = centroid(&[
            cairn_protocol::LatLon {
                lat: 50.0,
                lon: 4.0,
            },
            cairn_protocol::LatLon {
                lat: 50.0,
                lon: 4.1,
            },
        ])
        .expect("a centroid");
        assert!((c.0 - mercator(50.0, 4.05).0).abs() < 1e-12);
        assert_eq!(centroid(&[]), None);
    }

    #[test]
    fn declutter_keeps_the_first_of_overlapping_labels() {
        let boxes = [
            [0.0, 0.0, 100.0, 16.0],
            [50.0, 8.0, 150.0, 24.0],   // overlaps the first
            [100.0, 0.0, 200.0, 16.0],  // touches the first only at an edge
            [120.0, 10.0, 180.0, 26.0], // overlaps the third
            [0.0, 30.0, 100.0, 46.0],
        ];
        assert_eq!(declutter(&[], &boxes), [true, false, true, false, true]);
        assert!(declutter(&[], &[]).is_empty());
        // A marker is an obstacle: the label over it goes, the next one shows.
        let marker = [[40.0, 4.0, 60.0, 24.0]];
        assert_eq!(
            declutter(&marker, &boxes),
            [false, false, true, false, true]
        );
    }
}
