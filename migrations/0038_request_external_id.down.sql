ALTER TABLE requests DROP COLUMN external_id;
