//! Browser notifications of new critical alarms, only for a user who asked
//! ("Notify me" in the queue) and whose browser granted permission. The
//! choice is kept in this browser (`localStorage`). Alarms come from the live
//! store; an alarm raised before the tab opened is never notified, and each
//! alarm at most once per tab.
//!
//! The Notification API is reached through `js_sys::Reflect`: the app's
//! `web-sys` has no `Notification` feature, and a browser without the API
//! (or an insecure origin) simply has no `Notification` global.

use std::collections::HashSet;

use cairn_protocol::{Alarm, AlarmState, Severity};
use js_sys::{Array, Function, Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::live::use_live;

const KEY: &str = "cairn.notify-critical";

/// `default`, `granted`, `denied` (the browser's words), or `unsupported`.
#[derive(Clone, Copy)]
pub struct Notifications {
    /// The user asked for notifications (in this browser).
    pub wanted: RwSignal<bool>,
    pub permission: RwSignal<&'static str>,
}

fn constructor() -> Option<Function> {
    let ctor = Reflect::get(&js_sys::global(), &"Notification".into()).ok()?;
    ctor.dyn_into::<Function>().ok()
}

fn permission_now() -> &'static str {
    let Some(ctor) = constructor() else {
        return "unsupported";
    };
    match Reflect::get(&ctor, &"permission".into())
        .ok()
        .and_then(|p| p.as_string())
        .as_deref()
    {
        Some("granted") => "granted",
        Some("denied") => "denied",
        _ => "default",
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

impl Notifications {
    /// Asks the browser (a click must lead here: browsers ignore it otherwise).
    pub fn enable(&self) {
        let this = *self;
        this.set_wanted(true);
        let Some(ctor) = constructor() else {
            return;
        };
        let ask = Reflect::get(&ctor, &"requestPermission".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .and_then(|f| f.call0(&ctor).ok())
            .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
        if let Some(promise) = ask {
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                let _ = this.permission.try_set(permission_now());
            });
        }
    }

    pub fn disable(&self) {
        self.set_wanted(false);
    }

    fn set_wanted(&self, on: bool) {
        self.wanted.set(on);
        if let Some(s) = storage() {
            let _ = if on {
                s.set_item(KEY, "1")
            } else {
                s.remove_item(KEY)
            };
        }
    }

    pub fn active(&self) -> bool {
        self.wanted.get() && self.permission.get() == "granted"
    }
}

fn show(alarm: &Alarm) {
    let Some(ctor) = constructor() else {
        return;
    };
    let options = Object::new();
    let value = alarm
        .value
        .map(|v| format!(": {}", crate::format::value(alarm.metric, v)))
        .unwrap_or_default();
    let body = format!("{} · {}{value}", alarm.device_name, alarm.metric.label());
    let _ = Reflect::set(&options, &"body".into(), &body.into());
    let _ = Reflect::set(
        &options,
        &"tag".into(),
        &format!("alarm-{}", alarm.id).into(),
    );
    let title = JsValue::from(format!("Critical alarm: {}", alarm.rule_name));
    if let Err(e) = Reflect::construct(&ctor, &Array::of2(&title, &options)) {
        leptos::logging::warn!("notification: {e:?}");
    }
}

/// Provides the notification choice and watches the live store's alarms.
/// Call after `provide_live`.
pub fn provide_notifications() {
    let live = use_live();
    let wanted = storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .is_some();
    let this = Notifications {
        wanted: RwSignal::new(wanted),
        permission: RwSignal::new(permission_now()),
    };
    let seen = StoredValue::new(HashSet::<i64>::new());
    let opened = js_sys::Date::now();
    Effect::new(move |_| {
        let active = this.active();
        // A minute's slack for the tablet's clock before the first snapshot.
        let since = (opened + live.clock_offset.get_untracked()) as i64 - 60_000;
        live.alarms.with(|queue| {
            let critical = queue.iter().filter(|a| {
                a.severity == Severity::Critical
                    && a.state == AlarmState::Unacknowledged
                    && !a.suppressed
            });
            for a in critical {
                let new = seen.try_update_value(|s| s.insert(a.id)).unwrap_or(false);
                if new && active && a.raised_at >= since {
                    show(a);
                }
            }
        });
    });
    provide_context(this);
}

pub fn use_notifications() -> Notifications {
    expect_context::<Notifications>()
}
