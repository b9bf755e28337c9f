-- External IDs compared exactly again (0038). IDs renamed going up keep
-- their new names: their timelines say what they were.
DROP INDEX requests_org_external_id_key;
CREATE UNIQUE INDEX requests_org_external_id_key ON requests (org_id, external_id) WHERE external_id IS NOT NULL;
