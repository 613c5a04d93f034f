//! The admins' metrics as the app knows them: fetched once signed in and
//! registered in the protocol crate's registry, with a version signal that
//! lists of metrics (the device form's points, the rule form) track, so a
//! metric registered after they rendered still shows up in them.

use leptos::prelude::*;

/// Bumped whenever metrics are registered.
#[derive(Clone, Copy)]
pub struct MetricsVersion(pub RwSignal<u32>);

/// Fetches and registers the admins' metrics, and provides the version.
pub fn provide_metrics() {
    let version = RwSignal::new(0u32);
    provide_context(MetricsVersion(version));
    leptos::task::spawn_local(async move {
        if crate::api::metrics::register_all().await.is_ok() {
            version.update(|v| *v += 1);
        }
    });
}

/// Tracks the version (inside a reactive closure): re-runs it when metrics
/// are registered. Without the context (tests, the sign-in page) nothing.
pub fn track_metrics() {
    if let Some(MetricsVersion(v)) = use_context::<MetricsVersion>() {
        v.track();
    }
}
