-- API keys. Only the SHA-256 of a key is stored: the key itself is shown
-- once, when it is created. Rows are never deleted, only revoked, so that
-- "no rows" can safely mean "this server never had keys" (open mode).

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    token_hash   BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    role         TEXT    NOT NULL CHECK (role IN ('ingest', 'analyst', 'admin')),
    name         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
