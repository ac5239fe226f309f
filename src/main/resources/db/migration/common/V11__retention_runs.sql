-- Retention (issue 15): the last enforcement per organisation, for the privacy audit.
CREATE TABLE retention_runs (
    organization_id VARCHAR(128) NOT NULL PRIMARY KEY,
    ran_at TIMESTAMP WITH TIME ZONE NOT NULL,
    cutoff TIMESTAMP WITH TIME ZONE NOT NULL,
    journals INTEGER NOT NULL,
    journal_rows INTEGER NOT NULL,
    snapshots INTEGER NOT NULL,
    error VARCHAR(1000)
);
