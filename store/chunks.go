package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// A long text, a document's or a communication's body, is also kept in
// overlapping chunks (migration 0009), so that a search snippet is made from
// the chunk that matches rather than from the whole text.

// textChunks holds the statements that drop and rewrite the chunks of one
// row's text, from the text as it stands in the row.
type textChunks struct {
	name        string // for errors
	drop, write string
}

var (
	documentChunks = textChunks{"document",
		`DELETE FROM document_text_chunks WHERE document_id = $1`,
		`INSERT INTO document_text_chunks (document_id, n, text)
		SELECT d.id, c.n, c.chunk FROM documents d CROSS JOIN text_chunks(d.text) c WHERE d.id = $1`}
	communicationChunks = textChunks{"communication",
		`DELETE FROM communication_text_chunks WHERE communication_id = $1`,
		`INSERT INTO communication_text_chunks (communication_id, n, text)
		SELECT m.id, c.n, c.chunk FROM communications m CROSS JOIN text_chunks(m.body) c WHERE m.id = $1`}
)

// rewrite rebuilds the chunks of row id's text, after the text changed in tx.
func (c textChunks) rewrite(ctx context.Context, tx *sqlx.Tx, id string) error {
	for _, q := range []string{c.drop, c.write} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("store: chunk the text of %s %s: %w", c.name, id, err)
		}
	}
	return nil
}
