package store_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// releaseEml is an agency's release of records by email, sent late in the
// evening of 28 March 2017 in California (29 March in UTC), with a PDF
// attached.
func releaseEml(from string) string {
	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\nDetainer log\n%%EOF\n"))
	return strings.ReplaceAll(`From: `+from+`
To: foia@advocates.example.org
Subject: Records release
Date: Tue, 28 Mar 2017 23:30:00 -0700
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

The records are attached.
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename="detainers.pdf"
Content-Transfer-Encoding: base64

`+pdf+`
--b--
`, "\n", "\r\n")
}

// emailDoc uploads an .eml to request r.
func (b testBundle) emailDoc(t *testing.T, r *sunshine.Request, eml string) *sunshine.Document {
	t.Helper()
	doc, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: r.ID, Filename: "release.eml",
		ContentType: "message/rfc822", Content: strings.NewReader(eml)})
	require.NoError(t, err)
	return doc
}

// logEmail logs the email document of r as in, with its attachments.
func (b testBundle) logEmail(t *testing.T, r *sunshine.Request, docID string, in sunshine.CommunicationInput) (*sunshine.Communication, error) {
	t.Helper()
	in.EmailDocumentID = docID
	var attach []*store.SpooledDocument
	if ed, err := b.s.ReadEmailDocument(b.ctx, r.ID, docID); err == nil {
		attach, err = ed.SpoolAttachments(b.ctx)
		require.NoError(t, err)
	}
	defer func() {
		for _, a := range attach {
			a.Remove()
		}
	}()
	c, _, err := b.s.CreateCommunication(b.ctx, r.ID, in, attach...)
	return c, err
}

func release(on string) sunshine.CommunicationInput {
	return sunshine.CommunicationInput{Communication: sunshine.Communication{Direction: sunshine.DirectionIn, Channel: "email",
		Kind: sunshine.KindRecordsRelease, OccurredOn: d(on), Subject: "Records release"}}
}

func TestStore_ReadEmailDocument(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")

	ed, err := b.s.ReadEmailDocument(b.ctx, r.ID, b.emailDoc(t, r, releaseEml(`"Records" <records@sheriff.example.gov>`)).ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.Communication{Direction: sunshine.DirectionIn, Channel: "email", OccurredOn: d("2017-03-28"),
		From: `"Records" <records@sheriff.example.gov>`, To: "foia@advocates.example.org", Subject: "Records release",
		Body: "The records are attached."}, ed.Fill, "the agency's day, not UTC's 29 March")
	require.Equal(t, []string{"detainers.pdf"}, ed.AttachmentNames())
	require.Empty(t, ed.Cut)

	// Sent by one of the organization's people (in any case): from us.
	ed, err = b.s.ReadEmailDocument(b.ctx, r.ID, b.emailDoc(t, r, releaseEml("Admin <"+strings.ToUpper(b.fx.Admin.Email)+">")).ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.DirectionOut, ed.Fill.Direction)

	// FillBlanks sets only the fields named.
	c := sunshine.Communication{Subject: "typed", Channel: "portal"}
	ed.FillBlanks(&c, "channel", "occurred_on")
	require.Equal(t, sunshine.Communication{Subject: "typed", Channel: "email", OccurredOn: d("2017-03-28")}, c)
}

func TestStore_CreateCommunication_FromEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	r := b.request(t, a, "ICE", "2017-03-27")
	eml := b.emailDoc(t, r, releaseEml("records@sheriff.example.gov"))
	docsOf := func(t *testing.T) map[string]*string { // filename: communication
		t.Helper()
		docs, _, err := b.s.FindDocuments(b.ctx, r.ID, store.All, "")
		require.NoError(t, err)
		out := map[string]*string{}
		for _, doc := range docs {
			out[doc.Filename] = doc.CommunicationID
		}
		return out
	}

	// Refused, for a field the store checks only after the attachments
	// are written (a records release cannot leave the request open):
	// nothing is attached, nothing stored.
	bad := release("2017-03-28")
	bad.ResultingStatus = sunshine.StatusAcknowledged
	_, err := b.logEmail(t, r, eml.ID, bad)
	require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err))
	require.Contains(t, sunshine.ErrorMessage(err), "resulting_status")
	require.Equal(t, map[string]*string{"release.eml": nil}, docsOf(t), "no attachment stored, the email not attached")
	// And refused before the transaction (a kind of ours from the agency).
	bad = release("2017-03-28")
	bad.Kind = sunshine.KindAppeal
	_, err = b.logEmail(t, r, eml.ID, bad)
	require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err))
	require.Equal(t, map[string]*string{"release.eml": nil}, docsOf(t))

	c, err := b.logEmail(t, r, eml.ID, release("2017-03-28"))
	require.NoError(t, err)
	require.Equal(t, map[string]*string{"release.eml": &c.ID, "detainers.pdf": &c.ID}, docsOf(t))
	tl, err := b.s.FindTimeline(b.ctx, r.ID)
	require.NoError(t, err)
	added := 0
	for _, e := range tl {
		if e.Kind == sunshine.EventDocumentAdded && strings.Contains(string(e.Data), "detainers.pdf") {
			added++
			require.Contains(t, string(e.Data), c.ID)
		}
	}
	require.Equal(t, 1, added, "the attachment's document_added event")

	// Logged once: the email is attached already.
	_, err = b.s.ReadEmailDocument(b.ctx, r.ID, eml.ID)
	require.EqualError(t, err, "invalid: email_document_id: release.eml is attached to a communication already: it was logged")
	_, err = b.logEmail(t, r, eml.ID, release("2017-03-28"))
	require.EqualError(t, err, "invalid: email_document_id: release.eml is attached to a communication already: it was logged")
}

func TestStore_CreateCommunication_EmailRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	r := b.request(t, a, "ICE", "2017-03-27")
	otherRequest := b.emailDoc(t, b.request(t, a, "Other", "2017-03-27"), releaseEml("records@sheriff.example.gov"))
	pdf, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: r.ID, Filename: "x.pdf", ContentType: "application/pdf",
		Content: strings.NewReader("%PDF-1.4")})
	require.NoError(t, err)
	removed := b.emailDoc(t, r, releaseEml("x@example.gov"))
	require.NoError(t, b.s.DeleteDocument(b.ctx, removed.ID))
	ob := testBundle{s: b.s, fx: storetest.Org(t, b.s, "other")}
	ob.ctx = ob.fx.Ctx
	otherOrg := ob.emailDoc(t, ob.request(t, ob.agency(t, "Police", "us-ca"), "X", "2017-03-27"), releaseEml("records@sheriff.example.gov"))

	noSuch := "invalid: email_document_id: no such document on this request (it may have been removed)"
	tests := []struct{ name, id, err string }{
		{"another request's", otherRequest.ID, noSuch},
		{"another organization's", otherOrg.ID, noSuch},
		{"removed", removed.ID, noSuch},
		{"unknown", "00000000-0000-0000-0000-000000000000", noSuch},
		{"not an email", pdf.ID, "invalid: email_document_id: x.pdf is not an e-mail message (.eml or .msg)"},
	}
	for _, tc := range tests {
		_, err := b.s.ReadEmailDocument(b.ctx, r.ID, tc.id)
		require.EqualError(t, err, tc.err, tc.name)
		in := release("2017-03-28")
		in.EmailDocumentID = tc.id
		_, _, err = b.s.CreateCommunication(b.ctx, r.ID, in)
		require.EqualError(t, err, tc.err, tc.name)
	}
	in := release("2017-03-28")
	in.EmailDocumentID = "nope"
	_, _, err = b.s.CreateCommunication(b.ctx, r.ID, in)
	require.EqualError(t, err, "invalid: email_document_id: must be the ID of an e-mail document of this request")
	comms, err := b.s.FindCommunicationsBrief(b.ctx, r.ID, 10)
	require.NoError(t, err)
	require.Empty(t, comms)
}
