//! What the inventory shows, kept in the URL query (`?q=…&site=bru&health=silent,stuck&sort=battery&dir=desc`)
//! so a reload or a shared link reproduces the view. `new=1` opens the
//! device form. The query read and written here is pure; `use_inventory_view`
//! ties it to the router.

use cairn_protocol::{DeviceKind, DeviceSort, health::HealthFlag};
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

/// Filters, search and order of the inventory; empty text = any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InventoryView {
    pub q: String,
    pub site: String,
    /// A [`DeviceKind`] name.
    pub kind: String,
    pub model: String,
    pub firmware: String,
    /// Any of these (in [`HealthFlag::ALL`] order).
    pub health: Vec<HealthFlag>,
    pub sort: DeviceSort,
    pub desc: bool,
}

impl InventoryView {
    /// The view a query names (`get` reads one key); what it does not
    /// understand is left out.
    pub fn read(get: impl Fn(&str) -> Option<String>) -> InventoryView {
        let text = |k: &str| get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        let named = text("health");
        let wanted: Vec<&str> = named.split(',').map(str::trim).collect();
        InventoryView {
            q: get("q").unwrap_or_default(),
            site: text("site"),
            kind: Some(text("kind"))
                .filter(|k| DeviceKind::parse(k).is_some())
                .unwrap_or_default(),
            model: text("model"),
            firmware: text("firmware"),
            health: (HealthFlag::ALL.into_iter())
                .filter(|f| wanted.contains(&f.name()))
                .collect(),
            sort: DeviceSort::parse(&text("sort")).unwrap_or_default(),
            desc: text("dir") == "desc",
        }
    }

    /// The query pairs of this view: only what differs from the default.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut put = |k: &'static str, v: &str| {
            if !v.trim().is_empty() {
                out.push((k, v.trim().to_owned()));
            }
        };
        put("q", &self.q);
        put("site", &self.site);
        put("kind", &self.kind);
        put("model", &self.model);
        put("firmware", &self.firmware);
        let health: Vec<&str> = self.health.iter().map(|f| f.name()).collect();
        put("health", &health.join(","));
        if self.sort != DeviceSort::default() {
            put("sort", self.sort.name());
        }
        if self.desc {
            put("dir", "desc");
        }
        out
    }

    /// Whether any filter or search narrows the list.
    pub fn filtered(&self) -> bool {
        InventoryView {
            sort: self.sort,
            desc: self.desc,
            ..InventoryView::default()
        } != *self
    }

    /// The same view with `flag` on if it was off, off if it was on.
    pub fn toggled(&self, flag: HealthFlag) -> InventoryView {
        let mut v = self.clone();
        if v.health.contains(&flag) {
            v.health.retain(|f| *f != flag);
        } else {
            v.health = (HealthFlag::ALL.into_iter())
                .filter(|f| *f == flag || v.health.contains(f))
                .collect();
        }
        v
    }

    /// Sorted by `by`: the column it is sorted by already turns round,
    /// another starts ascending.
    pub fn sorted_by(&self, by: DeviceSort) -> InventoryView {
        InventoryView {
            desc: self.sort == by && !self.desc,
            sort: by,
            ..self.clone()
        }
    }
}

/// `s` percent-encoded for a query value (everything but `A–Z a–z 0–9 - _ . ~`).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `a=1&b=x%20y`.
pub fn query_string<K: AsRef<str>>(pairs: &[(K, String)]) -> String {
    (pairs.iter())
        .map(|(k, v)| format!("{}={}", k.as_ref(), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The view in the URL, whether the form is open (`new=1`), and ways to change them.
#[derive(Clone, Copy)]
pub struct UseInventoryView {
    pub view: Memo<InventoryView>,
    pub creating: Memo<bool>,
    /// Shows this view (replacing the history entry: filtering is no new page).
    pub set: Callback<InventoryView>,
    /// Opens (a new history entry: Back closes it) or closes the form.
    pub form: Callback<bool>,
}

pub fn use_inventory_view() -> UseInventoryView {
    let query = use_query_map();
    let view = Memo::new(move |_| query.with(|q| InventoryView::read(|k| q.get(k))));
    let creating = Memo::new(move |_| query.with(|q| q.get("new").as_deref() == Some("1")));
    let navigate = use_navigate();
    let go = Callback::new(move |(v, new, replace): (InventoryView, bool, bool)| {
        let mut pairs = v.pairs();
        if new {
            pairs.push(("new", "1".to_owned()));
        }
        let search = query_string(&pairs);
        let url = if search.is_empty() {
            "/devices".to_owned()
        } else {
            format!("/devices?{search}")
        };
        navigate(
            &url,
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        );
    });
    UseInventoryView {
        view,
        creating,
        set: Callback::new(move |v| {
            go.run((v, creating.get_untracked(), true));
        }),
        form: Callback::new(move |open| {
            go.run((view.get_untracked(), open, !open));
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(q: &[(&str, &str)]) -> InventoryView {
        InventoryView::read(|k| {
            q.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn a_view_survives_the_url() {
        let v = InventoryView {
            q: "room 2/07".into(),
            site: "bru".into(),
            kind: "multisensor".into(),
            model: "AM319 & co".into(),
            firmware: "1.2".into(),
            health: vec![HealthFlag::Silent, HealthFlag::LowBattery],
            sort: DeviceSort::Battery,
            desc: true,
        };
        let pairs = v.pairs();
        let owned: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(read(&owned), v);
        assert_eq!(query_string(&pairs[..2]), "q=room%202%2F07&site=bru");
        assert!(v.filtered());
        assert!(InventoryView::default().pairs().is_empty());
    }

    #[test]
    fn what_the_url_does_not_name_is_left_out() {
        let v = read(&[
            ("kind", "toaster"),
            ("health", "stuck,bogus,silent"),
            ("sort", "colour"),
            ("dir", "up"),
        ]);
        assert_eq!(v.kind, "");
        assert_eq!(v.health, [HealthFlag::Silent, HealthFlag::Stuck]);
        assert_eq!((v.sort, v.desc), (DeviceSort::Name, false));
        assert!(v.filtered());
    }

    #[test]
    fn chips_toggle_and_headers_turn_round() {
        let v = InventoryView::default()
            .toggled(HealthFlag::Stuck)
            .toggled(HealthFlag::Silent);
        assert_eq!(v.health, [HealthFlag::Silent, HealthFlag::Stuck]);
        assert_eq!(v.toggled(HealthFlag::Silent).health, [HealthFlag::Stuck]);
        let s = v.sorted_by(DeviceSort::Battery);
        assert_eq!((s.sort, s.desc), (DeviceSort::Battery, false));
        let s = s.sorted_by(DeviceSort::Battery);
        assert_eq!((s.sort, s.desc), (DeviceSort::Battery, true));
        let s = s.sorted_by(DeviceSort::Name);
        assert_eq!((s.sort, s.desc), (DeviceSort::Name, false));
    }
}
