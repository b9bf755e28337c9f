ALTER TABLE agencies DROP COLUMN version;
