//! The inventory's search box, health chips and selects, each value with
//! how many devices it would give (the list's facets: every other filter
//! applied). On a tablet: search and chips first, a sort select for the cards.
//! Below them, "Clear filters" and the named views kept in this browser
//! (`views.rs`).

use cairn_protocol::{DeviceKind, DeviceSort, FacetCount, Facets, health::HealthFlag};
use leptos::prelude::*;
use leptos_use::use_debounce_fn_with_arg;

use super::{text, view::InventoryView, views::SavedViews};
use crate::state::live::use_live;

/// How many devices `value` gives in `list` (0 when not listed).
fn count_of(list: &[FacetCount], value: &str) -> u64 {
    list.iter()
        .find(|f| f.value == value)
        .map_or(0, |f| f.count)
}

/// Search, health chips, site/kind/model/firmware selects, sort (cards),
/// clear, saved views.
#[component]
pub fn FilterBar(
    view: Memo<InventoryView>,
    set: Callback<InventoryView>,
    /// The facets of the current list (the last loaded while a new one loads).
    #[prop(into)]
    facets: Signal<Option<Facets>>,
) -> impl IntoView {
    let change = move |f: fn(&mut InventoryView, String)| {
        move |ev| {
            let mut v = view.get_untracked();
            f(&mut v, event_target_value(&ev));
            set.run(v);
        }
    };
    let facet = move |f: fn(&Facets) -> &Vec<FacetCount>, value: &str| {
        facets.with(|x| x.as_ref().map(|x| count_of(f(x), value)))
    };
    let label = move |f: fn(&Facets) -> &Vec<FacetCount>, name: String, value: String| match facet(
        f, &value,
    ) {
        Some(n) => format!("{name} ({})", text::count(n)),
        None => name,
    };
    let live = use_live();
    // What the search box holds (the URL follows it a moment later).
    let typed = RwSignal::new(view.with_untracked(|v| v.q.clone()));
    let sites = move || {
        live.sites.get().into_iter().map(move |s| {
        let on = view.with(|v| v.site == s.id);
        view! { <option value=s.id.clone() selected=on>{label(|f| &f.site, s.name.clone(), s.id.clone())}</option> }
    }).collect_view()
    };
    let kinds = move || {
        DeviceKind::ALL.into_iter().map(move |k| {
        let on = view.with(|v| v.kind == k.name());
        view! { <option value=k.name() selected=on>{label(|f| &f.kind, text::kind_label(k).into(), k.name().into())}</option> }
    }).collect_view()
    };
    view! {
        <div class="cairn-devices__filters" data-testid="devices-filters">
            <Search view set typed />
            <div class="cairn-devices__chips" role="group" aria-label="Health">
                {HealthFlag::ALL.into_iter().map(|f| view! {
                    <button type="button" class="cairn-devices__chip" data-flag=f.name()
                        data-testid=format!("devices-health-{}", f.name())
                        aria-pressed=move || view.with(|v| v.health.contains(&f)).to_string()
                        on:click=move |_| set.run(view.get_untracked().toggled(f))>
                        {f.label()}
                        <span class="cairn-devices__chip-count">
                            {move || facet(|x| &x.health, f.name()).map(text::count).unwrap_or_default()}
                        </span>
                    </button>
                }).collect_view()}
            </div>
            <div class="cairn-devices__selects">
                <label class="cairn-field">
                    <span class="cairn-field__label">"Site"</span>
                    <select class="cairn-field__input" data-testid="devices-filter-site" prop:value=move || view.with(|v| v.site.clone())
                        on:change=change(|v, x| v.site = x)>
                        <option value="" selected=move || view.with(|v| v.site.is_empty())>"All sites"</option>
                        {sites}
                    </select>
                </label>
                <label class="cairn-field">
                    <span class="cairn-field__label">"Kind"</span>
                    <select class="cairn-field__input" data-testid="devices-filter-kind" prop:value=move || view.with(|v| v.kind.clone())
                        on:change=change(|v, x| v.kind = x)>
                        <option value="" selected=move || view.with(|v| v.kind.is_empty())>"All kinds"</option>
                        {kinds}
                    </select>
                </label>
                <FacetSelect label="Model" testid="devices-filter-model" any="All models"
                    chosen=Signal::derive(move || view.with(|v| v.model.clone()))
                    values=Signal::derive(move || facets.with(|f| f.as_ref().map(|f| f.model.clone()).unwrap_or_default()))
                    on_change=Callback::new(move |x| { let mut v = view.get_untracked(); v.model = x; set.run(v) }) />
                <FacetSelect label="Firmware" testid="devices-filter-firmware" any="All firmware"
                    chosen=Signal::derive(move || view.with(|v| v.firmware.clone()))
                    values=Signal::derive(move || facets.with(|f| f.as_ref().map(|f| f.firmware.clone()).unwrap_or_default()))
                    on_change=Callback::new(move |x| { let mut v = view.get_untracked(); v.firmware = x; set.run(v) }) />
                <SortSelect view set />
            </div>
            <div class="cairn-devices__filters-foot">
                <Show when=move || view.with(InventoryView::filtered)>
                    <button type="button" class="cairn-button cairn-devices__clear" data-testid="devices-clear"
                        on:click=move |_| {
                            typed.set(String::new());
                            let v = view.get_untracked();
                            set.run(InventoryView { sort: v.sort, desc: v.desc, ..InventoryView::default() });
                        }>"Clear filters"</button>
                </Show>
                <SavedViews view typed />
            </div>
        </div>
    }
}

/// The search box: the URL follows what is typed, 300 ms after the last key.
#[component]
fn Search(
    view: Memo<InventoryView>,
    set: Callback<InventoryView>,
    typed: RwSignal<String>,
) -> impl IntoView {
    let apply = move |q: String| {
        let mut v = view.get_untracked();
        if v.q != q {
            v.q = q;
            set.run(v);
        }
    };
    let later = use_debounce_fn_with_arg(apply, 300.0);
    view! {
        <form class="cairn-devices__search" role="search" on:submit=move |ev| { ev.prevent_default(); apply(typed.get_untracked()); }>
            <input type="search" class="cairn-field__input" aria-label="Search devices" data-testid="devices-search"
                placeholder="Search name, id, model, serial, firmware, tag" autocomplete="off" spellcheck="false"
                prop:value=typed
                on:input=move |ev| { let q = event_target_value(&ev); typed.set(q.clone()); later(q); } />
        </form>
    }
}

/// A select of the values a facet lists, with their counts; the chosen
/// value stays listed even when no device has it any more.
#[component]
fn FacetSelect(
    label: &'static str,
    testid: &'static str,
    any: &'static str,
    chosen: Signal<String>,
    values: Signal<Vec<FacetCount>>,
    on_change: Callback<String>,
) -> impl IntoView {
    let options = move || {
        let now = chosen.get();
        let mut list: Vec<(String, u64)> = values.with(|l| {
            (l.iter())
                .filter(|f| !f.value.is_empty())
                .map(|f| (f.value.clone(), f.count))
                .collect()
        });
        if !now.is_empty() && !list.iter().any(|(v, _)| *v == now) {
            list.push((now.clone(), 0));
        }
        list.sort_by(|a, b| a.0.cmp(&b.0));
        list.into_iter().map(|(v, n)| {
            let on = v == now;
            view! { <option value=v.clone() selected=on>{format!("{v} ({})", text::count(n))}</option> }
        }).collect_view()
    };
    view! {
        <label class="cairn-field">
            <span class="cairn-field__label">{label}</span>
            <select class="cairn-field__input" data-testid=testid prop:value=chosen on:change=move |ev| on_change.run(event_target_value(&ev))>
                <option value="" selected=move || chosen.with(String::is_empty)>{any}</option>
                {options}
            </select>
        </label>
    }
}

/// Sort for the cards (the table sorts by its headers).
#[component]
fn SortSelect(view: Memo<InventoryView>, set: Callback<InventoryView>) -> impl IntoView {
    let columns = super::row::COLUMNS;
    view! {
        <div class="cairn-devices__sortbar">
            <label class="cairn-field">
                <span class="cairn-field__label">"Sort by"</span>
                <select class="cairn-field__input" data-testid="devices-sort" prop:value=move || view.with(|v| v.sort.name())
                    on:change=move |ev| if let Some(s) = DeviceSort::parse(&event_target_value(&ev)) {
                        set.run(InventoryView { sort: s, ..view.get_untracked() })
                    }>
                    {columns.into_iter().filter_map(|(_, label, s)| s.map(|s| (label, s))).map(|(label, s)| view! {
                        <option value=s.name() selected=move || view.with(|v| v.sort == s)>{label}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="button" class="cairn-button" data-testid="devices-dir"
                aria-label=move || if view.with(|v| v.desc) { "Descending: sort ascending" } else { "Ascending: sort descending" }
                on:click=move |_| set.run(InventoryView { desc: !view.with_untracked(|v| v.desc), ..view.get_untracked() })>
                {move || if view.with(|v| v.desc) { "▼" } else { "▲" }}
            </button>
        </div>
    }
}
