-- A draft that is never sent can be withdrawn or abandoned: it has no
-- receipt date, and those statuses are final.
ALTER TABLE requests DROP CONSTRAINT requests_check;
ALTER TABLE requests ADD CONSTRAINT requests_received_on_check
    CHECK (status IN ('draft', 'withdrawn', 'abandoned') OR received_on IS NOT NULL);
