-- Days an agency's office was closed (CCP 12b, an executive order, a storm,
-- a Texas officer's designated closure day): data an operator adds, not a
-- holiday rule. A closure day is not a business day and a last day cannot
-- fall on it, for every request to that agency (docs/deadlines.md 2.7).
CREATE TABLE agency_closures (
    org_id     uuid NOT NULL,
    agency_id  uuid NOT NULL,
    closed_on  date NOT NULL,
    reason     text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 200),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, closed_on),
    FOREIGN KEY (org_id, agency_id) REFERENCES agencies (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id)
);
