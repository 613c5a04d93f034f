//! Occupancy-driven building physics. CO2 follows a single-zone mass balance
//! (~20 l/h CO2 per person, ventilation in air changes per hour), temperature
//! relaxes towards a scheduled set-point (night set-back) plus body heat,
//! floors' submeters and the building's main meter integrate base load,
//! HVAC and people, and the water main follows people plus any running leak.
//! Device behaviour (reports, batteries, dropouts, events) is in `devices.rs`.

use chrono::{Datelike, TimeZone, Timelike, Weekday};
use chrono_tz::Tz;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::portfolio::{Portfolio, Room, RoomKind};

const OUTDOOR_CO2: f64 = 420.0;
/// m³ of CO2 per person per hour.
const CO2_PER_PERSON: f64 = 0.02;
/// Physics sub-step, seconds.
pub const STEP_S: f64 = 30.0;

#[derive(Debug, Clone)]
pub struct RoomState {
    pub people: f64,
    pub co2: f64,
    pub temp: f64,
    pub rh: f64,
}

/// A site's clock at the current step.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalTime {
    pub hour: f64,
    pub workday: bool,
}

impl LocalTime {
    pub fn of(tz: Tz, ms: i64) -> LocalTime {
        let t = tz
            .timestamp_millis_opt(ms)
            .single()
            .unwrap_or_else(|| tz.timestamp_millis_opt(0).unwrap());
        LocalTime {
            hour: f64::from(t.hour()) + f64::from(t.minute()) / 60.0,
            workday: !matches!(t.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// Share of capacity present: arrivals from 8, lunch dip, departures by 18.
    pub fn presence(self) -> f64 {
        if !self.workday || !(7.5..18.5).contains(&self.hour) {
            return 0.0;
        }
        match self.hour {
            h if h < 9.0 => (h - 7.5) / 1.5 * 0.7,
            h if (12.0..13.0).contains(&h) => 0.45,
            h if h > 17.0 => (18.5 - h) / 1.5 * 0.6,
            _ => 0.75,
        }
    }

    pub fn hvac_on(self) -> bool {
        self.workday && (6.5..19.0).contains(&self.hour)
    }

    pub fn occupied_hours(self) -> bool {
        self.workday && (7.0..19.0).contains(&self.hour)
    }
}

/// The physical state of every room, floor and building.
pub struct Physics {
    pub rooms: Vec<RoomState>,
    /// Cumulative kWh of each floor's submeter.
    pub floor_kwh: Vec<f64>,
    /// Cumulative kWh of each building's main meter.
    pub building_kwh: Vec<f64>,
    /// Current flow at each building's water main, l/s.
    pub water_lps: Vec<f64>,
    pub clocks: Vec<LocalTime>,
    tz: Vec<Tz>,
}

impl Physics {
    pub fn new(p: &Portfolio, now_ms: i64) -> Physics {
        // Meters keep counting across restarts: start from the energy used since 2024.
        let hours_since_2024 = (now_ms - 1_704_067_200_000) as f64 / 3_600_000.0;
        Physics {
            rooms: p
                .rooms
                .iter()
                .map(|_| RoomState {
                    people: 0.0,
                    co2: OUTDOOR_CO2 + 30.0,
                    temp: 19.0,
                    rh: 45.0,
                })
                .collect(),
            floor_kwh: p
                .floors
                .iter()
                .map(|f| (hours_since_2024 * f.base_kw * 1.6).round())
                .collect(),
            building_kwh: p
                .buildings
                .iter()
                .map(|b| (hours_since_2024 * b.base_kw * 4.0).round())
                .collect(),
            water_lps: vec![0.0; p.buildings.len()],
            clocks: vec![LocalTime::default(); p.site_tz.len()],
            tz: p
                .site_tz
                .iter()
                .map(|t| t.parse().unwrap_or(chrono_tz::Europe::Brussels))
                .collect(),
        }
    }

    /// One sub-step of `dt_s` seconds ending at `now_ms`; `leaks` is the number
    /// of running leaks per building.
    pub fn step(
        &mut self,
        p: &Portfolio,
        now_ms: i64,
        dt_s: f64,
        leaks: &[u32],
        rng: &mut ChaCha8Rng,
    ) {
        for (clock, tz) in self.clocks.iter_mut().zip(&self.tz) {
            *clock = LocalTime::of(*tz, now_ms);
        }
        let dt_h = dt_s / 3600.0;
        let mut floor_people = vec![0.0; p.floors.len()];
        for (room, state) in p.rooms.iter().zip(&mut self.rooms) {
            let clock = self.clocks[room.site];
            step_room(room, state, clock, dt_s, rng);
            floor_people[room.floor] += state.people;
        }
        let mut building_kw: Vec<f64> = p.buildings.iter().map(|b| b.base_kw).collect();
        let mut building_people = vec![0.0; p.buildings.len()];
        for (i, f) in p.floors.iter().enumerate() {
            let clock = self.clocks[p.buildings[f.building].site];
            let hvac_kw = if clock.hvac_on() {
                f.area_m2 * 0.025
            } else {
                0.0
            };
            let kw = f.base_kw + hvac_kw + floor_people[i] * 0.12;
            self.floor_kwh[i] += kw * dt_h;
            building_kw[f.building] += kw;
            building_people[f.building] += floor_people[i];
        }
        for (b, kw) in building_kw.iter().enumerate() {
            self.building_kwh[b] += kw * dt_h;
            // Taps, toilets and the kitchen follow people; a leak adds a steady flow.
            let use_lps = building_people[b] * 0.004 * rng.random_range(0.5..1.5);
            self.water_lps[b] = use_lps + f64::from(leaks[b]) * 0.12;
        }
    }
}

fn step_room(room: &Room, s: &mut RoomState, clock: LocalTime, dt_s: f64, rng: &mut ChaCha8Rng) {
    let dt_h = dt_s / 3600.0;
    let capacity = f64::from(room.capacity);
    if capacity > 0.0 {
        let target = capacity * clock.presence();
        // Meetings come and go; offices change slowly.
        let churn = if room.kind == RoomKind::Meeting {
            0.02
        } else {
            0.005
        };
        if rng.random_bool((churn * dt_s).min(1.0)) || (target == 0.0 && s.people > 0.0) {
            let noise: f64 = rng.random_range(0.6..1.3);
            s.people = (target * noise).round().clamp(0.0, capacity);
        }
    }
    let ach = if clock.hvac_on() { 2.5 } else { 0.3 };
    let gen_ppm = s.people * CO2_PER_PERSON * 1e6 / room.volume_m3;
    s.co2 += (gen_ppm - ach * (s.co2 - OUTDOOR_CO2)) * dt_h;
    let setpoint = (if clock.hvac_on() { 21.5 } else { 17.0 }) + room.temp_bias;
    let body_heat = s.people * 60.0 / room.volume_m3;
    s.temp += ((setpoint - s.temp) / 1.5 + body_heat * 0.1) * dt_h + rng.random_range(-0.01..0.01);
    let target_rh = 46.0 + room.rh_bias - (s.temp - 21.0) * 2.0 + s.people * 8.0 / room.volume_m3;
    s.rh += (target_rh - s.rh) * (dt_h * 2.0).min(1.0) + rng.random_range(-0.05..0.05);
    s.rh = s.rh.clamp(15.0, 85.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::portfolio;
    use rand::SeedableRng;

    /// Tuesday 2026-11-17 10:00 and 03:00 in Brussels (UTC+1).
    pub const TUE_10H: i64 = 1_763_370_000_000;
    const TUE_03H: i64 = TUE_10H - 7 * 3_600_000;

    fn settled(p: &Portfolio, ms: i64) -> Physics {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut w = Physics::new(p, ms);
        let leaks = vec![0; p.buildings.len()];
        let mut t = ms - 6 * 3_600_000;
        while t < ms {
            t += (STEP_S * 1000.0) as i64;
            w.step(p, t, STEP_S, &leaks, &mut rng);
        }
        w
    }

    #[test]
    fn offices_are_occupied_by_day_and_empty_at_night() {
        let p = portfolio(1);
        let (day, night) = (settled(&p, TUE_10H), settled(&p, TUE_03H));
        let people = |w: &Physics| w.rooms.iter().map(|r| r.people).sum::<f64>();
        assert!(people(&day) > 100.0, "day: {}", people(&day));
        assert_eq!(people(&night), 0.0);
        let max_co2 = |w: &Physics| w.rooms.iter().map(|r| r.co2).fold(0.0, f64::max);
        assert!(max_co2(&day) > max_co2(&night) + 100.0);
        for r in day.rooms.iter().chain(&night.rooms) {
            assert!((380.0..5000.0).contains(&r.co2), "co2 {}", r.co2);
            assert!((14.0..30.0).contains(&r.temp), "temp {}", r.temp);
        }
        let water = |w: &Physics| w.water_lps.iter().sum::<f64>();
        assert!(
            water(&day) > 0.5 && water(&night) == 0.0,
            "{} {}",
            water(&day),
            water(&night)
        );
    }

    #[test]
    fn meters_only_count_up_and_faster_by_day() {
        let p = portfolio(1);
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut w = Physics::new(&p, TUE_03H);
        let leaks = vec![0; p.buildings.len()];
        let use_kwh = |w: &mut Physics, rng: &mut ChaCha8Rng, at: i64| {
            let before = w.building_kwh[0];
            for s in 0..120 {
                w.step(&p, at + s * 30_000, STEP_S, &leaks, rng);
            }
            w.building_kwh[0] - before
        };
        let night = use_kwh(&mut w, &mut rng, TUE_03H);
        let day = use_kwh(&mut w, &mut rng, TUE_10H);
        assert!(night > 0.0 && day > night * 1.3, "night {night} day {day}");
    }
}
