//! What a page shows in place of data it could not load: each error as text
//! (never markup), announced to screen readers. The fallback of every
//! `<ErrorBoundary>` around a resource. A 401 never shows here: `api` has
//! already returned to the sign-in page.

use leptos::{error::Errors, prelude::*};

/// The errors an `<ErrorBoundary>` caught, one line each, after `what`
/// ("Could not load the floor").
#[component]
pub fn LoadErrors(errors: ArcRwSignal<Errors>, what: &'static str) -> impl IntoView {
    view! {
        <div class="cairn-form__error" role="alert" data-testid="load-error">
            {move || {
                errors
                    .get()
                    .into_iter()
                    .map(|(_, err)| view! { <p>{format!("{what}: {err}")}</p> })
                    .collect_view()
            }}
        </div>
    }
}
