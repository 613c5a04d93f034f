//! The map's clustering index: a nested grid over world coordinates.
//!
//! At zoom `z` the world is `256·2^z` pixels wide; a cluster is everything in
//! one `CELL_PX`-wide cell of that grid. A cell at `z` is exactly four cells
//! at `z + 1`, so clusters nest: each has one parent per coarser level, and a
//! status change walks that chain (O(levels)) instead of rebuilding. Every
//! cluster keeps its member count per status, its centroid and the bounding
//! box of its members (a click fits the map to it). Below the finest level,
//! items stand alone (`levels[MAX_LEVEL]` holds one cluster per item, in item
//! order).

use std::collections::HashMap;

/// Cell size in screen pixels: clusters are at most this far apart.
pub const CELL_PX: f64 = 64.0;
/// Zooms `0..MAX_LEVEL` are clustered; at `MAX_LEVEL` and beyond every item
/// shows alone.
pub const MAX_LEVEL: usize = 18;

/// A sensor's worst current state, least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Ok = 0,
    Unknown = 1,
    Offline = 2,
    Warning = 3,
    Critical = 4,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Critical,
        Status::Warning,
        Status::Offline,
        Status::Unknown,
        Status::Ok,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Unknown => "unknown",
            Status::Offline => "offline",
            Status::Warning => "warning",
            Status::Critical => "critical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Unknown => "No data",
            Status::Offline => "Offline",
            Status::Warning => "Warning",
            Status::Critical => "Critical",
        }
    }
}

/// One thing on the map, at world coordinates in `[0, 1)²`.
#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub x: f64,
    pub y: f64,
    pub status: Status,
}

#[derive(Clone, Debug)]
pub struct Cluster {
    pub x: f64,
    pub y: f64,
    /// Members per status, indexed by `Status as usize`.
    pub counts: [u32; 5],
    /// Members' bounding box: `[min_x, min_y, max_x, max_y]`.
    pub bounds: [f64; 4],
    /// An item of the cluster (the item itself for a lone one).
    pub first: u32,
}

impl Cluster {
    pub fn count(&self) -> u32 {
        self.counts.iter().sum()
    }

    pub fn worst(&self) -> Status {
        Status::ALL
            .into_iter()
            .find(|s| self.counts[*s as usize] > 0)
            .unwrap_or(Status::Unknown)
    }
}

pub struct Index {
    /// `levels[z]`: the clusters at zoom `z`; `levels[MAX_LEVEL]`: the items.
    levels: Vec<Vec<Cluster>>,
    /// `parents[z][i]`: the cluster at `z - 1` holding cluster `i` of `z`.
    parents: Vec<Vec<u32>>,
    status: Vec<Status>,
}

fn add(to: &mut [u32; 5], counts: &[u32; 5]) {
    for (t, c) in to.iter_mut().zip(counts) {
        *t += c;
    }
}

/// Grid cell of world coordinate `v` at level `z`.
fn cell(v: f64, z: usize) -> u64 {
    let cells = 256.0 * (1u64 << z) as f64 / CELL_PX;
    (v.clamp(0.0, 1.0 - f64::EPSILON) * cells) as u64
}

impl Index {
    pub fn new(items: &[Item]) -> Index {
        let leaves: Vec<Cluster> = items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let mut counts = [0; 5];
                counts[it.status as usize] = 1;
                Cluster {
                    x: it.x,
                    y: it.y,
                    counts,
                    bounds: [it.x, it.y, it.x, it.y],
                    first: i as u32,
                }
            })
            .collect();
        let mut levels = vec![leaves];
        let mut parents = Vec::new();
        // Keys of the finest clustered level, then halved per coarser level.
        let mut keys: Vec<(u64, u64)> = items
            .iter()
            .map(|it| (cell(it.x, MAX_LEVEL - 1), cell(it.y, MAX_LEVEL - 1)))
            .collect();
        for _ in (0..MAX_LEVEL).rev() {
            let finer = levels.last().expect("a level");
            let mut at: HashMap<(u64, u64), u32> = HashMap::new();
            let mut coarse: Vec<Cluster> = Vec::new();
            let mut coarse_keys = Vec::new();
            let mut up = Vec::with_capacity(finer.len());
            // Sums for the weighted centroid.
            let mut sums: Vec<(f64, f64)> = Vec::new();
            for (c, key) in finer.iter().zip(&keys) {
                let idx = *at.entry(*key).or_insert_with(|| {
                    coarse.push(Cluster {
                        x: 0.0,
                        y: 0.0,
                        counts: [0; 5],
                        bounds: c.bounds,
                        first: c.first,
                    });
                    coarse_keys.push((key.0 >> 1, key.1 >> 1));
                    sums.push((0.0, 0.0));
                    coarse.len() as u32 - 1
                });
                let p = &mut coarse[idx as usize];
                let n = f64::from(c.count());
                sums[idx as usize].0 += c.x * n;
                sums[idx as usize].1 += c.y * n;
                add(&mut p.counts, &c.counts);
                p.bounds = [
                    p.bounds[0].min(c.bounds[0]),
                    p.bounds[1].min(c.bounds[1]),
                    p.bounds[2].max(c.bounds[2]),
                    p.bounds[3].max(c.bounds[3]),
                ];
                up.push(idx);
            }
            for (p, (sx, sy)) in coarse.iter_mut().zip(sums) {
                let n = f64::from(p.count());
                (p.x, p.y) = (sx / n, sy / n);
            }
            parents.push(up);
            levels.push(coarse);
            keys = coarse_keys;
        }
        levels.reverse();
        parents.push(Vec::new()); // level 0 has no parent
        parents.reverse();
        Index {
            levels,
            parents,
            status: items.iter().map(|it| it.status).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.status.len()
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// The level shown at (fractional) zoom `zoom`.
    pub fn level(zoom: f64) -> usize {
        (zoom.floor().max(0.0) as usize).min(MAX_LEVEL)
    }

    pub fn clusters(&self, level: usize) -> &[Cluster] {
        &self.levels[level.min(MAX_LEVEL)]
    }

    pub fn status(&self, item: u32) -> Status {
        self.status[item as usize]
    }

    /// Totals per status over every item.
    pub fn totals(&self) -> [u32; 5] {
        self.levels[0].iter().fold([0; 5], |mut t, c| {
            add(&mut t, &c.counts);
            t
        })
    }

    /// Moves `item` to `status` in every cluster holding it; `false` when it
    /// already had it.
    pub fn set_status(&mut self, item: u32, status: Status) -> bool {
        let old = std::mem::replace(&mut self.status[item as usize], status);
        if old == status {
            return false;
        }
        let mut idx = item;
        for z in (0..=MAX_LEVEL).rev() {
            let c = &mut self.levels[z][idx as usize];
            c.counts[old as usize] -= 1;
            c.counts[status as usize] += 1;
            if z > 0 {
                idx = self.parents[z][idx as usize];
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), no dependency needed.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn status(&mut self) -> Status {
            Status::ALL[(self.next() % 5) as usize]
        }
    }

    fn items(n: usize, rng: &mut Rng) -> Vec<Item> {
        (0..n)
            .map(|i| {
                // Half spread over Europe-sized area, half in tight "buildings"
                // (many sensors at almost the same place), a few on the edges.
                let (x, y) = match i % 10 {
                    0 => (0.0, 1.0 - f64::EPSILON),
                    1..=4 => (0.5 + rng.unit() * 0.05, 0.33 + rng.unit() * 0.05),
                    _ => {
                        let b = (rng.next() % 200) as f64;
                        (
                            0.51 + b * 1e-4 + rng.unit() * 1e-7,
                            0.34 + rng.unit() * 1e-7,
                        )
                    }
                };
                Item {
                    x,
                    y,
                    status: rng.status(),
                }
            })
            .collect()
    }

    /// Expected clusters at `z`, from each item's own cell: counts per status.
    fn expected(items: &[Item], statuses: &[Status], z: usize) -> HashMap<(u64, u64), [u32; 5]> {
        let mut out: HashMap<(u64, u64), [u32; 5]> = HashMap::new();
        for (it, s) in items.iter().zip(statuses) {
            out.entry((cell(it.x, z), cell(it.y, z))).or_default()[*s as usize] += 1;
        }
        out
    }

    fn check(index: &Index, items: &[Item], statuses: &[Status]) {
        let mut totals = [0u32; 5];
        for s in statuses {
            totals[*s as usize] += 1;
        }
        for z in 0..=MAX_LEVEL {
            let clusters = index.clusters(z);
            let sum = clusters.iter().fold([0u32; 5], |mut t, c| {
                add(&mut t, &c.counts);
                t
            });
            assert_eq!(sum, totals, "counts conserved at zoom {z}");
            if z == MAX_LEVEL {
                for (i, c) in clusters.iter().enumerate() {
                    assert_eq!(c.count(), 1);
                    assert_eq!(c.worst(), statuses[i]);
                }
                continue;
            }
            let want = expected(items, statuses, z);
            assert_eq!(clusters.len(), want.len(), "cluster count at zoom {z}");
            for c in clusters {
                let key = (cell(c.x, z), cell(c.y, z));
                let counts = want
                    .get(&key)
                    .unwrap_or_else(|| panic!("cluster {key:?} at {z}"));
                assert_eq!(&c.counts, counts, "members of {key:?} at zoom {z}");
                let worst = Status::ALL
                    .into_iter()
                    .find(|s| counts[*s as usize] > 0)
                    .expect("non-empty");
                assert_eq!(c.worst(), worst, "worst severity at zoom {z}");
                assert!(c.bounds[0] <= c.x && c.x <= c.bounds[2]);
                assert!(c.bounds[1] <= c.y && c.y <= c.bounds[3]);
            }
        }
    }

    #[test]
    fn fifty_thousand_points_conserve_counts_and_worst_severity_at_every_zoom() {
        let mut rng = Rng(0x5eed);
        let items = items(50_000, &mut rng);
        let mut index = Index::new(&items);
        let mut statuses: Vec<Status> = items.iter().map(|i| i.status).collect();
        check(&index, &items, &statuses);
        // Live changes, including to the same status, then check again.
        for _ in 0..5_000 {
            let i = (rng.next() % items.len() as u64) as usize;
            let s = rng.status();
            assert_eq!(index.set_status(i as u32, s), statuses[i] != s);
            statuses[i] = s;
        }
        check(&index, &items, &statuses);
        assert_eq!(index.totals().iter().sum::<u32>(), 50_000);
    }

    #[test]
    fn clusters_split_as_the_zoom_grows() {
        let mut rng = Rng(7);
        let items = items(5_000, &mut rng);
        let index = Index::new(&items);
        assert!(index.clusters(0).len() <= 4);
        for z in 1..=MAX_LEVEL {
            assert!(index.clusters(z).len() >= index.clusters(z - 1).len());
        }
        assert_eq!(index.clusters(MAX_LEVEL).len(), 5_000);
        assert_eq!(Index::level(3.7), 3);
        assert_eq!(Index::level(40.0), MAX_LEVEL);
    }

    #[test]
    fn one_critical_member_makes_a_cluster_critical() {
        let items: Vec<Item> = (0..100)
            .map(|i| Item {
                x: 0.5 + f64::from(i) * 1e-9,
                y: 0.5,
                status: Status::Ok,
            })
            .collect();
        let mut index = Index::new(&items);
        assert_eq!(index.clusters(5)[0].worst(), Status::Ok);
        index.set_status(42, Status::Critical);
        for z in 0..MAX_LEVEL {
            assert_eq!(index.clusters(z)[0].worst(), Status::Critical);
            assert_eq!(index.clusters(z)[0].counts[Status::Critical as usize], 1);
        }
        index.set_status(42, Status::Warning);
        assert_eq!(index.clusters(0)[0].worst(), Status::Warning);
    }
}
