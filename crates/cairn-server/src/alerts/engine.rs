//! The live side: every reading ingest stores goes through the evaluator of
//! each enabled rule watching its point; a timer lets time run for delays
//! and silences. What changed is written by one writer task, in order, one
//! transaction per batch (alarm rows, their history, delays in progress),
//! then published to the sockets. Ingest answers only once its alarms are
//! written, so an accepted reading's alarm survives a crash.
//!
//! The in-memory state is a cache of what the database holds (open alarms,
//! delays in progress, the newest readings): it is rebuilt from there on
//! start. That one open alarm per rule and point holds is the database's
//! doing (see `store/alerts.rs`), not this cache's.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError, RwLock},
};

use cairn_protocol::{Alarm, AlarmState, Condition, Reading, Severity, Thresholds};
use tokio::sync::{broadcast, mpsc, oneshot};

use super::{
    eval::{Change, Compiled, Phase, PointCtx, PointState},
    scope,
};
use crate::{
    catalog::SharedCatalog,
    store::{
        Store, StoreError,
        alerts::{self, AlarmRow, AlarmWrite, StoredRule},
    },
    time::Clock,
};

/// A rule in force: as stored, compiled, and the points it watches.
struct LiveRule {
    stored: StoredRule,
    compiled: Compiled,
    points: Vec<u32>,
}

#[derive(Default)]
struct Rules {
    list: Vec<LiveRule>,
    /// Point → indexes in `list` of the enabled rules watching it.
    by_point: HashMap<u32, Vec<usize>>,
    /// Names and actions of every rule ever loaded, for alarms of deleted ones too.
    names: HashMap<i64, (String, String)>,
    /// What the evaluator needs of each watched point, worked out once.
    ctx: HashMap<u32, PointCtx>,
}

type Job = (Vec<AlarmWrite>, oneshot::Sender<Result<(), StoreError>>);

/// The alert engine; cheap to clone.
#[derive(Clone)]
pub struct AlertEngine {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    catalog: SharedCatalog,
    clock: Clock,
    rules: RwLock<Rules>,
    /// Maintenance windows not yet over.
    windows: RwLock<Vec<cairn_protocol::WindowSpec>>,
    states: Mutex<HashMap<(i64, u32), PointState>>,
    /// Repeats not written yet, per rule and point (see [`Repeats`]).
    repeats: Mutex<HashMap<(i64, u32), AlarmWrite>>,
    /// Held while deciding (and handing to the writer) and for a whole
    /// reload: a reload never overwrites a decision it did not read back.
    gate: tokio::sync::Mutex<()>,
    writer: mpsc::UnboundedSender<Job>,
    changes: broadcast::Sender<Arc<Vec<Alarm>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AlertEngine {
    /// Seeds the default rules into a database that never had one, loads
    /// the rules and rebuilds each rule and point's state from the open
    /// alarms, the delays in progress and `latest` (each point's newest
    /// reading). Starts the writer task. Errors: the store's.
    pub async fn start(
        store: Store,
        catalog: SharedCatalog,
        clock: Clock,
        latest: &[Reading],
    ) -> Result<AlertEngine, StoreError> {
        let now = clock.now_ms();
        let defaults = super::defaults::rules();
        store
            .transact(move |tx| alerts::seed(tx, &defaults, now))
            .await?;
        let windows = (store)
            .transact(move |tx| crate::store::maintenance::windows(tx, now))
            .await?;
        let (writer, jobs) = mpsc::unbounded_channel();
        let (changes, _) = broadcast::channel(256);
        let engine = AlertEngine {
            inner: Arc::new(Inner {
                store,
                catalog,
                clock,
                rules: RwLock::default(),
                windows: RwLock::new(windows.into_iter().map(|w| w.window.spec).collect()),
                states: Mutex::default(),
                repeats: Mutex::default(),
                gate: tokio::sync::Mutex::new(()),
                writer,
                changes,
            }),
        };
        let store = engine.inner.store.clone();
        tokio::spawn(write_loop(
            store,
            clock,
            Arc::downgrade(&engine.inner),
            jobs,
        ));
        engine.reload(latest).await?;
        Ok(engine)
    }

    /// Reads the rules again (after a change) and rebuilds every state from
    /// the database and `latest`.
    pub async fn reload(&self, latest: &[Reading]) -> Result<(), StoreError> {
        let _gate = self.inner.gate.lock().await;
        // Whatever was decided before is committed before it is read back.
        let pending: Vec<AlarmWrite> = lock(&self.inner.repeats).drain().map(|(_, w)| w).collect();
        self.write(pending).await?;
        let store = &self.inner.store;
        let stored = store.transact(alerts::rules).await?;
        let names = store.transact(alerts::rule_names).await?;
        let open = store
            .transact(|tx| alerts::alarms(tx, alerts::Which::Open, i64::MAX))
            .await?;
        let phases = store.transact(alerts::phases).await?;
        let catalog = &*self.inner.catalog.load();
        let mut rules = Rules {
            names: names
                .into_iter()
                .map(|(id, name, action)| (id, (name, action)))
                .collect(),
            ..Rules::default()
        };
        for r in stored {
            if !r.spec.enabled || !scope::problems(&r.spec, catalog).is_empty() {
                continue;
            }
            let points = scope::points(&r.spec, catalog);
            let i = rules.list.len();
            for &p in &points {
                rules.by_point.entry(p).or_default().push(i);
                if let (false, Some(info)) = (rules.ctx.contains_key(&p), catalog.point(p)) {
                    rules.ctx.insert(p, scope::context(info, catalog));
                }
            }
            let compiled = scope::compile(r.id, &r.spec);
            rules.list.push(LiveRule {
                stored: r,
                compiled,
                points,
            });
        }
        let last: HashMap<u32, (i64, f64)> =
            latest.iter().map(|r| (r.point, (r.ts, r.value))).collect();
        let active: HashMap<(i64, u32), bool> = open
            .iter()
            .map(|a| ((a.rule_id, a.point), a.active))
            .collect();
        let phases: HashMap<(i64, u32), Phase> = (phases.into_iter())
            .filter_map(|(r, p, json)| Some(((r, p), serde_json::from_str(&json).ok()?)))
            .collect();
        let mut states = HashMap::new();
        let mut out = Vec::new();
        for rule in &rules.list {
            for &p in &rule.points {
                let key = (rule.stored.id, p);
                let phase = match (phases.get(&key), active.get(&key)) {
                    (Some(phase), _) => *phase,
                    (None, Some(true)) => Phase::Active,
                    _ => Phase::Normal,
                };
                let mut state = PointState {
                    phase,
                    last: last.get(&p).copied(),
                };
                // A point at rest is judged on its newest value at once: a new
                // rule, or a restart after a gateway's backlog, sees what is
                // out of bounds now (its on-delay counting from that reading).
                if let (Phase::Normal, Some((ts, value)), Some(ctx)) =
                    (phase, state.last, self.ctx(p))
                {
                    let mut changes = Vec::new();
                    state = PointState::default();
                    rule.compiled
                        .step(&ctx, &mut state, ts, value, &mut changes);
                    writes(
                        rule,
                        p,
                        &self.site(p),
                        &|at| self.in_maintenance(p, at),
                        &changes,
                        &mut out,
                    );
                }
                states.insert(key, state);
            }
        }
        {
            // Rules first, then states: the order `run` takes them in.
            let mut current = (self.inner.rules.write()).unwrap_or_else(PoisonError::into_inner);
            let mut old = lock(&self.inner.states);
            // A reading newer than `latest` was evaluated meanwhile: keep it.
            for (key, state) in states.iter_mut() {
                if let Some(prev) = old.get(key)
                    && prev.last.map(|l| l.0) > state.last.map(|l| l.0)
                {
                    state.last = prev.last;
                }
            }
            *old = states;
            *current = rules;
        }
        self.write(out).await
    }

    /// Hands `writes` to the writer and waits until they are committed (an
    /// empty list: until everything handed before is).
    async fn write(&self, writes: Vec<AlarmWrite>) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        if self.inner.writer.send((writes, tx)).is_err() {
            return Err(StoreError::Task("the alarm writer stopped".into()));
        }
        rx.await
            .unwrap_or_else(|_| Err(StoreError::Task("the alarm writer stopped".into())))
    }

    /// Per point, the tightest warning and critical limit of each side among
    /// the enabled rules watching it (above, below, outside a band), for
    /// charts to draw. Points no such rule watches are left out.
    pub fn thresholds(&self) -> HashMap<u32, Thresholds> {
        let rules = self
            .inner
            .rules
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let mut out: HashMap<u32, Thresholds> = HashMap::new();
        for rule in &rules.list {
            let critical = match rule.stored.spec.severity {
                Severity::Info => continue,
                Severity::Warning => false,
                Severity::Critical => true,
            };
            let (below, above) = match rule.compiled.condition {
                Condition::Above { trigger, .. } => (None, Some(trigger)),
                Condition::Below { trigger, .. } => (Some(trigger), None),
                Condition::Outside { low, high, .. } => (Some(low), Some(high)),
                _ => continue,
            };
            for &p in &rule.points {
                let t = out.entry(p).or_insert(Thresholds {
                    warn_below: None,
                    warn_above: None,
                    critical_below: None,
                    critical_above: None,
                });
                let (lo, hi) = if critical {
                    (&mut t.critical_below, &mut t.critical_above)
                } else {
                    (&mut t.warn_below, &mut t.warn_above)
                };
                if let Some(b) = below {
                    *lo = Some(lo.map_or(b, |x: f64| x.max(b)));
                }
                if let Some(a) = above {
                    *hi = Some(hi.map_or(a, |x: f64| x.min(a)));
                }
            }
        }
        out
    }

    /// Replaces the maintenance windows in force (after a change).
    pub fn set_windows(&self, windows: Vec<cairn_protocol::WindowSpec>) {
        *self
            .inner
            .windows
            .write()
            .unwrap_or_else(PoisonError::into_inner) = windows;
    }

    /// The maintenance windows not yet over.
    pub fn windows(&self) -> Vec<cairn_protocol::WindowSpec> {
        (self.inner.windows.read())
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether a maintenance window covers `point` at `at`.
    pub fn in_maintenance(&self, point: u32, at: i64) -> bool {
        let catalog = self.inner.catalog.load();
        let Some(p) = catalog.point(point) else {
            return false;
        };
        let windows = self
            .inner
            .windows
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        windows.iter().any(|w| super::maintenance::covers(w, p, at))
    }

    fn site(&self, point: u32) -> String {
        (self.inner.catalog.load().point(point)).map_or_else(String::new, |p| p.site_id.clone())
    }

    fn ctx(&self, point: u32) -> Option<PointCtx> {
        let catalog = self.inner.catalog.load();
        Some(scope::context(catalog.point(point)?, &catalog))
    }

    /// Evaluates stored readings (any order: each point's are taken oldest
    /// first) and waits until what they changed is written.
    pub async fn evaluate(&self, readings: &[Reading]) -> Result<(), StoreError> {
        let mut sorted: Vec<Reading> = {
            let rules = self
                .inner
                .rules
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            (readings.iter())
                .filter(|r| rules.by_point.contains_key(&r.point))
                .copied()
                .collect()
        };
        if sorted.is_empty() {
            return Ok(());
        }
        sorted.sort_by_key(|r| r.ts);
        self.run(false, |rules, states, out| {
            for r in &sorted {
                let Some(&ctx) = rules.ctx.get(&r.point) else {
                    continue;
                };
                for &i in rules.by_point.get(&r.point).into_iter().flatten() {
                    let rule = &rules.list[i];
                    let state = states.entry((rule.stored.id, r.point)).or_default();
                    let mut changes = Vec::new();
                    rule.compiled.step(&ctx, state, r.ts, r.value, &mut changes);
                    writes(
                        rule,
                        r.point,
                        &self.site(r.point),
                        &|at| self.in_maintenance(r.point, at),
                        &changes,
                        out,
                    );
                }
            }
        })
        .await
    }

    /// Lets time run to now for every rule and point (delays, silences).
    pub async fn tick(&self) -> Result<(), StoreError> {
        let now = self.inner.clock.now_ms();
        self.tick_at(now).await
    }

    /// [`tick`](Self::tick) at a given instant (tests give their clock).
    /// Also writes the repeats gathered since the last tick.
    pub async fn tick_at(&self, now: i64) -> Result<(), StoreError> {
        self.flush_repeats().await?;
        self.run(false, |rules, states, out| {
            for rule in &rules.list {
                for &p in &rule.points {
                    let Some(state) = states.get_mut(&(rule.stored.id, p)) else {
                        continue;
                    };
                    let Some(ctx) = self.ctx(p) else { continue };
                    let mut changes = Vec::new();
                    rule.compiled.advance(&ctx, state, now, &mut changes);
                    writes(
                        rule,
                        p,
                        &self.site(p),
                        &|at| self.in_maintenance(p, at),
                        &changes,
                        out,
                    );
                }
            }
        })
        .await
    }

    /// Writes every repeat gathered so far, and waits until it is committed.
    pub async fn flush_repeats(&self) -> Result<(), StoreError> {
        self.run(true, |_, _, _| {}).await
    }

    /// Runs `f` under the locks, hands what it decided to the writer (still
    /// under the locks, so writes keep the order of decisions), then waits.
    ///
    /// Repeats (another reading in alarm while raised) are not written at
    /// once: they gather per rule and point and go with that alarm's next
    /// write, or with the next tick (5 s). A crash may lose the last
    /// seconds of an alarm's count and peak, never a raise or a clear.
    async fn run(
        &self,
        flush_all: bool,
        f: impl FnOnce(&Rules, &mut HashMap<(i64, u32), PointState>, &mut Vec<AlarmWrite>),
    ) -> Result<(), StoreError> {
        let gate = self.inner.gate.lock().await;
        let done = {
            let rules = self
                .inner
                .rules
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            let mut states = lock(&self.inner.states);
            let mut decided = Vec::new();
            f(&rules, &mut states, &mut decided);
            let mut repeats = lock(&self.inner.repeats);
            let out = gather(decided, &mut repeats, flush_all);
            drop(repeats);
            if out.is_empty() {
                return Ok(());
            }
            let (tx, rx) = oneshot::channel();
            if self.inner.writer.send((out, tx)).is_err() {
                return Err(StoreError::Task("the alarm writer stopped".into()));
            }
            rx
        };
        drop(gate);
        done.await
            .unwrap_or_else(|_| Err(StoreError::Task("the alarm writer stopped".into())))
    }

    /// Sends changed alarms to the sockets.
    pub fn publish(&self, rows: &[AlarmRow]) {
        if !rows.is_empty() {
            let alarms = rows.iter().filter_map(|r| self.to_wire(r)).collect();
            let _ = self.inner.changes.send(Arc::new(alarms));
        }
    }

    /// Changed alarms as they are written (every site's: filter per user).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Vec<Alarm>>> {
        self.inner.changes.subscribe()
    }

    /// An alarm row as the API shows it, named from the catalogue and its
    /// rule. `None` if its point is no longer in the catalogue.
    pub fn to_wire(&self, a: &AlarmRow) -> Option<Alarm> {
        let catalog = self.inner.catalog.load();
        let p = catalog.point(a.point)?;
        let rules = self
            .inner
            .rules
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let (rule_name, action) = (rules.names.get(&a.rule_id).cloned())
            .unwrap_or_else(|| (format!("rule {}", a.rule_id), String::new()));
        let state = if a.closed_ms.is_some() {
            AlarmState::Closed
        } else {
            AlarmState::of(a.active, a.acked_ms.is_some())
        };
        Some(Alarm {
            id: a.id,
            rule_id: a.rule_id,
            rule_name,
            severity: a.severity,
            point: a.point,
            point_key: p.key.clone(),
            device_id: p.device_id.clone(),
            device_name: p.device_name.clone(),
            site_id: p.site_id.clone(),
            building_id: p.building_id.clone(),
            metric: p.metric,
            state,
            raised_at: a.raised_ms,
            value: a.value,
            peak: a.peak,
            count: u32::try_from(a.count).unwrap_or(u32::MAX),
            cleared_at: a.cleared_ms,
            acknowledged_at: a.acked_ms,
            acknowledged_by: a.acked_by.clone(),
            ack_comment: a.ack_comment.clone(),
            shelved_until: a.shelved_until_ms,
            suppressed: a.suppressed,
            action,
        })
    }
}

/// The one writer: jobs in the order they were decided, each one
/// transaction. Ends when the engine is dropped (its sender with it).
async fn write_loop(
    store: Store,
    clock: Clock,
    engine: std::sync::Weak<Inner>,
    mut jobs: mpsc::UnboundedReceiver<Job>,
) {
    while let Some((writes, reply)) = jobs.recv().await {
        if writes.is_empty() {
            // A barrier: everything before it is committed.
            let _ = reply.send(Ok(()));
            continue;
        }
        let now = clock.now_ms();
        let result = store
            .transact(move |tx| alerts::apply(tx, &writes, now))
            .await;
        let result = match (result, engine.upgrade()) {
            (Ok(rows), Some(inner)) => {
                AlertEngine { inner }.publish(&rows);
                Ok(())
            }
            (Ok(_), None) => Ok(()),
            (Err(e), inner) => {
                // Memory went ahead of the database: read it back (in a task of
                // its own: the reload waits on this very loop).
                if let Some(inner) = inner {
                    let engine = AlertEngine { inner };
                    tokio::spawn(async move {
                        let latest = engine.inner.store.latest_readings().await;
                        if let Err(e) = async { engine.reload(&latest?).await }.await {
                            tracing::warn!("alerts: cannot reload after a failed write: {e}");
                        }
                    });
                }
                Err(e)
            }
        };
        let _ = reply.send(result);
    }
}

/// The store writes for what one step of `rule` on `point` changed.
/// `covered`: whether a maintenance window covers the point at an instant.
fn writes(
    rule: &LiveRule,
    point: u32,
    site: &str,
    covered: &dyn Fn(i64) -> bool,
    changes: &[Change],
    out: &mut Vec<AlarmWrite>,
) {
    let (rule_id, severity) = (rule.stored.id, rule.stored.spec.severity);
    for c in changes {
        out.push(match *c {
            Change::Raised { at, value } => AlarmWrite::Sample {
                rule_id,
                point,
                site_id: site.to_owned(),
                severity,
                at,
                value,
                excess: value.map(|v| rule.compiled.excess(v)),
                suppressed: covered(at),
                raise: true,
            },
            Change::Repeated { at, value } => AlarmWrite::Sample {
                rule_id,
                point,
                site_id: site.to_owned(),
                severity,
                at,
                value: Some(value),
                excess: Some(rule.compiled.excess(value)),
                suppressed: covered(at),
                raise: false,
            },
            Change::Cleared { at } => AlarmWrite::Clear { rule_id, point, at },
            Change::Phase(phase) => AlarmWrite::Phase {
                rule_id,
                point,
                phase: match phase {
                    Phase::Pending { .. } | Phase::Clearing { .. } => {
                        Some(serde_json::to_string(&phase).expect("a phase serialises"))
                    }
                    Phase::Normal | Phase::Active => None,
                },
            },
        });
    }
}

/// How often time is let run for delays and silences.
const TICK: std::time::Duration = std::time::Duration::from_secs(5);

/// Lets time run every few seconds until the server stops.
pub async fn run_timer(engine: AlertEngine, mut stopping: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(TICK);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = crate::shutdown::stopped(&mut stopping) => break,
        }
        if let Err(err) = engine.tick().await {
            tracing::warn!("alerts: {err}");
        }
    }
}

/// Folds `decided`'s repeats into `pending`, and returns what to write now:
/// every other write, each preceded by its alarm's pending repeats (so a
/// clear comes after the count it closes), and with `flush_all` the rest of
/// `pending` too.
fn gather(
    decided: Vec<AlarmWrite>,
    pending: &mut HashMap<(i64, u32), AlarmWrite>,
    flush_all: bool,
) -> Vec<AlarmWrite> {
    let mut out = Vec::new();
    for w in decided {
        match w {
            AlarmWrite::Sample {
                rule_id,
                point,
                at: _,
                value: Some(value),
                excess,
                suppressed,
                raise: false,
                ..
            } => {
                let excess = excess.unwrap_or(f64::NEG_INFINITY);
                let entry = pending
                    .entry((rule_id, point))
                    .or_insert(AlarmWrite::Repeats {
                        rule_id,
                        point,
                        count: 0,
                        peak: value,
                        excess,
                        suppressed,
                    });
                if let AlarmWrite::Repeats {
                    count,
                    peak,
                    excess: worst,
                    suppressed: all,
                    ..
                } = entry
                {
                    *count += 1;
                    if excess > *worst {
                        (*peak, *worst) = (value, excess);
                    }
                    *all = *all && suppressed;
                }
            }
            other => {
                let key = match &other {
                    AlarmWrite::Sample { rule_id, point, .. }
                    | AlarmWrite::Clear { rule_id, point, .. }
                    | AlarmWrite::Repeats { rule_id, point, .. }
                    | AlarmWrite::Phase { rule_id, point, .. } => (*rule_id, *point),
                };
                if let Some(r) = pending.remove(&key) {
                    out.push(r);
                }
                out.push(other);
            }
        }
    }
    if flush_all {
        out.extend(pending.drain().map(|(_, w)| w));
    }
    out
}
