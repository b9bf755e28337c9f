package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/bcrypt"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// The demo organization. Its token is fixed and public so that `make run`
// can print it on every start: never keep real data in the demo org.
const (
	demoSlug     = "demo"
	demoEmail    = "demo@sunshine.example"
	demoPassword = "sunshine-demo" // public, like the token
	demoToken    = "sun_demo-token-public-do-not-use-for-real-data-0000"
)

type seedJSON struct {
	OrgID string `json:"org_id"`
	Token string `json:"token"`
}

func runSeed(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("seed")
	demo := fs.Bool("demo", false, "create the demo organization and its data (once)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if !*demo {
		return usagef("--demo is required (it is the only seed)")
	}
	if cfg, err := loadConfig(getenv); err == nil && cfg.PublicBaseURL() {
		return usagef("%s", errDemoPublic("seed --demo", cfg.BaseURL))
	}
	return withStore(func(ctx context.Context, s *store.Store) error {
		orgID, created, err := seedDemo(ctx, s)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(stdout, seedJSON{OrgID: orgID, Token: demoToken})
		}
		if created {
			fmt.Fprintln(stdout, "Created the demo organization.")
		} else {
			fmt.Fprintln(stdout, "The demo organization exists already; nothing changed.")
		}
		fmt.Fprintf(stdout, "Demo API token: %s\n", demoToken)
		return nil
	})
}

// seedDemo creates the demo organization in one transaction, once: if it
// exists, nothing changes. Two servers seeding at once cannot both create it
// (the slug is unique).
func seedDemo(ctx context.Context, s *store.Store) (orgID string, created bool, err error) {
	if org, err := s.FindOrgBySlug(ctx, demoSlug); err == nil {
		// A demo made before sign-in existed gets its public password; nothing else changes.
		// The demo org's own user only: the address may be used in other
		// organizations too.
		_, err := s.DB().ExecContext(ctx, `UPDATE users SET password_hash = $3 WHERE org_id = $1 AND email = $2 AND password_hash IS NULL`,
			org.ID, demoEmail, demoPasswordHash())
		return org.ID, false, err
	} else if sunshine.ErrorCode(err) != sunshine.ENotFound {
		return "", false, err
	}
	err = s.Atomically(ctx, func(s *store.Store) error {
		org := &sunshine.Organization{Name: "Demo: Day Laborer Organizing Network", Slug: demoSlug}
		admin := &sunshine.User{Email: demoEmail, Name: "Demo Coordinator"}
		if _, err := s.CreateOrg(ctx, org, admin); err != nil {
			return err
		}
		orgID = org.ID
		ctx := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: org.ID, UserID: admin.ID, Role: sunshine.RoleAdmin})
		if err := s.AddTokenHash(ctx, admin.ID, "demo token (public)", demoToken); err != nil {
			return err
		}
		if err := s.SetPassword(ctx, admin.ID, demoPassword); err != nil {
			return err
		}
		// The organization's own end of its request letters (Settings ›
		// Letters), so the demo's letters show one.
		if _, err := s.SetLetterClosing(ctx, "We ask that any fees be waived: the Demo Day Laborer Organizing Network is a nonprofit "+
			"and will share what it learns with the public. If you withhold any record or part of one, please cite the exemption."); err != nil {
			return err
		}
		staff := &sunshine.User{Email: "organizer@sunshine.example", Name: "Rosa Organizer", Role: sunshine.RoleStaff}
		if err := s.CreateUser(ctx, staff); err != nil {
			return err
		}
		return seedDemoData(ctx, s, staff.ID)
	})
	if sunshine.ErrorCode(err) == sunshine.EConflict { // another process seeded it first
		org, ferr := s.FindOrgBySlug(ctx, demoSlug)
		if ferr != nil {
			return "", false, errors.Join(err, ferr)
		}
		return org.ID, false, nil
	}
	return orgID, err == nil, err
}

func seedDemoData(ctx context.Context, s *store.Store, staffID string) error {
	agencies := map[string]*sunshine.Agency{}
	for _, a := range []sunshine.Agency{
		{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca", TimeZone: "America/Los_Angeles",
			RecordsContact: "Public Records Unit", Email: "records@sacsheriff.example", PostalAddress: "4500 Orange Grove Ave, Sacramento, CA 95841"},
		{Name: "U.S. Immigration and Customs Enforcement", Jurisdiction: "us-federal", RecordsContact: "ICE FOIA Office",
			Email: "ice-foia@dhs.example", PortalURL: "https://foia.example/ice"},
		{Name: "Texas Department of Public Safety", Jurisdiction: "us-tx", Email: "pir@dps.texas.example"},
		{Name: "New York City Police Department", Jurisdiction: "us-ny", PortalURL: "https://foil.example/nypd"},
		{Name: "Chicago Police Department", Jurisdiction: "us-il", Email: "foia@chicagopolice.example"},
		{Name: "Miami-Dade Police Department", Jurisdiction: "us-fl", Email: "records@mdpd.example"},
	} {
		a := a
		if err := s.CreateAgency(ctx, &a); err != nil {
			return err
		}
		agencies[a.Jurisdiction] = &a
	}
	today := deadline.Today(s.Clock().Now(), agencies["us-federal"].Location())
	var first string // the first request
	type step struct {
		to sunshine.Status
		on deadline.Date
	}
	for _, d := range []struct {
		law, title, desc string
		method           sunshine.DeliveryMethod
		received         deadline.Date
		assignee         bool
		tags             []string
		then             []step
		extend           bool
		note             string // an internal note, for the organizer (a mention: she is emailed it)
		todo             string // the coordinator's to-do (the demo sign-in's), tomorrow
	}{
		{law: "us-ca", title: "All communications with ICE since 20 January 2017", method: sunshine.DeliveryEmail,
			desc:     "Under the California Public Records Act, all communications between the Sheriff's Department and U.S. Immigration and Customs Enforcement since 20 January 2017, including detainer requests and notification requests.",
			received: deadline.MustParseDate("2017-03-27"), tags: []string{"ice", "cpra"}, assignee: true},
		{law: "us-federal", title: "287(g) agreements and detainers in Sacramento County", method: sunshine.DeliveryPortal,
			desc:     "All 287(g) agreements, detainers (Form I-247) and related correspondence with Sacramento County agencies.",
			received: today.AddDays(-20), tags: []string{"ice", "287g"}, extend: true,
			then: []step{{sunshine.StatusAcknowledged, today.AddDays(-18)}}},
		{law: "us-ny", title: "NYPD cooperation with federal immigration authorities", method: sunshine.DeliveryPortal,
			desc: "Records of NYPD responses to ICE detainer requests.", received: today.AddDays(-3), assignee: true,
			then: []step{{sunshine.StatusAcknowledged, today.AddDays(-1)}}},
		{law: "us-il", title: "Gang database entries shared with ICE", method: sunshine.DeliveryEmail,
			desc: "Records of data from the CPD gang database shared with ICE.", received: today.AddDays(-6),
			then: []step{{sunshine.StatusAwaitingRequester, today.AddDays(-2)}},
			note: "Called the FOIA officer: they want the date range narrowed to 2019 on. Agreed to reply in writing by Friday. Rosa, can you write it?",
			todo: "Reply to the FOIA officer in writing: narrow the date range to 2019 on"},
		{law: "us-tx", title: "Operation Lone Star arrest data", method: sunshine.DeliveryEmail,
			desc: "Arrest records under Operation Lone Star for 2024.", received: today.AddDays(-40),
			then: []step{{sunshine.StatusRollingProduction, today.AddDays(-20)}, {sunshine.StatusFulfilled, today.AddDays(-5)}}},
		{law: "us-fl", title: "Jail booking records referred to ICE", method: sunshine.DeliveryMail,
			desc: "Booking records of people referred to ICE.", received: today.AddDays(-10)},
		{law: "us-ca", title: "Draft: jail access for ICE agents", method: sunshine.DeliveryEmail,
			desc: "Policies on ICE access to county jails (not sent yet).", tags: []string{"ice"}},
	} {
		r := &sunshine.Request{AgencyID: agencies[d.law].ID, Title: d.title, Description: d.desc,
			DeliveryMethod: d.method, ReceivedOn: d.received, SentOn: d.received, Tags: d.tags}
		if d.assignee {
			r.AssigneeID = &staffID
		}
		if err := s.CreateRequest(ctx, r); err != nil {
			return fmt.Errorf("demo request %q: %w", d.title, err)
		}
		for _, st := range d.then {
			if _, err := s.TransitionRequest(ctx, r.ID, sunshine.TransitionInput{To: st.to, EffectiveOn: st.on}); err != nil {
				return fmt.Errorf("demo request %q: %w", d.title, err)
			}
		}
		if d.extend {
			if _, err := s.ExtendRequest(ctx, r.ID, d.received.AddDays(5), "unusual circumstances: records held in field offices"); err != nil {
				return fmt.Errorf("demo request %q: %w", d.title, err)
			}
		}
		if d.note != "" {
			if _, err := s.AddNote(ctx, r.ID, d.note, staffID); err != nil {
				return fmt.Errorf("demo request %q: %w", d.title, err)
			}
		}
		if d.todo != "" {
			// Tomorrow: today in every organization's time zone or later.
			due := today.AddDays(1)
			if _, err := s.AddTodo(ctx, r.ID, sunshine.TodoInput{Text: &d.todo, DueOn: &due}); err != nil {
				return fmt.Errorf("demo request %q: %w", d.title, err)
			}
		}
		if first == "" {
			first = r.ID
		}
	}
	// The first request, filed with two more sheriffs as well: a group.
	var more []string
	for _, a := range []sunshine.Agency{
		{Name: "Los Angeles County Sheriff's Department", Jurisdiction: "us-ca", Email: "records@lasd.example"},
		{Name: "Fresno County Sheriff's Office", Jurisdiction: "us-ca", PortalURL: "https://fresnosheriff.example/records"},
	} {
		a := a
		if err := s.CreateAgency(ctx, &a); err != nil {
			return err
		}
		more = append(more, a.ID)
	}
	_, err := s.FileCopies(ctx, first, sunshine.CopyInput{AgencyIDs: more, AssigneeID: &staffID,
		SentOn: today.AddDays(-4), ReceivedOn: today.AddDays(-4)})
	return err
}

// closePublicDemo turns off the demo organization's public password and
// token, and ends its sessions, on a server users reach at a public address
// (the demo seeded before SUNSHINE_BASE_URL was set, say): anyone could
// sign in with them. The demo's data stays; a password the operator has
// changed stays. It reports whether it turned anything off.
func closePublicDemo(ctx context.Context, s *store.Store) (bool, error) {
	org, err := s.FindOrgBySlug(ctx, demoSlug)
	if sunshine.ErrorCode(err) == sunshine.ENotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	tx, err := s.DB().BeginTxx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	token := sha256.Sum256([]byte(demoToken))
	res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE org_id = $1 AND token_sha256 = $2`, org.ID, token[:])
	if err != nil {
		return false, fmt.Errorf("remove the demo token: %w", err)
	}
	n, _ := res.RowsAffected()
	closed := n > 0
	var user struct {
		ID   string  `db:"id"`
		Hash *string `db:"password_hash"`
	}
	err = tx.GetContext(ctx, &user, `SELECT id, password_hash FROM users WHERE org_id = $1 AND email = $2 FOR UPDATE`, org.ID, demoEmail)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return false, fmt.Errorf("find the demo user: %w", err)
	case user.Hash != nil && bcrypt.CompareHashAndPassword([]byte(*user.Hash), []byte(demoPassword)) == nil:
		closed = true
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = NULL WHERE org_id = $1 AND id = $2`, org.ID, user.ID); err != nil {
			return false, fmt.Errorf("clear the demo password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE org_id = $1 AND user_id = $2`, org.ID, user.ID); err != nil {
			return false, fmt.Errorf("end the demo's sessions: %w", err)
		}
	}
	return closed, tx.Commit()
}

// demoPasswordHash is the bcrypt hash of the public demo password.
func demoPasswordHash() string {
	h, _ := bcrypt.GenerateFromPassword([]byte(demoPassword), bcrypt.DefaultCost)
	return string(h)
}
