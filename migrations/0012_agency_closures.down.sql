ALTER TABLE agencies DROP COLUMN closures_version;
DROP TABLE agency_closures;
