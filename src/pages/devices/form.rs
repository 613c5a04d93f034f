//! A device, new or edited: identity, hardware, place, points, tags, state.
//! Field errors come from `DeviceSpec::problems()` (the one validator) as
//! the user types (once a field is left or the form submitted) and from the
//! server's 422, under each input; what no input shows is listed above the
//! buttons.

use cairn_protocol::{DeviceKind, DeviceSpec, DeviceState, DeviceSummary, NewDevice, PointSpec};
use leptos::{ev::SubmitEvent, prelude::*};

use super::{
    draft::{DeviceDraft, usual_rows},
    form_ctx::{FieldError, FormCtx, Text, about},
    form_place::PlaceFields,
    form_points::PointFields,
    text::kind_label,
};
use crate::api::{self, ApiError};

/// Fields with an error under them; other 422 locations show above the buttons.
const SHOWN: [&str; 20] = [
    "id",
    "name",
    "kind",
    "model",
    "firmware",
    "serial",
    "installed",
    "site_id",
    "building_id",
    "floor_id",
    "zone_id",
    "location.lat",
    "location.lon",
    "plan",
    "plan.x",
    "plan.y",
    "tags",
    "aliases",
    "points",
    "expected_interval_s",
];

/// What a save gave.
#[derive(Clone, Debug)]
pub enum Saved {
    /// A new device with its ingest token (shown once).
    Created(Box<NewDevice>),
    Updated,
}

/// The device form; saves through `api::devices` and hands back what it saved.
#[component]
pub fn DeviceForm(
    /// None: a new device; else the device and its points.
    editing: Option<(DeviceSummary, Vec<PointSpec>)>,
    on_saved: Callback<Saved>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let id = editing.as_ref().map(|(d, _)| d.id.clone());
    let is_new = id.is_none();
    let draft =
        (editing.as_ref()).map_or_else(DeviceDraft::default, |(d, p)| DeviceDraft::of(d, p));
    let ctx = FormCtx::new(draft);
    let save = Action::new_local(move |spec: &DeviceSpec| {
        let (spec, id) = (spec.clone(), id.clone());
        async move {
            let saved = match &id {
                Some(id) => api::devices::update(id, &spec)
                    .await
                    .map(|_| Saved::Updated),
                None => api::devices::create(&spec)
                    .await
                    .map(|n| Saved::Created(Box::new(n))),
            };
            match saved {
                Ok(s) => {
                    on_saved.run(s);
                    Ok(())
                }
                Err(e) => {
                    if let ApiError::Invalid { fields, .. } = &e {
                        ctx.server.set(fields.clone());
                    }
                    Err(e)
                }
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        ctx.submitted.set(true);
        if ctx.problems.with_untracked(Vec::is_empty) && !save.pending().get_untracked() {
            save.dispatch_local(ctx.draft.with_untracked(|d| d.spec().0));
        }
    };
    let general = move || {
        let mut lines: Vec<String> = ctx.server.with(|s| {
            (s.iter())
                .filter(|(at, _)| !SHOWN.iter().any(|f| about(at, f)))
                .map(|(at, m)| format!("{at}: {m}"))
                .collect()
        });
        if let Some(Err(e)) = save.value().get() {
            lines.insert(0, e.to_string());
        }
        lines
    };
    let kind = Memo::new(move |_| ctx.draft.with(|d| d.kind));
    let state = Memo::new(move |_| ctx.draft.with(|d| d.state));
    view! {
        <form class="cairn-card cairn-form cairn-devices__form" data-testid="device-form" on:submit=submit novalidate>
            <h2 class="cairn-card__title">{if is_new { "New device" } else { "Edit device" }}</h2>
            <div class="cairn-form__row">
                {is_new.then(|| view! {
                    <Text ctx field="id" label="Id" hint="letters, digits and _ . : - (names its points in SenML; cannot change later)"
                        get=|d| d.id.clone() set=|d, v| d.id = v />
                })}
                <Text ctx field="name" label="Name" get=|d| d.name.clone() set=|d, v| d.name = v />
                <label class="cairn-field">
                    <span class="cairn-field__label">"Kind"</span>
                    <select class="cairn-field__input" data-testid="device-kind" name="kind" prop:value=move || kind.get().name()
                        on:change=move |ev| if let Some(k) = DeviceKind::parse(&event_target_value(&ev)) {
                            // A new device's points follow its kind until they are changed by hand.
                            ctx.edit("kind", |d| {
                                if is_new && d.points == usual_rows(d.kind) { d.points = usual_rows(k); }
                                d.kind = k;
                            });
                        }>
                        {DeviceKind::ALL.into_iter().map(|k| view! {
                            <option value=k.name() selected=move || kind.get() == k>{kind_label(k)}</option>
                        }).collect_view()}
                    </select>
                    <FieldError field="kind" error=ctx.error("kind".to_owned()) />
                </label>
                <label class="cairn-field">
                    <span class="cairn-field__label">"State"</span>
                    <select class="cairn-field__input" data-testid="device-state" name="state" prop:value=move || state.get().name()
                        on:change=move |ev| if let Some(s) = DeviceState::parse(&event_target_value(&ev)) { ctx.edit("state", |d| d.state = s) }>
                        <option value="active" selected=move || state.get() == DeviceState::Active>"Active"</option>
                        <option value="retired" selected=move || state.get() == DeviceState::Retired>"Retired (keeps its history, refuses readings)"</option>
                    </select>
                </label>
            </div>
            <div class="cairn-form__row">
                <Text ctx field="model" label="Model" get=|d| d.model.clone() set=|d, v| d.model = v />
                <Text ctx field="firmware" label="Firmware" get=|d| d.firmware.clone() set=|d, v| d.firmware = v />
                <Text ctx field="serial" label="Serial number" get=|d| d.serial.clone() set=|d, v| d.serial = v />
                <Text ctx field="installed" label="Installed" kind="date" get=|d| d.installed.clone() set=|d, v| d.installed = v />
            </div>
            <PlaceFields ctx />
            <PointFields ctx />
            <Text ctx field="tags" label="Tags" hint="comma-separated, e.g. sensor, air, battery"
                get=|d| d.tags.clone() set=|d, v| d.tags = v />
            <Text ctx field="aliases" label="External ids" hint="DevEUI, Zigbee IEEE address or SenML base name, comma-separated; how network servers name it"
                get=|d| d.aliases.clone() set=|d, v| d.aliases = v />
            {move || general().into_iter().map(|line| view! { <p class="cairn-form__error" role="alert">{line}</p> }).collect_view()}
            <Show when=move || ctx.submitted.get() && !ctx.problems.with(Vec::is_empty)>
                <p class="cairn-form__error" role="alert" data-testid="device-form-problems">"Some fields need attention (see below each)."</p>
            </Show>
            <div class="cairn-devices__buttons">
                // No focus on press: the error a blur shows would move the button from under the click.
                <button class="cairn-button cairn-button--primary" type="submit" data-testid="device-save"
                    on:mousedown=|ev| ev.prevent_default() disabled=move || save.pending().get()>
                    {move || match (save.pending().get(), is_new) {
                        (true, _) => "Saving…",
                        (false, true) => "Create device",
                        (false, false) => "Save device",
                    }}
                </button>
                <button class="cairn-button" type="button" data-testid="device-cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
