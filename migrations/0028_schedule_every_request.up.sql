-- Every request has a reminder schedule row. 0006 gave one only to the
-- requests that then had reminder dates, and 0008 only to those of them
-- with reminders; since 0008 a reminder's foreign key goes through its
-- request's schedule row, so an older request without one could get no
-- reminder at all: assigning it failed ("assignment email refers to
-- something that does not exist"). Such a request had no reminder dates
-- and none were written since (every change to its dates writes its row),
-- so its row is empty, as 0008 made them. Requests filed since 0006 get
-- their row from the statement that files them.
INSERT INTO reminder_schedule (request_id, org_id)
    SELECT id, org_id FROM requests
    ON CONFLICT (request_id) DO NOTHING;
