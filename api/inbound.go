package api

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// handleInboundEmail is POST /inbound/email: an email to a reply address,
// handed over by a hosted mail service (where no mail server can run
// `sunshine mail-in`), filed with its request as mail-in files it
// (store.ReceiveRawEmail). The service authenticates with the inbound
// secret, as HTTP Basic's password (https://any:SECRET@host/inbound/email,
// which such services accept in a webhook's address) or a Bearer token.
// The email comes as the body (Content-Type message/rfc822, the envelope
// recipients in ?recipient=), or as a form's field: "email" (SendGrid's
// raw MIME) or "body-mime" (Mailgun's), with "recipient" or SendGrid's
// "envelope". A 404 says the email is for no request (a service may bounce
// it); a 5xx asks it to try again.
func (s *Server) handleInboundEmail(c *gin.Context) {
	if s.cfg.InboundSecret == "" || s.cfg.InboundDomain == "" {
		fail(c, sunshine.Errorf(sunshine.ENotFound, "this server takes no email by HTTP: set SUNSHINE_INBOUND_DOMAIN and SUNSHINE_INBOUND_SECRET"))
		return
	}
	if !s.inboundAuthorized(c.Request) {
		fail(c, sunshine.Errorf(sunshine.EUnauthorized, "the inbound secret is missing or wrong"))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.UploadLimit)
	raw, recipients, err := inboundEmail(c.Request)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = sunshine.Errorf(sunshine.ETooLarge, "the email is larger than the limit of %d bytes", mbe.Limit)
		}
		fail(c, err)
		return
	}
	filed, err := s.store.ReceiveRawEmail(c.Request.Context(), s.cfg.InboundDomain, recipients, raw)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]gin.H, len(filed))
	for i, f := range filed {
		if f.Document.TextStatus == sunshine.TextPending {
			ctx := sunshine.WithPrincipal(c.Request.Context(), sunshine.Principal{OrgID: f.Request.OrgID})
			s.extractAfterUpload(ctx, f.Document)
		}
		out[i] = gin.H{"request_id": f.Request.ID, "document_id": f.Document.ID}
	}
	c.JSON(http.StatusOK, gin.H{"filed": out})
}

// inboundAuthorized checks the inbound secret, in constant time.
func (s *Server) inboundAuthorized(r *http.Request) bool {
	given := ""
	if _, pass, ok := r.BasicAuth(); ok {
		given = pass
	} else if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		given = strings.TrimSpace(tok)
	}
	return given != "" && subtle.ConstantTimeCompare([]byte(given), []byte(s.cfg.InboundSecret)) == 1
}

// inboundEmail reads the email and its envelope recipients (none: its
// headers name them) from a request in one of the shapes handleInboundEmail
// takes.
func inboundEmail(r *http.Request) (raw []byte, recipients []string, err error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "message/rfc822":
		raw, err = io.ReadAll(r.Body)
		return raw, r.URL.Query()["recipient"], err
	case "multipart/form-data", "application/x-www-form-urlencoded":
		if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, nil, formError(err)
		}
		for _, field := range []string{"email", "body-mime"} {
			if v := r.FormValue(field); v != "" {
				raw = []byte(v)
				break
			}
		}
		if raw == nil {
			return nil, nil, sunshine.FieldInvalid("email", "is required: the raw email (SendGrid's \"email\" or Mailgun's \"body-mime\")")
		}
		recipients = r.Form["recipient"]
		var envelope struct {
			To []string `json:"to"`
		}
		if v := r.FormValue("envelope"); v != "" && json.Unmarshal([]byte(v), &envelope) == nil {
			recipients = append(recipients, envelope.To...)
		}
		return raw, recipients, nil
	}
	return nil, nil, sunshine.Errorf(sunshine.EUnsupported, "send the email as message/rfc822, or as a form's \"email\" or \"body-mime\" field")
}

// formError is a form that could not be read: too large, or broken.
func formError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return sunshine.Errorf(sunshine.EInvalid, "the form could not be read: %v", err)
}
