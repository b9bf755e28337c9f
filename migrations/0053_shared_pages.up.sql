-- A request's shared page: a read-only page, at an address with a random
-- token, that anyone with the link can open (a reporter, a partner, a
-- client with no account): the request's status and dates, and the
-- documents marked shared. One link per request; a new one replaces it,
-- and stopping sharing deletes it. The token is kept as is: staff copy
-- the link again whenever they need, and it opens nothing a reader of
-- the database could not read anyway.
CREATE TABLE request_shares (
    org_id     uuid NOT NULL,
    request_id uuid NOT NULL,
    token      text NOT NULL UNIQUE CHECK (length(token) = 43),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, request_id),
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id)
);

-- A document shows on its request's shared page only once someone marks it.
ALTER TABLE documents ADD COLUMN shared boolean NOT NULL DEFAULT false;
