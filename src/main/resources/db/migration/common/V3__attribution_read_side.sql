-- Read side of journeys and attribution, written exactly once by the journey projection.
-- Plain SQL that H2 and PostgreSQL both run (unquoted names: upper case in H2, lower in PostgreSQL).
-- Each projection instance (one per journey tag) writes its own rows (projection_slice), so
-- instances never contend for a row; queries sum over the slices.
CREATE TABLE IF NOT EXISTS attribution_daily (
    projection_slice INTEGER NOT NULL,
    organization_id VARCHAR(128) NOT NULL,
    event_day DATE NOT NULL,
    channel VARCHAR(64) NOT NULL,
    campaign VARCHAR(256) NOT NULL,
    attribution_model VARCHAR(32) NOT NULL,
    conversions DOUBLE PRECISION NOT NULL,
    revenue DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (organization_id, event_day, channel, campaign, attribution_model, projection_slice)
);

CREATE TABLE IF NOT EXISTS session_daily (
    projection_slice INTEGER NOT NULL,
    organization_id VARCHAR(128) NOT NULL,
    event_day DATE NOT NULL,
    channel VARCHAR(64) NOT NULL,
    sessions BIGINT NOT NULL,
    engaged_sessions BIGINT NOT NULL,
    PRIMARY KEY (organization_id, event_day, channel, projection_slice)
);

CREATE TABLE IF NOT EXISTS conversion_paths (
    projection_slice INTEGER NOT NULL,
    organization_id VARCHAR(128) NOT NULL,
    channel_path VARCHAR(2048) NOT NULL,
    conversions BIGINT NOT NULL,
    conversion_value DOUBLE PRECISION NOT NULL,
    non_conversions BIGINT NOT NULL,
    PRIMARY KEY (organization_id, channel_path, projection_slice)
);

CREATE TABLE IF NOT EXISTS live_event_feed (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id VARCHAR(128) NOT NULL,
    event_time TIMESTAMP WITH TIME ZONE NOT NULL,
    event_name VARCHAR(256) NOT NULL,
    user_id VARCHAR(256) NOT NULL,
    channel VARCHAR(64),
    campaign VARCHAR(256)
);
CREATE INDEX IF NOT EXISTS live_event_feed_organization ON live_event_feed (organization_id, id);
