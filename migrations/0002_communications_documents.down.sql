DROP TABLE IF EXISTS documents, blob_chunks, blobs, communications;
