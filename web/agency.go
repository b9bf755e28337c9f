package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// agencyPageData is one agency's page: its details, its closure days and
// the forms that change them.
type agencyPageData struct {
	Agency        *sunshine.Agency
	Law           *deadline.Jurisdiction // nil for a code this build does not know
	Today         deadline.Date          // the agency's
	RequestsLink  string
	Closures      []*sunshine.Closure // the latest first
	ClosuresError string              // a removal that failed
	ClosureForm   *reqForm
	Edit          *agencyForm
	CanWrite      bool
	Note          string
	// Record is how the agency has answered the organization's requests;
	// nil before the first is sent.
	Record *recordView
}

// lawHint sits beside the law on the edit form: requests keep their law.
const lawHint = "Changing the law changes only requests filed from now on: each existing request keeps the law it was filed under."

func agencyPath(id string) string { return "/agencies/" + url.PathEscape(id) }

// handleAgencyPage is GET /agencies/:id.
func (s *Server) handleAgencyPage(c *gin.Context) {
	s.renderAgency(c, http.StatusOK, nil)
}

// renderAgency loads and shows the agency page; edit may replace a form's
// state (an action's errors and typed values).
func (s *Server) renderAgency(c *gin.Context, status int, edit func(d *agencyPageData)) {
	ctx := ctxOf(c)
	a, err := s.store.FindAgencyByID(ctx, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	d := &agencyPageData{Agency: a, Note: s.takeNote(c),
		Today:        deadline.Today(s.store.Clock().Now(), a.Location()),
		RequestsLink: "/requests?" + url.Values{"agency_id": {a.ID}}.Encode()}
	d.Law, _ = deadline.Lookup(a.Jurisdiction)
	if p, ok := sunshine.PrincipalFrom(ctx); ok {
		d.CanWrite = p.Role.CanWrite()
	}
	if d.Closures, err = s.store.FindClosures(ctx, a.ID); err != nil {
		s.fail(c, err)
		return
	}
	rep, err := s.store.AgencyRecords(ctx, sunshine.RecordFilter{AgencyID: a.ID})
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(rep.Agencies) == 1 {
		v := viewRecord(rep.Agencies[0])
		d.Record = &v
	}
	d.ClosureForm = newReqForm("closure", nil)
	d.Edit = newAgencyForm(a, nil, "")
	d.Edit.LawHint = lawHint
	d.Edit.Was = agencyWas(a)
	if edit != nil {
		edit(d)
	}
	s.render(c, status, "agency", a.Name, d)
}

// agencyEditFields are the edit form's fields: each one's value on an
// agency, and the update that sets it.
var agencyEditFields = []struct {
	name string
	of   func(a *sunshine.Agency) *string
	upd  func(u *sunshine.AgencyUpdate) **string
}{
	{"name", func(a *sunshine.Agency) *string { return &a.Name }, func(u *sunshine.AgencyUpdate) **string { return &u.Name }},
	{"jurisdiction", func(a *sunshine.Agency) *string { return &a.Jurisdiction }, func(u *sunshine.AgencyUpdate) **string { return &u.Jurisdiction }},
	{"records_contact", func(a *sunshine.Agency) *string { return &a.RecordsContact }, func(u *sunshine.AgencyUpdate) **string { return &u.RecordsContact }},
	{"email", func(a *sunshine.Agency) *string { return &a.Email }, func(u *sunshine.AgencyUpdate) **string { return &u.Email }},
	{"portal_url", func(a *sunshine.Agency) *string { return &a.PortalURL }, func(u *sunshine.AgencyUpdate) **string { return &u.PortalURL }},
	{"postal_address", func(a *sunshine.Agency) *string { return &a.PostalAddress }, func(u *sunshine.AgencyUpdate) **string { return &u.PostalAddress }},
	{"phone", func(a *sunshine.Agency) *string { return &a.Phone }, func(u *sunshine.AgencyUpdate) **string { return &u.Phone }},
	{"time_zone", func(a *sunshine.Agency) *string { return &a.TimeZone }, func(u *sunshine.AgencyUpdate) **string { return &u.TimeZone }},
}

// agencyWas is the edit form's record, hidden, of what the agency said
// when the form was filled: "was_phone" for the phone.
func agencyWas(a *sunshine.Agency) []agencyWasField {
	out := make([]agencyWasField, len(agencyEditFields))
	for i, f := range agencyEditFields {
		out[i] = agencyWasField{Name: "was_" + f.name, Value: *f.of(a)}
	}
	return out
}

// changedMeanwhile starts a field's message when someone else changed it
// since the form was filled.
const changedMeanwhile = "was changed by someone else meanwhile"

// handleAgencyUpdate is POST /agencies/:id: the edit form. Only the fields
// the person changed are saved, so a colleague's change to another field
// meanwhile is kept, not overwritten. One that the colleague also changed,
// to something else, is not: the page comes back with what was typed,
// names the field and shows its new value, and the form's other fields
// show the agency as it is now.
func (s *Server) handleAgencyUpdate(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	typed := agencyFromForm(c)
	ctx := ctxOf(c)
	for attempt := 0; ; attempt++ {
		a, err := s.store.FindAgencyByID(ctx, c.Param("id"))
		if err != nil {
			s.fail(c, err)
			return
		}
		was := *a // the next save's record: what each field said, or says now
		errs := map[string]string{}
		var upd sunshine.AgencyUpdate
		changed := false
		for _, f := range agencyEditFields {
			if !form.Has(f.name) {
				*f.of(typed) = *f.of(a)
				continue
			}
			if !form.Has("was_" + f.name) {
				errs["_"] = "The form is missing what the agency said when you opened it: reload the page and try again."
				continue
			}
			v, old, now := *f.of(typed), form.Get("was_"+f.name), *f.of(a)
			switch {
			case sameText(v, old) || sameText(v, now):
				// Not changed here, or already so: show it as it is now.
				*f.of(typed) = now
			case !sameText(old, now):
				shown := now
				if shown == "" {
					shown = "nothing"
				}
				errs[f.name] = changedMeanwhile + ", to " + strconv.Quote(shown) + ": check it, then save again"
			default:
				changed = true
				*f.upd(&upd) = f.of(typed)
			}
		}
		if len(errs) > 0 {
			status, msg := http.StatusBadRequest, "The changes were not saved. Check the fields marked below."
			if errs["_"] == "" {
				status, msg = http.StatusConflict, "Someone else changed this agency while you were editing it, so nothing was saved. "+
					"The fields marked below now hold their changes: check them, then save again."
			}
			s.renderAgencyEdit(c, status, typed, &was, errs, msg)
			return
		}
		if !changed {
			s.redirectBack(c, agencyPath(a.ID), "Nothing changed.")
			return
		}
		// Conditional on the agency as just read: a change landing in
		// between is merged by reading it again.
		out, err := s.store.UpdateAgencyIfUnchanged(ctx, a, upd)
		if sunshine.ErrorCode(err) == sunshine.EPrecondition && attempt < 3 {
			continue
		}
		switch sunshine.ErrorCode(err) {
		case "":
			s.redirectBack(c, agencyPath(out.ID), "Saved the changes to "+out.Name+".")
		case sunshine.EInvalid, sunshine.EConflict:
			// The status the directory's "Add agency" form answers with.
			s.renderAgencyEdit(c, http.StatusBadRequest, typed, &was, fieldErrors(err),
				"The changes were not saved. Check the fields marked below.")
		case sunshine.EPrecondition:
			s.renderAgencyEdit(c, http.StatusConflict, typed, &was, map[string]string{
				"_": "Others are changing this agency right now, so your changes were not saved: save again in a moment."}, "")
		default:
			s.fail(c, err)
		}
		return
	}
}

// renderAgencyEdit shows the agency page with the edit form holding typed,
// its errors errs and failed as its message, and was as what the form's
// next save changes from.
func (s *Server) renderAgencyEdit(c *gin.Context, status int, typed, was *sunshine.Agency, errs map[string]string, failed string) {
	s.renderAgency(c, status, func(d *agencyPageData) {
		d.Edit = newAgencyForm(typed, errs, failed)
		d.Edit.LawHint = lawHint
		d.Edit.Was = agencyWas(was)
	})
}

// handleClosureCreate is POST /agencies/:id/closures: add a closure day.
func (s *Server) handleClosureCreate(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	f := newReqForm("closure", c.Request.PostForm)
	cl := &sunshine.Closure{AgencyID: c.Param("id"), Reason: f.V("reason")}
	cl.ClosedOn = f.parseDateField("closed_on")
	if f.HasErrors() {
		// Check the rest too, so every mistake shows at once.
		if err := cl.Validate(); err != nil {
			f.fail(err)
		}
		s.closureFailed(c, f, nil)
		return
	}
	moved, err := s.store.AddClosure(ctxOf(c), cl)
	if err != nil {
		s.closureFailed(c, f, err)
		return
	}
	// To the top of the page, where the note is.
	s.redirectBack(c, agencyPath(cl.AgencyID),
		"Closure day "+cl.ClosedOn.Format("Mon 2 Jan 2006")+" ("+cl.Reason+") added; "+movedWords(moved))
}

// closureFailed shows the agency page again with the closure form's
// errors, or the error page when the error is not about the form (another
// organization's agency is a 404).
func (s *Server) closureFailed(c *gin.Context, f *reqForm, err error) {
	status := http.StatusBadRequest
	if err != nil {
		if status = f.fail(err); status == 0 {
			s.fail(c, err)
			return
		}
	}
	s.renderAgency(c, status, func(d *agencyPageData) { d.ClosureForm = f })
}

// handleClosureDelete is POST /agencies/:id/closures/:date/delete.
func (s *Server) handleClosureDelete(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	on, err := deadline.ParseDate(c.Param("date"))
	if err != nil {
		s.fail(c, sunshine.Errorf(sunshine.ENotFound, "closure day not found"))
		return
	}
	removed, moved, err := s.store.DeleteClosure(ctxOf(c), c.Param("id"), on)
	switch {
	case err == nil: // the reason too: a day removed by mistake can be added again
		s.redirectBack(c, agencyPath(c.Param("id")),
			"Closure day "+on.Format("Mon 2 Jan 2006")+" ("+removed.Reason+") removed; "+movedWords(moved))
	case sunshine.ErrorCode(err) == sunshine.ENotFound:
		// Removed already (another tab, a colleague), or another
		// organization's agency: then renderAgency's lookup is the 404.
		s.renderAgency(c, http.StatusNotFound, func(d *agencyPageData) {
			d.ClosuresError = on.Format("Mon 2 Jan 2006") + " is not a closure day of this agency, so nothing was removed."
		})
	default:
		s.fail(c, err)
	}
}

// movedWords says which requests' due dates a closure change moved: the
// first few by title, with their new dates.
func movedWords(moved []sunshine.DueMove) string {
	const named = 3
	switch len(moved) {
	case 0:
		return "no request's due date moved."
	case 1:
		return "the due date of 1 request moved: " + moveWords(moved) + "."
	}
	out := fmt.Sprintf("the due dates of %d requests moved: ", len(moved)) + moveWords(moved[:min(named, len(moved))])
	if len(moved) > named {
		out += fmt.Sprintf(", and %d more", len(moved)-named)
	}
	return out + "."
}

func moveWords(moved []sunshine.DueMove) string {
	words := make([]string, len(moved))
	for i, m := range moved {
		words[i] = fmt.Sprintf("%q from %s to %s", m.Title, m.From.Format("Mon 2 Jan"), m.To.Format("Mon 2 Jan 2006"))
	}
	return strings.Join(words, ", ")
}
