-- Hours whose rollups are still gathered in memory (store/open_hours.rs):
-- written with the batch that opens one, deleted with the one that merges
-- it; after a crash their rollups are rebuilt from the raw readings.
CREATE TABLE open_hours (
    point_id INTEGER NOT NULL,
    bucket {i64} NOT NULL,
    PRIMARY KEY (point_id, bucket)
){without_rowid};
