-- Tails start only at runs of letters or digits together again (0022).
CREATE OR REPLACE FUNCTION tracking_number_words(t text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    words text := t;
BEGIN
    FOR i IN 2 .. regexp_count(t, '[0-9A-Za-z]+') LOOP
        words := words || ' ' || substr(t, regexp_instr(t, '[0-9A-Za-z]+', 1, i));
    END LOOP;
    RETURN words;
END
$$;

UPDATE requests SET tracking_number = tracking_number WHERE tracking_number <> '';
