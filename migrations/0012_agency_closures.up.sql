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

-- Bumped by every change to an agency's closure days. Filing a request
-- reads it with the closure days and inserts only if it is unchanged,
-- checked on the agency row under a share lock, so a request filed while
-- a closure day is added is counted with it (store.CreateRequest).
ALTER TABLE agencies ADD COLUMN closures_version integer NOT NULL DEFAULT 0;
