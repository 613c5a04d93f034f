-- Only a SHA-256 of each device's ingest secret is stored.
CREATE TABLE device_tokens (
    device_id TEXT PRIMARY KEY REFERENCES devices(id),
    secret_sha256 {blob} NOT NULL,
    created_ms {i64} NOT NULL
);
