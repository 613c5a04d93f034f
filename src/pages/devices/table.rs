//! The inventory as a virtualised table: only the rows in view (and a few
//! either side) are in the DOM, at a fixed height over a spacer as tall as
//! every device; the next page of 200 is fetched (keyset, the list's
//! `next`) as the view nears the end of what is loaded. For managers and
//! admins the name header holds "select all loaded" (above the cards on a
//! tablet, where the header is hidden).

use cairn_protocol::{DeviceSort, DeviceSummary, InventoryPage};
use leptos::{html::Div, prelude::*, task::spawn_local};
use leptos_use::use_resize_observer;

use super::{
    row::{COLUMNS, DeviceRow, RowCtx},
    select::{SelectAll, Selection},
    view::{InventoryView, encode},
};
use crate::api;

/// Devices per request.
pub const PAGE: u32 = 200;
/// Rows drawn beyond each edge of the view.
const OVERSCAN: usize = 6;
/// Fetch more when the view is this many rows from the end of what is loaded.
const NEAR: usize = 60;

/// Rows `[start, end)` to draw when the body is scrolled `top` px in a
/// viewport `height` px tall: those in view plus [`OVERSCAN`] either side.
pub fn window(top: f64, height: f64, row_h: f64, total: usize) -> (usize, usize) {
    let top = top.max(0.0);
    let first = (top / row_h).floor() as usize;
    let last = ((top + height.max(0.0)) / row_h).ceil() as usize;
    (
        first.saturating_sub(OVERSCAN).min(total),
        (last + OVERSCAN).min(total),
    )
}

/// The rows loaded so far and how to get more.
#[derive(Clone, Copy)]
struct Pager {
    rows: RwSignal<Vec<DeviceSummary>>,
    next: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    range: Memo<(usize, usize)>,
    query: StoredValue<String>,
}

impl Pager {
    /// Fetches the next page if the view is near the end of what is loaded,
    /// and again after it came while the view is still near it.
    fn more(self) {
        let (Some(false), Some(Some(after))) = (
            self.loading.try_get_untracked(),
            self.next.try_get_untracked(),
        ) else {
            return;
        };
        let (_, end) = self.range.get_untracked();
        if end + NEAR < self.rows.with_untracked(Vec::len) {
            return;
        }
        self.loading.set(true);
        let query = self.query.with_value(|q| {
            let sep = if q.is_empty() { "" } else { "&" };
            format!("{q}{sep}limit={PAGE}&after={}", encode(&after))
        });
        spawn_local(async move {
            let answer = api::devices::list(&query).await;
            // The table is gone (another view, another page): nothing to fill.
            if self.loading.try_set(false).is_some() {
                return;
            }
            match answer {
                Ok(page) => {
                    self.rows.update(|r| r.extend(page.items));
                    self.next.set(page.next);
                    self.more();
                }
                Err(e) => self.error.set(Some(e.to_string())),
            }
        });
    }
}

/// The table of one view of the inventory, from its first page.
#[component]
pub fn DeviceTable(
    page: InventoryPage,
    /// The list's filters and order, encoded: the next pages continue it.
    query: String,
    view: Memo<InventoryView>,
    on_sort: Callback<DeviceSort>,
    /// Cards (tablet) rather than table rows.
    cards: Signal<bool>,
    ctx: RowCtx,
) -> impl IntoView {
    let total = page.total as usize;
    let scroller = NodeRef::<Div>::new();
    let top = RwSignal::new(0.0);
    let height = RwSignal::new(900.0);
    use_resize_observer(scroller, move |entries, _| {
        if let Some(e) = entries.first() {
            height.set(e.content_rect().height());
        }
    });
    let range = Memo::new(move |_| window(top.get(), height.get(), ctx.row_h.get(), total));
    let pager = Pager {
        rows: RwSignal::new(page.items),
        next: RwSignal::new(page.next),
        loading: RwSignal::new(false),
        error: RwSignal::new(None),
        range,
        query: StoredValue::new(query),
    };
    pager.more();
    let on_scroll = move |ev: leptos::ev::Event| {
        top.set(event_target::<web_sys::Element>(&ev).scroll_top() as f64);
        pager.more();
    };
    let visible = move || {
        let (start, end) = range.get();
        pager.rows.with(|r| {
            (start..end)
                .map(|i| (i, r.get(i).cloned()))
                .collect::<Vec<_>>()
        })
    };
    let select = ctx.select;
    let rows = pager.rows;
    view! {
        <Show when=move || select.on.get() && cards.get()>
            <div class="cairn-devices__select-cards">
                <SelectAll select rows visible_label=true testid="devices-select-all-cards" />
            </div>
        </Show>
        <div class="cairn-devices__scroller" node_ref=scroller on:scroll=on_scroll tabindex="0"
            class:cairn-devices__scroller--cards=cards
            role="table" aria-label="Devices" aria-rowcount=total + 1 data-testid="devices-table"
            data-loaded=move || pager.rows.with(Vec::len)>
            <div class="cairn-devices__head" role="row" aria-rowindex="1">
                {COLUMNS.into_iter().map(|(key, label, sort)| {
                    let all = (key == "name").then_some((select, rows));
                    header(key, label, sort, view, on_sort, all)
                }).collect_view()}
            </div>
            <div class="cairn-devices__body" style:height=move || format!("{}px", total as f64 * ctx.row_h.get())>
                <For each=visible key=|(i, d)| (*i, d.as_ref().map(|d| d.id.clone()))
                    children=move |(i, d)| match d {
                        Some(device) => view! { <DeviceRow device index=i ctx /> }.into_any(),
                        None => view! {
                            <div class="cairn-devices__row cairn-devices__row--loading" role="row" aria-rowindex=i + 2
                                style:top=move || format!("{}px", i as f64 * ctx.row_h.get())
                                style:height=move || format!("{}px", ctx.row_h.get() - ctx.gap.get())>
                                <div role="cell" class="cairn-devices__cell">"Loading…"</div>
                            </div>
                        }.into_any(),
                    } />
            </div>
        </div>
        {move || pager.error.get().map(|e| view! {
            <p class="cairn-form__error" role="alert">{format!("Could not load more devices: {e}")}</p>
        })}
        <Show when=move || total == 0>
            <p class="cairn-empty" data-testid="devices-empty">"No device matches this search and these filters."</p>
        </Show>
    }
}

/// A column's header: a button that sorts by it (again: the other way round);
/// `all`: the "select all loaded" box before it (the name column).
fn header(
    key: &'static str,
    label: &'static str,
    sort: Option<DeviceSort>,
    view: Memo<InventoryView>,
    on_sort: Callback<DeviceSort>,
    all: Option<(Selection, RwSignal<Vec<DeviceSummary>>)>,
) -> impl IntoView {
    let state = move || {
        let s = sort?;
        Some(view.with(|v| match (v.sort == s, v.desc) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }))
    };
    let arrow = move || match state() {
        Some("ascending") => "▲",
        Some("descending") => "▼",
        _ => "",
    };
    view! {
        <div role="columnheader" class=format!("cairn-devices__cell cairn-devices__cell--{key}") aria-sort=state>
            {all.map(|(select, rows)| view! {
                <Show when=move || select.on.get()>
                    <SelectAll select rows testid="devices-select-all" />
                </Show>
            })}
            {match sort {
                Some(s) => view! {
                    <button type="button" class="cairn-devices__sort" data-testid=format!("devices-sort-{}", s.name())
                        on:click=move |_| on_sort.run(s)>
                        {label}<span class="cairn-devices__arrow" aria-hidden="true">{arrow}</span>
                    </button>
                }.into_any(),
                None => label.into_any(),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn only_the_rows_in_view_and_a_few_more_are_drawn() {
        // 52 px rows, an 800 px view: 16 rows at the top, 6 more below.
        assert_eq!(window(0.0, 800.0, 52.0, 10_000), (0, 22));
        // Scrolled to row 100: 6 above, 16 in view, 6 below.
        assert_eq!(window(5_200.0, 800.0, 52.0, 10_000), (94, 122));
        // Never past the end, even scrolled beyond it.
        assert_eq!(window(1e9, 800.0, 52.0, 30), (30, 30));
        assert_eq!(window(0.0, 800.0, 52.0, 3), (0, 3));
    }
}
