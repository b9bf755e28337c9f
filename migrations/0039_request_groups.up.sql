-- Requests filed together: the same request sent to several agencies (every
-- county sheriff in the state), each with its own deadline under its own
-- law. group_id is the ID of the first of them, that one's own included;
-- NULL for a request filed alone. A group never crosses organizations: the
-- key names the organization too.
--
-- A nullable column without a default is added without rewriting the
-- table; the foreign key and the partial index (grouped requests only)
-- read it once, while writes to requests wait.
ALTER TABLE requests ADD COLUMN group_id uuid,
    ADD CONSTRAINT requests_group_fkey FOREIGN KEY (org_id, group_id) REFERENCES requests (org_id, id);
CREATE INDEX requests_org_group ON requests (org_id, group_id) WHERE group_id IS NOT NULL;
