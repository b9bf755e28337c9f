-- When the attempt to read a document's text that holds it started: while
-- it is recent (store.ExtractionLease), another server's sweep of pending
-- documents leaves the document alone instead of reading it a second time,
-- and counting that second attempt as one a stopped server never finished.
-- NULL: nobody is reading it. A nullable column without a default is added
-- without rewriting the table.
ALTER TABLE documents ADD COLUMN text_started_at timestamptz;
