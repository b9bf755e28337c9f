DROP INDEX reminders_failed_idx;
