-- A user who left the organization is deactivated rather than deleted:
-- the timeline keeps who did what. NULL is an active user.
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
