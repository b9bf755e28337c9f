-- A status board: a read-only page, at a link with a random token, of a
-- group of requests (the same request filed with many agencies): each
-- agency's status and dates, and the documents marked shared. One link
-- per group (group_id: the group's first request), as request_shares.
CREATE TABLE group_shares (
    org_id     uuid NOT NULL,
    group_id   uuid NOT NULL,
    token      text NOT NULL UNIQUE CHECK (length(token) = 43),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_on date, -- its link's last day (the organization's), as request_shares
    PRIMARY KEY (org_id, group_id),
    FOREIGN KEY (org_id, group_id) REFERENCES requests (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id)
);
