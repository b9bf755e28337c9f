package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// A long text, a document's or a communication's body, is also kept in
// overlapping chunks (migration 0009), so that a search snippet is made from
// the chunk that matches rather than from the whole text.

// rechunkSQL holds, per table, the statements that drop and rewrite one
// row's chunks from its text.
var rechunkSQL = map[string][2]string{
	"documents": {`DELETE FROM document_text_chunks WHERE document_id = $1`,
		`INSERT INTO document_text_chunks (document_id, n, text)
		SELECT d.id, c.n, c.chunk FROM documents d CROSS JOIN text_chunks(d.text) c WHERE d.id = $1`},
	"communications": {`DELETE FROM communication_text_chunks WHERE communication_id = $1`,
		`INSERT INTO communication_text_chunks (communication_id, n, text)
		SELECT m.id, c.n, c.chunk FROM communications m CROSS JOIN text_chunks(m.body) c WHERE m.id = $1`},
}

// rechunk rewrites the chunks of the text of one row of table, after the
// text changed in tx.
func rechunk(ctx context.Context, tx *sqlx.Tx, table, id string) error {
	for _, q := range rechunkSQL[table] {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("store: chunk the text of %s %s: %w", table, id, err)
		}
	}
	return nil
}
