use leptos::prelude::*;
use leptos_use::ColorMode;

use super::icons::{Icon, SvgIcon};

/// Switches between light and dark; the choice is remembered by the theme store.
#[component]
pub fn ThemeToggle(
    #[prop(into)] mode: Signal<ColorMode>,
    set_mode: WriteSignal<ColorMode>,
) -> impl IntoView {
    let dark = move || mode.get() == ColorMode::Dark;
    view! {
        <button type="button" class="cairn-theme-toggle" data-testid="theme-toggle"
            aria-label=move || if dark() { "Switch to light theme" } else { "Switch to dark theme" }
            on:click=move |_| set_mode.set(if dark() { ColorMode::Light } else { ColorMode::Dark })>
            {move || if dark() { view! { <SvgIcon icon=Icon::Sun /> } } else { view! { <SvgIcon icon=Icon::Moon /> } }}
        </button>
    }
}
