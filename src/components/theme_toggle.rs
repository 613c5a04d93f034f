use leptos::prelude::*;

use super::icons::{Icon, SvgIcon};
use crate::state::theme::Mode;

/// Switches between light and dark; the theme store remembers the choice.
#[component]
pub fn ThemeToggle(
    #[prop(into)] mode: Signal<Mode>,
    choice: RwSignal<Option<Mode>>,
) -> impl IntoView {
    let dark = move || mode.get() == Mode::Dark;
    view! {
        <button type="button" class="cairn-theme-toggle" data-testid="theme-toggle"
            aria-label=move || if dark() { "Switch to light theme" } else { "Switch to dark theme" }
            on:click=move |_| choice.set(Some(if dark() { Mode::Light } else { Mode::Dark }))>
            {move || if dark() { view! { <SvgIcon icon=Icon::Sun /> } } else { view! { <SvgIcon icon=Icon::Moon /> } }}
        </button>
    }
}
