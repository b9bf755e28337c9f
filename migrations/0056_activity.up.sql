-- The organization's activity, newest first, across its requests; and
-- what one person did (an index of its own: someone who rarely acts would
-- otherwise have the whole organization's history read for each page).
CREATE INDEX request_events_org_seq_idx ON request_events (org_id, seq DESC);
CREATE INDEX request_events_org_actor_seq_idx ON request_events (org_id, actor_id, seq DESC);
