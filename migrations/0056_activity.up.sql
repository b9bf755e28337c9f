-- The organization's activity, newest first, across its requests.
CREATE INDEX request_events_org_seq_idx ON request_events (org_id, seq DESC);
