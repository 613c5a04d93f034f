//! Which points one socket receives: its scope (sites, buildings, devices,
//! points, or everything), always within the signed-in user's sites.

use std::collections::HashSet;

use cairn_protocol::{Scope, User};

use crate::catalog::Catalog;

/// Which points a socket receives: its scope, within the user's sites.
pub(super) struct Filter {
    points: Option<HashSet<u32>>,
    /// Ids of the scope outside the user's sites (none of it is sent).
    pub(super) denied: Vec<String>,
}

impl Filter {
    /// The filter of `scope` for `user`: only points of the user's sites pass,
    /// and known ids of other sites are listed in `denied`.
    pub(super) fn new(catalog: &Catalog, scope: &Scope, user: &User) -> Filter {
        let mut denied = Vec::new();
        let model = &catalog.model;
        let site_of_building = |id: &str| {
            model
                .buildings
                .iter()
                .find(|b| b.id == id)
                .map(|b| b.site_id.as_str())
        };
        let site_of_device = |id: &str| {
            model
                .devices
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.site_id.as_str())
        };
        // Unknown ids are left out silently; known ones of other sites are named.
        denied.extend(
            scope
                .sites
                .iter()
                .filter(|s| model.sites.iter().any(|k| &&k.id == s) && !user.sees_site(s))
                .cloned(),
        );
        denied.extend(
            scope
                .buildings
                .iter()
                .filter(|b| site_of_building(b).is_some_and(|s| !user.sees_site(s)))
                .cloned(),
        );
        denied.extend(
            scope
                .devices
                .iter()
                .filter(|d| site_of_device(d).is_some_and(|s| !user.sees_site(s)))
                .cloned(),
        );
        denied.extend(
            (scope.points.iter())
                .filter(|p| {
                    catalog
                        .point(**p)
                        .is_some_and(|p| !user.sees_site(&p.site_id))
                })
                .map(|p| format!("point {p}")),
        );
        let everything = scope.is_everything();
        if everything && user.sees_every_site() {
            // Admins and all-site users with everything: no per-point check.
            return Filter {
                points: None,
                denied,
            };
        }
        let points = catalog
            .points()
            .iter()
            .filter(|p| user.sees_site(&p.site_id))
            .filter(|p| {
                everything
                    || scope.sites.contains(&p.site_id)
                    || p.building_id
                        .as_ref()
                        .is_some_and(|b| scope.buildings.contains(b))
                    || scope.devices.contains(&p.device_id)
                    || scope.points.contains(&p.id)
            })
            .map(|p| p.id)
            .collect();
        Filter {
            points: Some(points),
            denied,
        }
    }

    /// Whether readings of `point` may be sent.
    pub(super) fn allows(&self, point: u32) -> bool {
        self.points.as_ref().is_none_or(|set| set.contains(&point))
    }

    /// Whether every point passes (everything asked by a user of every site).
    pub(super) fn allows_all(&self) -> bool {
        self.points.is_none()
    }

    /// A filter passing `points` (`None`: every point), nothing denied.
    #[cfg(test)]
    pub(super) fn of_points(points: Option<HashSet<u32>>) -> Filter {
        Filter {
            points,
            denied: Vec::new(),
        }
    }
}
