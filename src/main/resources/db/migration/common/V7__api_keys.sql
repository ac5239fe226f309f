-- API keys of organisations (issue 11). A key is shown once, when it is made; only its SHA-256
-- (a key's secret is 24 random characters, 143 bits, so a plain hash is enough) and its
-- prefix (to tell keys apart in a list) are kept. Revoked keys stay, with when they were revoked.
CREATE TABLE IF NOT EXISTS api_keys (
    id VARCHAR(32) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(128) NOT NULL,
    prefix VARCHAR(16) NOT NULL,
    key_hash CHAR(64) NOT NULL,
    scopes VARCHAR(64) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE
);

CREATE UNIQUE INDEX IF NOT EXISTS api_keys_by_hash ON api_keys (key_hash);
CREATE INDEX IF NOT EXISTS api_keys_by_organization ON api_keys (organization_id, created_at);
