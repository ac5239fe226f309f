-- Which hash puts a user in a journey bucket (dev.beacon.journey.JourneyBuckets): the Kafka
-- producer's, so a user's bucket lies in the shard of their partition; or, for a database whose
-- journal already holds journeys, the hash they were written with, or their users would lose
-- their journeys and dedup windows. One row.
CREATE TABLE journey_bucket_hash (
    bucket_hash VARCHAR(16) NOT NULL
);

INSERT INTO journey_bucket_hash (bucket_hash)
SELECT CASE
    WHEN EXISTS (SELECT 1 FROM "event_journal" WHERE "persistence_id" LIKE 'Journey|%')
      OR EXISTS (SELECT 1 FROM "snapshot" WHERE "persistence_id" LIKE 'Journey|%')
    THEN 'legacy' ELSE 'murmur2' END;
