//! Site grants: "all sites" or a checklist of sites (names shown as text).

use leptos::prelude::*;

use crate::state::live::use_live;

#[component]
pub fn SitePicker(
    all: RwSignal<bool>,
    sites: RwSignal<Vec<String>>,
    /// Admins always have every site.
    #[prop(into)]
    locked: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let live = use_live();
    view! {
        <fieldset class="cairn-site-picker" data-testid="site-picker">
            <legend class="cairn-field__label">"Sites"</legend>
            <label class="cairn-check">
                <input type="checkbox" prop:checked=move || all.get() || locked.get()
                    disabled=locked data-testid="all-sites"
                    on:change=move |ev| all.set(event_target_checked(&ev)) />
                "All sites, now and later"
            </label>
            <div class="cairn-site-picker__list" class:cairn-site-picker__list--off=move || all.get() || locked.get()>
                <For each=move || live.sites.get() key=|s| s.id.clone() let:site>
                    {
                        let id = site.id.clone();
                        let checked = {
                            let id = id.clone();
                            move || sites.with(|s| s.contains(&id))
                        };
                        view! {
                            <label class="cairn-check">
                                <input type="checkbox" prop:checked=checked
                                    disabled=move || all.get() || locked.get()
                                    data-site=id.clone()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        sites.update(|s| {
                                            s.retain(|x| x != &id);
                                            if on { s.push(id.clone()); }
                                        });
                                    } />
                                {format!("{} · {}", site.name, site.city)}
                            </label>
                        }
                    }
                </For>
            </div>
            <FieldError error />
        </fieldset>
    }
}

/// A field's error from the server, under the field.
#[component]
pub fn FieldError(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || error.with(Option::is_some)>
            <span class="cairn-field__error" role="alert">{move || error.get().unwrap_or_default()}</span>
        </Show>
    }
}
