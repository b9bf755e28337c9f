-- Back to sorting every request by its effective due date.
ALTER TABLE requests DROP COLUMN due_sort;
ALTER TABLE requests ADD COLUMN due_sort date NOT NULL GENERATED ALWAYS AS (COALESCE(custom_due_on, due_on, 'infinity'::date)) STORED;

CREATE INDEX requests_open_due_idx ON requests (org_id, due_sort, id)
    WHERE status IN ('draft', 'submitted', 'acknowledged', 'awaiting_requester', 'rolling_production', 'appealed', 'in_litigation');
CREATE INDEX requests_due_idx ON requests (org_id, due_sort, id);
CREATE INDEX requests_agency_idx ON requests (org_id, agency_id, due_sort, id);
CREATE INDEX requests_assignee_idx ON requests (org_id, assignee_id, due_sort, id) WHERE assignee_id IS NOT NULL;
CREATE INDEX requests_no_date_idx ON requests (org_id, due_sort, id)
    WHERE status IN ('submitted', 'acknowledged', 'rolling_production', 'appealed', 'in_litigation')
      AND request_follow_on(status, jurisdiction, due_on, custom_due_on, agency_estimated_on) IS NULL;
CREATE INDEX requests_unassigned_idx ON requests (org_id, due_sort, id) WHERE assignee_id IS NULL;
CREATE INDEX requests_jurisdiction_idx ON requests (org_id, jurisdiction, due_sort, id);
