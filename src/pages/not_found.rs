use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="cairn-placeholder" data-testid="not-found">
            <h1 class="cairn-page-title">"Page not found"</h1>
            <p>"There is nothing at this address. " <A href="/">"Back to the overview"</A></p>
        </section>
    }
}
