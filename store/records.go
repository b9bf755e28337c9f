package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// recordRow is one filed request as an agency's record reads it.
type recordRow struct {
	ID              string          `db:"id"`
	AgencyID        string          `db:"agency_id"`
	AgencyName      string          `db:"agency_name"`
	AgencyLaw       string          `db:"agency_law"`
	TimeZone        string          `db:"time_zone"`
	Jurisdiction    string          `db:"jurisdiction"`
	Status          sunshine.Status `db:"status"`
	ReceivedOn      deadline.Date   `db:"received_on"`
	DueOn           deadline.Date   `db:"due_on"`
	CustomDueOn     deadline.Date   `db:"custom_due_on"`
	ClosedOn        deadline.Date   `db:"closed_on"`
	FirstResponseOn deadline.Date   `db:"first_response_on"`
	FirstAnswerOn   deadline.Date   `db:"first_answer_on"`
	Exemptions      pq.StringArray  `db:"exemptions"`
	FeeAsked        bool            `db:"fee_asked"`
	FeeCents        *int64          `db:"fee_cents"`
	// Pauses are "from/to" pairs separated by commas, oldest first; an
	// open pause has no to.
	Pauses string `db:"pauses"`
}

// AgencyRecords adds up the agency records of the caller's organization
// over the filed requests (drafts are not) the filter picks, as of the
// store's clock, from one read: each request streams through
// sunshine.RecordBuilder, so memory holds a count per agency, not the
// requests.
func (s *Store) AgencyRecords(ctx context.Context, f sunshine.RecordFilter) (*sunshine.RecordReport, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	args := []any{org, pq.Array(texts(sunshine.AnswerKinds)), pq.Array(texts(sunshine.AnsweringStatuses)),
		pq.Array(texts(sunshine.RespondingStatuses))}
	var where strings.Builder
	cond := func(sql string, v any) {
		args = append(args, v)
		fmt.Fprintf(&where, " AND "+sql, len(args))
	}
	if !f.ReceivedFrom.IsZero() {
		cond("r.received_on >= $%d", f.ReceivedFrom)
	}
	if !f.ReceivedTo.IsZero() {
		cond("r.received_on <= $%d", f.ReceivedTo)
	}
	if f.Jurisdiction != "" {
		cond("r.jurisdiction = $%d", f.Jurisdiction)
	}
	if f.AgencyID != "" {
		if !validUUID(f.AgencyID) {
			return nil, sunshine.Errorf(sunshine.ENotFound, "agency not found")
		}
		cond("r.agency_id = $%d", f.AgencyID)
	}
	// The first response and answer: from the agency's messages (one probe
	// of communications_request_idx, which also gathers the exemptions they
	// cite and the latest fee asked) and from the timeline's status changes (one of
	// request_events_request_idx), whichever came first.
	q := `SELECT r.id, r.agency_id, a.name AS agency_name, a.jurisdiction AS agency_law, a.time_zone,
			r.jurisdiction, r.status, r.received_on, r.due_on, r.custom_due_on, r.closed_on,
			least(c.first_response_on, e.first_response_on) AS first_response_on,
			least(c.first_answer_on, e.first_answer_on) AS first_answer_on, c.exemptions,
			COALESCE(c.fee_asked, false) AS fee_asked, c.fee_cents,
			COALESCE((SELECT string_agg(p.started_on::text || '/' || COALESCE(p.ended_on::text, ''), ',' ORDER BY p.started_on)
				FROM request_pauses p WHERE p.org_id = r.org_id AND p.request_id = r.id), '') AS pauses
		FROM requests r JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
		CROSS JOIN LATERAL (SELECT min(m.occurred_on) AS first_response_on,
				min(m.occurred_on) FILTER (WHERE m.kind = ANY($2)) AS first_answer_on,
				array_agg(DISTINCT btrim(x.exemption)) FILTER (WHERE btrim(x.exemption) <> '') AS exemptions,
				bool_or(m.kind = 'fee_estimate') AS fee_asked,
				(array_agg((m.fee_amount * 100)::bigint ORDER BY m.occurred_on DESC, m.created_at DESC)
					FILTER (WHERE m.kind = 'fee_estimate' AND m.fee_amount IS NOT NULL))[1] AS fee_cents
			FROM communications m LEFT JOIN LATERAL unnest(m.exemptions_cited) x(exemption) ON true
			WHERE m.request_id = r.id AND m.org_id = r.org_id AND m.direction = 'in') c
		CROSS JOIN LATERAL (SELECT min(v.effective_on) AS first_response_on,
				min(v.effective_on) FILTER (WHERE v.data->>'to' = ANY($3)) AS first_answer_on
			FROM request_events v WHERE v.request_id = r.id AND v.org_id = r.org_id AND v.kind = 'status_changed'
				AND v.data->>'to' = ANY($4)) e
		WHERE r.org_id = $1 AND r.status <> 'draft' AND r.received_on IS NOT NULL` + where.String()
	return s.streamRecords(ctx, f, q, args)
}

// streamRecords runs q and adds each row to a report.
func (s *Store) streamRecords(ctx context.Context, f sunshine.RecordFilter, q string, args []any) (*sunshine.RecordReport, error) {
	rows, err := s.q().QueryxContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err, "agency records")
	}
	defer rows.Close()
	b := sunshine.NewRecordBuilder(f, s.clock.Now())
	for rows.Next() {
		var row recordRow
		if err := rows.StructScan(&row); err != nil {
			return nil, fmt.Errorf("store: read agency record: %w", err)
		}
		pauses, err := parsePauses(row.Pauses)
		if err != nil {
			return nil, fmt.Errorf("store: request %s: %w", row.ID, err)
		}
		r := &sunshine.Request{ID: row.ID, AgencyID: row.AgencyID, AgencyName: row.AgencyName, TimeZone: row.TimeZone,
			Jurisdiction: row.Jurisdiction, Status: row.Status, ReceivedOn: row.ReceivedOn, DueOn: row.DueOn,
			CustomDueOn: row.CustomDueOn, ClosedOn: row.ClosedOn, Pauses: pauses}
		b.Add(sunshine.RecordEntry{Request: r, FirstResponseOn: row.FirstResponseOn, FirstAnswerOn: row.FirstAnswerOn,
			Exemptions: row.Exemptions, FeeAsked: row.FeeAsked, FeeCents: row.FeeCents},
			row.AgencyName, row.AgencyLaw)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "agency records")
	}
	return b.Report(), nil
}

// texts is vs as strings, for a text[] parameter.
func texts[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// parsePauses reads recordRow.Pauses.
func parsePauses(s string) ([]deadline.Pause, error) {
	if s == "" {
		return nil, nil
	}
	var out []deadline.Pause
	for _, pair := range strings.Split(s, ",") {
		from, to, _ := strings.Cut(pair, "/")
		var p deadline.Pause
		if err := p.From.UnmarshalText([]byte(from)); err != nil {
			return nil, fmt.Errorf("pause %q: %w", pair, err)
		}
		if to != "" {
			if err := p.To.UnmarshalText([]byte(to)); err != nil {
				return nil, fmt.Errorf("pause %q: %w", pair, err)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
