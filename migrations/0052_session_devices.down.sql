ALTER TABLE sessions DROP COLUMN last_seen_at, DROP COLUMN client_ip, DROP COLUMN user_agent, DROP COLUMN id;
