//! The simulated world: physics plus how devices behave. Each device reports
//! on its own interval; leak sensors and door contacts also report at once on
//! a change. Batteries drain, devices drop out for a while (a few are flaky),
//! leaks happen now and then, doors are propped open out of hours.

use cairn_protocol::{DeviceKind, Metric};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{
    physics::{Physics, STEP_S},
    portfolio::{Portfolio, RoomKind, interval_s, metrics},
};

/// A leak sensor's chance per hour of seeing water (about one in 30 days).
const LEAK_PER_H: f64 = 1.0 / (24.0 * 30.0);
/// A door's chance per hour of being propped open out of hours.
const PROPPED_PER_H: f64 = 1.0 / (24.0 * 10.0);

#[derive(Debug, Clone)]
struct DeviceState {
    next_report: i64,
    battery: Option<f64>,
    offline_until: i64,
    /// Leak: wet until; door: open until.
    active_until: i64,
    /// The state last reported, for report-on-change.
    reported_active: bool,
    /// When the next dropout starts, and the next leak or propped door may.
    next_dropout: i64,
    next_event: i64,
}

/// Waiting time (ms) to the next event of a Poisson process of `per_h` per hour.
fn exp_ms(rng: &mut ChaCha8Rng, per_h: f64) -> i64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    (-u.ln() / per_h * 3_600_000.0) as i64
}

pub struct World {
    portfolio: Portfolio,
    physics: Physics,
    devices: Vec<DeviceState>,
    last_ms: i64,
}

impl World {
    /// Builds the world at `now_ms` and runs six simulated hours so values start settled.
    pub fn new(portfolio: Portfolio, now_ms: i64, rng: &mut ChaCha8Rng) -> World {
        let physics = Physics::new(&portfolio, now_ms);
        let start = now_ms - 6 * 3_600_000;
        let devices = portfolio
            .devices
            .iter()
            .enumerate()
            .map(|(i, d)| DeviceState {
                // Stagger reports so the stream is smooth, not bursts.
                next_report: now_ms + (i as i64 * 7_919) % (i64::from(interval_s(d.kind)) * 1000),
                battery: d.battery,
                offline_until: 0,
                active_until: 0,
                reported_active: false,
                next_dropout: now_ms + exp_ms(rng, d.dropout_per_h),
                next_event: start + exp_ms(rng, event_rate(d.kind)),
            })
            .collect();
        let mut world = World {
            portfolio,
            physics,
            devices,
            last_ms: start,
        };
        world.advance(now_ms, rng);
        world
    }

    #[cfg(test)]
    pub fn portfolio(&self) -> &Portfolio {
        &self.portfolio
    }

    /// Advances physics and device behaviour to `now_ms` in sub-steps.
    pub fn advance(&mut self, now_ms: i64, rng: &mut ChaCha8Rng) {
        while self.last_ms < now_ms {
            let dt_s = ((now_ms - self.last_ms) as f64 / 1000.0).min(STEP_S);
            self.last_ms += (dt_s * 1000.0) as i64;
            let leaks = self.step_devices(dt_s, rng);
            self.physics
                .step(&self.portfolio, self.last_ms, dt_s, &leaks, rng);
        }
    }

    /// Device behaviour for one sub-step; returns running leaks per building.
    fn step_devices(&mut self, dt_s: f64, rng: &mut ChaCha8Rng) -> Vec<u32> {
        let now = self.last_ms;
        let mut leaks = vec![0; self.portfolio.buildings.len()];
        for (d, s) in self.portfolio.devices.iter().zip(&mut self.devices) {
            if let Some(b) = &mut s.battery {
                *b = (*b - d.drain_per_day * dt_s / 86_400.0).max(0.0);
            }
            if s.next_dropout <= now {
                s.offline_until = now + rng.random_range(20..8 * 60) * 60_000;
                s.next_dropout = s.offline_until + exp_ms(rng, d.dropout_per_h);
            }
            let room = &self.portfolio.rooms[d.room];
            let clock = self.physics.clocks[room.site];
            match d.kind {
                DeviceKind::LeakSensor => {
                    if s.next_event <= now {
                        s.active_until = now + rng.random_range(15..180) * 60_000;
                        s.next_event = s.active_until + exp_ms(rng, LEAK_PER_H);
                    }
                    if s.active_until > now {
                        leaks[d.building] += 1;
                    }
                }
                DeviceKind::DoorContact if s.active_until <= now => {
                    let busy = room.kind == RoomKind::Entrance && clock.occupied_hours();
                    if busy && rng.random_bool((dt_s / 400.0).min(1.0)) {
                        // People come and go: open for a few seconds.
                        s.active_until = now + rng.random_range(5..40) * 1000;
                    } else if s.next_event <= now {
                        // Propped open: only noticed (and only alarming) out of hours.
                        if !clock.occupied_hours() {
                            s.active_until = now + rng.random_range(8..90) * 60_000;
                        }
                        s.next_event = now.max(s.active_until) + exp_ms(rng, PROPPED_PER_H);
                    }
                }
                _ => {}
            }
        }
        leaks
    }

    /// Devices whose report is due (or whose state changed), with what they measure now.
    pub fn due_reports(
        &mut self,
        now_ms: i64,
        rng: &mut ChaCha8Rng,
    ) -> Vec<(String, Vec<(Metric, f64)>)> {
        let mut due = Vec::new();
        for i in 0..self.devices.len() {
            let d = &self.portfolio.devices[i];
            let s = &mut self.devices[i];
            let active = s.active_until > now_ms;
            let changed = matches!(d.kind, DeviceKind::LeakSensor | DeviceKind::DoorContact)
                && active != s.reported_active;
            if s.next_report > now_ms && !changed {
                continue;
            }
            let interval = i64::from(interval_s(d.kind)) * 1000;
            while s.next_report <= now_ms {
                s.next_report += interval;
            }
            let dead = s.battery.is_some_and(|b| b <= 0.0);
            if s.offline_until > now_ms || dead {
                continue;
            }
            s.reported_active = active;
            due.push((d.id.clone(), self.values(i, active, rng)));
        }
        due
    }

    fn values(&self, i: usize, active: bool, rng: &mut ChaCha8Rng) -> Vec<(Metric, f64)> {
        let d = &self.portfolio.devices[i];
        let s = &self.devices[i];
        let room = &self.physics.rooms[d.room];
        let active = f64::from(u8::from(active));
        metrics(d.kind)
            .iter()
            .filter_map(|&m| {
                let v = match m {
                    // ±0.1 °C, ±1 %RH, ±10 ppm class sensors, at their resolution.
                    Metric::AirTemperature => round(room.temp + rng.random_range(-0.1..0.1), 10.0),
                    Metric::RelativeHumidity => round(
                        (room.rh + rng.random_range(-1.0..1.0)).clamp(0.0, 100.0),
                        10.0,
                    ),
                    Metric::Co2 => (room.co2 + rng.random_range(-10.0..10.0)).max(0.0).round(),
                    Metric::Occupancy => room.people,
                    Metric::Battery => s.battery.unwrap_or(0.0).ceil(),
                    Metric::Signal => (d.signal_dbm.unwrap_or(-90.0) + rng.random_range(-4.0..4.0))
                        .round()
                        .clamp(-150.0, 0.0),
                    Metric::Leak | Metric::Door => active,
                    Metric::ElectricEnergy if d.main => {
                        round(self.physics.building_kwh[d.building], 100.0)
                    }
                    Metric::ElectricEnergy => round(self.physics.floor_kwh[d.floor], 100.0),
                    Metric::WaterFlow => round(self.physics.water_lps[d.building], 100.0),
                    // The simulated kinds measure none of the others.
                    _ => return None,
                };
                Some((m, v))
            })
            .collect()
    }
}

fn event_rate(kind: DeviceKind) -> f64 {
    match kind {
        DeviceKind::LeakSensor => LEAK_PER_H,
        _ => PROPPED_PER_H,
    }
}

fn round(v: f64, per_unit: f64) -> f64 {
    (v * per_unit).round() / per_unit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::portfolio;
    use rand::SeedableRng;
    use std::collections::HashMap;

    /// Tuesday 2026-11-17 10:00 in Brussels (UTC+1).
    const TUE_10H: i64 = 1_763_370_000_000;

    #[test]
    fn every_device_reports_on_its_interval_unless_it_drops_out() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut w = World::new(portfolio(1), TUE_10H, &mut rng);
        let mut seen: HashMap<String, Vec<i64>> = HashMap::new();
        // Two hours, checked every 10 s as the live loop might.
        for s in 0..720 {
            let now = TUE_10H + s * 10_000;
            w.advance(now, &mut rng);
            for (device, values) in w.due_reports(now, &mut rng) {
                assert_eq!(values.len(), metrics(kind_of(&w, &device)).len());
                seen.entry(device).or_default().push(now);
            }
        }
        let devices = w.portfolio().devices.len();
        assert!(
            seen.len() * 100 >= devices * 95,
            "{} of {devices} reported",
            seen.len()
        );
        let mut missed = devices - seen.len();
        for (device, times) in &seen {
            let kind = kind_of(&w, device);
            let interval = i64::from(interval_s(kind)) * 1000;
            // Over two hours a device reports 7200 s / interval times, less one for the phase.
            missed += usize::from((times.len() as i64) < 7_200_000 / interval - 1);
            for gap in times.windows(2).map(|t| t[1] - t[0]) {
                let event = matches!(kind, DeviceKind::LeakSensor | DeviceKind::DoorContact);
                assert!(event || gap % interval == 0, "{device}: gap {gap} ms");
            }
        }
        assert!(missed > 0, "in two hours some devices drop out");
        assert!(
            missed * 100 < devices * 5,
            "{missed} of {devices} dropped out"
        );
    }

    #[test]
    fn leaks_and_doors_report_at_once_and_happen_within_days() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let mut w = World::new(portfolio(4), TUE_10H, &mut rng);
        let (mut leaks, mut door_opens) = (0, 0);
        for m in 0..(2 * 24 * 60 / 2) {
            let now = TUE_10H + m * 120_000;
            w.advance(now, &mut rng);
            for (_, values) in w.due_reports(now, &mut rng) {
                for (metric, v) in values {
                    leaks += usize::from(metric == Metric::Leak && v == 1.0);
                    door_opens += usize::from(metric == Metric::Door && v == 1.0);
                }
            }
        }
        // ~200 leak sensors at one leak in 30 days each: ~7 a day.
        assert!(leaks >= 4, "{leaks} leak reports in 2 days");
        assert!(door_opens > 50, "{door_opens} door-open reports in 2 days");
    }

    fn kind_of(w: &World, device: &str) -> DeviceKind {
        w.portfolio()
            .devices
            .iter()
            .find(|d| d.id == device)
            .unwrap()
            .kind
    }
}
