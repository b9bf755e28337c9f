-- A request's external ID is found and kept unique whatever its letter
-- case: staff type an ID from their other system as it comes to them, and
-- "abc-12" is the request "ABC-12" (GET /api/v1/requests?external_id=, the
-- lists' q, the search page). Uniqueness ignores case too, so that an ID
-- still names one request at most: an import run again finds what it
-- filed whichever case its sheet has now, and a request filed again under
-- its ID in another case is refused as the duplicate it almost always is.
--
-- Requests that already share an ID apart from its case keep all their
-- data: the one filed first keeps the ID as it is, and each later one gets
-- it with " (2)", " (3)", … after it (cut to fit 200 characters), with an
-- event in its timeline that says what it was and which request has it,
-- for a person to merge the two or give it its own ID. Nothing else
-- changes. The look-up (below) reads the old index; this finds few rows.
DO $$
DECLARE
    t record;
    n int;
    renamed text;
BEGIN
    FOR t IN
        SELECT r.id, r.org_id, r.external_id, r.nth, f.title AS first_title, f.external_id AS first_external_id
        FROM (SELECT id, org_id, external_id,
                     row_number() OVER w AS nth, first_value(id) OVER w AS first_id
              FROM requests WHERE external_id IS NOT NULL
              WINDOW w AS (PARTITION BY org_id, lower(external_id) ORDER BY created_at, id)) r
        JOIN requests f ON f.id = r.first_id
        WHERE r.nth > 1
        ORDER BY r.org_id, lower(r.external_id), r.nth
    LOOP
        n := t.nth;
        LOOP
            renamed := left(t.external_id, 200 - char_length(' (' || n || ')')) || ' (' || n || ')';
            EXIT WHEN NOT EXISTS (SELECT FROM requests WHERE org_id = t.org_id AND lower(external_id) = lower(renamed));
            n := n + 1;
        END LOOP;
        UPDATE requests SET external_id = renamed, updated_at = now(), version = version + 1 WHERE id = t.id;
        INSERT INTO request_events (org_id, request_id, kind, note, data)
        VALUES (t.org_id, t.id, 'updated',
            left(format('External IDs now ignore letter case, and the request “%s” has this one''s ID as %s: '
                || 'if they are the same request, filed twice, withdraw one; if not, give this one the ID it should have.',
                t.first_title, t.first_external_id), 5000),
            jsonb_build_object('external_id', renamed, 'previous_external_id', t.external_id));
    END LOOP;
END $$;

-- The same name as 0038's index, which the store maps to the field
-- external_id; it serves the look-ups through lower(external_id).
DROP INDEX requests_org_external_id_key;
CREATE UNIQUE INDEX requests_org_external_id_key ON requests (org_id, lower(external_id)) WHERE external_id IS NOT NULL;
