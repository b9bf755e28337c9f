-- A tracking number's digits glued to letters are found on their own:
-- "P012345-110226" by "012345". tracking_number_words (migration 0022)
-- adds each tail of the number that starts at a run of letters or of
-- digits, so a tail also starts where letters turn to digits. The requests
-- that have a tracking number get their search column computed again (an
-- update recomputes the stored column); the others are not touched.
CREATE OR REPLACE FUNCTION tracking_number_words(t text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    words text := t;
BEGIN
    FOR i IN 2 .. regexp_count(t, '[0-9]+|[A-Za-z]+') LOOP
        words := words || ' ' || substr(t, regexp_instr(t, '[0-9]+|[A-Za-z]+', 1, i));
    END LOOP;
    RETURN words;
END
$$;

UPDATE requests SET tracking_number = tracking_number WHERE tracking_number <> '';
