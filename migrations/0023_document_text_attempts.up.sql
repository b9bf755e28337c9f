-- Text extraction counts its attempts on a pending document, committed
-- before it starts reading. An attempt the server did not live to finish
-- (a document that needs more memory than the server has kills it) stays
-- counted, so the extraction at the next start can give up on the document
-- instead of taking the server down again, over and over. Recording the
-- outcome sets the count back to 0.
ALTER TABLE documents ADD COLUMN text_attempts integer NOT NULL DEFAULT 0 CHECK (text_attempts >= 0);
