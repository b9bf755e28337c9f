DROP TABLE IF EXISTS reminders, user_preferences;
ALTER TABLE requests DROP COLUMN IF EXISTS soon_dates, DROP COLUMN IF EXISTS overdue_from, DROP COLUMN IF EXISTS awaiting_remind_on,
    DROP COLUMN IF EXISTS next_remind_on;
ALTER TABLE organizations DROP COLUMN IF EXISTS time_zone, DROP COLUMN IF EXISTS remind_soon_days,
    DROP COLUMN IF EXISTS overdue_repeat_days, DROP COLUMN IF EXISTS awaiting_after_days;
