//! Which devices of the inventory are selected for a bulk change (managers
//! and admins; others get no checkboxes). The selection holds each device as
//! it was listed, so a bulk change can send its whole spec back; it is
//! emptied when the filters change and after a bulk change.

use std::collections::BTreeMap;

use cairn_protocol::DeviceSummary;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Selection {
    /// Whether the user may select (and change) devices.
    pub on: Signal<bool>,
    /// The selected devices by id, as listed.
    pub devices: RwSignal<BTreeMap<String, DeviceSummary>>,
}

impl Selection {
    pub fn new(on: Signal<bool>) -> Selection {
        Selection {
            on,
            devices: RwSignal::new(BTreeMap::new()),
        }
    }

    /// Whether `id` is selected (tracked).
    pub fn has(self, id: &str) -> bool {
        self.devices.with(|m| m.contains_key(id))
    }

    /// How many are selected (tracked).
    pub fn count(self) -> usize {
        self.devices.with(BTreeMap::len)
    }

    /// Selects `d`, or lets it go.
    pub fn set(self, d: &DeviceSummary, on: bool) {
        self.devices.update(|m| {
            if on {
                m.insert(d.id.clone(), d.clone());
            } else {
                m.remove(&d.id);
            }
        });
    }

    /// Selects every one of `rows`, or lets them all go.
    pub fn set_all(self, rows: &[DeviceSummary], on: bool) {
        self.devices.update(|m| {
            for d in rows {
                if on {
                    m.insert(d.id.clone(), d.clone());
                } else {
                    m.remove(&d.id);
                }
            }
        });
    }

    pub fn clear(self) {
        if self.devices.with_untracked(|m| !m.is_empty()) {
            self.devices.update(BTreeMap::clear);
        }
    }

    /// The selected devices, in id order.
    pub fn list_untracked(self) -> Vec<DeviceSummary> {
        self.devices
            .with_untracked(|m| m.values().cloned().collect())
    }
}

/// How many of the loaded `rows` are selected: none, some or all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllState {
    None,
    Some,
    All,
}

pub fn all_state(loaded: usize, selected_of_loaded: usize) -> AllState {
    match selected_of_loaded {
        0 => AllState::None,
        n if n >= loaded => AllState::All,
        _ => AllState::Some,
    }
}

/// The "select all loaded" checkbox over `rows` (the pages fetched so far).
#[component]
pub fn SelectAll(
    select: Selection,
    rows: RwSignal<Vec<DeviceSummary>>,
    /// Shown beside the box (cards); in the table header it is the box's label only.
    #[prop(default = false)]
    visible_label: bool,
    testid: &'static str,
) -> impl IntoView {
    let state = Memo::new(move |_| {
        rows.with(|r| {
            let chosen = select
                .devices
                .with(|m| r.iter().filter(|d| m.contains_key(&d.id)).count());
            all_state(r.len(), chosen)
        })
    });
    let label = move || {
        let n = rows.with(Vec::len);
        format!(
            "Select all {n} loaded device{}",
            if n == 1 { "" } else { "s" }
        )
    };
    view! {
        <label class="cairn-devices__check" class:cairn-devices__check--labelled=visible_label>
            <input type="checkbox" data-testid=testid
                aria-label=label
                prop:checked=move || state.get() == AllState::All
                prop:indeterminate=move || state.get() == AllState::Some
                on:change=move |_| {
                    let on = state.get_untracked() != AllState::All;
                    rows.with_untracked(|r| select.set_all(r, on));
                } />
            {visible_label.then(|| view! { <span>{label}</span> })}
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_all_reads_none_some_or_all() {
        assert_eq!(all_state(0, 0), AllState::None);
        assert_eq!(all_state(200, 0), AllState::None);
        assert_eq!(all_state(200, 3), AllState::Some);
        assert_eq!(all_state(200, 200), AllState::All);
    }
}
