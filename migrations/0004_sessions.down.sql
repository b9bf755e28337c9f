DROP TABLE IF EXISTS sessions, user_invites;
ALTER TABLE reminders DROP COLUMN IF EXISTS payload;
