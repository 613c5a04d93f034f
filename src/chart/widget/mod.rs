//! `TimeChart`: the chart engine (`crate::chart`) as a Leptos component.
//! It asks its data source (a prop: pages pass `api::series`) for history at
//! its pixel width, appends the live readings it is given (a prop: pages pass
//! the live store's), redraws what changed at most once per animation frame
//! (one frame callback for every chart of the page), and offers
//! ranges, zoom and pan (mouse, wheel, touch, keyboard), a crosshair, a
//! legend, a trend, a table, a summary and CSV. It does no IO and reads no
//! app context.

mod frames;
mod gestures;
pub(crate) mod model;
mod panel;

use std::{collections::HashSet, future::Future, pin::Pin};

use cairn_protocol::{Reading, SeriesBatch};
use leptos::{html, prelude::*};
use leptos_use::{use_debounce_fn_with_arg, use_device_pixel_ratio, use_resize_observer};

pub use model::ChartPoint;
use model::{Loaded, Model};

use crate::{
    chart::{
        Range, View, canvas,
        render::{Plot, RuleLimits},
    },
    state::theme::Mode,
};
use gestures::{Action, Gesture};

/// What a chart asks its data source for: the history of `points` from
/// `from` to `to` (UTC ms), decimated to `px` columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesQuery {
    pub points: Vec<u32>,
    pub from: i64,
    pub to: i64,
    pub px: u32,
}

/// A data source's answer, whenever it comes (the chart keeps drawing what it
/// has meanwhile); an error is shown above the chart.
pub type SeriesFuture = Pin<Box<dyn Future<Output = Result<SeriesBatch, String>>>>;

/// An interval an alarm was active, UTC ms (to: none = still active).
pub type AlarmBand = (i64, Option<i64>);

/// Where a chart's history comes from: pages pass `/api/series`, tests a fixed batch.
pub type SeriesSource = Callback<SeriesQuery, SeriesFuture>;

/// Everything the parts of a chart share.
#[derive(Clone, Copy)]
pub struct ChartState {
    pub points: Signal<Vec<ChartPoint>>,
    pub model: StoredValue<Model, LocalStorage>,
    /// Bumped whenever the model's data changes.
    pub version: RwSignal<u64>,
    pub view: RwSignal<View>,
    pub range: RwSignal<Range>,
    pub hidden: RwSignal<HashSet<u32>>,
    pub trend: RwSignal<bool>,
    pub table: RwSignal<bool>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    /// Crosshair position (CSS px from the canvas' left edge).
    pub hover: RwSignal<Option<f64>>,
    /// The plot area of the last frame, CSS px.
    pub plot: RwSignal<(f64, f64, f64, f64)>,
    /// The view the last frame was drawn with: `view` snapped to whole
    /// columns while it follows the clock (positions map through this one).
    pub drawn: RwSignal<View>,
    pub now: Signal<i64>,
    /// A chart without presets: its fixed window, where "Reset" returns.
    pub home: Option<View>,
}

impl ChartState {
    /// The time under a CSS x position.
    pub fn time_at(&self, x: f64) -> i64 {
        let (px, _, pw, _) = self.plot.get_untracked();
        self.drawn.get_untracked().time_at((x - px) / pw.max(1.0))
    }

    pub fn zone(&self) -> String {
        self.points
            .with_untracked(|p| p.first().map(|p| p.time_zone.clone()).unwrap_or_default())
    }

    /// Shows `view`, leaving live scrolling.
    pub fn show(&self, view: View) {
        self.range.set(Range::Custom);
        self.view.set(view);
    }

    /// The chart was unmounted: deferred work (a frame, a fetch) must not
    /// touch its signals any more.
    pub fn disposed(&self) -> bool {
        self.version.is_disposed()
    }

    pub fn reset(&self, range: Range) {
        if let Some(home) = self.home {
            self.show(home);
            return;
        }
        let range = if range == Range::Custom {
            Range::Day
        } else {
            range
        };
        self.range.set(range);
        self.view.set(View::ending(
            self.now.get_untracked(),
            range.span().unwrap_or(86_400_000),
        ));
    }
}

#[component]
pub fn TimeChart(
    #[prop(into)] points: Signal<Vec<ChartPoint>>,
    /// History of the points: asked whenever the view leaves what is loaded.
    source: SeriesSource,
    /// The time now (UTC ms, the server's clock), ticking: presets follow it.
    #[prop(into)]
    now: Signal<f64>,
    /// The latest reading of each point shown, as readings arrive; they are
    /// appended to the chart. None: history only.
    #[prop(optional, into)]
    live: Option<Signal<Vec<Reading>>>,
    /// The theme in effect: the chart redraws in its colours when it changes.
    #[prop(optional, into)]
    theme: Option<Signal<Mode>>,
    #[prop(default = Range::Day)] range: Range,
    /// A fixed first view (from, to) instead of the preset: shown as a zoom
    /// (`Custom`), which the toolbar's presets leave.
    #[prop(default = None)]
    initial: Option<(i64, i64)>,
    /// Alarm intervals (from, to; to none = still active) drawn as
    /// translucent bands behind the lines.
    #[prop(optional, into)]
    bands: Option<Signal<Vec<AlarmBand>>>,
    /// A rule's limits, drawn instead of the metric's default thresholds.
    #[prop(default = None)]
    limits: Option<RuleLimits>,
    /// The range buttons (Live, 1 h … 1 y). Without them the chart keeps
    /// its first view, and "Reset" returns there.
    #[prop(default = true)]
    presets: bool,
    /// A sparkline: no axes, no controls, no gestures.
    #[prop(default = false)]
    compact: bool,
    /// Accessible name of the chart.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let start = now.get_untracked() as i64;
    let now = Signal::derive(move || now.get() as i64);
    let (range, first_view) = match initial {
        Some((from, to)) if to > from => (Range::Custom, View { from, to }),
        _ => (
            range,
            View::ending(start, range.span().unwrap_or(86_400_000)),
        ),
    };
    // Follows the browser's zoom, so the canvases stay one pixel per device pixel.
    let dpr = use_device_pixel_ratio();
    let dpr = Signal::derive(move || dpr.get().max(1.0));
    let state = ChartState {
        points,
        model: StoredValue::new_local(Model::default()),
        version: RwSignal::new(0),
        view: RwSignal::new(first_view),
        range: RwSignal::new(range),
        hidden: RwSignal::new(HashSet::new()),
        trend: RwSignal::new(false),
        table: RwSignal::new(false),
        loading: RwSignal::new(false),
        error: RwSignal::new(None),
        hover: RwSignal::new(None),
        plot: RwSignal::new((0.0, 0.0, 1.0, 1.0)),
        drawn: RwSignal::new(first_view),
        now,
        home: (!presets).then_some(first_view),
    };
    if limits.is_some() {
        state.model.update_value(|m| m.limits = limits);
    }
    provide_context(state);
    // Two stacked canvases: the frame (bands, grid, labels) under the lines.
    let frame_canvas = NodeRef::<html::Canvas>::new();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let frame_ref = NodeRef::<html::Div>::new();
    let size = RwSignal::new((0.0_f64, 0.0_f64));
    use_resize_observer(frame_ref, move |entries, _| {
        if let Some(e) = entries.first() {
            let r = e.content_rect();
            size.set((r.width(), r.height()));
        }
    });

    // Points: keep what is held for points still shown.
    Effect::new(move |_| {
        let pts = points.get();
        state.model.update_value(|m| m.set_points(&pts));
        state.version.update(|v| *v += 1);
    });
    // Every preset ("last 24 h") follows the clock; only a zoom or pan
    // (Custom) holds the view still.
    Effect::new(move |_| {
        let t = now.get();
        if let Some(span) = state.range.get().span() {
            state.view.set(View::ending(t, span));
        }
    });
    // Live readings of the points shown are appended as they come.
    if let Some(live) = live {
        Effect::new(move |_| {
            let mut appended = false;
            for r in live.get() {
                appended |= state
                    .model
                    .try_update_value(|m| m.append(r.point, r.ts, r.value))
                    .unwrap_or(false);
            }
            if appended {
                state.version.update(|v| *v += 1);
            }
        });
    }
    if let Some(bands) = bands {
        Effect::new(move |_| {
            let b = bands.get();
            state.model.update_value(|m| m.bands = b);
            state.version.update(|v| *v += 1);
        });
    }
    fetch_when_needed(state, source, size, dpr);
    draw_on_change(state, [frame_canvas, canvas_ref], size, dpr, theme, compact);

    let gesture = StoredValue::new(Gesture::Idle);
    let selection = RwSignal::new(None::<(f64, f64)>);
    let plot_x = move |client_x: f64| {
        let left = canvas_ref
            .get_untracked()
            .map_or(0.0, |c| c.get_bounding_client_rect().left());
        client_x - left
    };
    let width = move || state.plot.get_untracked().2.max(1.0);
    let act = move |a: Action| match a {
        Action::View(v) => state.show(v),
        Action::Tap(x) => state.hover.set(Some(x + state.plot.get_untracked().0)),
        Action::None => {}
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        if compact || ev.button() > 0 {
            return;
        }
        let _ = canvas_ref
            .get_untracked()
            .map(|c| c.set_pointer_capture(ev.pointer_id()));
        let x = plot_x(f64::from(ev.client_x())) - state.plot.get_untracked().0;
        let mouse = ev.pointer_type() == "mouse";
        gesture.update_value(|g| {
            g.down(
                ev.pointer_id(),
                x,
                mouse,
                ev.shift_key(),
                state.view.get_untracked(),
            )
        });
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        if compact {
            return;
        }
        let css_x = plot_x(f64::from(ev.client_x()));
        let x = css_x - state.plot.get_untracked().0;
        let action = gesture
            .try_update_value(|g| g.moved(ev.pointer_id(), x, width()))
            .unwrap_or(Action::None);
        selection.set(gesture.with_value(|g| g.selection()));
        if ev.pointer_type() == "mouse" {
            state.hover.set(Some(css_x));
        }
        act(action);
    };
    let on_up = move |_: web_sys::PointerEvent| {
        let action = gesture
            .try_update_value(|g| g.up(state.view.get_untracked(), width()))
            .unwrap_or(Action::None);
        selection.set(None);
        act(action);
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        if compact {
            return;
        }
        ev.prevent_default();
        let (px, _, pw, _) = state.plot.get_untracked();
        let anchor = (plot_x(f64::from(ev.client_x())) - px) / pw.max(1.0);
        let factor = (ev.delta_y().clamp(-200.0, 200.0) * 0.002).exp();
        state.show(state.view.get_untracked().zoom(anchor, factor));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let v = state.view.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowLeft" => v.pan(-0.1),
            "ArrowRight" => v.pan(0.1),
            "+" | "=" => v.zoom(0.5, 0.5),
            "-" => v.zoom(0.5, 2.0),
            "Escape" => {
                state.hover.set(None);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        state.show(next);
    };
    view! {
        <div class="cairn-chart" class:cairn-chart--compact=compact>
            {(!compact).then(|| view! { <panel::Toolbar /> })}
            <div class="cairn-chart__frame" node_ref=frame_ref tabindex=if compact { -1 } else { 0 }
                role="img" aria-label=label.clone() on:keydown=on_key
                on:mouseleave=move |_| state.hover.set(None)>
                <canvas node_ref=frame_canvas class="cairn-chart__canvas" aria-hidden="true"></canvas>
                <canvas node_ref=canvas_ref class="cairn-chart__canvas"
                    on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                    on:pointercancel=on_up on:wheel=on_wheel
                    on:dblclick=move |_| state.reset(Range::Day)></canvas>
                {move || selection.get().map(|(a, b)| {
                    let (px, py, _, ph) = state.plot.get();
                    view! { <div class="cairn-chart__selection" style=format!(
                        "left:{}px;top:{py}px;width:{}px;height:{ph}px", px + a, b - a) /> }
                })}
                {(!compact).then(|| view! { <panel::Crosshair /> })}
                <Show when=move || state.loading.get()>
                    <p class="cairn-chart__loading" role="status">"Loading…"</p>
                </Show>
            </div>
            {(!compact).then(|| view! { <panel::Legend /> <panel::Readout /> <panel::DataTable /> })}
        </div>
    }
}

/// Asks the data source when the view leaves what is loaded, 150 ms after
/// the view settles; what was drawn stays until the answer replaces it.
fn fetch_when_needed(
    state: ChartState,
    source: SeriesSource,
    size: RwSignal<(f64, f64)>,
    dpr: Signal<f64>,
) {
    // Numbers the requests: only the newest one's answer ends "Loading…".
    let generation = StoredValue::new(0u64);
    let fetch = use_debounce_fn_with_arg(
        move |want: Loaded| {
            // Gone (page left, signed out): nothing to fetch for.
            if state.disposed() {
                return;
            }
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let query = SeriesQuery {
                points: state
                    .points
                    .with_untracked(|p| p.iter().map(|p| p.id).collect()),
                from: want.from,
                to: want.to,
                px: ((want.to - want.from) / want.width_ms.max(1)).clamp(1, 8_192) as u32,
            };
            // A preset's range stays open at the end: live readings extend it.
            let live = state.range.get_untracked() != Range::Custom;
            state.loading.set(true);
            let answer = source.run(query);
            leptos::task::spawn_local(async move {
                let answer = answer.await;
                if state.disposed() {
                    return;
                }
                if generation.try_get_value() == Some(mine) {
                    state.loading.set(false);
                }
                match answer {
                    Ok(batch) => {
                        state.error.set(None);
                        state.model.update_value(|m| m.take(want, batch, live));
                        state.version.update(|v| *v += 1);
                    }
                    Err(e) => state.error.set(Some(e)),
                }
            });
        },
        150.0,
    );
    Effect::new(move |_| {
        let (view, (w, _)) = (state.view.get(), size.get());
        state.version.track();
        if w < 1.0 {
            return;
        }
        let px = (w * dpr.get()) as u32;
        let now = state.now.get_untracked();
        if let Some(want) = state.model.with_value(|m| m.wants(view, px, now)) {
            fetch(want);
        }
    });
}

/// Redraws at most once per animation frame when anything drawn changes,
/// in the frame every chart of the page draws in (`frames`); the painter
/// draws only what changed.
fn draw_on_change(
    state: ChartState,
    canvases: [NodeRef<html::Canvas>; 2],
    size: RwSignal<(f64, f64)>,
    dpr: Signal<f64>,
    theme: Option<Signal<Mode>>,
    compact: bool,
) {
    let pending = StoredValue::new(false);
    let painter = StoredValue::new_local(canvas::Painter::default());
    Effect::new(move |_| {
        state.version.track();
        state.view.track();
        state.hidden.track();
        state.trend.track();
        if let Some(theme) = theme {
            theme.track();
        }
        size.track();
        dpr.track();
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        frames::on_next_frame(move || {
            if state.disposed() || pending.try_set_value(false).is_some() {
                return;
            }
            let (Some(canvas), Some(lines)) =
                (canvases[0].get_untracked(), canvases[1].get_untracked())
            else {
                return;
            };
            let (w, h) = size.get_untracked();
            if w < 1.0 || h < 1.0 {
                return;
            }
            let dpr = dpr.get_untracked();
            let (cw, ch) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
            for c in [&canvas, &lines] {
                if c.width() != cw || c.height() != ch {
                    c.set_width(cw);
                    c.set_height(ch);
                }
            }
            let palette = canvas::palette(&canvas);
            let hidden = state.hidden.get_untracked();
            let (view, trend, now) = (
                state.view.get_untracked(),
                state.trend.get_untracked(),
                state.now.get_untracked(),
            );
            // A view following the clock is drawn on whole columns, so the
            // painter shifts its image as time goes on.
            let live = state.range.get_untracked() != Range::Custom;
            // No signal is set while the model is borrowed: whatever that
            // wakes may read the model.
            let drawn = state.model.try_update_value(|m| {
                let axes = m.units(&hidden).len();
                let plot = Plot::inside(cw, ch, dpr, axes, compact);
                let view = if live {
                    view.snapped(plot.w as u32)
                } else {
                    view
                };
                let scene = m.scene(view, plot, &hidden, trend, now, &palette, dpr, compact);
                let painted =
                    painter.try_update_value(|p| p.paint(&canvas, &lines, &scene, &palette, dpr));
                painted.map(|p| p.map(|plot| (plot, view)))
            });
            match drawn
                .flatten()
                .unwrap_or_else(|| Err("disposed".to_owned()))
            {
                Ok(((p, _), view)) => {
                    if state.drawn.get_untracked() != view {
                        state.drawn.set(view);
                    }
                    let css = (
                        f64::from(p.x) / dpr,
                        f64::from(p.y) / dpr,
                        f64::from(p.w) / dpr,
                        f64::from(p.h) / dpr,
                    );
                    if state.plot.get_untracked() != css {
                        state.plot.set(css);
                    }
                }
                Err(e) => leptos::logging::warn!("chart: {e}"),
            }
        });
    });
}
