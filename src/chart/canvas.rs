//! The browser side of drawing: a `Scene` onto a chart's two canvases,
//! frame after frame (`Painter`), and the theme's colours from CSS variables.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use cairn_protocol::Thresholds;

use super::{
    layer::{Damage, Grid, LineLayer},
    paths::Paths,
    render::{Palette, Plot, RuleLimits, Scene, alarm_columns, draw_frame, stale_columns},
    scale::{TimeTick, ValueScale},
};

/// Paints a chart's frames on its two stacked canvases of one size (device
/// pixels): `frame` gets bands, grid and labels through plotters' canvas
/// backend, and only when what they show changed; `lines` gets the series
/// from a `LineLayer` (an RGBA image): the whole image when it moved or was
/// redrawn, else only the columns that changed, and nothing when nothing
/// did. `forget` makes the next paint draw everything.
#[derive(Default)]
pub struct Painter {
    layer: LineLayer,
    frame: Option<FrameInputs>,
    /// The lines canvas' size and the plot the layer's image was put at.
    placed: Option<(u32, u32, Plot)>,
    /// The changed columns, copied out for `putImageData`.
    scratch: Vec<u8>,
}

/// Everything `draw_frame` draws from: the frame is drawn again only when
/// one of these changed.
#[derive(PartialEq)]
struct FrameInputs {
    size: (u32, u32),
    dpr: u64,
    plot: Plot,
    view: super::View,
    palette: Palette,
    axes: Vec<(ValueScale, String, Option<Thresholds>)>,
    ticks: Vec<TimeTick>,
    /// Alarm bands and stale tails, as the columns they tint.
    bands: Vec<(i32, i32)>,
    stale: Vec<(i32, i32)>,
    limits: Option<RuleLimits>,
    compact: bool,
}

impl FrameInputs {
    fn of(scene: &Scene, plot: Plot, palette: &Palette, dpr: f64, size: (u32, u32)) -> Self {
        FrameInputs {
            size,
            dpr: dpr.to_bits(),
            plot,
            view: scene.view,
            palette: palette.clone(),
            axes: (scene.axes.iter())
                .map(|a| (a.scale.clone(), a.unit.clone(), a.thresholds))
                .collect(),
            ticks: scene.ticks.clone(),
            bands: alarm_columns(scene, plot, dpr),
            stale: stale_columns(scene, plot),
            limits: scene.limits.clone(),
            compact: scene.compact,
        }
    }
}

impl Painter {
    /// The next paint draws both canvases whole.
    pub fn forget(&mut self) {
        self.layer.forget();
        self.frame = None;
        self.placed = None;
    }

    /// Paints `scene`; returns the plot area and how long each part took.
    /// After an error the next paint draws everything.
    pub fn paint(
        &mut self,
        frame: &HtmlCanvasElement,
        lines: &HtmlCanvasElement,
        scene: &Scene,
        palette: &Palette,
        dpr: f64,
    ) -> Result<(Plot, DrawTimes), String> {
        let painted = self.paint_changes(frame, lines, scene, palette, dpr);
        if painted.is_err() {
            self.forget();
        }
        painted
    }

    fn paint_changes(
        &mut self,
        frame: &HtmlCanvasElement,
        lines: &HtmlCanvasElement,
        scene: &Scene,
        palette: &Palette,
        dpr: f64,
    ) -> Result<(Plot, DrawTimes), String> {
        let clock = web_sys::window().and_then(|w| w.performance());
        let now = || clock.as_ref().map_or(0.0, |p| p.now());
        let t0 = now();
        let (w, h) = (frame.width(), frame.height());
        let plot = Plot::inside(w, h, dpr, scene.axes.len(), scene.compact);
        let inputs = FrameInputs::of(scene, plot, palette, dpr, (w, h));
        let mut times = DrawTimes::default();
        if self.frame.as_ref() != Some(&inputs) {
            context(frame)?.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
            let area = CanvasBackend::with_canvas_object(frame.clone())
                .ok_or("no canvas backend")?
                .into_drawing_area();
            draw_frame(&area, scene, plot, palette, dpr).map_err(|e| e.to_string())?;
            self.frame = Some(inputs);
            times.frame_drawn = true;
        }
        let t1 = now();
        let stroke = if dpr < 1.5 {
            1
        } else {
            (1.5 * dpr).round() as u32
        };
        // One row more than the plot is high: a value at the scale's
        // minimum falls on row `plot.h` (the bottom grid line), and a night
        // of zero flow on a water meter must show, not be cut off.
        let (pw, ph) = (plot.w as u32, plot.h as u32 + 1);
        let ctx = context(lines)?;
        let placed = (lines.width(), lines.height(), plot);
        if self.placed != Some(placed) {
            // A new size (the canvas was cleared) or the plot moved.
            ctx.clear_rect(
                0.0,
                0.0,
                f64::from(lines.width()),
                f64::from(lines.height()),
            );
            self.layer.forget();
            self.placed = Some(placed);
        }
        let paths = Paths::of(scene, Plot { x: 0, y: 0, ..plot }, stroke);
        let grid = Grid {
            from: scene.view.from,
            width_ms: scene.width_ms,
            exact: scene.view.span() == scene.width_ms * i64::from(pw),
        };
        let damage = self.layer.paint(paths, grid, pw, ph);
        let t2 = now();
        let put = |pixels: &[u8], x: i32, width: u32| {
            let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), width, ph)
                .map_err(|e| format!("{e:?}"))?;
            ctx.put_image_data(&image, f64::from(plot.x + x), f64::from(plot.y))
                .map_err(|e| format!("{e:?}"))
        };
        match damage {
            Damage::None => {}
            // A moved image is put whole: measured in headless Chromium,
            // the canvas copying its own pixels (drawImage) every few
            // frames cost more than a whole putImageData.
            Damage::All | Damage::Moved { by: 1.., .. } => put(self.layer.pixels(), 0, pw)?,
            Damage::Moved { columns, .. } => {
                for c in columns {
                    let (a, b) = (c.start as usize * 4, c.end as usize * 4);
                    self.scratch.clear();
                    for row in self.layer.pixels().chunks_exact(pw as usize * 4) {
                        self.scratch.extend_from_slice(&row[a..b]);
                    }
                    put(&self.scratch, c.start, (c.end - c.start) as u32)?;
                }
            }
        }
        times.frame_ms = t1 - t0;
        times.lines_ms = t2 - t1;
        times.put_ms = now() - t2;
        Ok((plot, times))
    }
}

/// Where a frame's drawing time went (the benchmark page reports it).
#[derive(Clone, Copy, Debug, Default)]
pub struct DrawTimes {
    pub frame_ms: f64,
    pub lines_ms: f64,
    pub put_ms: f64,
    /// The frame canvas was drawn (it is skipped when nothing on it changed).
    pub frame_drawn: bool,
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
