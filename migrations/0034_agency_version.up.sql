-- An agency's version, bumped by every change to its details (the fields
-- PATCH /api/v1/agencies/{id} and the agency page's edit form set): the
-- API answers it as the agency's ETag and takes it back as If-Match, so
-- a client holding an older one cannot write over a colleague's change.
-- Existing agencies start at 1, as a new one does. A constant default
-- adds the column without rewriting the table. Closure days do not move
-- it: they are not part of the agency's representation, have their own
-- endpoints, and closures_version (0012) orders them against requests
-- being filed.
ALTER TABLE agencies ADD COLUMN version integer NOT NULL DEFAULT 1;
