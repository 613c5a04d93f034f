//! Light / dark theme: `data-theme` on `<html>`. Follows the system until the
//! user picks one; the pick is remembered in localStorage.
//!
//! Hand-written rather than leptos-use's `use_color_mode`, which pulls in
//! cookie and date parsing (~25 KB of wasm) and, in 0.18, never wrote the
//! first value when given the default `"html"` selector.

use leptos::prelude::*;
use leptos_use::use_preferred_dark;

const STORAGE_KEY: &str = "cairn-theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Light,
    Dark,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Light => "light",
            Mode::Dark => "dark",
        }
    }

    fn parse(s: &str) -> Option<Mode> {
        match s {
            "light" => Some(Mode::Light),
            "dark" => Some(Mode::Dark),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
pub struct Theme {
    /// The theme in effect.
    pub mode: Signal<Mode>,
    /// The user's pick (remembered); `None` follows the system.
    pub choice: RwSignal<Option<Mode>>,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn provide_theme() {
    let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let choice = RwSignal::new(stored.as_deref().and_then(Mode::parse));
    let system_dark = use_preferred_dark();
    let mode = Signal::derive(move || {
        choice.get().unwrap_or(if system_dark.get() {
            Mode::Dark
        } else {
            Mode::Light
        })
    });
    // The DOM and localStorage are not reactive: an effect keeps them in step.
    Effect::new(move |_| {
        let mode = mode.get();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("data-theme", mode.as_str());
        }
        if let (Some(pick), Some(s)) = (choice.get(), storage()) {
            let _ = s.set_item(STORAGE_KEY, pick.as_str());
        }
    });
    provide_context(Theme { mode, choice });
}

pub fn use_theme() -> Theme {
    expect_context::<Theme>()
}
