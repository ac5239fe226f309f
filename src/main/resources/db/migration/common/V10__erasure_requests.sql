-- Right to be forgotten (issue 15): one row per erasure request. The user id is kept only until
-- the erasure completes (a crash mid-way resumes from it); then it is cleared, and the row stays as
-- the audit record: which organisation, when asked, when done, what was erased.
CREATE TABLE erasure_requests (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(128) NOT NULL,
    user_id VARCHAR(256),
    state VARCHAR(16) NOT NULL,
    requested_at TIMESTAMP WITH TIME ZONE NOT NULL,
    completed_at TIMESTAMP WITH TIME ZONE,
    attempts INTEGER NOT NULL,
    progress VARCHAR(4000) NOT NULL,
    last_error VARCHAR(1000)
);

CREATE INDEX erasure_requests_by_organization ON erasure_requests (organization_id, requested_at);
CREATE INDEX erasure_requests_by_state ON erasure_requests (state, requested_at);
