-- An invitation email names who sent it: a password link from an unnamed
-- sender looks like phishing. Null for invitations no user sent (the first
-- admin, made from the command line).
ALTER TABLE reminders ADD COLUMN sender_id uuid REFERENCES users (id);
