-- Accounts (see auth/): sites granted as a JSON array of site ids.
CREATE TABLE users (
    id {id64},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    all_sites {bool} NOT NULL,
    sites TEXT NOT NULL,
    disabled {bool} NOT NULL,
    password_hash TEXT NOT NULL,
    created_ms {i64} NOT NULL,
    updated_ms {i64} NOT NULL,
    last_login_ms {i64}
);
-- Only a SHA-256 of the session secret is stored.
CREATE TABLE sessions (
    id_sha256 {blob} PRIMARY KEY,
    user_id {i64} NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_ms {i64} NOT NULL,
    expires_ms {i64} NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE audit (
    id {id64},
    at_ms {i64} NOT NULL,
    actor_id {i64},
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_at ON audit(at_ms);
