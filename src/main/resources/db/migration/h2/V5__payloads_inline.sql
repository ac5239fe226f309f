-- Payloads as BINARY VARYING (up to 1,000,000,000 bytes, kept in the row) instead of BLOB: H2
-- stores every BLOB in a separate large-object map, which cost a journal write and read several
-- lookups more than the row itself.
ALTER TABLE PUBLIC."event_journal" ALTER COLUMN "event_payload" SET DATA TYPE VARBINARY;
ALTER TABLE PUBLIC."event_journal" ALTER COLUMN "meta_payload" SET DATA TYPE VARBINARY;
ALTER TABLE PUBLIC."snapshot" ALTER COLUMN "snapshot_payload" SET DATA TYPE VARBINARY;
ALTER TABLE PUBLIC."snapshot" ALTER COLUMN "meta_payload" SET DATA TYPE VARBINARY;
ALTER TABLE PUBLIC."durable_state" ALTER COLUMN "state_payload" SET DATA TYPE VARBINARY;
