ALTER TABLE requests DROP COLUMN group_id;
