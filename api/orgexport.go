package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/textract"
)

// OrgZip streams the organization's whole archive (GET /api/v1/export.zip),
// for pages to offer the same file. The caller must be an admin.
func (s *Server) OrgZip(c *gin.Context) { s.handleOrgZip(c) }

// archiveStall is how long an organization's archive may stall (no byte
// reaching the client) before it is cut; a slow download that moves goes
// on past the server's write timeout.
const archiveStall = 5 * time.Minute

// handleOrgZip streams GET /export.zip (admins): everything the
// organization keeps in Sunshine, for a group leaving it, keeping a copy
// or closing a campaign. Every part is read from one snapshot, so that
// they agree with each other. A page of requests and one request's
// files are read at a time, a document's bytes a chunk at a time; the
// ZIP's directory, written last, grows by some 250 bytes a file. One is
// made at a time in a process.
func (s *Server) handleOrgZip(c *gin.Context) {
	if err := newQuery(c).err(); err != nil {
		fail(c, err)
		return
	}
	select {
	case s.archives <- struct{}{}:
		defer func() { <-s.archives }()
	default:
		fail(c, sunshine.Errorf(sunshine.EUnavailable, "another organization's archive is being made on this server; try again in a few minutes"))
		return
	}
	ctx := c.Request.Context()
	err := s.store.Snapshot(ctx, func(st *store.Store) error {
		org, err := st.FindOrgByID(ctx)
		if err != nil {
			return err
		}
		today, err := st.OrgToday(ctx)
		if err != nil {
			return err
		}
		// What fits in memory is read before the headers go, so that a
		// failure is still a problem response.
		settings, err := s.orgSettings(c, st)
		if err != nil {
			return err
		}
		directory, err := st.AllAgencies(ctx)
		if err != nil {
			return err
		}
		agencies, err := withClosures(ctx, st, directory)
		if err != nil {
			return err
		}
		users, err := st.FindUsers(ctx)
		if err != nil {
			return err
		}
		c.Header("Content-Type", "application/zip")
		c.Header("Content-Disposition", textract.ContentDisposition(fmt.Sprintf("sunshine-%s-%s.zip", org.Slug, today)))
		c.Header("Cache-Control", "no-store")
		c.Status(http.StatusOK)
		a := newArchive(c, newProgressWriter(c, archiveStall), st.Clock().Now())
		a.text("README.txt", orgZipReadme(org, a.exported))
		a.json("organization.json", orgJSON{Organization: org, orgSettingsJSON: settings})
		a.json("users.json", newPage(users, "").Items) // as GET /users answers an admin
		a.json("agencies.json", agencies)
		if err := sunshine.WriteAgenciesCSV(a.file("agencies.csv", time.Time{}, true), directory); err != nil {
			a.abort(err)
		}
		s.writeOrgRequests(a, st)
		a.close()
		return nil
	})
	failStream(c, err)
}

// orgSettingsJSON are the organization's settings in its archive.
type orgSettingsJSON struct {
	ReminderPolicy *sunshine.ReminderPolicy `json:"reminder_policy"`
	LetterSettings letterSettings           `json:"letter_settings"`
}

// orgJSON is organization.json: the organization and its settings.
type orgJSON struct {
	*sunshine.Organization
	orgSettingsJSON
}

func (s *Server) orgSettings(c *gin.Context, st *store.Store) (orgSettingsJSON, error) {
	ctx := c.Request.Context()
	p, err := st.ReminderPolicy(ctx)
	if err != nil {
		return orgSettingsJSON{}, err
	}
	closing, err := st.LetterClosing(ctx)
	if err != nil {
		return orgSettingsJSON{}, err
	}
	return orgSettingsJSON{ReminderPolicy: p, LetterSettings: letterSettings{Closing: closing}}, nil
}

// archivedAgency is an agency in agencies.json: what the API says of it,
// and its closure days.
type archivedAgency struct {
	*sunshine.Agency
	Closures []*sunshine.Closure `json:"closures"`
}

// withClosures adds each agency's closure days.
func withClosures(ctx context.Context, st *store.Store, as []*sunshine.Agency) ([]archivedAgency, error) {
	out := make([]archivedAgency, len(as))
	for i, ag := range as {
		cs, err := st.FindClosures(ctx, ag.ID)
		if err != nil {
			return nil, err
		}
		out[i] = archivedAgency{Agency: ag, Closures: newPage(cs, "").Items}
	}
	return out, nil
}

// writeOrgRequests writes requests.csv (every request, whatever its
// status: the file Requests › Import reads) and each request's files under
// requests/<id>/.
func (s *Server) writeOrgRequests(a *archive, st *store.Store) {
	ctx := a.c.Request.Context()
	f := sunshine.RequestFilter{Statuses: sunshine.AllStatuses(), Limit: s.csvPage, WithStatusChangedOn: true}
	page := func(after string) ([]*sunshine.Request, string, error) {
		f.After = after
		return st.FindRequests(ctx, f)
	}
	rs, next, err := page("")
	if err != nil {
		a.abort(err)
	}
	w := a.file("requests.csv", time.Time{}, true)
	if _, err := io.WriteString(w, sunshine.UTF8BOM); err != nil {
		a.abort(err)
	}
	if err := sunshine.WriteCSV(w, a.exported, rs, next, page); err != nil {
		a.abort(err)
	}
	for after := ""; ; {
		rs, next, err := page(after)
		if err != nil {
			a.abort(err)
		}
		for _, r := range rs {
			docs, _, err := st.FindDocuments(ctx, r.ID, store.All, "")
			if err != nil {
				a.abort(err)
			}
			s.writeRequestFiles(a, st, r, docs, "requests/"+r.ID+"/")
		}
		if next == "" {
			return
		}
		after = next
	}
}

// text writes the entry name with the text body.
func (a *archive) text(name, body string) {
	if _, err := io.WriteString(a.file(name, time.Time{}, true), body); err != nil {
		a.abort(err)
	}
}

// orgZipReadme says what the organization's archive holds and how to bring
// it back.
func orgZipReadme(org *sunshine.Organization, exported time.Time) string {
	return fmt.Sprintf(`%s: everything kept in Sunshine
Exported %s (UTC), every file from the same moment.

organization.json  the organization, its reminder settings and its letters' own paragraphs
users.json         its people: name, email, role, whether they are active and sign in in two steps
agencies.json      the agency directory, each agency with its closure days
agencies.csv       the directory as a spreadsheet: Agencies > Import reads it back
requests.csv       every request, whatever its status: Requests > Import reads it back
requests/<id>/     each request (its id is requests.csv's first column):
  request.json       the request as the API gives it, its due date and the steps behind it
  timeline.json      everything that happened to it, oldest first, with who did it and when
  todos.json         its to-dos
  letter_emails.json its letters by email not sent (on their way, refused or returned), with their text
  communications/    each letter, email, call or answer, as text
  documents.json     which file in documents/ is which document, and how its text was read
  documents/         the documents, byte for byte

Each request's reply address is in its request.json: whoever has it can
file an email with the request. Keep this archive as safe as the account.

Not here: passwords, API tokens, two-step secrets and signed-in sessions
(none could be used elsewhere), shared pages' links, webhooks, search
alerts, pending invitations, who watches which request, each person's
reminder choices, the outbox of reminder emails (each one sent is in
its request's timeline), and requests' automatic follow-ups (each change
is in its request's timeline).
`, org.Name, exported.UTC().Format("2006-01-02 15:04"))
}
