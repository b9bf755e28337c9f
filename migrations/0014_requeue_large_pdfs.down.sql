-- Nothing to undo: a document queued again keeps the text it was given.
SELECT 1;
