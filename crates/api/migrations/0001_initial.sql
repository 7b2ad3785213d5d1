-- Portico reference API: users, orders and refresh-token families.
-- Timestamps ending in `_ms` are Unix milliseconds.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    tenant        TEXT NOT NULL,
    roles         TEXT NOT NULL,          -- space-separated role names
    locale        TEXT NOT NULL
);

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant           TEXT NOT NULL,
    owner_id         TEXT NOT NULL REFERENCES users (id),
    item             TEXT NOT NULL,
    quantity         INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    status           TEXT NOT NULL,
    created_at_ms    INTEGER NOT NULL
);
CREATE INDEX orders_by_owner ON orders (owner_id);
CREATE INDEX orders_by_tenant ON orders (tenant);

-- One family per sign-in; every refresh adds a token to the family.
CREATE TABLE refresh_families (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,       -- absolute lifetime
    revoked_at_ms INTEGER
);

-- Only the SHA-256 of a refresh token is stored, never the token.
CREATE TABLE refresh_tokens (
    hash           TEXT PRIMARY KEY,
    family_id      TEXT NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    issued_at_ms   INTEGER NOT NULL,
    rotated_at_ms  INTEGER,
    successor_hash TEXT
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
