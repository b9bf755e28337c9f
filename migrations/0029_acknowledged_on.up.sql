-- The day the agency first acknowledged the request (or began releasing
-- records): under a law an acknowledgment meets (New York, Washington) it
-- tells whether the statutory date was met or missed.
--
-- Adding the column is instant. Only the open FOIL and PRA requests the
-- date matters for take it from their timeline (their first status change
-- to acknowledged or rolling production): updating every row would
-- recompute each one's stored search and sort columns under the table's
-- lock (71 s for 300,000 requests), where these are a small share.
ALTER TABLE requests ADD COLUMN acknowledged_on date;

UPDATE requests r SET acknowledged_on = e.effective_on
FROM (SELECT DISTINCT ON (ev.request_id) ev.request_id, ev.effective_on
      FROM requests rq JOIN request_events ev ON ev.request_id = rq.id
      WHERE rq.jurisdiction IN ('us-ny', 'us-wa')
        AND rq.status IN ('acknowledged', 'rolling_production', 'awaiting_requester', 'appealed', 'in_litigation')
        AND ev.kind = 'status_changed' AND ev.data->>'to' IN ('acknowledged', 'rolling_production')
      ORDER BY ev.request_id, ev.seq) e
WHERE r.id = e.request_id;
