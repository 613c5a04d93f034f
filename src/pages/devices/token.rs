//! A device's ingest token, shown this once (only its hash is stored): a
//! clear box, a copy button, and what to do with it.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;
use wasm_bindgen::JsCast;

/// Puts `text` on the clipboard; whether the browser took it.
pub async fn copy(text: String) -> bool {
    let navigator = window().navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else {
        return false;
    };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else {
        return false;
    };
    let Ok(write) = write.dyn_into::<js_sys::Function>() else {
        return false;
    };
    let Ok(promise) = write.call1(&clipboard, &text.into()) else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise))
        .await
        .is_ok()
}

/// A "Copy" button for `text`; it says whether the browser took it.
#[component]
pub fn CopyButton(text: String, #[prop(into)] testid: String) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    view! {
        <button type="button" class="cairn-button" data-testid=testid
            on:click=move |_| {
                let t = text.clone();
                spawn_local(async move { let ok = copy(t).await; let _ = copied.try_set(Some(ok)); });
            }>
            {move || match copied.get() {
                Some(true) => "Copied",
                Some(false) => "Select and copy it by hand",
                None => "Copy",
            }}
        </button>
    }
}

/// The token in a box with a copy button, until the user says it is copied.
#[component]
pub fn TokenNotice(
    device_id: String,
    token: String,
    /// Link to the device's page (after creating it).
    #[prop(default = false)]
    link: bool,
    on_done: Callback<()>,
) -> impl IntoView {
    let to_copy = token.clone();
    view! {
        <div class="cairn-notice cairn-devices__token" role="status" data-testid="device-token-notice">
            <p>
                <strong>"Ingest token for "{device_id.clone()}" — shown once: copy it now."</strong>
                " Only its hash is kept; if it is lost, an admin issues a new one (the old one then stops working). \
                 The device sends it as "<code>"Authorization: Bearer …"</code>"."
            </p>
            <code class="cairn-notice__secret cairn-devices__secret" data-testid="device-token">{token}</code>
            <div class="cairn-devices__token-actions">
                <CopyButton text=to_copy.clone() testid="device-token-copy" />
                {link.then(|| view! {
                    <A href=format!("/devices/{device_id}") attr:class="cairn-button" attr:data-testid="device-token-open">
                        "Open the device"
                    </A>
                })}
                <button type="button" class="cairn-button cairn-button--primary" data-testid="device-token-done"
                    on:click=move |_| on_done.run(())>"I have copied it"</button>
            </div>
        </div>
    }
}
