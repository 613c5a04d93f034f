//! "Import CSV" (managers, admins): a file (read in the browser, shown in
//! the text box) or text pasted; "Check" asks the server for the plan
//! (`apply=false`: nothing written) and shows it (`plan.rs`); "Apply" is
//! offered only for a plan without errors that creates or updates something,
//! and only for the text it was checked with; it writes all rows or none and
//! shows what was written (or, refused, the plan's errors the same way).

use cairn_protocol::ImportPlan;
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::plan::{PlanView, may_apply};
use crate::api;

/// The import's limit (the server's), bytes.
const MAX_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

/// The first file chosen in `input`, as its name and its text.
async fn read_file(input: &web_sys::HtmlInputElement) -> Result<Option<(String, String)>, String> {
    let files = js_sys::Reflect::get(input, &"files".into()).map_err(|_| "no file list")?;
    if files.is_null() || files.is_undefined() {
        return Ok(None);
    }
    let file = js_sys::Reflect::get(&files, &0.into()).map_err(|_| "no file")?;
    if file.is_null() || file.is_undefined() {
        return Ok(None);
    }
    let name = (js_sys::Reflect::get(&file, &"name".into()).ok())
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    let blob: web_sys::Blob = file.dyn_into().map_err(|_| "not a file")?;
    if blob.size() > MAX_BYTES {
        return Err(format!("{name} is over 16 MiB, the most one import takes"));
    }
    let text = JsFuture::from(blob.text())
        .await
        .map_err(|_| format!("{name} could not be read"))?;
    Ok(Some((name, text.as_string().unwrap_or_default())))
}

/// What the panel is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Busy {
    No,
    Reading,
    Checking,
    Applying,
}

/// The import panel; `on_applied` after something was written.
#[component]
pub fn ImportPanel(on_applied: Callback<()>, on_close: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let file = RwSignal::new(None::<String>);
    let plan = RwSignal::new(None::<ImportPlan>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(Busy::No);
    let send = move |apply: bool| {
        let csv = text.get_untracked();
        busy.set(if apply {
            Busy::Applying
        } else {
            Busy::Checking
        });
        error.set(None);
        spawn_local(async move {
            let answer = api::devices::import_csv(&csv, apply).await;
            // The panel is gone: nothing to show.
            if busy.try_set(Busy::No).is_some() {
                return;
            }
            match answer {
                Ok(p) => {
                    let written = p.applied;
                    plan.set(Some(p));
                    if written {
                        on_applied.run(());
                    }
                }
                Err(e) => {
                    plan.set(None);
                    error.set(Some(e.to_string()));
                }
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        busy.set(Busy::Reading);
        error.set(None);
        spawn_local(async move {
            let read = read_file(&input).await;
            // The same file chosen again (after an edit) is a change too.
            input.set_value("");
            if busy.try_set(Busy::No).is_some() {
                return;
            }
            match read {
                Ok(Some((name, csv))) => {
                    text.set(csv);
                    file.set(Some(name));
                    plan.set(None);
                }
                Ok(None) => {}
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let idle = move || busy.get() == Busy::No;
    let can_check = move || idle() && text.with(|t| !t.trim().is_empty());
    let can_apply = move || idle() && plan.with(|p| p.as_ref().is_some_and(may_apply));
    view! {
        <section class="cairn-card cairn-devices__import" data-testid="devices-import" aria-labelledby="devices-import-title">
            <h2 class="cairn-card__title" id="devices-import-title">"Import devices from CSV"</h2>
            <p class="cairn-form__hint">
                "A header row with "<code>"id"</code>" and any of the export's columns (name, kind, model, firmware, serial, \
                 installed, site_id, building_id, floor_id, zone_id, lat, lon, plan_x, plan_y, tags, points, \
                 expected_interval_s, state); a column left out keeps each device's value. Tags are separated by spaces, \
                 points are "<code>"metric:seconds"</code>". \"Download CSV\" gives a file to start from. \
                 Imported devices get no ingest token: issue one from each device's page."
            </p>
            <div class="cairn-form__row">
                <label class="cairn-field">
                    <span class="cairn-field__label">"CSV file"</span>
                    <input class="cairn-field__input" type="file" accept=".csv,text/csv" data-testid="import-file"
                        disabled=move || !idle() on:change=on_file />
                    {move || file.get().map(|f| view! { <span class="cairn-form__hint" data-testid="import-file-name">{format!("Read {f}")}</span> })}
                </label>
            </div>
            <label class="cairn-field">
                <span class="cairn-field__label">"…or paste the CSV here"</span>
                <textarea class="cairn-field__input cairn-devices__import-text" data-testid="import-text" rows="8"
                    spellcheck="false" autocomplete="off" placeholder="id,name,kind,site_id,points"
                    prop:value=text
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        // A plan speaks for the text it was checked with only.
                        plan.set(None);
                    }></textarea>
            </label>
            <div class="cairn-devices__buttons">
                <button type="button" class="cairn-button" data-testid="import-check"
                    disabled=move || !can_check() on:click=move |_| send(false)>
                    {move || if busy.get() == Busy::Checking { "Checking…" } else { "Check" }}
                </button>
                <button type="button" class="cairn-button cairn-button--primary" data-testid="import-apply"
                    disabled=move || !can_apply() on:click=move |_| send(true)>
                    {move || if busy.get() == Busy::Applying { "Applying…" } else { "Apply" }}
                </button>
                <button type="button" class="cairn-button" data-testid="import-close" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
            {move || error.get().map(|e| view! {
                <p class="cairn-form__error" role="alert" data-testid="import-failed">{format!("Could not import: {e}")}</p>
            })}
            {move || plan.get().map(|plan| view! { <PlanView plan /> })}
        </section>
    }
}
