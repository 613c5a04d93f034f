-- Real devices in: a device's external ids (DevEUI, a SenML base name, a
-- Zigbee IEEE address, a serial), unique across the portfolio; the network
-- server integrations with their shared secrets; and the devices they heard
-- that no one has claimed yet.
ALTER TABLE devices ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
CREATE TABLE device_aliases (
    alias TEXT PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(id)
);
CREATE INDEX device_aliases_device ON device_aliases (device_id);
CREATE TABLE integrations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    secret TEXT NOT NULL,
    mqtt_url TEXT,
    mqtt_username TEXT,
    mqtt_password TEXT,
    mqtt_topic TEXT,
    ca_file TEXT,
    created_ms {i64} NOT NULL
);
CREATE TABLE waiting_devices (
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    first_seen_ms {i64} NOT NULL,
    last_seen_ms {i64} NOT NULL,
    messages {i64} NOT NULL,
    keys TEXT NOT NULL,
    hint TEXT NOT NULL,
    PRIMARY KEY (integration_id, identifier)
);
-- Metrics admins define beside the built-in ones.
CREATE TABLE metrics (
    name TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    unit TEXT NOT NULL,
    display_unit TEXT NOT NULL,
    min_value {real} NOT NULL,
    max_value {real} NOT NULL,
    decimals INTEGER NOT NULL,
    created_ms {i64} NOT NULL
);
