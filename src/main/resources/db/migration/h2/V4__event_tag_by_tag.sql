-- The read side reads the journal by tag and ordering (eventsByTag): without this index every
-- poll of every projection instance scans the whole event_tag table.
CREATE INDEX IF NOT EXISTS "event_tag_tag_idx" ON PUBLIC."event_tag" ("tag", "event_id");
