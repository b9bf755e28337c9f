-- An organization's own paragraphs at the end of every request letter it
-- drafts, before the signature: who it is, a fee waiver or the format it
-- asks for. Up to 5000 characters (sunshine.MaxLetterClosing). A constant
-- default: no rewrite of organizations.
ALTER TABLE organizations ADD COLUMN letter_closing text NOT NULL DEFAULT ''
    CHECK (char_length(letter_closing) <= 5000);
