ALTER TABLE requests DROP COLUMN acknowledged_on;
