//! Named views of the inventory: a name and the query string of the
//! filters, search and sort it shows (`kind=thermometer&health=low_battery`).
//! "Save view…" names what is shown now; "Views" lists the saved ones, and
//! picking one shows `/devices?<its query>`; "Delete view" forgets the one
//! shown (its filters stay on screen, so it is saved again in one step).
//!
//! Per-browser storage is the decision: the views are kept in this
//! browser's `localStorage` under `cairn.devices.views`, as JSON (a list of
//! `{"name": …, "query": …}`). They are personal and survive reloads; they
//! are not shared between users (nor between one user's browsers), and the
//! server knows nothing of them. A stored value that is not JSON, or not a
//! list of views, is ignored: the list starts empty.
//!
//! The name rule, the list's changes and the stored JSON are pure;
//! `SavedViews` is the control in the filter bar.

use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};
use serde::{Deserialize, Serialize};

use super::view::{InventoryView, query_string};

/// Where this browser keeps the views.
const KEY: &str = "cairn.devices.views";
/// The longest name, in characters (once trimmed).
pub const NAME_MAX: usize = 60;

/// A named view: the query of the inventory's URL, without the `?` (empty:
/// every device, in the default order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub name: String,
    pub query: String,
}

/// The name as typed, read: trimmed, 1 to 60 characters.
pub fn read_name(typed: &str) -> Result<String, String> {
    let name = typed.trim();
    match name.chars().count() {
        0 => Err("give the view a name".to_owned()),
        n if n > NAME_MAX => Err(format!("at most {NAME_MAX} characters ({n} now)")),
        _ => Ok(name.to_owned()),
    }
}

/// The views in a stored value. What is not JSON, or not a list, gives
/// none; in a list, an entry that is no view or whose name breaks the rule
/// is left out, and so is a name listed again (the first stays).
pub fn parse(stored: &str) -> Vec<SavedView> {
    let Ok(items) = serde_json::from_str::<Vec<serde_json::Value>>(stored) else {
        return Vec::new();
    };
    let mut out: Vec<SavedView> = Vec::new();
    for item in items {
        let Ok(v) = serde_json::from_value::<SavedView>(item) else {
            continue;
        };
        let Ok(name) = read_name(&v.name) else {
            continue;
        };
        if out.iter().all(|o| o.name != name) {
            let query = v.query.trim().trim_start_matches('?').to_owned();
            out.push(SavedView { name, query });
        }
    }
    out
}

/// The stored value of `views`.
pub fn to_json(views: &[SavedView]) -> String {
    serde_json::to_string(views).unwrap_or_else(|_| "[]".to_owned())
}

/// The view called `name`, if one is.
pub fn named<'a>(views: &'a [SavedView], name: &str) -> Option<&'a SavedView> {
    views.iter().find(|v| v.name == name)
}

/// `views` with `view` in: in the place of the one of that name (it
/// replaces it), or last.
pub fn with_view(mut views: Vec<SavedView>, view: SavedView) -> Vec<SavedView> {
    match views.iter_mut().find(|v| v.name == view.name) {
        Some(old) => *old = view,
        None => views.push(view),
    }
    views
}

/// `views` without the one called `name`.
pub fn without(mut views: Vec<SavedView>, name: &str) -> Vec<SavedView> {
    views.retain(|v| v.name != name);
    views
}

/// The inventory's URL for a saved query.
pub fn url_of(query: &str) -> String {
    if query.is_empty() {
        "/devices".to_owned()
    } else {
        format!("/devices?{query}")
    }
}

/// The value of a hex digit.
fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// `s` with its `%XX` escapes decoded; a broken escape stays as it is, and
/// bytes that are not UTF-8 become U+FFFD.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| Some(hex(*bytes.get(i + 1)?)? * 16 + hex(*bytes.get(i + 2)?)?))
            .flatten();
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The inventory view a saved query shows (as the URL would give it).
pub fn view_of(query: &str) -> InventoryView {
    let pairs: Vec<(String, String)> = (query.split('&'))
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    InventoryView::read(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The views this browser keeps (none when it keeps no storage).
fn load() -> Vec<SavedView> {
    (storage())
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .map(|stored| parse(&stored))
        .unwrap_or_default()
}

/// Changes the list and writes it back. The change starts from what is
/// stored (another tab may have saved a view since) unless the browser
/// keeps no storage; when the write fails the list still holds the change,
/// for as long as the page is open, and `problem` says so.
fn update(
    views: RwSignal<Vec<SavedView>>,
    problem: RwSignal<Option<String>>,
    change: impl FnOnce(Vec<SavedView>) -> Vec<SavedView>,
) {
    let store = storage();
    let now = match store.as_ref().map(|s| s.get_item(KEY)) {
        Some(Ok(stored)) => stored.map(|s| parse(&s)).unwrap_or_default(),
        _ => views.get_untracked(),
    };
    let next = change(now);
    let kept = store.is_some_and(|s| s.set_item(KEY, &to_json(&next)).is_ok());
    let lost = "This browser did not keep the views: they are gone after a reload.";
    problem.set((!kept).then(|| lost.to_owned()));
    views.set(next);
}

/// "Views" (pick one to show it), "Delete view" (the one shown) and
/// "Save view…" (names the filters, search and sort shown now).
#[component]
pub fn SavedViews(
    view: Memo<InventoryView>,
    /// What the search box holds: a picked view's search goes in it.
    typed: RwSignal<String>,
) -> impl IntoView {
    let views = RwSignal::new(load());
    let problem = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let query = Memo::new(move |_| view.with(|v| query_string(&v.pairs())));
    // The view picked or saved last; two views may show the same query.
    let picked = RwSignal::new(None::<String>);
    // The view the URL shows: the one picked last if it still does, else the first.
    let current = Memo::new(move |_| {
        let q = query.get();
        let picked = picked.get();
        views.with(|list| {
            let shown: Vec<&SavedView> = list.iter().filter(|v| v.query == q).collect();
            (shown.iter())
                .find(|v| picked.as_deref() == Some(v.name.as_str()))
                .or(shown.first())
                .map(|v| v.name.clone())
                .unwrap_or_default()
        })
    });
    let none = move || views.with(Vec::is_empty);

    let navigate = use_navigate();
    let apply = move |ev| {
        let Some(v) = views.with_untracked(|l| named(l, &event_target_value(&ev)).cloned()) else {
            return;
        };
        picked.set(Some(v.name.clone()));
        problem.set(None);
        status.set(String::new());
        typed.set(view_of(&v.query).q);
        navigate(
            &url_of(&v.query),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let delete = move |_| {
        let name = current.get_untracked();
        if name.is_empty() {
            return;
        }
        status.set(format!("Deleted the view “{name}”."));
        picked.set(None);
        update(views, problem, |l| without(l, &name));
    };

    let naming = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    // The name box takes the keyboard as it opens.
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let name_error = move || read_name(&name.get()).err();
    let close = move || {
        naming.set(false);
        name.set(String::new());
        tried.set(false);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let Ok(n) = read_name(&name.get_untracked()) else {
            return;
        };
        if views.with_untracked(|l| named(l, &n).is_some()) {
            let ask = format!(
                "A view called “{n}” exists already. Replace it with the filters, search and sort shown now?"
            );
            if !window().confirm_with_message(&ask).unwrap_or(false) {
                return;
            }
        }
        let saved = SavedView {
            name: n.clone(),
            query: query.get_untracked(),
        };
        status.set(format!("Saved the view “{n}”."));
        picked.set(Some(n));
        update(views, problem, |l| with_view(l, saved));
        close();
    };

    view! {
        <div class="cairn-devices__views" role="group" aria-label="Saved views">
            <div class="cairn-devices__views-line">
                <label class="cairn-field cairn-devices__views-pick">
                    <span class="cairn-field__label">"Views"</span>
                    <select class="cairn-field__input" data-testid="devices-views" prop:value=current
                        disabled=none on:change=apply>
                        <option value="" disabled selected=move || current.with(String::is_empty)>
                            {move || if none() { "No saved views" } else { "Choose a view…" }}
                        </option>
                        {move || views.get().into_iter().map(|v| {
                            let (value, name) = (v.name.clone(), v.name.clone());
                            view! { <option value=value selected=move || current.with(|c| *c == name)>{v.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || current.with(|c| !c.is_empty())>
                    <button type="button" class="cairn-button" data-testid="devices-view-delete"
                        aria-label=move || format!("Delete view “{}”", current.get())
                        on:click=delete>"Delete view"</button>
                </Show>
                <button type="button" class="cairn-button" data-testid="devices-view-save"
                    aria-expanded=move || naming.get().to_string()
                    on:click=move |_| if naming.get_untracked() { close() } else { naming.set(true) }>"Save view…"</button>
            </div>
            <Show when=move || naming.get()>
                <form class="cairn-devices__view-form" data-testid="devices-view-form" on:submit=save novalidate>
                    <label class="cairn-field">
                        <span class="cairn-field__label">"Name of the view"</span>
                        <input class="cairn-field__input" type="text" data-testid="devices-view-name" node_ref=input
                            autocomplete="off" placeholder="e.g. Low battery thermometers" prop:value=name
                            on:input=move |ev| name.set(event_target_value(&ev)) />
                        <Show when=move || tried.get() && name_error().is_some()>
                            <span class="cairn-field__error" role="alert" data-testid="devices-view-name-error">{name_error}</span>
                        </Show>
                    </label>
                    <div class="cairn-devices__buttons">
                        <button type="submit" class="cairn-button cairn-button--primary" data-testid="devices-view-save-confirm">"Save view"</button>
                        <button type="button" class="cairn-button" on:click=move |_| close()>"Cancel"</button>
                    </div>
                </form>
            </Show>
            <p class="cairn-form__hint cairn-devices__views-status" role="status" data-testid="devices-views-status">{status}</p>
            {move || problem.get().map(|p| view! { <p class="cairn-form__error" role="alert">{p}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use cairn_protocol::{DeviceSort, health::HealthFlag};

    use super::*;

    fn saved(name: &str, query: &str) -> SavedView {
        SavedView {
            name: name.into(),
            query: query.into(),
        }
    }

    #[test]
    fn a_name_is_trimmed_and_1_to_60_characters() {
        assert_eq!(read_name("  Low battery  "), Ok("Low battery".to_owned()));
        assert!(read_name("").is_err());
        assert!(read_name(" \t ").is_err());
        assert_eq!(read_name(&"é".repeat(60)), Ok("é".repeat(60)));
        assert!(read_name(&"é".repeat(61)).is_err());
        // Spaces around do not count.
        assert_eq!(
            read_name(&format!("  {}  ", "x".repeat(60))),
            Ok("x".repeat(60))
        );
    }

    #[test]
    fn the_stored_json_is_read_and_written() {
        let list = vec![
            saved(
                "Low battery thermometers",
                "kind=thermometer&health=low_battery",
            ),
            saved("Everything", ""),
        ];
        let json = to_json(&list);
        assert_eq!(
            json,
            r#"[{"name":"Low battery thermometers","query":"kind=thermometer&health=low_battery"},{"name":"Everything","query":""}]"#
        );
        assert_eq!(parse(&json), list);
    }

    #[test]
    fn a_stored_value_that_is_not_a_list_of_views_gives_none() {
        for stored in [
            "",
            "not json",
            "{\"name\":\"a\",\"query\":\"\"}",
            "[",
            "null",
            "42",
        ] {
            assert!(parse(stored).is_empty(), "{stored:?}");
        }
        // In a list: what is no view, an empty or long name, a name again, are left out.
        let stored = r#"[
            {"name": " Silent ", "query": "?health=silent"},
            {"name": "No query"},
            7,
            {"name": "   ", "query": "q=x"},
            {"name": "Silent", "query": "health=stuck"},
            {"name": "Brussels", "query": "site=bru", "colour": "blue"}
        ]"#;
        assert_eq!(
            parse(stored),
            [
                saved("Silent", "health=silent"),
                saved("Brussels", "site=bru")
            ]
        );
        let long = format!(r#"[{{"name":"{}","query":""}}]"#, "x".repeat(61));
        assert!(parse(&long).is_empty());
    }

    #[test]
    fn a_name_used_already_is_replaced_in_its_place() {
        let list = vec![saved("a", "site=bru"), saved("b", "kind=thermometer")];
        let list = with_view(list, saved("a", "site=ams"));
        assert_eq!(
            list,
            [saved("a", "site=ams"), saved("b", "kind=thermometer")]
        );
        let list = with_view(list, saved("c", ""));
        assert_eq!(list.len(), 3);
        assert_eq!(named(&list, "c"), Some(&saved("c", "")));
        assert_eq!(named(&list, "A"), None);
        let list = without(list, "a");
        assert_eq!(list, [saved("b", "kind=thermometer"), saved("c", "")]);
        assert_eq!(without(list.clone(), "zzz"), list);
    }

    #[test]
    fn a_saved_query_gives_back_its_view() {
        let v = InventoryView {
            q: "room 2/07 & co".into(),
            site: "bru".into(),
            kind: "thermometer".into(),
            health: vec![HealthFlag::LowBattery],
            sort: DeviceSort::Battery,
            desc: true,
            ..InventoryView::default()
        };
        let query = query_string(&v.pairs());
        assert_eq!(view_of(&query), v);
        assert_eq!(url_of(&query), format!("/devices?{query}"));
        assert_eq!(url_of(""), "/devices");
        assert_eq!(view_of(""), InventoryView::default());
        assert_eq!(decode("caf%C3%A9%20%zz%4"), "café %zz%4");
    }
}
