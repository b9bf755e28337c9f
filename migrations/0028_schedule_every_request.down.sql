-- Nothing to undo: an empty schedule row sends nothing, and a reminder
-- may refer to it by now.
SELECT 1;
