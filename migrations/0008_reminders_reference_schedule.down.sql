ALTER TABLE reminders DROP CONSTRAINT reminders_org_id_request_id_fkey,
    ADD CONSTRAINT reminders_org_id_request_id_fkey FOREIGN KEY (org_id, request_id)
        REFERENCES requests (org_id, id);
ALTER TABLE reminder_schedule DROP CONSTRAINT reminder_schedule_org_request_key;
