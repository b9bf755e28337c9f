ALTER TABLE letter_emails DROP COLUMN automatic;
DROP TABLE auto_follow_ups;
