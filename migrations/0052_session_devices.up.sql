-- Each session says where it was opened and when it was last used, so a
-- person can see where they are signed in and sign out a browser they do
-- not recognize (Settings). id names a session in forms: its token's hash
-- never leaves the server.
ALTER TABLE sessions
    ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    ADD COLUMN user_agent text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 300),
    ADD COLUMN client_ip text NOT NULL DEFAULT '' CHECK (length(client_ip) <= 64),
    ADD COLUMN last_seen_at timestamptz;
