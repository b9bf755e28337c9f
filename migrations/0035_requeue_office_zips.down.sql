-- Nothing to undo: a document queued again keeps the text and type it was given.
SELECT 1;
