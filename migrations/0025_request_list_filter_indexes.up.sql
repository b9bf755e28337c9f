-- The requests lists' two newer filters, each by due date as the lists are
-- ordered. requests_assignee_idx leaves out requests with no assignee, and
-- no index had the law: for an organization's few unassigned requests, or
-- its few under one law, a list walked requests_due_idx through all of the
-- organization's requests, or read the table (store/explain_test.go).
-- assignee_id=none: the unassigned requests only.
CREATE INDEX requests_unassigned_idx ON requests (org_id, due_sort, id) WHERE assignee_id IS NULL;
-- jurisdiction=: the law each request was filed under.
CREATE INDEX requests_jurisdiction_idx ON requests (org_id, jurisdiction, due_sort, id);
