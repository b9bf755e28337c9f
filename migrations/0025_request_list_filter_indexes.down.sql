DROP INDEX requests_jurisdiction_idx;
DROP INDEX requests_unassigned_idx;
