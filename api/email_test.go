package api_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// releaseEmail is the Sheriff's release by email, sent at 23:30 on Tuesday
// 28 March 2017 in California (29 March in UTC), with a PDF attached.
func releaseEmail(pdf []byte) []byte {
	return []byte(strings.ReplaceAll(`From: records@sacsheriff.example
To: foia@ndlon.example
Cc: counsel@ndlon.example
Subject: CPRA request: records release
Date: Tue, 28 Mar 2017 23:30:00 -0700
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Attached are the responsive records.
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename="production-1.pdf"
Content-Transfer-Encoding: base64

`+base64.StdEncoding.EncodeToString(pdf)+`
--b--
`, "\n", "\r\n"))
}

// A communication logged from an .eml uploaded as a document: the fields
// given win, the others come from the email, and the email and its PDF
// become the communication's documents, the PDF's text searchable.
func TestCommunications_FromEmail(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	id := b.request(b.agency("Sacramento County Sheriff's Department", "us-ca"), "2017-03-27")
	path := "/api/v1/requests/" + id + "/communications"
	eml := releaseEmail(pdfWith(t, "Released under the CPRA.", "Detainer log of a xylophonic quokka."))
	up := b.upload(id, "", "release.eml", "", eml)
	require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
	require.Equal(t, "message/rfc822", up.str("content_type"))
	emlID := up.str("id")

	// Refused: nothing logged, nothing attached.
	other := b.upload(id, "", "letter.txt", "", []byte("Not an email."))
	require.Equal(t, http.StatusCreated, other.status(), other.rec.Body.String())
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"not an email", map[string]any{"direction": "in", "kind": "records_release", "email_document_id": other.str("id")}},
		{"unknown", map[string]any{"direction": "in", "kind": "records_release", "email_document_id": "00000000-0000-0000-0000-000000000000"}},
	} {
		res := b.call("POST", path, b.token, tc.body)
		require.Equal(t, http.StatusBadRequest, res.status(), tc.name)
		require.Equal(t, []string{"email_document_id"}, res.fieldErrors(), tc.name)
	}
	// Refused by the request's rules after the attachments were written
	// (a release cannot leave the request open): all or nothing.
	res := b.call("POST", path, b.token, map[string]any{"direction": "in", "kind": "records_release",
		"resulting_status": "acknowledged", "email_document_id": emlID})
	require.Equal(t, http.StatusBadRequest, res.status(), res.rec.Body.String())
	require.Equal(t, []string{"resulting_status"}, res.fieldErrors())
	require.Empty(t, b.call("GET", path, b.token, nil).items())
	docs := b.call("GET", "/api/v1/requests/"+id+"/documents", b.token, nil).items()
	require.Len(t, docs, 2, "the email and the letter, no attachment")

	res = b.call("POST", path, b.token, map[string]any{"direction": "in", "kind": "records_release",
		"subject": "First production", "email_document_id": emlID})
	require.Equal(t, http.StatusCreated, res.status(), res.rec.Body.String())
	require.Equal(t, "First production", res.str("communication.subject"), "the field given wins")
	require.Equal(t, "email", res.str("communication.channel"))
	require.Equal(t, "2017-03-28", res.str("communication.occurred_on"), "the agency's day, not UTC's 29th")
	require.Equal(t, "records@sacsheriff.example", res.str("communication.from"))
	require.Equal(t, "foia@ndlon.example, counsel@ndlon.example", res.str("communication.to"))
	require.Equal(t, "Attached are the responsive records.", res.str("communication.body"))
	require.Equal(t, "rolling_production", res.str("request.status"))
	commID := res.str("communication.id")
	attached := res.body["documents"].([]any)
	require.Len(t, attached, 2)
	var names []string
	for _, d := range attached {
		d := d.(map[string]any)
		names = append(names, d["filename"].(string)+" "+d["text_status"].(string))
		require.Equal(t, commID, d["communication_id"])
	}
	require.Equal(t, []string{"release.eml extracted", "production-1.pdf extracted"}, names)
	s := b.call("GET", "/api/v1/search?q=quokka", b.token, nil)
	require.Len(t, s.items(), 1)
	require.Equal(t, attached[1].(map[string]any)["id"], s.items()[0]["document_id"])

	// Logged once.
	res = b.call("POST", path, b.token, map[string]any{"direction": "in", "kind": "records_release", "email_document_id": emlID})
	require.Equal(t, http.StatusBadRequest, res.status())
	require.Contains(t, res.rec.Body.String(), "release.eml is attached to a communication already")

	// Without an email, channel and occurred_on are required as before.
	res = b.call("POST", path, b.token, map[string]any{"direction": "in", "kind": "other"})
	require.Equal(t, http.StatusBadRequest, res.status())
	require.ElementsMatch(t, []string{"channel", "occurred_on"}, res.fieldErrors())
}
