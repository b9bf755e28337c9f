DROP TABLE communication_text_chunks;
DROP TABLE document_text_chunks;
DROP FUNCTION text_chunks(text);
