-- The live event feed is held in memory by each organisation's live hub (issue 12): the table
-- the journey projection wrote and trimmed on every group (and, on H2 under load, waited on
-- its lock for) goes.
DROP TABLE IF EXISTS live_event_feed;
