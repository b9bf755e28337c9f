-- The date to follow (sunshine.Request.FollowOn): for an open request, the
-- custom date when one is set; else, acknowledged (or in rolling production)
-- under a law an acknowledgment meets (deadline: MetByAcknowledgment, us-ny
-- and us-wa), the agency's estimate; none under appeal or in litigation;
-- else the statutory date. NULL when there is none, and for a closed
-- request. The dashboard's calendar and its "no date to follow" section and
-- the calendar feed filter on it, through the index below; store tests keep
-- it in step with the Go method (store/follow_test.go).
CREATE FUNCTION request_follow_on(status text, jurisdiction text, due_on date, custom_due_on date, agency_estimated_on date)
    RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE
        WHEN status NOT IN ('draft', 'submitted', 'acknowledged', 'awaiting_requester', 'rolling_production', 'appealed', 'in_litigation') THEN NULL
        WHEN custom_due_on IS NOT NULL THEN custom_due_on
        WHEN status IN ('acknowledged', 'rolling_production') AND jurisdiction IN ('us-ny', 'us-wa') THEN agency_estimated_on
        WHEN status IN ('appealed', 'in_litigation') THEN NULL
        ELSE due_on END $$;

-- An organization's open requests by their date to follow: a month of the
-- calendar, and those with none.
CREATE INDEX requests_follow_on_idx
    ON requests (org_id, request_follow_on(status, jurisdiction, due_on, custom_due_on, agency_estimated_on))
    WHERE status IN ('draft', 'submitted', 'acknowledged', 'awaiting_requester', 'rolling_production', 'appealed', 'in_litigation');

-- The requests that follow the agency's estimate (Request.FollowsEstimate),
-- by it: those past it, and those with none recorded.
CREATE INDEX requests_estimate_idx ON requests (org_id, agency_estimated_on)
    WHERE status IN ('acknowledged', 'rolling_production') AND custom_due_on IS NULL AND jurisdiction IN ('us-ny', 'us-wa');

-- The open requests whose clock runs and that have no date to follow (the
-- dashboard's "No date to follow"), in the lists' order: a page reads its
-- own rows, not every request without a date (drafts, paused clocks).
CREATE INDEX requests_no_date_idx ON requests (org_id, due_sort, id)
    WHERE status IN ('submitted', 'acknowledged', 'rolling_production', 'appealed', 'in_litigation')
      AND request_follow_on(status, jurisdiction, due_on, custom_due_on, agency_estimated_on) IS NULL;
