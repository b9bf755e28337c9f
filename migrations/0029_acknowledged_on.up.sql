-- The day the agency first acknowledged the request (or began releasing
-- records): under a law an acknowledgment meets (New York, Washington) it
-- tells whether the statutory date was met or missed. Requests already
-- there take it from their timeline: the first status change to
-- acknowledged or rolling production.
ALTER TABLE requests ADD COLUMN acknowledged_on date;

UPDATE requests r SET acknowledged_on = e.first_on
FROM (SELECT request_id, min(effective_on) AS first_on FROM request_events
      WHERE kind = 'status_changed' AND data->>'to' IN ('acknowledged', 'rolling_production')
      GROUP BY request_id) e
WHERE e.request_id = r.id AND r.status <> 'submitted' AND r.status <> 'draft';
