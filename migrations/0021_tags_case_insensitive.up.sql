-- Tags keep the case they were typed in ("ICE"), and repeats are dropped
-- whatever their case; the filter must match the same way, so tag=ice finds
-- "ICE". The index holds the lower-cased tags (with org_id, as 0005 did).
CREATE FUNCTION lower_tags(tags text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(array_agg(lower(t)), '{}') FROM unnest(tags) AS t $$;

DROP INDEX requests_tags_idx;
CREATE INDEX requests_tags_idx ON requests USING gin (org_id, lower_tags(tags));
