DROP INDEX requests_tags_idx;
CREATE INDEX requests_tags_idx ON requests USING gin (org_id, tags);
DROP FUNCTION lower_tags(text[]);
