package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/store"
)

// Exit statuses a mail server acts on (sysexits.h): it bounces the email
// to its sender on a permanent one and delivers it again later on
// EX_TEMPFAIL, so an email is never lost while the database is away.
const (
	exitDataErr  = 65 // EX_DATAERR: not an email, or too large
	exitNoUser   = 67 // EX_NOUSER: to no request's reply address
	exitTempFail = 75 // EX_TEMPFAIL: try again later
)

// exitStatus is an error with the exit status a mail server understands.
type exitStatus struct {
	code int
	err  error
}

func (e exitStatus) Error() string { return e.err.Error() }

// runMailIn handles `sunshine mail-in [recipient...]`: the mail server
// runs it for each email to a reply address, with the email on standard
// input and (best) the envelope recipient as an argument; without one,
// the Delivered-To, X-Original-To, To and Cc headers name the requests.
// The email is filed with each request as a document to log.
func runMailIn(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("mail-in")
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintln(stdout, "Usage: sunshine mail-in [recipient...] < email\n\nFiles the email with the requests whose reply addresses it is to.")
		return errHelpShown
	case err != nil:
		return usagef("%s", err)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usagef("%s", err)
	}
	if cfg.InboundDomain == "" {
		return exitStatus{exitTempFail, errors.New("SUNSHINE_INBOUND_DOMAIN is not set: set it to the domain of the reply addresses (docs/operations.md, “Replies by email”)")}
	}
	raw, err := io.ReadAll(io.LimitReader(stdin, cfg.UploadLimit+1))
	if err != nil {
		return exitStatus{exitTempFail, fmt.Errorf("reading the email: %w", err)}
	}
	if int64(len(raw)) > cfg.UploadLimit {
		return exitStatus{exitDataErr, fmt.Errorf("the email is larger than SUNSHINE_MAX_UPLOAD (%d bytes)", cfg.UploadLimit)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// No OCR here: what is filed is the email (.eml), whose text is its
	// own; its attachments become documents, and are read, when logged.
	err = withStore(func(_ context.Context, s *store.Store) error {
		filed, err := s.ReceiveRawEmail(ctx, cfg.InboundDomain, fs.Args(), raw)
		// Its text is read now, for search (as an upload's is); what this
		// cannot read, the server's sweep reads later.
		extractor := api.New(s, api.Config{Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
		for _, f := range filed {
			fmt.Fprintf(stdout, "filed %s with request %s (%q)\n", f.Document.Filename, f.Request.ID, f.Request.Title)
			if f.Document.TextStatus == sunshine.TextPending {
				extractor.ExtractText(ctx, f.Request.OrgID, f.Document.ID)
			}
		}
		return err
	})
	switch {
	case err == nil:
		return nil
	case sunshine.ErrorCode(err) == sunshine.ENotFound:
		return exitStatus{exitNoUser, errors.New(sunshine.ErrorMessage(err))}
	case sunshine.ErrorCode(err) == sunshine.EInvalid:
		return exitStatus{exitDataErr, errors.New(sunshine.ErrorMessage(err))}
	}
	return exitStatus{exitTempFail, err}
}
