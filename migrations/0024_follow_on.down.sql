DROP INDEX requests_no_date_idx;
DROP INDEX requests_estimate_idx;
DROP INDEX requests_follow_on_idx;
DROP FUNCTION request_follow_on(text, text, date, date, date);
