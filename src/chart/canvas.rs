//! The browser side of drawing: a `Scene` onto a `<canvas>` with plotters'
//! canvas backend, the theme's colours from CSS variables, and a site's time
//! zone offset from `Intl`.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::{
    render::{Palette, Plot, Scene, draw_frame, draw_lines},
    rgba::Rgba,
};

/// Draws `scene` on two stacked canvases of one size (in device pixels):
/// `frame` gets bands, grid and labels through plotters' canvas backend;
/// `lines` gets the series, rasterized by plotters into `buffer` (RGBA) and
/// put in one call. Returns the plot area and how long each part took.
pub fn draw(
    frame: &HtmlCanvasElement,
    lines: &HtmlCanvasElement,
    buffer: &mut Vec<u8>,
    scene: &Scene,
    palette: &Palette,
    dpr: f64,
) -> Result<(Plot, DrawTimes), String> {
    let clock = web_sys::window().and_then(|w| w.performance());
    let now = || clock.as_ref().map_or(0.0, |p| p.now());
    let t0 = now();
    let (w, h) = (frame.width(), frame.height());
    context(frame)?.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    let area = CanvasBackend::with_canvas_object(frame.clone())
        .ok_or("no canvas backend")?
        .into_drawing_area();
    let plot = Plot::inside(w, h, dpr, scene.axes.len(), scene.compact);
    draw_frame(&area, scene, plot, palette, dpr).map_err(|e| e.to_string())?;
    let t1 = now();
    let stroke = if dpr < 1.5 {
        1
    } else {
        (1.5 * dpr).round() as u32
    };
    let (pw, ph) = (plot.w as u32, plot.h as u32);
    let local = Plot { x: 0, y: 0, ..plot };
    draw_lines(
        &Rgba::new(buffer, pw, ph).into_drawing_area(),
        scene,
        local,
        stroke,
    )
    .map_err(|e| e.to_string())?;
    let t2 = now();
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(buffer.as_slice()), pw, ph)
        .map_err(|e| format!("{e:?}"))?;
    let ctx = context(lines)?;
    ctx.clear_rect(
        0.0,
        0.0,
        f64::from(lines.width()),
        f64::from(lines.height()),
    );
    ctx.put_image_data(&image, f64::from(plot.x), f64::from(plot.y))
        .map_err(|e| format!("{e:?}"))?;
    let times = DrawTimes {
        frame_ms: t1 - t0,
        lines_ms: t2 - t1,
        put_ms: now() - t2,
    };
    Ok((plot, times))
}

/// Where a frame's drawing time went (the benchmark page reports it).
#[derive(Clone, Copy, Debug, Default)]
pub struct DrawTimes {
    pub frame_ms: f64,
    pub lines_ms: f64,
    pub put_ms: f64,
}

pub fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, String> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or_else(|| "no 2d context".to_owned())
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
    (s.len() == 6).then_some(RGBColor((n >> 16) as u8, (n >> 8) as u8, n as u8))
}

/// The palette as the page's root element has it (legend swatches).
pub fn palette_of_page() -> Palette {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
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
