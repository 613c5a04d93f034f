//! The live store: every live value of the tab flows through here. The socket
//! (in `api::ws`) feeds it; pages read per-point signals, never the socket.

use std::collections::HashMap;

use cairn_protocol::{
    Alarm, AlarmState, Building, Metric, PointSummary, Reading, ResumeFrom, ServerMsg, SiteSummary,
};
use leptos::prelude::*;
use leptos_use::core::ConnectionReadyState;

use crate::api::{self, ApiError};

/// Static facts of a point plus a signal with its latest reading.
#[derive(Clone, Debug)]
pub struct LivePoint {
    pub id: u32,
    pub device_id: String,
    pub device_name: String,
    pub site_id: String,
    pub building_id: Option<String>,
    pub metric: Metric,
    pub interval_s: u32,
    pub reading: RwSignal<Option<Reading>>,
    /// The limits its alert rules give (see `PointSummary::thresholds`).
    pub thresholds: Option<cairn_protocol::Thresholds>,
}

/// A point's reading signal and the time of the reading it holds, by point id.
type Index = HashMap<u32, (ArcRwSignal<Option<Reading>>, i64)>;

/// What the connection indicator shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    /// First attempt, nothing received yet.
    Connecting,
    Connected,
    /// Was connected, lost it, retrying.
    Reconnecting,
    /// The browser says there is no network.
    Offline,
    /// Cairn was updated on the server since this tab loaded: its socket is
    /// closed for good (close 4426) and only a reload makes it live again.
    Outdated,
}

#[derive(Clone, Copy)]
pub struct LiveStore {
    pub sites: RwSignal<Vec<SiteSummary>>,
    pub buildings: RwSignal<Vec<Building>>,
    pub points: RwSignal<Vec<LivePoint>>,
    /// The alarm queue: every alarm not closed that the user may see (shelved
    /// ones included: see [`Alarm::shelved_until`]), as the socket last said.
    pub alarms: RwSignal<Vec<Alarm>>,
    /// Each point's reading signal by id, with the time of the reading it
    /// holds (readings apply only when newer): a point's reading is set
    /// here and nowhere else. Shared (`Arc`) signals: a reading applied
    /// through the arena's handle cost a lookup more, measured as the
    /// largest part of applying a frame's readings under P7's flood.
    index: StoredValue<Index>,
    /// Messages received since a snapshot whose task has not run yet, the
    /// snapshot first (see [`LiveStore::receive`]); `None`: none waiting.
    pub(super) waiting: StoredValue<Option<Vec<ServerMsg>>>,
    /// Readings received since the last animation frame, to apply at the
    /// next one (see [`LiveStore::receive`]).
    pub(super) pending: StoredValue<Option<super::inbox::Pending>>,
    /// Browser time (ms) of the last message that carried data.
    pub last_update: RwSignal<Option<f64>>,
    pub seq: RwSignal<u64>,
    /// The server run the sequence numbers belong to (from the last snapshot).
    pub epoch: RwSignal<Option<u64>>,
    /// Server clock minus browser clock (ms), so ages are right on a skewed tablet.
    pub clock_offset: RwSignal<f64>,
    pub connection: Signal<Connection>,
}

impl LiveStore {
    /// A store with no connection behind it (component tests, previews).
    pub fn detached(connection: Signal<Connection>) -> Self {
        LiveStore {
            sites: RwSignal::new(Vec::new()),
            buildings: RwSignal::new(Vec::new()),
            points: RwSignal::new(Vec::new()),
            alarms: RwSignal::new(Vec::new()),
            index: StoredValue::new(HashMap::new()),
            waiting: StoredValue::new(None),
            pending: StoredValue::new(None),
            last_update: RwSignal::new(None),
            seq: RwSignal::new(0),
            epoch: RwSignal::new(None),
            clock_offset: RwSignal::new(0.0),
            connection,
        }
    }

    /// Applies one server message: a snapshot replaces everything, readings update in place.
    pub fn apply(&self, msg: &ServerMsg) {
        match msg {
            ServerMsg::Snapshot {
                epoch,
                seq,
                snapshot,
                ..
            } => {
                self.epoch.set(Some(*epoch));
                let points: Vec<LivePoint> = snapshot.points.iter().map(live_point).collect();
                self.index.set_value(
                    (points.iter())
                        .map(|p| {
                            let ts = p.reading.with_untracked(|r| r.map_or(i64::MIN, |r| r.ts));
                            (p.id, (ArcRwSignal::from(p.reading), ts))
                        })
                        .collect(),
                );
                let mut sites = snapshot.sites.clone();
                sites.sort_by_cached_key(|s| crate::format::sort_key(&s.name));
                self.sites.set(sites);
                self.buildings.set(snapshot.buildings.clone());
                self.points.set(points);
                self.seq.set(*seq);
            }
            ServerMsg::Readings {
                seq,
                readings,
                accepted,
                ..
            } => {
                #[cfg(feature = "bench")]
                crate::state::latency::after_paint(*accepted);
                #[cfg(not(feature = "bench"))]
                let _ = accepted;
                self.index.update_value(|index| {
                    for r in readings {
                        if let Some((signal, ts)) = index.get_mut(&r.point)
                            && *ts <= r.ts
                        {
                            *ts = r.ts;
                            signal.set(Some(*r));
                        }
                    }
                });
                self.seq.set(*seq);
            }
            ServerMsg::Alarms { replace, alarms } => {
                if *replace {
                    self.alarms.set(
                        (alarms.iter())
                            .filter(|a| a.state != AlarmState::Closed)
                            .cloned()
                            .collect(),
                    );
                } else {
                    self.alarms_changed(alarms);
                }
                return;
            }
            // Part of the scope is not on the user's sites: nothing to apply.
            ServerMsg::Denied { message } => {
                leptos::logging::warn!("live: {message}");
                return;
            }
        }
        let (ServerMsg::Snapshot { server_time, .. } | ServerMsg::Readings { server_time, .. }) =
            msg
        else {
            return;
        };
        let now = js_sys::Date::now();
        // Each message's estimate is short by its own transit time: moving
        // every clock-based figure of the page (ages, staleness, aggregates)
        // for a few ms at every message cost more than the message itself.
        // So the offset moves when a message shows a quicker transit (a
        // larger offset) by over `OFFSET_GAIN_MS`, or strays by over
        // `OFFSET_SLACK_MS` either way (the browser's clock was set).
        let offset = *server_time as f64 - now;
        let first = matches!(msg, ServerMsg::Snapshot { .. });
        let held = self.clock_offset.get_untracked();
        if first || offset > held + OFFSET_GAIN_MS || (offset - held).abs() > OFFSET_SLACK_MS {
            self.clock_offset.set(offset);
        }
        self.last_update.set(Some(now));
    }

    /// Alarms that changed (from the socket, or the answer to an acknowledge
    /// or shelve): each takes the place of the one with its id; a closed one
    /// leaves the queue.
    pub fn alarms_changed(&self, changed: &[Alarm]) {
        if changed.is_empty() {
            return;
        }
        self.alarms.update(|queue| {
            for a in changed {
                match queue.iter().position(|q| q.id == a.id) {
                    Some(i) if a.state == AlarmState::Closed => {
                        queue.remove(i);
                    }
                    Some(i) => queue[i] = a.clone(),
                    None if a.state != AlarmState::Closed => queue.push(a.clone()),
                    None => {}
                }
            }
        });
    }

    /// How many active alarms nobody has acknowledged yet (state
    /// `Unacknowledged`), leaving out those shelved at `server_now`.
    pub fn unacknowledged(&self, server_now: Signal<f64>) -> Signal<usize> {
        let alarms = self.alarms;
        Signal::derive(move || {
            let now = server_now.get() as i64;
            alarms.with(|q| {
                q.iter()
                    .filter(|a| a.state == AlarmState::Unacknowledged)
                    .filter(|a| a.shelved_until.is_none_or(|t| t <= now))
                    .count()
            })
        })
    }

    /// Server time now (ms) from a browser clock signal.
    pub fn server_now(&self, browser_now: Signal<f64>) -> Signal<f64> {
        let offset = self.clock_offset;
        Signal::derive(move || browser_now.get() + offset.get())
    }

    /// Where to resume after a reconnection: the last batch applied.
    pub fn resume_from(&self) -> Option<ResumeFrom> {
        let epoch = self.epoch.get_untracked()?;
        Some(ResumeFrom {
            epoch,
            seq: self.seq.get_untracked(),
        })
    }

    pub fn points_of_site(&self, site_id: &str) -> Vec<LivePoint> {
        self.points.with(|ps| {
            ps.iter()
                .filter(|p| p.site_id == site_id)
                .cloned()
                .collect()
        })
    }
}

/// How far a message's clock offset may stray from the one in use before it
/// takes its place, ms. Ages show in seconds and staleness takes at least a
/// reporting interval.
const OFFSET_SLACK_MS: f64 = 1_000.0;
/// How much quicker a message's transit must show to improve the offset, ms.
const OFFSET_GAIN_MS: f64 = 50.0;

fn live_point(p: &PointSummary) -> LivePoint {
    LivePoint {
        id: p.id,
        device_id: p.device_id.clone(),
        device_name: p.device_name.clone(),
        site_id: p.site_id.clone(),
        building_id: p.building_id.clone(),
        metric: p.metric,
        interval_s: p.interval_s,
        reading: RwSignal::new(p.last),
        thresholds: p.thresholds,
    }
}

/// Creates the store, opens the socket into it, and provides it. Provided
/// inside the signed-in part of the app: signing out closes the socket.
pub fn provide_live() {
    let online = browser_online();
    let last_update = RwSignal::new(None);
    let store_cell = StoredValue::new(None::<LiveStore>);
    let socket = api::ws::connect(
        move || store_cell.get_value().and_then(|s| s.resume_from()),
        move |msg| {
            if let Some(store) = store_cell.get_value() {
                store.receive(msg);
            }
        },
        // The indicator shows the connection state; the cause is for the console.
        // (`api::ws` itself ends the session on close 4401 or a 401 recheck.)
        |err: ApiError| leptos::logging::warn!("{err}"),
    );
    // A memo: pages that follow the connection rerun only when it changes,
    // not at every message that sets `last_update`.
    let connection = Memo::new(move |_| {
        // Data received before means this is a reconnection, not the first attempt.
        let had_data = last_update.with(Option::is_some);
        if socket.outdated.get() {
            return Connection::Outdated;
        }
        match (online.get(), socket.ready.get(), had_data) {
            (false, _, _) => Connection::Offline,
            (true, ConnectionReadyState::Open, _) => Connection::Connected,
            (true, _, true) => Connection::Reconnecting,
            (true, _, false) => Connection::Connecting,
        }
    });
    let store = LiveStore {
        last_update,
        ..LiveStore::detached(connection.into())
    };
    store_cell.set_value(Some(store));
    provide_context(store);
    // While the socket opens: the site clocks' formatters are then quick to make.
    crate::format::warm_up();
}

/// `navigator.onLine`, kept current by the window's online/offline events.
fn browser_online() -> RwSignal<bool> {
    use leptos_use::use_event_listener;
    let online = RwSignal::new(window().navigator().on_line());
    let _ = use_event_listener(window(), leptos::ev::online, move |_| online.set(true));
    let _ = use_event_listener(window(), leptos::ev::offline, move |_| online.set(false));
    online
}

pub fn use_live() -> LiveStore {
    expect_context::<LiveStore>()
}

/// The alarm queue of the live store (every alarm not closed), live.
pub fn use_alarms() -> Signal<Vec<Alarm>> {
    use_live().alarms.into()
}

#[cfg(test)]
mod tests {
    use cairn_protocol::{Alarm, AlarmState, ServerMsg};
    use leptos::prelude::*;

    use super::{Connection, LiveStore};

    fn alarm(id: i64, state: AlarmState) -> Alarm {
        serde_json::from_value(serde_json::json!({
            "id": id, "rule_id": 1, "rule_name": "Warm", "severity": "critical", "point": 1,
            "point_key": "d/air_temperature", "device_id": "d", "device_name": "D", "site_id": "s",
            "metric": "air_temperature", "state": state.name(), "raised_at": id, "count": 1,
            "suppressed": false
        }))
        .unwrap()
    }

    #[test]
    fn the_alarm_queue_follows_the_socket() {
        let store = LiveStore::detached(Signal::stored(Connection::Connected));
        let ids = || {
            store
                .alarms
                .with_untracked(|q| q.iter().map(|a| (a.id, a.state)).collect::<Vec<_>>())
        };
        let msg = |replace, alarms| ServerMsg::Alarms { replace, alarms };
        store.apply(&msg(
            true,
            vec![
                alarm(1, AlarmState::Unacknowledged),
                alarm(2, AlarmState::Acknowledged),
            ],
        ));
        assert_eq!(
            ids(),
            [
                (1, AlarmState::Unacknowledged),
                (2, AlarmState::Acknowledged)
            ]
        );
        // Changed in place, new ones added, closed ones leave.
        store.apply(&msg(
            false,
            vec![
                alarm(1, AlarmState::Acknowledged),
                alarm(3, AlarmState::Unacknowledged),
                alarm(2, AlarmState::Closed),
            ],
        ));
        assert_eq!(
            ids(),
            [
                (1, AlarmState::Acknowledged),
                (3, AlarmState::Unacknowledged)
            ]
        );
        let now = Signal::stored(0.0);
        assert_eq!(store.unacknowledged(now).get_untracked(), 1);
        // A replace is the whole queue.
        store.apply(&msg(
            true,
            vec![alarm(4, AlarmState::ClearedUnacknowledged)],
        ));
        assert_eq!(ids(), [(4, AlarmState::ClearedUnacknowledged)]);
        assert_eq!(store.unacknowledged(now).get_untracked(), 0);
    }
}
