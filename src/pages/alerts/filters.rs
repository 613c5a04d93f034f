//! The queue's filters, kept in the URL query (`?site=…&severity=critical`)
//! so a filtered queue can be bookmarked and survives a reload.

use cairn_protocol::{Alarm, AlarmState, Severity};
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

use crate::state::live::use_live;

/// What the queue shows; `None` = any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {
    pub site: Option<String>,
    pub building: Option<String>,
    pub severity: Option<Severity>,
    /// An [`AlarmState`] name, or `shelved` (only shelved alarms; the others
    /// leave shelved ones out).
    pub state: Option<String>,
}

pub const SHELVED: &str = "shelved";

impl Filters {
    pub fn matches(&self, a: &Alarm, now: i64) -> bool {
        let shelved = a.shelved_until.is_some_and(|t| t > now);
        self.site.as_ref().is_none_or(|s| *s == a.site_id)
            && (self.building.as_ref()).is_none_or(|b| a.building_id.as_ref() == Some(b))
            && self.severity.is_none_or(|s| s == a.severity)
            && match self.state.as_deref() {
                Some(SHELVED) => shelved,
                Some(s) => !shelved && AlarmState::parse(s) == Some(a.state),
                None => !shelved,
            }
    }
}

/// The filters in the URL and a way to change one (the others stay).
pub fn use_filters() -> (Memo<Filters>, Callback<(&'static str, String)>) {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| {
            let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
            Filters {
                site: get("site"),
                building: get("building"),
                severity: get("severity").and_then(|s| Severity::parse(&s)),
                state: get("state"),
            }
        })
    });
    let set = use_set_query();
    (filters, set)
}

/// Sets one key of `/alerts`'s query (empty: removes it), replacing the
/// history entry: filtering is not a new page to go back to.
pub fn use_set_query() -> Callback<(&'static str, String)> {
    let query = use_query_map();
    let navigate = use_navigate();
    Callback::new(move |(key, value): (&'static str, String)| {
        let mut pairs: Vec<(String, String)> = query.with_untracked(|q| {
            ["tab", "site", "building", "severity", "state"]
                .into_iter()
                .filter(|k| *k != key)
                .filter_map(|k| q.get(k).map(|v| (k.to_owned(), v)))
                .collect()
        });
        // A building belongs to one site: a new site forgets it.
        if key == "site" {
            pairs.retain(|(k, _)| k != "building");
        }
        if !value.is_empty() {
            pairs.push((key.to_owned(), value));
        }
        let search: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v)))
            .collect();
        let url = if search.is_empty() {
            "/alerts".to_owned()
        } else {
            format!("/alerts?{}", search.join("&"))
        };
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    })
}

/// The filter controls: site, building (of the chosen site), severity, state.
#[component]
pub fn FilterBar(filters: Memo<Filters>, set: Callback<(&'static str, String)>) -> impl IntoView {
    let live = use_live();
    let value =
        move |f: fn(&Filters) -> Option<String>| move || filters.with(f).unwrap_or_default();
    let buildings = move || {
        let site = filters.with(|f| f.site.clone());
        live.buildings.with(|bs| {
            bs.iter()
                .filter(|b| site.as_ref().is_none_or(|s| *s == b.site_id))
                .map(|b| (b.id.clone(), b.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let states = [
        ("", "Open (not shelved)"),
        ("unacknowledged", "Active, not acknowledged"),
        ("acknowledged", "Active, acknowledged"),
        ("cleared_unacknowledged", "Back to normal, not acknowledged"),
        (SHELVED, "Shelved"),
    ];
    view! {
        <div class="cairn-filters cairn-alarms__filters" data-testid="alarm-filters">
            <label class="cairn-field">
                <span class="cairn-field__label">"Site"</span>
                <select class="cairn-field__input" data-testid="alarm-filter-site" prop:value=value(|f| f.site.clone())
                    on:change=move |ev| set.run(("site", event_target_value(&ev)))>
                    <option value="">"All sites"</option>
                    {move || live.sites.get().into_iter().map(|s| view! {
                        <option value=s.id.clone() selected=filters.with(|f| f.site.as_ref() == Some(&s.id))>{s.name}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="cairn-field">
                <span class="cairn-field__label">"Building"</span>
                <select class="cairn-field__input" data-testid="alarm-filter-building" prop:value=value(|f| f.building.clone())
                    on:change=move |ev| set.run(("building", event_target_value(&ev)))>
                    <option value="">"All buildings"</option>
                    {move || buildings().into_iter().map(|(id, name)| {
                        let on = filters.with(|f| f.building.as_ref() == Some(&id));
                        view! { <option value=id selected=on>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="cairn-field">
                <span class="cairn-field__label">"Severity"</span>
                <select class="cairn-field__input" data-testid="alarm-filter-severity"
                    prop:value=value(|f| f.severity.map(|s| s.name().to_owned()))
                    on:change=move |ev| set.run(("severity", event_target_value(&ev)))>
                    <option value="">"Any severity"</option>
                    {Severity::ALL.into_iter().rev().map(|s| view! {
                        <option value=s.name() selected=move || filters.with(|f| f.severity == Some(s))>
                            {super::text::severity_label(s)}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <label class="cairn-field">
                <span class="cairn-field__label">"State"</span>
                <select class="cairn-field__input" data-testid="alarm-filter-state" prop:value=value(|f| f.state.clone())
                    on:change=move |ev| set.run(("state", event_target_value(&ev)))>
                    {states.into_iter().map(|(v, label)| view! {
                        <option value=v selected=move || filters.with(|f| f.state.as_deref().unwrap_or("") == v)>{label}</option>
                    }).collect_view()}
                </select>
            </label>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_leave_shelved_alarms_to_their_own_view() {
        let a: Alarm = serde_json::from_value(serde_json::json!({
            "id": 1, "rule_id": 1, "rule_name": "Warm", "severity": "warning", "point": 1,
            "point_key": "d/co2", "device_id": "d", "device_name": "D", "site_id": "s1",
            "building_id": "b1", "metric": "co2", "state": "acknowledged", "raised_at": 0,
            "count": 1, "suppressed": false, "shelved_until": 1000
        }))
        .unwrap();
        let f = |state: Option<&str>| Filters {
            state: state.map(str::to_owned),
            ..Filters::default()
        };
        // Shelved until 1000: out of the queue before then, back after.
        assert!(!f(None).matches(&a, 500) && f(Some(SHELVED)).matches(&a, 500));
        assert!(f(None).matches(&a, 1000) && f(Some("acknowledged")).matches(&a, 2000));
        assert!(!f(Some("unacknowledged")).matches(&a, 2000));
        let site = |s: &str, b: Option<&str>| Filters {
            site: Some(s.into()),
            building: b.map(str::to_owned),
            ..Filters::default()
        };
        assert!(site("s1", Some("b1")).matches(&a, 2000));
        assert!(!site("s2", None).matches(&a, 2000) && !site("s1", Some("b2")).matches(&a, 2000));
        let critical = Filters {
            severity: Some(Severity::Critical),
            ..Filters::default()
        };
        assert!(!critical.matches(&a, 2000));
    }
}
