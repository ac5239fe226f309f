-- The highest journal ordering each journey projection slice has written to the read tables,
-- kept in the same transaction as the rows: a group applied again (a projection restarted while
-- its previous transaction was still open) is recognised and written once.
CREATE TABLE IF NOT EXISTS journey_read_progress (
    projection_slice INTEGER NOT NULL PRIMARY KEY,
    applied_ordering BIGINT NOT NULL
);
