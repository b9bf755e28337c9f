-- The lists sort an open request by its date to follow (request_follow_on,
-- migration 0024), not by its effective due date: an acknowledged FOIL or
-- PRA request by the agency's estimate instead of the statutory date the
-- acknowledgment met, and one with no date to follow (appealed without a
-- decision date, no estimate recorded) last, with the undated. A closed
-- request keeps its effective due date. For every request whose due date
-- counts (store: dueTracked) the two are the same, so the overdue and
-- due-within filters keep their meaning. PostgreSQL 15 cannot change a
-- generated column's expression: the column and its indexes are made again.
ALTER TABLE requests DROP COLUMN due_sort;
ALTER TABLE requests ADD COLUMN due_sort date NOT NULL GENERATED ALWAYS AS (
    CASE WHEN status IN ('draft', 'submitted', 'acknowledged', 'awaiting_requester', 'rolling_production', 'appealed', 'in_litigation')
        THEN COALESCE(request_follow_on(status, jurisdiction, due_on, custom_due_on, agency_estimated_on), 'infinity'::date)
        ELSE COALESCE(custom_due_on, due_on, 'infinity'::date) END) STORED;

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
