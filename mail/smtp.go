package mail

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPTimeout bounds dialing and each SMTP command of a Send.
const SMTPTimeout = 30 * time.Second

// tlsMode says how an smtp:// URL uses TLS.
type tlsMode string

const (
	tlsOpportunistic tlsMode = "opportunistic" // STARTTLS when the server offers it
	tlsRequired      tlsMode = "required"      // STARTTLS or fail
	tlsNone          tlsMode = "none"          // plain text, even if STARTTLS is offered
	tlsImplicit      tlsMode = "implicit"      // smtps://
)

// smtpMailer sends over SMTP with go-mail: one connection per Send.
type smtpMailer struct {
	sender
	host     string
	port     int
	user     string
	pass     string
	hasAuth  bool
	mode     tlsMode
	describe string
	// server names the server in errors without its user name: a failed
	// reminder's error is shown to every organization, and a user name can
	// be a cloud access key's ID.
	server string
	now    func() time.Time
}

// NewSMTP builds a Mailer from a URL:
//
//   - smtp://[user:pass@]host[:port][?tls=required|opportunistic|none]: the
//     port defaults to 587 when user info is given, else 25; tls defaults to
//     opportunistic (STARTTLS when the server offers it).
//   - smtps://[user:pass@]host[:port]: implicit TLS, port 465 by default.
//
// With user info, Send authenticates (SCRAM, CRAM-MD5, PLAIN or LOGIN, as the
// server offers). PLAIN and LOGIN go over an unencrypted connection only to
// a loopback host or with tls=none. from is the sender, e.g.
// "Sunshine <reminders@sunshine.example>"; its domain names the Message-ID.
func NewSMTP(rawURL, from string) (Mailer, error) {
	s, err := parseSender(from)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	m, err := parseSMTPURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP URL: %w", err)
	}
	m.sender = s
	return m, nil
}

// CheckSMTPURL reports what is wrong with an SMTP URL NewSMTP takes, so a
// bad setting stops a server before it starts anything.
func CheckSMTPURL(rawURL string) error {
	_, err := parseSMTPURL(rawURL)
	return err
}

func parseSMTPURL(rawURL string) (*smtpMailer, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error repeats the URL, which may hold a password.
		return nil, fmt.Errorf("not a URL")
	}
	m := &smtpMailer{now: time.Now}
	switch u.Scheme {
	case "smtp":
		m.mode = tlsOpportunistic
		if v := u.Query().Get("tls"); v != "" {
			switch tlsMode(v) {
			case tlsOpportunistic, tlsRequired, tlsNone:
				m.mode = tlsMode(v)
			default:
				return nil, fmt.Errorf("tls=%q, want required, opportunistic or none", v)
			}
		}
	case "smtps":
		m.mode = tlsImplicit
		if u.Query().Has("tls") {
			return nil, fmt.Errorf("smtps:// always uses TLS; drop the tls parameter")
		}
	default:
		return nil, fmt.Errorf("scheme %q, want smtp or smtps", u.Scheme)
	}
	for k := range u.Query() {
		if k != "tls" {
			return nil, fmt.Errorf("unknown parameter %q", k)
		}
	}
	m.host = u.Hostname()
	if m.host == "" {
		return nil, fmt.Errorf("no host")
	}
	if u.User != nil {
		m.hasAuth = true
		m.user = u.User.Username()
		m.pass, _ = u.User.Password()
	}
	switch p := u.Port(); {
	case p != "":
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("invalid port %q", p)
		}
		m.port = n
	case m.mode == tlsImplicit:
		m.port = 465
	case m.hasAuth:
		m.port = 587
	default:
		m.port = 25
	}
	addr := net.JoinHostPort(m.host, strconv.Itoa(m.port))
	var b strings.Builder
	b.WriteString(u.Scheme + "://")
	if m.hasAuth {
		b.WriteString(url.User(m.user).String() + "@")
	}
	b.WriteString(addr)
	switch m.mode {
	case tlsOpportunistic:
		b.WriteString(" (STARTTLS if offered)")
	case tlsRequired:
		b.WriteString(" (STARTTLS)")
	case tlsNone:
		b.WriteString(" (no TLS)")
	case tlsImplicit:
		b.WriteString(" (TLS)")
	}
	m.describe = b.String()
	m.server = u.Scheme + "://" + addr
	return m, nil
}

func (m *smtpMailer) Describe() string { return m.describe }

func (m *smtpMailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(m.port),
		gomail.WithTimeout(SMTPTimeout),
	}
	switch m.mode {
	case tlsOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case tlsRequired:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case tlsNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case tlsImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if m.hasAuth {
		plain, login := gomail.SMTPAuthPlain, gomail.SMTPAuthLogin
		if m.mode == tlsNone {
			// The operator asked for plain text; without the NOENC variants
			// go-mail refuses to send a password unencrypted.
			plain, login = gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc
		}
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(
				gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5, plain, login),
			gomail.WithUsername(m.user),
			gomail.WithPassword(m.pass),
		)
	}
	return gomail.NewClient(m.host, opts...)
}

// Send dials once, sends every message, and closes the connection.
func (m *smtpMailer) Send(ctx context.Context, msgs []Message) []error {
	if len(msgs) == 0 {
		return nil
	}
	errs := make([]error, len(msgs))
	built := make([]*gomail.Msg, len(msgs))
	pending := 0
	now := m.now()
	for i, msg := range msgs {
		built[i], errs[i] = m.build(msg, now)
		if errs[i] == nil {
			pending++
		}
	}
	if pending == 0 {
		return errs
	}
	if err := ctx.Err(); err != nil {
		return failPending(errs, fmt.Errorf("%w: %w", ErrCanceled, err))
	}
	c, err := m.client()
	if err != nil {
		return failPending(errs, fmt.Errorf("mail: SMTP client: %w", err))
	}
	conn, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return failPending(errs, fmt.Errorf("mail: connect to %s: %w", m.server, err))
	}
	defer func() { _ = c.CloseWithSMTPClient(conn) }()
	for i, msg := range built {
		if errs[i] != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			failPending(errs[i:], fmt.Errorf("%w: %w", ErrCanceled, err))
			break
		}
		if err := c.SendWithSMTPClient(conn, msg); err != nil {
			errs[i] = fmt.Errorf("mail: send %s via %s: %w", msgs[i].ID, m.server, err)
			continue
		}
		if cp := msgs[i].Copy; cp != nil {
			// The same message written again: its date and MIME
			// boundaries were fixed by sending it.
			cp.Reset()
			if _, err := msg.WriteTo(cp); err != nil {
				cp.Reset() // (no copy rather than part of one)
			}
		}
		delivered(ctx, i)
	}
	return errs
}

// failPending sets err on every entry of errs that is still nil.
func failPending(errs []error, err error) []error {
	for i := range errs {
		if errs[i] == nil {
			errs[i] = err
		}
	}
	return errs
}
