package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// getenv is the one door to the environment, so tests can replace it.
var getenv = os.Getenv

type orgJSON struct {
	OrgID  string `json:"org_id"`
	UserID string `json:"user_id"`
	Token  string `json:"token"`
}

// runOrg handles `sunshine org create --name … --slug … --admin-email …`.
func runOrg(args []string, stdout, _ io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usagef("usage: sunshine org create --name NAME --slug SLUG --admin-email EMAIL [--admin-name NAME] [--json]")
	}
	fs := newFlagSet("org create")
	name := fs.String("name", "", "the organization's name")
	slug := fs.String("slug", "", "short identifier: lowercase letters, digits, dashes")
	email := fs.String("admin-email", "", "email of the first admin")
	adminName := fs.String("admin-name", "", "name of the first admin")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args[1:], stdout); err != nil {
		return err
	}
	org := &sunshine.Organization{Name: *name, Slug: *slug}
	admin := &sunshine.User{Email: *email, Name: *adminName}
	return withStore(func(ctx context.Context, s *store.Store) error {
		token, err := s.CreateOrg(ctx, org, admin)
		if err != nil {
			return domainUsage(err)
		}
		if *asJSON {
			return writeJSON(stdout, orgJSON{OrgID: org.ID, UserID: admin.ID, Token: token})
		}
		fmt.Fprintf(stdout, "Created organization %s (%s) with admin %s.\nAPI token (shown once; store it now):\n%s\n", org.Slug, org.ID, admin.Email, token)
		return nil
	})
}

type tokenJSON struct {
	UserID string `json:"user_id"`
	Token  string `json:"token"`
}

// runToken handles `sunshine token create --org SLUG --email EMAIL`.
func runToken(args []string, stdout, _ io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usagef("usage: sunshine token create --org SLUG --email EMAIL [--name NAME] [--json]")
	}
	fs := newFlagSet("token create")
	slug := fs.String("org", "", "the organization's slug")
	email := fs.String("email", "", "the user's email")
	name := fs.String("name", "created with sunshine token create", "a label for the token")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args[1:], stdout); err != nil {
		return err
	}
	return withUser(*slug, *email, func(ctx context.Context, s *store.Store, u *sunshine.User) error {
		token, err := s.CreateTokenForUser(ctx, u, *name)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(stdout, tokenJSON{UserID: u.ID, Token: token})
		}
		fmt.Fprintf(stdout, "API token for %s (shown once; store it now):\n%s\n", u.Email, token)
		return nil
	})
}

// needOrgAndEmail refuses a user lookup without both flags. The
// organization is never guessed from the email: one address may belong to
// users of several organizations, each a separate account.
func needOrgAndEmail(slug, email string) error {
	switch {
	case email == "":
		return usagef("--email is required")
	case slug == "":
		return usagef("--org SLUG is required: an email may belong to users of several organizations, so say which one")
	}
	return nil
}

// domainUsage turns a client-facing domain error (bad input, not found,
// conflict) into a usage error: exit status 2 and its message.
func domainUsage(err error) error {
	switch sunshine.ErrorCode(err) {
	case sunshine.EInvalid, sunshine.ENotFound, sunshine.EConflict, sunshine.EUnprocessable:
		var e *sunshine.Error
		msg := sunshine.ErrorMessage(err)
		if errors.As(err, &e) && len(e.Fields) > 1 {
			msg = ""
			for i, f := range e.Fields {
				if i > 0 {
					msg += "; "
				}
				msg += f.Field + ": " + f.Message
			}
		}
		return usagef("%s", msg)
	}
	return err
}

// runUser handles `sunshine user set-password --org SLUG --email EMAIL`,
// reading the password from standard input (one line), and `sunshine
// user reset-two-step --org SLUG --email EMAIL`.
func runUser(args []string, stdout, _ io.Writer) error {
	if len(args) > 0 && args[0] == "reset-two-step" {
		return runResetTwoStep(args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "set-password" {
		return usagef("usage: sunshine user set-password --org SLUG --email EMAIL < password-file\n" +
			"       sunshine user reset-two-step --org SLUG --email EMAIL")
	}
	fs := newFlagSet("user set-password")
	slug := fs.String("org", "", "the organization's slug")
	email := fs.String("email", "", "the user's email")
	if err := parse(fs, args[1:], stdout); err != nil {
		return err
	}
	if err := needOrgAndEmail(*slug, *email); err != nil {
		return err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	password := strings.TrimRight(line, "\r\n")
	return withUser(*slug, *email, func(ctx context.Context, s *store.Store, u *sunshine.User) error {
		if err := s.SetPassword(ctx, u.ID, password); err != nil {
			return domainUsage(err)
		}
		fmt.Fprintf(stdout, "Password set for %s.\n", u.Email)
		return nil
	})
}

// runResetTwoStep turns off a user's two-step sign-in: for the only admin
// who lost their phone and their recovery codes (an admin turns off
// anyone else's on the settings page).
func runResetTwoStep(args []string, stdout io.Writer) error {
	fs := newFlagSet("user reset-two-step")
	slug := fs.String("org", "", "the organization's slug")
	email := fs.String("email", "", "the user's email")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	return withUser(*slug, *email, func(ctx context.Context, s *store.Store, u *sunshine.User) error {
		ctx = sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: u.OrgID})
		if err := s.ResetTwoStep(ctx, u.ID); err != nil {
			return domainUsage(err)
		}
		fmt.Fprintf(stdout, "Two-step sign-in is off for %s: they sign in with their password, then set it up again.\n", u.Email)
		return nil
	})
}

// withUser runs fn with the store and the user an operator command names
// by organization and email (both required: one email may have accounts
// in several organizations).
func withUser(slug, email string, fn func(ctx context.Context, s *store.Store, u *sunshine.User) error) error {
	if err := needOrgAndEmail(slug, email); err != nil {
		return err
	}
	return withStore(func(ctx context.Context, s *store.Store) error {
		u, err := s.FindUserByEmail(ctx, slug, email)
		if err != nil {
			return domainUsage(err)
		}
		return fn(ctx, s, u)
	})
}

// stdin is where set-password reads from; tests replace it.
var stdin io.Reader = os.Stdin
