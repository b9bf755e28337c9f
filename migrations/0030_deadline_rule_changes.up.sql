-- The deadline rule changes already applied to stored due dates
-- (store.ApplyRuleChanges): a release that changes how a law counts names
-- the change, and the first process to start after it recomputes the due
-- dates of the open requests under that law, once.
CREATE TABLE deadline_rule_changes (
    name           text PRIMARY KEY,
    applied_at     timestamptz NOT NULL DEFAULT now(),
    requests_moved integer NOT NULL
);
