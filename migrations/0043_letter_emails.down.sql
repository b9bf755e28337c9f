DROP TABLE letter_emails;
