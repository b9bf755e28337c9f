package main

// Loading the generated data: COPY in parallel streams into a freshly
// migrated database, secondary indexes dropped first and rebuilt after (as
// a restore does), then VACUUM ANALYZE.

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
)

// loadTables are the tables whose secondary indexes are rebuilt after COPY.
var loadTables = []string{"requests", "request_pauses", "communications", "documents", "blobs", "blob_chunks"}

func loadData(ctx context.Context, db *sql.DB, g *genConfig) error {
	start := time.Now()
	indexes, err := dropIndexes(ctx, db)
	if err != nil {
		return err
	}
	orgs, users, tokens, agencies := g.orgRows()
	for _, t := range []struct {
		table string
		cols  []string
		rows  []row
	}{{"organizations", orgCols, orgs}, {"users", userCols, users}, {"api_tokens", tokenCols, tokens}, {"agencies", agencyCols, agencies}} {
		rows := t.rows
		if err := copyIn(ctx, db, t.table, t.cols, func(emit func(row) error) error {
			for _, r := range rows {
				if err := emit(r); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	log.Printf("load: %d organizations, %d users, %d agencies", len(orgs), len(users), len(agencies))

	// Requests and their pauses, then communications, then documents: two
	// streams each (the machine has two cores; PostgreSQL computes the
	// tsvector columns on its side).
	const streams = 2
	err = parallel(streams, func(s int) error {
		lo, hi := s*g.Requests/streams, (s+1)*g.Requests/streams
		var pauses, schedules []row
		err := copyIn(ctx, db, "requests", requestCols, func(emit func(row) error) error {
			for i := lo; i < hi; i++ {
				q := g.genRequest(i)
				if p := q.pauseRow(g); p != nil {
					pauses = append(pauses, p)
				}
				if q.Schedule != nil {
					schedules = append(schedules, q.Schedule)
				}
				if err := emit(q.Row); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = copyIn(ctx, db, "reminder_schedule", scheduleCols, func(emit func(row) error) error {
			for _, r := range schedules {
				if err := emit(r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return copyIn(ctx, db, "request_pauses", pauseCols, func(emit func(row) error) error {
			for _, p := range pauses {
				if err := emit(p); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	log.Printf("load: %d requests in %s", g.Requests, time.Since(start).Round(time.Second))
	err = parallel(streams, func(s int) error {
		lo, hi := s*g.Requests/streams, (s+1)*g.Requests/streams
		return copyIn(ctx, db, "communications", commCols, func(emit func(row) error) error {
			for i := lo; i < hi; i++ {
				for _, c := range g.commRows(g.genRequest(i)) {
					if err := emit(c); err != nil {
						return err
					}
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	log.Printf("load: communications in %s", time.Since(start).Round(time.Second))
	var blobs, chunks, docs []row
	for d := 0; d < g.Docs; d++ {
		b, c, doc := g.docRows(d)
		blobs, chunks, docs = append(blobs, b), append(chunks, c), append(docs, doc)
	}
	for _, t := range []struct {
		table string
		cols  []string
		rows  []row
	}{{"blobs", blobCols, blobs}, {"blob_chunks", chunkCols, chunks}, {"documents", docCols, docs}} {
		rows := t.rows
		if err := copyIn(ctx, db, t.table, t.cols, func(emit func(row) error) error {
			for _, r := range rows {
				if err := emit(r); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	log.Printf("load: %d documents in %s; rebuilding %d indexes", g.Docs, time.Since(start).Round(time.Second), len(indexes))
	if err := createIndexes(ctx, db, indexes); err != nil {
		return err
	}
	log.Printf("load: indexes in %s; VACUUM ANALYZE", time.Since(start).Round(time.Second))
	if _, err := db.ExecContext(ctx, "VACUUM (ANALYZE)"); err != nil {
		return err
	}
	// Write the load's gigabytes out now, so that the first scenarios do
	// not share the disk with the checkpoint that would otherwise come due
	// while they run. Only a superuser (or pg_checkpoint) may.
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		log.Printf("load: no CHECKPOINT (%v); the first scenarios may share the disk with one", err)
	}
	log.Printf("load: done in %s", time.Since(start).Round(time.Second))
	return nil
}

// copyIn runs one COPY on its own connection. Foreign-key triggers are
// off for the load (session_replication_role = replica) when the role may
// do that: the generator keeps every reference valid by construction.
func copyIn(ctx context.Context, db *sql.DB, table string, cols []string, gen func(emit func(row) error) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, _ = conn.ExecContext(ctx, "SET session_replication_role = replica")
	_, _ = conn.ExecContext(ctx, "SET synchronous_commit = off")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = pq.QuoteIdentifier(c)
	}
	stmt, err := tx.PrepareContext(ctx, "COPY "+pq.QuoteIdentifier(table)+" ("+strings.Join(quoted, ", ")+") FROM STDIN")
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	err = gen(func(r row) error {
		_, err := stmt.ExecContext(ctx, r...)
		return err
	})
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if err := stmt.Close(); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return tx.Commit()
}

type indexDef struct{ name, def string }

// dropIndexes drops the secondary indexes (not those of a constraint) of
// the loaded tables and returns their definitions.
func dropIndexes(ctx context.Context, db *sql.DB) ([]indexDef, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
		WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		ORDER BY 1`, pq.Array(loadTables))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []indexDef
	for rows.Next() {
		var d indexDef
		if err := rows.Scan(&d.name, &d.def); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, d := range out {
		if _, err := db.ExecContext(ctx, "DROP INDEX "+d.name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func createIndexes(ctx context.Context, db *sql.DB, defs []indexDef) error {
	const workers = 2
	return parallel(workers, func(w int) error {
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SET maintenance_work_mem = '1GB'"); err != nil {
			return err
		}
		for i := w; i < len(defs); i += workers {
			if _, err := conn.ExecContext(ctx, defs[i].def); err != nil {
				return fmt.Errorf("%s: %w", defs[i].def, err)
			}
		}
		return nil
	})
}

// parallel runs f(0..n-1) concurrently and returns the first error.
func parallel(n int, f func(int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
