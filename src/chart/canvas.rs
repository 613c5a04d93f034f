//! The browser side of drawing: a `Scene` onto a `<canvas>` with plotters'
//! canvas backend, the theme's colours from CSS variables, and a site's time
//! zone offset from `Intl`.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::render::{Palette, Plot, Scene, draw_frame, draw_lines};

/// Draws `scene` over the whole canvas (sized in device pixels by the caller).
pub fn draw(canvas: &HtmlCanvasElement, scene: &Scene, palette: &Palette, dpr: f64) -> Result<Plot, String> {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or("no 2d context")?;
    let (w, h) = (canvas.width(), canvas.height());
    ctx.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    let area = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or("no canvas backend")?
        .into_drawing_area();
    let plot = Plot::inside(w, h, dpr, scene.axes.len(), scene.compact);
    draw_frame(&area, scene, plot, palette, dpr).map_err(|e| e.to_string())?;
    // Lines: clipped to the plot, round joins (so a column's run is the same
    // shape however many points draw it), odd widths on pixel centres.
    let stroke = if dpr < 1.5 { 1 } else { (1.5 * dpr).round() as u32 };
    ctx.save();
    ctx.begin_path();
    ctx.rect(f64::from(plot.x), f64::from(plot.y), f64::from(plot.w), f64::from(plot.h));
    ctx.clip();
    ctx.set_line_join("round");
    ctx.set_line_cap("round");
    if stroke % 2 == 1 {
        let _ = ctx.translate(0.5, 0.5);
    }
    let drawn = draw_lines(&area, scene, plot, stroke).map_err(|e| e.to_string());
    ctx.restore();
    drawn.map(|()| plot)
}

/// The theme's chart colours (`--cairn-chart-1` … `-8` and the status colours).
pub fn palette(element: &web_sys::Element) -> Palette {
    let style = web_sys::window().and_then(|w| w.get_computed_style(element).ok().flatten());
    let var = |name: &str, fallback: RGBColor| {
        style
            .as_ref()
            .and_then(|s| s.get_property_value(name).ok())
            .and_then(|v| hex(v.trim()))
            .unwrap_or(fallback)
    };
    Palette {
        text: var("--cairn-color-text-muted", RGBColor(92, 103, 115)),
        grid: var("--cairn-color-border", RGBColor(217, 222, 228)),
        warn: var("--cairn-color-warning", RGBColor(180, 83, 9)),
        critical: var("--cairn-color-critical", RGBColor(185, 28, 28)),
        stale: var("--cairn-color-stale", RGBColor(138, 148, 160)),
        series: (1..=8)
            .map(|i| var(&format!("--cairn-chart-{i}"), RGBColor(37, 99, 235)))
            .collect(),
    }
}

fn hex(s: &str) -> Option<RGBColor> {
    let s = s.strip_prefix('#')?;
    let n = u32::from_str_radix(s, 16).ok()?;
    (s.len() == 6).then(|| RGBColor((n >> 16) as u8, (n >> 8) as u8, n as u8))
}

/// The palette as the page's root element has it (legend swatches).
pub fn palette_of_page() -> Palette {
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
    match root {
        Some(el) => palette(&el),
        None => palette_default(),
    }
}

fn palette_default() -> Palette {
    Palette {
        text: RGBColor(92, 103, 115),
        grid: RGBColor(217, 222, 228),
        warn: RGBColor(180, 83, 9),
        critical: RGBColor(185, 28, 28),
        stale: RGBColor(138, 148, 160),
        series: vec![RGBColor(37, 99, 235)],
    }
}

/// `#rrggbb` of a colour, for legend swatches.
pub fn css(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The device pixel ratio (2 on most tablets).
pub fn dpr() -> f64 {
    web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0)
}
