//! The canvas the map's markers and clusters are drawn on: one canvas for
//! any number of sensors, redrawn per frame from the clustering index.
//!
//! Each status has its own colour *and* shape (colour-blind readers): OK a
//! circle, no data a hollow circle, offline a square, warning a triangle,
//! critical a diamond. A cluster takes the shape and colour of its worst
//! member, shows its count, and is ringed by its members' shares per status.

use std::f64::consts::{FRAC_PI_2, TAU};

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{
    cluster::{Cluster, Index, Status},
    project::Viewport,
};

/// Radius (CSS px) of a lone sensor's marker.
const MARK_R: f64 = 7.0;

/// What is drawn where: enough to hit-test a click or a tap.
#[derive(Clone, Debug)]
pub struct Mark {
    pub x: f64,
    pub y: f64,
    pub r: f64,
    pub level: usize,
    pub idx: u32,
    pub count: u32,
    pub worst: Status,
    pub counts: [u32; 5],
    /// An item of the cluster (the sensor itself when `count == 1`).
    pub first: u32,
}

/// Colours per status (`Status as usize`), the halo and the label ink.
#[derive(Clone, Debug)]
pub struct Palette {
    pub status: [String; 5],
    pub halo: String,
    pub ink: String,
}

impl Palette {
    /// Read from the page's CSS custom properties, so themes apply.
    pub fn from_css(el: &web_sys::Element) -> Palette {
        let style = web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten());
        let var = |name: &str, fallback: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| fallback.to_string())
        };
        Palette {
            status: [
                var("--cairn-color-ok", "#15803d"),
                var("--cairn-color-stale", "#8a94a0"),
                var("--cairn-map-offline", "#526070"),
                var("--cairn-color-warning", "#b45309"),
                var("--cairn-color-critical", "#b91c1c"),
            ],
            halo: var("--cairn-color-surface", "#ffffff"),
            ink: var("--cairn-color-text", "#17202a"),
        }
    }
}

/// The marks of `level` that fall on screen, least severe first (the worst
/// are drawn last, on top). `world` gives a cluster's world coordinate.
pub fn visible(index: &Index, level: usize, vp: &Viewport) -> Vec<Mark> {
    let mut marks: Vec<Mark> = index
        .clusters(level)
        .iter()
        .enumerate()
        .filter_map(|(i, c)| mark(c, level, i as u32, vp))
        .collect();
    marks.sort_by_key(|m| (m.worst, m.count));
    marks
}

fn mark(c: &Cluster, level: usize, idx: u32, vp: &Viewport) -> Option<Mark> {
    let (x, y) = vp.to_screen((c.x, c.y));
    let count = c.count();
    if count == 0 {
        return None;
    }
    let r = if count == 1 {
        MARK_R
    } else {
        13.0 + 4.0 * f64::from(count).log10()
    };
    vp.shows((x, y), r + 4.0).then(|| Mark {
        x,
        y,
        r,
        level,
        idx,
        count,
        worst: c.worst(),
        counts: c.counts,
        first: c.first,
    })
}

/// The topmost mark within `slop` CSS px of its edge at `(x, y)`.
pub fn hit(marks: &[Mark], x: f64, y: f64, slop: f64) -> Option<&Mark> {
    marks
        .iter()
        .rev()
        .filter(|m| (m.x - x).hypot(m.y - y) <= m.r + slop)
        .min_by(|a, b| {
            let da = (a.x - x).hypot(a.y - y) - a.r;
            let db = (b.x - x).hypot(b.y - y) - b.r;
            da.total_cmp(&db)
        })
}

pub fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// Sizes the canvas to `width`×`height` CSS px at `dpr` and draws `marks`.
pub fn draw(
    canvas: &HtmlCanvasElement,
    marks: &[Mark],
    labels: &[(f64, f64, String)],
    palette: &Palette,
    (width, height, dpr): (f64, f64, f64),
) {
    let (w, h) = ((width * dpr).round() as u32, (height * dpr).round() as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
        let style = canvas.style();
        let _ = style.set_property("width", &format!("{width}px"));
        let _ = style.set_property("height", &format!("{height}px"));
    }
    let Some(ctx) = context(canvas) else {
        return;
    };
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, width, height);
    ctx.set_line_join("round");
    ctx.set_font("600 13px system-ui, sans-serif");
    ctx.set_text_align("center");
    ctx.set_text_baseline("top");
    // Names that would overlap a marker or an earlier name are left out
    // (sites come first); zooming in spreads them apart and they show.
    let obstacles: Vec<[f64; 4]> = marks
        .iter()
        .map(|m| {
            [
                m.x - m.r - 2.0,
                m.y - m.r - 2.0,
                m.x + m.r + 2.0,
                m.y + m.r + 2.0,
            ]
        })
        .collect();
    let boxes: Vec<[f64; 4]> = labels
        .iter()
        .map(|(x, y, text)| {
            let half = ctx.measure_text(text).map_or(0.0, |m| m.width()) / 2.0 + 3.0;
            [x - half, y - 1.0, x + half, y + 17.0]
        })
        .collect();
    let keep = super::project::declutter(&obstacles, &boxes);
    for ((x, y, text), keep) in labels.iter().zip(keep) {
        if !keep {
            continue;
        }
        ctx.set_line_width(4.0);
        ctx.set_stroke_style_str(&palette.halo);
        let _ = ctx.stroke_text(text, *x, *y);
        ctx.set_fill_style_str(&palette.ink);
        let _ = ctx.fill_text(text, *x, *y);
    }
    for m in marks {
        let colour = &palette.status[m.worst as usize];
        if m.count > 1 {
            ring(&ctx, m, palette);
        }
        shape(
            &ctx,
            m.worst,
            m.x,
            m.y,
            if m.count > 1 { m.r - 4.0 } else { m.r },
        );
        ctx.set_line_width(2.0);
        ctx.set_stroke_style_str(&palette.halo);
        ctx.stroke();
        if m.worst == Status::Unknown {
            // Hollow: "no data" is an absence, not a colour.
            ctx.set_fill_style_str(&palette.halo);
            ctx.fill();
            ctx.set_line_width(2.5);
            ctx.set_stroke_style_str(colour);
            ctx.stroke();
        } else {
            ctx.set_fill_style_str(colour);
            ctx.fill();
        }
        if m.count > 1 {
            count_label(&ctx, m, colour, palette);
        }
    }
}

/// Members' shares per status as arcs around a cluster.
fn ring(ctx: &CanvasRenderingContext2d, m: &Mark, palette: &Palette) {
    let total = f64::from(m.count);
    let mut start = -FRAC_PI_2;
    ctx.set_line_width(4.0);
    for s in Status::ALL {
        let n = m.counts[s as usize];
        if n == 0 {
            continue;
        }
        let end = start + TAU * f64::from(n) / total;
        ctx.begin_path();
        let _ = ctx.arc(m.x, m.y, m.r - 1.0, start, end);
        ctx.set_stroke_style_str(&palette.status[s as usize]);
        ctx.stroke();
        start = end;
    }
}

fn count_label(ctx: &CanvasRenderingContext2d, m: &Mark, fill: &str, palette: &Palette) {
    let text = if m.count >= 10_000 {
        format!("{}k", m.count / 1000)
    } else {
        m.count.to_string()
    };
    let ink = if m.worst == Status::Unknown {
        palette.ink.as_str()
    } else if is_light(fill) {
        "#111827"
    } else {
        "#ffffff"
    };
    ctx.set_font("700 11px system-ui, sans-serif");
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    ctx.set_fill_style_str(ink);
    // A triangle's middle sits low.
    let dy = if m.worst == Status::Warning { 2.5 } else { 0.5 };
    let _ = ctx.fill_text(&text, m.x, m.y + dy);
}

/// Whether a `#rrggbb` colour is light enough for dark text.
fn is_light(colour: &str) -> bool {
    let hex = colour.trim_start_matches('#');
    let ch = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.0, |v| f64::from(v) / 255.0)
    };
    hex.len() == 6 && 0.2126 * ch(0) + 0.7152 * ch(2) + 0.0722 * ch(4) > 0.45
}

/// Begins a path of `status`'s shape centred on `(x, y)`, about `r` in radius.
fn shape(ctx: &CanvasRenderingContext2d, status: Status, x: f64, y: f64, r: f64) {
    ctx.begin_path();
    match status {
        Status::Ok | Status::Unknown => {
            let _ = ctx.arc(x, y, r, 0.0, TAU);
        }
        Status::Offline => {
            let s = r * 0.9;
            ctx.rect(x - s, y - s, 2.0 * s, 2.0 * s);
        }
        Status::Warning => {
            let s = r * 1.2;
            ctx.move_to(x, y - s);
            ctx.line_to(x + s * 0.95, y + s * 0.75);
            ctx.line_to(x - s * 0.95, y + s * 0.75);
            ctx.close_path();
        }
        Status::Critical => {
            let s = r * 1.2;
            ctx.move_to(x, y - s);
            ctx.line_to(x + s, y);
            ctx.line_to(x, y + s);
            ctx.line_to(x - s, y);
            ctx.close_path();
        }
    }
}

/// Draws `status`'s marker on a small legend canvas.
pub fn legend_swatch(canvas: &HtmlCanvasElement, status: Status, palette: &Palette, dpr: f64) {
    let size = 16.0;
    let mark = Mark {
        x: size / 2.0,
        y: size / 2.0,
        r: 5.5,
        level: 0,
        idx: 0,
        count: 1,
        worst: status,
        counts: [0; 5],
        first: 0,
    };
    draw(canvas, &[mark], &[], palette, (size, size, dpr));
}
