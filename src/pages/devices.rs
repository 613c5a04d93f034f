use leptos::prelude::*;

use crate::components::placeholder::Placeholder;

#[component]
pub fn Devices() -> impl IntoView {
    view! {
        <Placeholder title="Devices">
            <p>"The device inventory will list every device with its model, firmware, battery, signal and \
                last contact, filterable and sortable across thousands of rows, with validated forms to add \
                and edit devices."</p>
        </Placeholder>
    }
}
