-- A request's external ID: the reference an import gave it in the system
-- it came from (a spreadsheet's row ID, a MuckRock request number), so an
-- import script run again finds what it already created instead of
-- filing it twice. NULL: none. It is one line of 1 to 200 characters
-- without spaces at either end (sunshine.Request.Validate says so first),
-- and unique within an organization: the same reference in another
-- organization is another importer's.
--
-- A nullable column without a default is added without rewriting the
-- table; the CHECK and the index read it once. The index also serves the
-- exact look-up (GET /api/v1/requests?external_id=, and the lists' q).
ALTER TABLE requests ADD COLUMN external_id text
    CONSTRAINT requests_external_id_check CHECK (char_length(external_id) BETWEEN 1 AND 200
        AND external_id !~ '^[[:space:]]|[[:space:]]$|[[:cntrl:]]');
CREATE UNIQUE INDEX requests_org_external_id_key ON requests (org_id, external_id) WHERE external_id IS NOT NULL;
