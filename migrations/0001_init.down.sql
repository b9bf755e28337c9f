DROP TABLE IF EXISTS request_events, watchers, request_pauses, requests, agencies, api_tokens, users, organizations;
DROP FUNCTION IF EXISTS request_events_append_only();
