//! The inventory list: filters, sort keys, keyset paging and counts per
//! filter value, over the in-memory catalogue (pure: the route hands it the
//! devices the caller may see and their health).

use std::cmp::Ordering;

use cairn_protocol::{
    DeviceHealth, DeviceKind, DeviceSort, FacetCount, Facets, Metric, health::HealthFlag,
};
use serde::{Deserialize, Serialize};

use crate::catalog::DeviceDef;

/// What the caller asked for, checked (`routes/devices.rs` parses the query).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Case-insensitive text in the id, name, model, serial, firmware or a tag.
    pub q: Option<String>,
    pub site: Option<String>,
    pub building: Option<String>,
    pub floor: Option<String>,
    pub zone: Option<String>,
    /// Any of these kinds (empty = all).
    pub kinds: Vec<DeviceKind>,
    pub model: Option<String>,
    pub firmware: Option<String>,
    /// Any of these flags (empty = all).
    pub health: Vec<HealthFlag>,
    pub tag: Option<String>,
    pub metric: Option<Metric>,
    /// Devices without a place on the globe only.
    pub unplaced: bool,
    /// One device id (exact).
    pub device: Option<String>,
}

/// A filter that has counts of its own in [`Facets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Facet {
    Site,
    Building,
    Kind,
    Model,
    Firmware,
    Health,
}

fn same(filter: &Option<String>, value: &str) -> bool {
    filter.as_deref().is_none_or(|f| f == value)
}

fn same_opt(filter: &Option<String>, value: Option<&str>) -> bool {
    filter.as_deref().is_none_or(|f| value == Some(f))
}

impl Filter {
    /// Whether the filter needs each device's health.
    pub fn needs_health(&self) -> bool {
        !self.health.is_empty()
    }

    /// This filter less its health flags.
    pub fn without_health(&self) -> Filter {
        Filter {
            health: Vec::new(),
            ..self.clone()
        }
    }

    /// Whether `d`'s health is needed to list (and, with `facets`, to count)
    /// what this filter asks: a device failing two filters counts nowhere;
    /// one failing one filter counts only for that filter's values, which
    /// need its health only when a health filter is set.
    /// `plain` is this filter without its health part ([`Filter::without_health`]).
    pub fn wants_health(&self, plain: &Filter, d: &DeviceDef, facets: bool) -> bool {
        plain.matches(d, None)
            || (facets
                && !self.health.is_empty()
                && [
                    Facet::Site,
                    Facet::Building,
                    Facet::Kind,
                    Facet::Model,
                    Facet::Firmware,
                ]
                .into_iter()
                .any(|f| plain.matches_except(d, None, Some(f))))
    }

    pub fn matches(&self, d: &DeviceDef, h: Option<&DeviceHealth>) -> bool {
        self.matches_except(d, h, None)
    }

    fn matches_except(&self, d: &DeviceDef, h: Option<&DeviceHealth>, skip: Option<Facet>) -> bool {
        let on = |f: Facet| skip != Some(f);
        (!on(Facet::Site) || same(&self.site, &d.site_id))
            && (!on(Facet::Building) || same_opt(&self.building, d.building_id.as_deref()))
            && same_opt(&self.floor, d.floor_id.as_deref())
            && same_opt(&self.zone, d.zone_id.as_deref())
            && (!on(Facet::Kind) || self.kinds.is_empty() || self.kinds.contains(&d.kind))
            && (!on(Facet::Model) || same(&self.model, &d.model))
            && (!on(Facet::Firmware) || same(&self.firmware, &d.firmware))
            && (self.tag.as_ref().is_none_or(|t| d.tags.contains(t)))
            && (self
                .metric
                .is_none_or(|m| d.points.iter().any(|p| p.metric == m)))
            && (!self.unplaced || d.location.is_none())
            && same(&self.device, &d.id)
            && (!on(Facet::Health)
                || self.health.is_empty()
                || h.is_some_and(|h| self.health.iter().any(|f| h.flags.contains(f))))
            && self.text(d)
    }

    fn text(&self, d: &DeviceDef) -> bool {
        let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) else {
            return true;
        };
        let q = q.to_lowercase();
        [&d.id, &d.name, &d.model, &d.serial, &d.firmware]
            .into_iter()
            .chain(&d.tags)
            .any(|s| s.to_lowercase().contains(&q))
    }
}

/// Counts per value of each facet over `devices` (each `(device, health)`),
/// each with every other filter applied.
pub fn facets(filter: &Filter, devices: &[(&DeviceDef, Option<&DeviceHealth>)]) -> Facets {
    let count =
        |facet: Facet, values: &dyn Fn(&DeviceDef, Option<&DeviceHealth>) -> Vec<String>| {
            let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
            for (d, h) in devices {
                if filter.matches_except(d, *h, Some(facet)) {
                    for v in values(d, *h) {
                        *counts.entry(v).or_default() += 1;
                    }
                }
            }
            let mut out: Vec<FacetCount> = (counts.into_iter())
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            out
        };
    Facets {
        site: count(Facet::Site, &|d, _| vec![d.site_id.clone()]),
        building: count(Facet::Building, &|d, _| {
            d.building_id.iter().cloned().collect()
        }),
        kind: count(Facet::Kind, &|d, _| vec![d.kind.name().to_owned()]),
        model: count(Facet::Model, &|d, _| vec![d.model.clone()]),
        firmware: count(Facet::Firmware, &|d, _| vec![d.firmware.clone()]),
        health: count(Facet::Health, &|_, h| {
            (h.into_iter().flat_map(|h| &h.flags))
                .map(|f| f.name().to_owned())
                .collect()
        }),
    }
}

/// A device's place in the asked order. Missing values sort last in either
/// direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Key {
    Num(f64),
    Text(String),
    Missing,
}

/// What a device sorts by; `latest` gives battery, signal and last seen.
pub struct Sorted {
    pub sort: DeviceSort,
    pub descending: bool,
}

impl Sorted {
    /// `d`'s key; `h` is needed for [`DeviceSort::Status`] only.
    pub fn key(
        &self,
        d: &DeviceDef,
        summary: (Option<f64>, Option<f64>, Option<i64>),
        h: Option<&DeviceHealth>,
    ) -> Key {
        let (battery, signal, last_seen) = summary;
        let text = |s: &str| Key::Text(s.to_lowercase());
        let num = |v: Option<f64>| v.filter(|v| v.is_finite()).map_or(Key::Missing, Key::Num);
        match self.sort {
            DeviceSort::Name => text(&d.name),
            DeviceSort::Id => Key::Text(d.id.clone()),
            DeviceSort::Kind => text(d.kind.name()),
            DeviceSort::Model => text(&d.model),
            DeviceSort::Site => text(&d.site_id),
            DeviceSort::Place => {
                let parts = [&d.building_id, &d.floor_id, &d.zone_id];
                text(&parts.map(|p| p.as_deref().unwrap_or("")).join("/"))
            }
            // Worst first in ascending order: the flag earliest in ALL wins.
            DeviceSort::Status => num(h.map(|h| {
                (h.flags.iter())
                    .filter_map(|f| HealthFlag::ALL.iter().position(|g| g == f))
                    .min()
                    .map_or(HealthFlag::ALL.len() as f64, |i| i as f64)
            })),
            DeviceSort::LastSeen => num(last_seen.map(|t| t as f64)),
            DeviceSort::Battery => num(battery),
            DeviceSort::Signal => num(signal),
            DeviceSort::Firmware => text(&d.firmware),
        }
    }

    /// The order of two `(key, id)`: the key in the asked direction (missing
    /// last), then the id ascending.
    pub fn cmp(&self, a: (&Key, &str), b: (&Key, &str)) -> Ordering {
        let by_key = match (a.0, b.0) {
            (Key::Missing, Key::Missing) => Ordering::Equal,
            (Key::Missing, _) => Ordering::Greater,
            (_, Key::Missing) => Ordering::Less,
            (Key::Num(x), Key::Num(y)) => self.dir(x.total_cmp(y)),
            (Key::Text(x), Key::Text(y)) => self.dir(x.cmp(y)),
            (Key::Num(_), Key::Text(_)) => Ordering::Less,
            (Key::Text(_), Key::Num(_)) => Ordering::Greater,
        };
        by_key.then_with(|| a.1.cmp(b.1))
    }

    fn dir(&self, o: Ordering) -> Ordering {
        if self.descending { o.reverse() } else { o }
    }
}

/// The opaque `after=` of the next page: the last item's key and id, hex JSON.
pub fn cursor(key: &Key, id: &str) -> String {
    let json = serde_json::to_string(&(key, id)).unwrap_or_default();
    json.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The key and id a cursor holds; `None` when it is not one of ours.
pub fn parse_cursor(s: &str) -> Option<(Key, String)> {
    if !s.len().is_multiple_of(2) || s.len() > 4_096 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect();
    serde_json::from_slice(&bytes?).ok()
}

/// The `limit` first of `items` after `after` in `order`, sorted; plus the
/// cursor of the next page when more follow. O(n) selection, then a sort of
/// the page only.
pub fn page<T>(
    mut items: Vec<(Key, String, T)>,
    order: &Sorted,
    after: Option<&(Key, String)>,
    limit: usize,
) -> (Vec<T>, Option<String>) {
    if let Some((k, id)) = after {
        items.retain(|(key, i, _)| order.cmp((key, i), (k, id)) == Ordering::Greater);
    }
    let more = items.len() > limit;
    let cmp = |a: &(Key, String, T), b: &(Key, String, T)| order.cmp((&a.0, &a.1), (&b.0, &b.1));
    if more {
        items.select_nth_unstable_by(limit, cmp);
        items.truncate(limit);
    }
    items.sort_by(cmp);
    let next = (more && limit > 0)
        .then(|| items.last().map(|(k, id, _)| cursor(k, id)))
        .flatten();
    (items.into_iter().map(|(_, _, t)| t).collect(), next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(keys: &[(Key, &str)]) -> Vec<(Key, String, String)> {
        keys.iter()
            .map(|(k, id)| (k.clone(), id.to_string(), id.to_string()))
            .collect()
    }

    #[test]
    fn keyset_pages_walk_every_item_once_in_order_with_missing_last() {
        let all = items(&[
            (Key::Num(3.0), "c"),
            (Key::Missing, "m"),
            (Key::Num(1.0), "a"),
            (Key::Num(3.0), "b"),
            (Key::Num(2.0), "z"),
            (Key::Missing, "k"),
        ]);
        for (descending, want) in [
            (false, ["a", "z", "b", "c", "k", "m"]),
            (true, ["b", "c", "z", "a", "k", "m"]),
        ] {
            let order = Sorted {
                sort: DeviceSort::Battery,
                descending,
            };
            let mut seen = Vec::new();
            let mut after = None;
            loop {
                let (page, next) = page(all.clone(), &order, after.as_ref(), 2);
                seen.extend(page);
                match next {
                    Some(c) => after = Some(parse_cursor(&c).expect("our cursor")),
                    None => break,
                }
            }
            assert_eq!(seen, want, "descending {descending}");
        }
    }

    #[test]
    fn a_cursor_that_is_not_ours_is_refused() {
        assert_eq!(parse_cursor("zz"), None);
        assert_eq!(parse_cursor("7b"), None);
        let c = cursor(&Key::Text("é".into()), "x");
        assert_eq!(parse_cursor(&c), Some((Key::Text("é".into()), "x".into())));
    }
}
