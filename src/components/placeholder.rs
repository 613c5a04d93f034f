use leptos::prelude::*;

/// A page that is not built yet says what will be there, not "coming soon".
#[component]
pub fn Placeholder(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="cairn-placeholder" data-testid="placeholder">
            <h1 class="cairn-page-title">{title}</h1>
            <div class="cairn-placeholder__body">{children()}</div>
        </section>
    }
}
