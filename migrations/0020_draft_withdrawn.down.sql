-- Fails, changing nothing, while a withdrawn or abandoned draft exists.
ALTER TABLE requests DROP CONSTRAINT requests_received_on_check;
ALTER TABLE requests ADD CONSTRAINT requests_check CHECK (status = 'draft' OR received_on IS NOT NULL);
