-- Tracker intake (issue 16): every user id and anonymous id an organisation's Segment events
-- name, and the user whose journey its events join. An id first seen alone points to itself; an
-- identify or alias (or any event with both ids) points the anonymous id at the known user's
-- journey, so that a user's anonymous and known events form one journey.
CREATE TABLE identity_links (
    organization_id VARCHAR(128) NOT NULL,
    id VARCHAR(256) NOT NULL,
    journey_user_id VARCHAR(256) NOT NULL,
    linked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (organization_id, id)
);

CREATE INDEX identity_links_by_journey_user ON identity_links (organization_id, journey_user_id);
