package mail_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
)

func TestNewSMTP_URLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url, describe, err string
	}{
		{"Default", "smtp://mail.example", "smtp://mail.example:25 (STARTTLS if offered)", ""},
		{"AuthDefaultsTo587", "smtp://user:secret@mail.example", "smtp://user@mail.example:587 (STARTTLS if offered)", ""},
		{"Required", "smtp://mail.example:2525?tls=required", "smtp://mail.example:2525 (STARTTLS)", ""},
		{"None", "smtp://mail.example?tls=none", "smtp://mail.example:25 (no TLS)", ""},
		{"SMTPS", "smtps://user:secret@mail.example", "smtps://user@mail.example:465 (TLS)", ""},
		{"ErrScheme", "http://mail.example", "", "scheme"},
		{"ErrTLS", "smtp://mail.example?tls=maybe", "", "tls="},
		{"ErrNoHost", "smtp://", "", "no host"},
		{"ErrPort", "smtp://mail.example:99999", "", "invalid port"},
		{"ErrParamNoPasswordLeak", "smtp://user:secret@mail.example?foo=1", "", "unknown parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := mail.NewSMTP(tt.url, from)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				require.NotContains(t, err.Error(), "secret")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.describe, m.Describe())
			require.NotContains(t, m.Describe(), "secret")
		})
	}
}

func TestSMTP(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)

	t.Run("BatchOK", func(t *testing.T) {
		// Not parallel: the subtests share the server's mailbox.
		srv.DeleteAll(t)
		m, err := mail.NewSMTP(srv.URL(), from)
		require.NoError(t, err)
		msgs := testMessages(3)
		require.Equal(t, []error{nil, nil, nil}, m.Send(context.Background(), msgs))
		requireDelivered(t, srv, msgs)
		for _, s := range srv.Messages(t) {
			require.Empty(t, s.Tags, "no auth without user info")
		}
	})

	t.Run("Letter", func(t *testing.T) {
		// A person's letter to an agency: from their name at Sunshine's
		// address, the answer to the request's reply address, copies open
		// and blind, and not marked auto-submitted (the agency's own
		// auto-reply with its tracking number is wanted).
		srv.DeleteAll(t)
		m, err := mail.NewSMTP(srv.URL(), from)
		require.NoError(t, err)
		letter := mail.Message{ID: "letter-1", To: "records@sheriff.example", Subject: "Public records request",
			Text: "Dear records officer,\n\nUnder the California Public Records Act…", FromName: "Ana Ruiz, NDLON",
			ReplyTo: "request-abc@replies.example", Cc: []string{"legal@ndlon.example"}, Bcc: []string{"ana@ndlon.example"}, Letter: true,
			Bounces: "request-abc@replies.example", Copy: &bytes.Buffer{}}
		require.Equal(t, []error{nil}, m.Send(context.Background(), []mail.Message{letter}))
		got := srv.Messages(t)
		require.Len(t, got, 1)
		full := srv.Message(t, got[0].ID)
		require.Equal(t, mailtest.Address{Name: "Ana Ruiz, NDLON", Address: "reminders@sunshine.example"}, full.From)
		require.Equal(t, []mailtest.Address{{Address: "records@sheriff.example"}}, full.To)
		require.Equal(t, []mailtest.Address{{Address: "legal@ndlon.example"}}, full.Cc)
		require.Equal(t, []mailtest.Address{{Address: "ana@ndlon.example"}}, full.Bcc, "the sender's copy went, blind")
		require.Equal(t, []mailtest.Address{{Address: "request-abc@replies.example"}}, full.ReplyTo)
		require.Empty(t, full.Header("Auto-Submitted"))
		require.Equal(t, "<request-abc@replies.example>", full.Header("Return-Path"), "a bounce goes to the request")
		// (Mailpit records the blind copy in a Bcc line of its own, above
		// the Received line it adds: the message as sent starts after.)
		_, sent, ok := strings.Cut(string(srv.Raw(t, got[0].ID)), "\r\nDate: ")
		require.True(t, ok)
		require.NotContains(t, sent, "ana@ndlon.example", "no header names the blind copy")
		require.True(t, sameMessage(srv.Raw(t, got[0].ID), letter.Copy.Bytes()), "the copy is the message as the server got it:\n%s", letter.Copy)
		require.Contains(t, letter.Copy.String(), "Message-ID: <letter-1@sunshine.example>")
		require.Equal(t, "Dear records officer,\n\nUnder the California Public Records Act…", strings.TrimSpace(normalize(full.Text)))
		require.Empty(t, full.Attachments)
	})

	t.Run("LetterAttachments", func(t *testing.T) {
		// Documents go with a letter as attachments, in order, with their
		// names and types, byte for byte.
		srv.DeleteAll(t)
		m, err := mail.NewSMTP(srv.URL(), from)
		require.NoError(t, err)
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0, 0xff, 'x'}, 5000)...)
		letter := mail.Message{ID: "letter-2", To: "records@sheriff.example", Subject: "Public records request", Text: "Signed letter attached.",
			Letter: true, Attachments: []mail.Attachment{{Filename: "CPRA request, signed.pdf", ContentType: "application/pdf", Content: pdf},
				{Filename: "notes.txt", ContentType: "text/plain; charset=utf-8", Content: []byte("Ünïcode notes\n")}}, Copy: &bytes.Buffer{}}
		require.Equal(t, []error{nil}, m.Send(context.Background(), []mail.Message{letter}))
		got := srv.Messages(t)
		require.Len(t, got, 1)
		full := srv.Message(t, got[0].ID)
		require.Len(t, full.Attachments, 2)
		require.Equal(t, "CPRA request, signed.pdf", full.Attachments[0].FileName)
		require.Equal(t, "application/pdf", full.Attachments[0].ContentType)
		require.Equal(t, pdf, srv.Part(t, got[0].ID, full.Attachments[0].PartID))
		require.Equal(t, "notes.txt", full.Attachments[1].FileName)
		require.Equal(t, []byte("Ünïcode notes\n"), srv.Part(t, got[0].ID, full.Attachments[1].PartID))
		require.Equal(t, "Signed letter attached.", strings.TrimSpace(normalize(full.Text)))
		require.True(t, sameMessage(srv.Raw(t, got[0].ID), letter.Copy.Bytes()), "the copy has the same MIME boundaries")
	})

	t.Run("Auth", func(t *testing.T) {
		srv.DeleteAll(t)
		u := strings.Replace(srv.URL(), "smtp://", "smtp://user:pass@", 1)
		m, err := mail.NewSMTP(u, from)
		require.NoError(t, err)
		require.NotContains(t, m.Describe(), "pass@")
		msgs := testMessages(2)
		require.Equal(t, []error{nil, nil}, m.Send(context.Background(), msgs))
		requireDelivered(t, srv, msgs)
		for _, s := range srv.Messages(t) {
			require.Contains(t, s.Tags, "user", "Mailpit tags mail with the authenticated user")
		}
	})

	t.Run("AuthNoTLS", func(t *testing.T) {
		srv.DeleteAll(t)
		u := strings.Replace(srv.URL(), "smtp://", "smtp://user:pass@", 1) + "?tls=none"
		m, err := mail.NewSMTP(u, from)
		require.NoError(t, err)
		msgs := testMessages(1)
		require.Equal(t, []error{nil}, m.Send(context.Background(), msgs))
		requireDelivered(t, srv, msgs)
		require.Contains(t, srv.Messages(t)[0].Tags, "user")
	})

	t.Run("ErrTLSRequired", func(t *testing.T) {
		// Mailpit here has no certificate, so offers no STARTTLS.
		m, err := mail.NewSMTP(srv.URL()+"?tls=required", from)
		require.NoError(t, err)
		errs := m.Send(context.Background(), testMessages(2))
		require.Len(t, errs, 2)
		require.ErrorContains(t, errs[0], "STARTTLS")
		require.Equal(t, errs[0], errs[1])
	})

	t.Run("InvalidMessageFailsAlone", func(t *testing.T) {
		srv.DeleteAll(t)
		m, err := mail.NewSMTP(srv.URL(), from)
		require.NoError(t, err)
		msgs := testMessages(3)
		msgs[1].To = "nobody"
		errs := m.Send(context.Background(), msgs)
		require.NoError(t, errs[0])
		require.ErrorContains(t, errs[1], "invalid recipient")
		require.NoError(t, errs[2])
		requireDelivered(t, srv, []mail.Message{msgs[0], msgs[2]})
	})

	t.Run("ErrCanceled", func(t *testing.T) {
		m, err := mail.NewSMTP(srv.URL(), from)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, err := range m.Send(ctx, testMessages(2)) {
			require.ErrorIs(t, err, context.Canceled)
			require.ErrorIs(t, err, mail.ErrCanceled)
		}
	})

	t.Run("OutageThenRecovery", func(t *testing.T) {
		m, err := mail.NewSMTP(srv.URL(), from)
		require.NoError(t, err)
		msgs := testMessages(3)

		srv.Stop()
		start := time.Now()
		errs := m.Send(context.Background(), msgs)
		require.Less(t, time.Since(start), 10*time.Second)
		require.Len(t, errs, 3)
		for _, err := range errs {
			require.ErrorContains(t, err, "connect to smtp://127.0.0.1:")
		}

		// The error is shown to every organization (a reminder's last
		// error): it names the server, not its user.
		u, err := url.Parse(srv.URL())
		require.NoError(t, err)
		u.User = url.UserPassword("AKIAEXAMPLEUSER", "secret")
		authed, err := mail.NewSMTP(u.String(), from)
		require.NoError(t, err)
		for _, err := range authed.Send(context.Background(), msgs[:1]) {
			require.ErrorContains(t, err, "connect to smtp://127.0.0.1:")
			require.NotContains(t, err.Error(), "AKIAEXAMPLEUSER")
			require.NotContains(t, err.Error(), "secret")
		}
		require.Contains(t, authed.Describe(), "AKIAEXAMPLEUSER@", "the operator's log names the user")

		srv.Restart(t)
		srv.DeleteAll(t)
		require.Equal(t, []error{nil, nil, nil}, m.Send(context.Background(), msgs))
		requireDelivered(t, srv, msgs)
	})
}

// requireDelivered checks that Mailpit holds exactly msgs, with their
// Message-ID, subject, recipient, headers and both bodies.
func requireDelivered(t *testing.T, srv *mailtest.Server, msgs []mail.Message) {
	t.Helper()
	got := srv.Messages(t)
	require.Len(t, got, len(msgs))
	byMessageID := map[string]mailtest.Summary{}
	for _, s := range got {
		byMessageID[s.MessageID] = s
	}
	for _, want := range msgs {
		s, ok := byMessageID[want.ID+"@sunshine.example"]
		require.True(t, ok, "message %s not delivered; got %+v", want.ID, got)
		require.Equal(t, want.Subject, s.Subject)
		require.Equal(t, []mailtest.Address{{Name: "Ana Reporter", Address: want.To}}, s.To)
		require.False(t, s.Created.IsZero())

		full := srv.Message(t, s.ID)
		require.Equal(t, "<"+want.ID+"@sunshine.example>", full.Header("Message-ID"))
		require.Equal(t, "auto-generated", full.Header("Auto-Submitted"))
		require.Equal(t, want.ID, full.Header("X-Sunshine-Message"))
		require.Contains(t, full.Header("Content-Type"), "multipart/alternative")
		require.Equal(t, strings.TrimSpace(want.Text), strings.TrimSpace(normalize(full.Text)))
		require.Contains(t, full.HTML, "Use-of-force reports, 2016")
	}
}

// sameMessage reports whether raw, a message as Mailpit received it, is
// sent: after the lines Mailpit adds on top (Received, Return-Path), and
// but for the line end SMTP's DATA ends with.
func sameMessage(raw, sent []byte) bool {
	return len(sent) > 0 && bytes.HasSuffix(bytes.TrimSuffix(raw, []byte("\r\n")), bytes.TrimSuffix(sent, []byte("\r\n")))
}
