//! The server's integration tests, one module per area, in one test binary:
//! the server is linked once, not once per file. Real parts throughout: a
//! SQLite file, a PostgreSQL and a Mosquitto of their own (`support`), real
//! sockets, the real binary for the crash test.

mod support;

mod access;
mod alarm_store;
mod alarms;
mod api;
mod auth;
mod catalog;
mod custom_metrics;
mod durability;
mod ingest;
mod ingest_http;
mod integrations;
mod integrations_mqtt;
mod inventory;
mod live;
mod mqtt;
mod notify;
mod openapi;
mod real_devices;
mod series;
mod simulator;
mod static_files;
mod storage;
