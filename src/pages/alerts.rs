use leptos::prelude::*;

use crate::components::placeholder::Placeholder;

#[component]
pub fn Alerts() -> impl IntoView {
    view! {
        <Placeholder title="Alerts">
            <p>"The alarm queue will show active alarms by severity, to acknowledge with a comment, shelve \
                or follow to the device; admins will configure threshold rules here."</p>
        </Placeholder>
    }
}
