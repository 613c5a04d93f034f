use leptos::prelude::*;

use crate::components::placeholder::Placeholder;

#[component]
pub fn Reports() -> impl IntoView {
    view! {
        <Placeholder title="Reports">
            <p>"Reports will compare each site's energy use, comfort and alarms with the previous period, \
                ready to print or export as CSV."</p>
        </Placeholder>
    }
}
