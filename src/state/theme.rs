//! Light / dark theme: `data-theme` on `<html>`, remembered in localStorage,
//! following the system until the user picks one.

use leptos::prelude::*;
use leptos_use::{ColorMode, UseColorModeOptions, UseColorModeReturn, use_color_mode_with_options};

#[derive(Clone, Copy)]
pub struct Theme {
    pub mode: Signal<ColorMode>,
    pub set_mode: WriteSignal<ColorMode>,
}

pub fn provide_theme() {
    // The element itself, not the default "html" selector: with the selector the
    // first value is never written (leptos-use 0.18 resolves it too late).
    let html = document()
        .document_element()
        .expect("a document has a root element");
    let UseColorModeReturn { mode, set_mode, .. } = use_color_mode_with_options(
        UseColorModeOptions::default()
            .target(html)
            .attribute("data-theme")
            .storage_key("cairn-theme"),
    );
    provide_context(Theme { mode, set_mode });
}

pub fn use_theme() -> Theme {
    expect_context::<Theme>()
}
