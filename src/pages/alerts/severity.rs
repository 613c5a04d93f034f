//! Severity as colour (class), glyph and word together: never colour alone.

use cairn_protocol::Severity;
use leptos::prelude::*;

use super::text::{severity_glyph, severity_label};

#[component]
pub fn SeverityTag(severity: Severity) -> impl IntoView {
    view! {
        <span class=format!("cairn-severity cairn-severity--{}", severity.name())>
            <span class="cairn-severity__glyph" aria-hidden="true">{severity_glyph(severity)}</span>
            {severity_label(severity)}
        </span>
    }
}
