-- Nothing to undo: a message read keeps its text.
SELECT 1;
