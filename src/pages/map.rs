use leptos::prelude::*;

use crate::{components::placeholder::Placeholder, state::live::use_live};

#[component]
pub fn MapPage() -> impl IntoView {
    let live = use_live();
    view! {
        <Placeholder title="Map">
            <p>"The site map will show every site, building and sensor on a Leaflet map, coloured by its worst \
                current status, with clustering, floor plans and search. Until then, the sites of the portfolio:"</p>
            <ul class="cairn-placeholder__list" data-testid="site-list">
                {move || live.sites.get().into_iter().map(|s| view! {
                    <li>{s.name}" — "{s.city}" ("{format!("{:.4}, {:.4}", s.lat, s.lon)}")"</li>
                }).collect_view()}
            </ul>
        </Placeholder>
    }
}
