//! Occupancy-driven room physics. CO2 follows a single-zone mass balance
//! (~20 l/h CO2 per person, ventilation in air changes per hour), temperature
//! relaxes towards a scheduled set-point (night set-back) plus body heat, and
//! the meter integrates base load plus occupancy- and HVAC-driven power.

use chrono::{Datelike, TimeZone, Timelike, Weekday};
use chrono_tz::Tz;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::portfolio::{METER_INTERVAL_S, Portfolio, ROOM_INTERVAL_S, RoomKind};
use cairn_protocol::Metric;

const OUTDOOR_CO2: f64 = 420.0;
/// m³ of CO2 per person per hour.
const CO2_PER_PERSON: f64 = 0.02;
/// Physics sub-step, seconds.
const STEP_S: f64 = 30.0;

struct RoomState {
    device_id: String,
    tz: Tz,
    kind: RoomKind,
    capacity: f64,
    volume: f64,
    temp_bias: f64,
    rh_bias: f64,
    people: f64,
    co2: f64,
    temp: f64,
    rh: f64,
    next_report: i64,
}

struct MeterState {
    device_id: String,
    site: usize,
    base_kw: f64,
    kwh: f64,
    next_report: i64,
}

pub struct World {
    rooms: Vec<RoomState>,
    room_site: Vec<usize>,
    meters: Vec<MeterState>,
    last_ms: i64,
}

/// Local hour as a fraction and whether it is a working day.
fn local_time(tz: Tz, ms: i64) -> (f64, bool) {
    let t = tz
        .timestamp_millis_opt(ms)
        .single()
        .unwrap_or_else(|| tz.timestamp_millis_opt(0).unwrap());
    let hour = f64::from(t.hour()) + f64::from(t.minute()) / 60.0;
    (hour, !matches!(t.weekday(), Weekday::Sat | Weekday::Sun))
}

/// Share of capacity present: arrivals from 8, lunch dip, departures by 18.
fn presence(hour: f64, workday: bool) -> f64 {
    if !workday || !(7.5..18.5).contains(&hour) {
        return 0.0;
    }
    match hour {
        h if h < 9.0 => (h - 7.5) / 1.5 * 0.7,
        h if (12.0..13.0).contains(&h) => 0.45,
        h if h > 17.0 => (18.5 - h) / 1.5 * 0.6,
        _ => 0.75,
    }
}

fn hvac_on(hour: f64, workday: bool) -> bool {
    workday && (6.5..19.0).contains(&hour)
}

impl World {
    /// Builds the world and runs six simulated hours so values start settled.
    pub fn new(p: &Portfolio, now_ms: i64, rng: &mut ChaCha8Rng) -> World {
        let tz_of = |site: usize| {
            p.sites[site]
                .time_zone
                .parse::<Tz>()
                .unwrap_or(chrono_tz::Europe::Brussels)
        };
        let rooms = p
            .rooms
            .iter()
            .enumerate()
            .map(|(i, r)| RoomState {
                device_id: r.device_id.clone(),
                tz: tz_of(r.site),
                kind: r.kind,
                capacity: f64::from(r.capacity),
                volume: r.volume_m3,
                temp_bias: r.temp_bias,
                rh_bias: r.rh_bias,
                people: 0.0,
                co2: OUTDOOR_CO2 + 30.0,
                temp: 19.0,
                rh: 45.0,
                // Stagger reports so the stream is smooth, not bursts.
                next_report: now_ms + (i as i64 * 977) % (i64::from(ROOM_INTERVAL_S) * 1000),
            })
            .collect();
        // Meters keep counting across restarts: start from the energy used since 2024.
        let hours_since_2024 = (now_ms - 1_704_067_200_000) as f64 / 3_600_000.0;
        let meters = p
            .meters
            .iter()
            .map(|m| MeterState {
                device_id: m.device_id.clone(),
                site: m.site,
                base_kw: m.base_kw,
                kwh: (hours_since_2024 * m.base_kw * 1.8).round(),
                next_report: now_ms + rng.random_range(0..i64::from(METER_INTERVAL_S) * 1000),
            })
            .collect();
        let room_site = p.rooms.iter().map(|r| r.site).collect();
        let mut world = World {
            rooms,
            room_site,
            meters,
            last_ms: now_ms - 6 * 3_600_000,
        };
        world.advance(now_ms, rng);
        world
    }

    /// Advances physics to `now_ms` in sub-steps.
    pub fn advance(&mut self, now_ms: i64, rng: &mut ChaCha8Rng) {
        while self.last_ms < now_ms {
            let dt_s = ((now_ms - self.last_ms) as f64 / 1000.0).min(STEP_S);
            self.last_ms += (dt_s * 1000.0) as i64;
            self.step(dt_s, rng);
        }
    }

    fn step(&mut self, dt_s: f64, rng: &mut ChaCha8Rng) {
        let dt_h = dt_s / 3600.0;
        let mut site_people = vec![
            0.0;
            self.meters
                .len()
                .max(1 + self.room_site.iter().copied().max().unwrap_or(0))
        ];
        for (room, &site) in self.rooms.iter_mut().zip(&self.room_site) {
            let (hour, workday) = local_time(room.tz, self.last_ms);
            let target = room.capacity * presence(hour, workday);
            // Meetings come and go; offices change slowly.
            let churn = if room.kind == RoomKind::Meeting {
                0.02
            } else {
                0.005
            };
            if rng.random_bool((churn * dt_s).min(1.0)) || (target == 0.0 && room.people > 0.0) {
                let noise: f64 = rng.random_range(0.6..1.3);
                room.people = (target * noise).round().clamp(0.0, room.capacity);
            }
            let hvac = hvac_on(hour, workday);
            let ach = if hvac { 2.5 } else { 0.3 };
            let gen_ppm = room.people * CO2_PER_PERSON * 1e6 / room.volume;
            room.co2 += (gen_ppm - ach * (room.co2 - OUTDOOR_CO2)) * dt_h;
            let setpoint = (if hvac { 21.5 } else { 17.0 }) + room.temp_bias;
            let body_heat = room.people * 60.0 / room.volume;
            room.temp += ((setpoint - room.temp) / 1.5 + body_heat * 0.1) * dt_h
                + rng.random_range(-0.01..0.01);
            let target_rh =
                46.0 + room.rh_bias - (room.temp - 21.0) * 2.0 + room.people * 8.0 / room.volume;
            room.rh +=
                (target_rh - room.rh) * (dt_h * 2.0).min(1.0) + rng.random_range(-0.05..0.05);
            room.rh = room.rh.clamp(15.0, 85.0);
            site_people[site] += room.people;
        }
        for m in &mut self.meters {
            let (hour, workday) = local_time(self.rooms[0].tz, self.last_ms);
            let hvac_kw = if hvac_on(hour, workday) {
                m.base_kw * 1.5
            } else {
                0.0
            };
            let kw = m.base_kw + hvac_kw + site_people[m.site] * 0.12;
            m.kwh += kw * dt_h;
        }
    }

    /// Devices whose report is due, with what they measure now.
    pub fn due_reports(
        &mut self,
        now_ms: i64,
        rng: &mut ChaCha8Rng,
    ) -> Vec<(String, Vec<(Metric, f64)>)> {
        let mut due = Vec::new();
        for r in self.rooms.iter_mut().filter(|r| r.next_report <= now_ms) {
            r.next_report += i64::from(ROOM_INTERVAL_S) * 1000;
            due.push((r.device_id.clone(), room_values(r, rng)));
        }
        for m in self.meters.iter_mut().filter(|m| m.next_report <= now_ms) {
            m.next_report += i64::from(METER_INTERVAL_S) * 1000;
            due.push((m.device_id.clone(), meter_values(m)));
        }
        due
    }

    /// What every device measures now, due or not (history backfill).
    pub fn all_reports(&self, rng: &mut ChaCha8Rng) -> Vec<(String, Vec<(Metric, f64)>)> {
        let rooms = self
            .rooms
            .iter()
            .map(|r| (r.device_id.clone(), room_values(r, rng)));
        let meters = self
            .meters
            .iter()
            .map(|m| (m.device_id.clone(), meter_values(m)));
        rooms.chain(meters).collect()
    }

    /// Staggers the next live reports from `now_ms` (after a backfill).
    pub fn reschedule(&mut self, now_ms: i64) {
        for (i, r) in self.rooms.iter_mut().enumerate() {
            r.next_report = now_ms + (i as i64 * 977) % (i64::from(ROOM_INTERVAL_S) * 1000);
        }
        for (i, m) in self.meters.iter_mut().enumerate() {
            m.next_report = now_ms + (i as i64 * 7_919) % (i64::from(METER_INTERVAL_S) * 1000);
        }
    }
}

/// What the sensor reports: the room's state plus measurement noise
/// (±0.1 °C, ±1 %RH, ±10 ppm class sensors), at the sensor's resolution.
fn room_values(r: &RoomState, rng: &mut ChaCha8Rng) -> Vec<(Metric, f64)> {
    vec![
        (
            Metric::AirTemperature,
            round(r.temp + rng.random_range(-0.1..0.1), 10.0),
        ),
        (
            Metric::RelativeHumidity,
            round((r.rh + rng.random_range(-1.0..1.0)).clamp(0.0, 100.0), 10.0),
        ),
        (
            Metric::Co2,
            (r.co2 + rng.random_range(-10.0..10.0)).max(0.0).round(),
        ),
        (Metric::Occupancy, r.people),
    ]
}

fn meter_values(m: &MeterState) -> Vec<(Metric, f64)> {
    vec![(Metric::ElectricEnergy, round(m.kwh, 100.0))]
}

fn round(v: f64, per_unit: f64) -> f64 {
    (v * per_unit).round() / per_unit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::portfolio;
    use rand::SeedableRng;

    /// Tuesday 2026-11-17 10:00 and 03:00 in Brussels (UTC+1).
    const TUE_10H: i64 = 1_763_370_000_000;
    const TUE_03H: i64 = TUE_10H - 7 * 3_600_000;

    fn world_at(ms: i64) -> (World, ChaCha8Rng) {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let w = World::new(&portfolio(1), ms, &mut rng);
        (w, rng)
    }

    #[test]
    fn offices_are_occupied_by_day_and_empty_at_night() {
        let (day, _) = world_at(TUE_10H);
        let (night, _) = world_at(TUE_03H);
        let people = |w: &World| w.rooms.iter().map(|r| r.people).sum::<f64>();
        assert!(people(&day) > 10.0, "day: {}", people(&day));
        assert_eq!(people(&night), 0.0);
        let max_co2 = |w: &World| w.rooms.iter().map(|r| r.co2).fold(0.0, f64::max);
        assert!(max_co2(&day) > max_co2(&night) + 100.0);
        for r in day.rooms.iter().chain(&night.rooms) {
            assert!((380.0..5000.0).contains(&r.co2), "co2 {}", r.co2);
            assert!((14.0..30.0).contains(&r.temp), "temp {}", r.temp);
        }
    }

    #[test]
    fn every_device_reports_on_its_own_interval() {
        let (mut w, mut rng) = world_at(TUE_10H);
        let mut seen: std::collections::HashMap<String, Vec<i64>> = Default::default();
        for s in 0..200 {
            let now = TUE_10H + s * 1000;
            w.advance(now, &mut rng);
            for (device, values) in w.due_reports(now, &mut rng) {
                assert!(!values.is_empty());
                seen.entry(device).or_default().push(now);
            }
        }
        assert_eq!(
            seen.len(),
            w.rooms.len() + w.meters.len(),
            "every device reported"
        );
        for (device, times) in &seen {
            let interval = if device.ends_with("-meter") {
                METER_INTERVAL_S
            } else {
                ROOM_INTERVAL_S
            };
            for gap in times.windows(2).map(|t| t[1] - t[0]) {
                // Checked once a second, so a gap may stretch by up to a second.
                assert!(
                    (gap - i64::from(interval) * 1000).abs() <= 1000,
                    "{device}: gap {gap} ms"
                );
            }
        }
    }
}
