//! Building outlines on the portfolio map, drawn locally (the map is useful
//! without a basemap): one polygon per building, coloured by its worst live
//! status; site and building names as canvas labels; the whole portfolio
//! fitted into view once, when the sites first arrive (unless the user has
//! already gone somewhere: `fitted`).

use leptos::prelude::*;

use super::{data, data::Tracked, engine::MapEngine};
use crate::{
    map::{
        cluster::Status,
        engine::Label,
        leaflet_ext::path_element,
        project::{self, mercator},
    },
    state::live::LiveStore,
};

/// Draws and restyles the outlines for as long as the page lives.
/// `tracked` and `statuses` are the page's devices and their statuses, in
/// the same order.
pub(super) fn use_building_outlines(
    engine: MapEngine,
    live: LiveStore,
    fitted: StoredValue<bool>,
    tracked: Memo<Vec<Tracked>>,
    statuses: Memo<Vec<Status>>,
) {
    let outlines = StoredValue::new_local(Vec::<(String, leaflet::Polygon)>::new());

    // Building outlines and the site and building names, once both are known.
    Effect::new(move |_| {
        let buildings = live.buildings.get();
        let sites = live.sites.get();
        let Some(e) = engine.get() else { return };
        outlines.update_value(|o| {
            for (_, p) in o.drain(..) {
                p.remove();
            }
        });
        let mut labels: Vec<Label> = sites
            .iter()
            .map(|s| Label {
                world: mercator(s.lat, s.lon),
                text: s.name.clone(),
                zooms: (6.0, 15.0),
            })
            .collect();
        for b in &buildings {
            let ring = js_sys::Array::new();
            for p in &b.footprint {
                ring.push(&leaflet::LatLng::new(p.lat, p.lon));
            }
            let options = leaflet::PolylineOptions::new();
            options.set_interactive(false);
            options.set_weight(1.5);
            options.set_class_name("cairn-map__building".into());
            let polygon = leaflet::Polygon::new_with_options(&ring, &options);
            polygon.add_to(&e.map);
            outlines.update_value(|o| o.push((b.id.clone(), polygon)));
            if let Some(c) = project::centroid(&b.footprint) {
                labels.push(Label {
                    world: c,
                    text: b.name.clone(),
                    zooms: (16.0, 30.0),
                });
            }
        }
        *e.labels.borrow_mut() = labels;
        // The whole portfolio in view, once, when the sites first arrive.
        if !fitted.get_value() && !sites.is_empty() {
            fitted.set_value(true);
            let corners = js_sys::Array::new();
            for s in &sites {
                corners.push(&leaflet::LatLng::new(s.lat, s.lon));
            }
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &options,
                &"padding".into(),
                &leaflet::Point::new(40.0, 40.0),
            );
            // Not animated: a page left mid-animation makes Leaflet throw.
            let _ = js_sys::Reflect::set(&options, &"animate".into(), &false.into());
            e.map
                .fit_bounds_with_options(&leaflet::LatLngBounds::new_from_list(&corners), &options);
        }
        e.redraw();
    });

    // Live: outlines restyle (the index follows in `use_map_engine`).
    Effect::new(move |_| {
        if engine.get().is_none() {
            return;
        }
        let worst = tracked.with(|t| statuses.with(|s| data::building_worst(t, s)));
        outlines.with_value(|o| {
            for (id, polygon) in o {
                let status = worst.get(id).copied().unwrap_or(Status::Unknown);
                if let Some(el) = path_element(polygon) {
                    let _ = el.set_attribute(
                        "class",
                        &format!(
                            "leaflet-interactive cairn-map__building cairn-map__building--{}",
                            status.key()
                        ),
                    );
                }
            }
        });
    });
}
