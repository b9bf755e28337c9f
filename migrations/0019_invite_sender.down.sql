ALTER TABLE reminders DROP COLUMN sender_id;
