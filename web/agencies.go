package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// agencyRow is one line of the directory, with its law.
type agencyRow struct {
	*sunshine.Agency
	Law *deadline.Jurisdiction // nil for a code this build does not know
}

// agencyField is one text field of the form that adds or edits an agency;
// Type is an input's type, or "textarea" for lines of text.
type agencyField struct {
	Name, Label, Type, Value, Error, Hint, Autocomplete string
	Short                                               string // the label in an error message
	Required                                            bool
}

type agencyLawOption struct {
	Code, Label string
	Selected    bool
}

// agencyForm is the form that adds an agency (the directory) or edits one
// (the agency's page): its fields, the law select and their errors. The
// "agencyFields" template in layout.html shows it.
type agencyForm struct {
	Error    string // an error that belongs to no one field
	Fields   []agencyField
	Laws     []agencyLawOption
	LawError string
	LawHint  string
	// Was is, on the edit form, what the agency said when it was filled
	// (hidden fields): a save changes only what the person changed.
	Was []agencyWasField
}

// agencyWasField is one hidden field of the edit form's Was.
type agencyWasField struct{ Name, Value string }

type agenciesData struct {
	Note     string
	Q        string
	Rows     []agencyRow
	Next     string // link to the next page, if any
	Form     *agencyForm
	CanWrite bool
}

// handleAgencies is GET /agencies: the directory, a name filter and the
// form to add an agency.
func (s *Server) handleAgencies(c *gin.Context) {
	s.renderAgencies(c, http.StatusOK, &sunshine.Agency{}, nil)
}

// handleAgencyCreate is POST /agencies.
func (s *Server) handleAgencyCreate(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	a := agencyFromForm(c)
	typed := *a // Validate fills defaults; show what the user typed
	if err := s.store.CreateAgency(ctxOf(c), a); err != nil {
		if sunshine.ErrorCode(err) == sunshine.EInternal {
			s.serverError(c, err)
			return
		}
		s.renderAgencies(c, http.StatusBadRequest, &typed, fieldErrors(err))
		return
	}
	s.redirectBack(c, "/agencies", "Added "+a.Name+" to the directory.")
}

// renderAgencies shows the directory with the form holding form and errs.
func (s *Server) renderAgencies(c *gin.Context, status int, form *sunshine.Agency, errs map[string]string) {
	ctx := ctxOf(c)
	d := &agenciesData{Note: s.takeNote(c), Q: strings.TrimSpace(c.Query("q"))}
	if p, ok := sunshine.PrincipalFrom(ctx); ok {
		d.CanWrite = p.Role.CanWrite()
	}
	as, next, err := s.store.FindAgencies(ctx, sunshine.AgencyFilter{Q: d.Q, After: c.Query("after"), Limit: 100})
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, a := range as {
		j, _ := deadline.Lookup(a.Jurisdiction)
		d.Rows = append(d.Rows, agencyRow{Agency: a, Law: j})
	}
	if next != "" {
		d.Next = "/agencies?after=" + url.QueryEscape(next)
		if d.Q != "" {
			d.Next += "&q=" + url.QueryEscape(d.Q)
		}
	}

	d.Form = newAgencyForm(form, errs, "The agency was not added. Check the fields marked below.")
	s.render(c, status, "agencies", "Agencies", d)
}

// Problems lists the form's field errors in the order of its fields (the
// law comes before the email), each linked to its field, for the summary
// a refused form opens with.
func (f *agencyForm) Problems() []formProblem {
	var out []formProblem
	for _, fl := range f.Fields {
		if fl.Name == "email" && f.LawError != "" {
			out = append(out, formProblem{ID: "agency-jurisdiction", Label: "Law", Message: f.LawError})
		}
		if fl.Error != "" {
			out = append(out, formProblem{ID: "agency-" + fl.Name, Label: fl.Short, Message: fl.Error})
		}
	}
	return out
}

// agencyFromForm reads the agency form's fields.
func agencyFromForm(c *gin.Context) *sunshine.Agency {
	return &sunshine.Agency{
		Name:           c.PostForm("name"),
		Jurisdiction:   c.PostForm("jurisdiction"),
		RecordsContact: strings.TrimSpace(c.PostForm("records_contact")),
		Email:          c.PostForm("email"),
		PortalURL:      strings.TrimSpace(c.PostForm("portal_url")),
		PostalAddress:  strings.TrimSpace(c.PostForm("postal_address")),
		Phone:          strings.TrimSpace(c.PostForm("phone")),
		TimeZone:       strings.TrimSpace(c.PostForm("time_zone")),
	}
}

// newAgencyForm is the agency form holding a's values and the errors errs
// (by field; "_" for the form's own); failed is the form's message when
// only fields have errors.
func newAgencyForm(a *sunshine.Agency, errs map[string]string, failed string) *agencyForm {
	f := &agencyForm{Error: errs["_"]}
	switch msg := errs["jurisdiction"]; {
	case strings.HasPrefix(msg, changedMeanwhile):
		f.LawError = msg
	case msg != "":
		f.LawError = "must be chosen from the list"
	}
	for _, j := range deadline.Jurisdictions() {
		f.Laws = append(f.Laws, agencyLawOption{Code: j.Code, Label: j.Region + ": " + j.Law + " (" + j.ShortName + ")",
			Selected: j.Code == a.Jurisdiction})
	}
	f.Fields = []agencyField{
		{Name: "name", Label: "Name", Type: "text", Value: a.Name, Required: true, Autocomplete: "organization"},
		{Name: "records_contact", Label: "Records contact (optional)", Type: "text", Value: a.RecordsContact,
			Hint: "The office or person who answers requests, e.g. Public Records Unit."},
		{Name: "email", Label: "Email (optional)", Type: "email", Value: a.Email, Autocomplete: "email"},
		{Name: "portal_url", Label: "Portal address (optional)", Type: "url", Value: a.PortalURL, Hint: "An http or https address."},
		{Name: "postal_address", Label: "Postal address (optional)", Type: "textarea", Value: a.PostalAddress},
		{Name: "phone", Label: "Phone (optional)", Type: "tel", Value: a.Phone},
		{Name: "time_zone", Label: "Time zone (optional)", Type: "text", Value: a.TimeZone,
			Hint: "An IANA name such as America/Los_Angeles. Leave empty for the law's usual time zone."},
	}
	for i := range f.Fields {
		fl := &f.Fields[i]
		fl.Error = errs[fl.Name]
		fl.Short, _, _ = strings.Cut(fl.Label, " (")
	}
	if f.Error == "" && len(errs) > 0 {
		f.Error = failed
	}
	return f
}
