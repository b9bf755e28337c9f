-- A reminder's foreign key to its request now goes through the request's
-- reminder schedule (one narrow row per request, itself referencing the
-- request). A foreign key check locks the row it finds; planning inserts
-- about 100,000 reminders at a time, and locking as many wide request rows
-- rewrote a page of requests for each (about 600 MB of WAL, half of
-- planning's time; docs/performance.md). Planning updates the schedule rows
-- it reads anyway, so their locks cost next to nothing.
--
-- Every request filed since 0006 has a schedule row; older reminders'
-- requests get one here, empty.
INSERT INTO reminder_schedule (request_id, org_id)
    SELECT DISTINCT request_id, org_id FROM reminders WHERE request_id IS NOT NULL
    ON CONFLICT (request_id) DO NOTHING;
ALTER TABLE reminder_schedule ADD CONSTRAINT reminder_schedule_org_request_key UNIQUE (org_id, request_id);
ALTER TABLE reminders DROP CONSTRAINT reminders_org_id_request_id_fkey,
    ADD CONSTRAINT reminders_org_id_request_id_fkey FOREIGN KEY (org_id, request_id)
        REFERENCES reminder_schedule (org_id, request_id);
