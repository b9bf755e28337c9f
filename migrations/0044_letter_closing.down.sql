ALTER TABLE organizations DROP COLUMN letter_closing;
