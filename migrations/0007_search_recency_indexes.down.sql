DROP INDEX documents_recent_idx;
DROP INDEX communications_recent_idx;
DROP INDEX requests_recent_idx;
