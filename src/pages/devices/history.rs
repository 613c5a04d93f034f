//! A device's change history from the audit log (`GET /api/devices/{id}/history`):
//! who did what and when, and for a change, each field that changed.

use cairn_protocol::AuditEntry;
use leptos::prelude::*;

use crate::{api, components::load_errors::LoadErrors, format};

/// The fields an update changed, `(field, before, after)`, from the entry's
/// JSON (top-level fields; nested ones as compact JSON).
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, serde_json::Value> {
        s.and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_owned(),
        Some(serde_json::Value::String(s)) if s.is_empty() => "—".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    (keys.into_iter())
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| (k.clone(), show(b.get(k)), show(a.get(k))))
        .collect()
}

/// What an audit action says to a person.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "device.create" => "Created",
        "device.update" => "Changed",
        "device.token" => "New ingest token issued",
        _ => "Changed",
    }
}

/// The device's history, newest first, in its site's time zone.
#[component]
pub fn History(id: String, zone: String) -> impl IntoView {
    let loaded = LocalResource::new(move || {
        let id = id.clone();
        async move { api::devices::history(&id).await }
    });
    view! {
        <section class="cairn-card cairn-device__card cairn-device__history" data-testid="device-history" aria-label="History">
            <h2 class="cairn-card__title">"History"</h2>
            <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load its history" /> }>
                {move || loaded.get().map(|r| r.map(|entries| view! { <Entries entries zone=zone.clone() /> }))}
            </ErrorBoundary>
        </section>
    }
}

#[component]
fn Entries(entries: Vec<AuditEntry>, zone: String) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="cairn-empty">"No recorded change."</p> }.into_any();
    }
    view! {
        <ol class="cairn-device__history-list">
            {entries.into_iter().map(|e| {
                let changed = if e.action == "device.update" {
                    changes(e.before.as_deref(), e.after.as_deref())
                } else {
                    Vec::new()
                };
                view! {
                    <li class="cairn-device__history-entry" data-testid="device-history-entry" data-action=e.action.clone()>
                        <p>
                            <strong>{action_label(&e.action)}</strong>
                            " by " {e.actor.clone()} ", " {format::date_time_in(e.at, &zone)}
                        </p>
                        <ul class="cairn-device__history-changes">
                            {changed.into_iter().map(|(field, before, after)| {
                                let data_field = field.clone();
                                view! {
                                <li data-testid="device-history-change" data-field=data_field>
                                    <span class="cairn-device__history-field">{field}</span>
                                    ": " {before} " → " {after}
                                </li>
                            }}).collect_view()}
                        </ul>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_lists_each_changed_field_once_with_before_and_after() {
        let before = r#"{"name":"Room 1","tags":["a"],"location":null,"state":"active"}"#;
        let after =
            r#"{"name":"Room 2","tags":["a"],"location":{"lat":50.0,"lon":4.0},"state":"active"}"#;
        assert_eq!(
            changes(Some(before), Some(after)),
            [
                (
                    "location".into(),
                    "—".into(),
                    r#"{"lat":50.0,"lon":4.0}"#.into()
                ),
                ("name".into(), "Room 1".into(), "Room 2".into()),
            ]
        );
        assert_eq!(changes(Some("not json"), None), []);
    }
}
