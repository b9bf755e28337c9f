DROP TABLE document_text_chunks;
DROP FUNCTION text_chunks(text);
