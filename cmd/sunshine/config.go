package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/textract"
)

// Config is Sunshine's configuration, read once from the environment and
// passed down; nothing else reads the environment. .env.example documents
// every variable.
type Config struct {
	DatabaseURL     string        // SUNSHINE_DATABASE_URL (or _FILE)
	Addr            string        // SUNSHINE_ADDR
	BaseURL         string        // SUNSHINE_BASE_URL
	BaseURLSet      bool          // SUNSHINE_BASE_URL was set (else BaseURL is this machine's localhost address)
	TrustedProxies  []string      // SUNSHINE_TRUSTED_PROXIES: whose X-Forwarded-For names the client
	LogFormat       string        // SUNSHINE_LOG_FORMAT: json or text
	LogLevel        string        // SUNSHINE_LOG_LEVEL: debug, info, warn, error
	BodyLimit       int64         // SUNSHINE_BODY_LIMIT, bytes
	ShutdownTimeout time.Duration // SUNSHINE_SHUTDOWN_TIMEOUT
	Migrate         bool          // SUNSHINE_MIGRATE: apply migrations at serve start
	SeedDemo        bool          // SUNSHINE_SEED_DEMO: create the demo organization at serve start
	DBMaxConns      int           // SUNSHINE_DB_MAX_CONNS
	UploadLimit     int64         // SUNSHINE_MAX_UPLOAD, bytes
	ExtractMemory   int64         // SUNSHINE_EXTRACT_MEMORY, bytes: the hard limit of the process reading one PDF
	OCR             string        // SUNSHINE_OCR: auto (on when Tesseract is found), on (required) or off
	OCRLanguages    string        // SUNSHINE_OCR_LANGUAGES: Tesseract's languages, such as eng or eng+spa
	SMTPURL         string        // SUNSHINE_SMTP_URL (or _FILE): reminders; empty writes mail to a folder
	SMTPConnections int           // SUNSHINE_SMTP_CONNECTIONS: connections delivering reminders at once
	LettersPerHour  int           // SUNSHINE_LETTERS_PER_HOUR: letter emails an organization may queue an hour
	MailFrom        string        // SUNSHINE_MAIL_FROM
	OutboxDir       string        // SUNSHINE_OUTBOX_DIR: where mail goes without SMTP
	Jobs            bool          // SUNSHINE_JOBS: on (default) or off
	PlanSchedule    string        // SUNSHINE_PLAN_SCHEDULE (cron spec)
	DeliverSchedule string        // SUNSHINE_DELIVER_SCHEDULE (cron spec)
	WebhookSchedule string        // SUNSHINE_WEBHOOK_SCHEDULE (cron spec)
	// WebhooksAllowPrivate is SUNSHINE_WEBHOOKS_ALLOW_PRIVATE: webhooks may
	// reach this machine and private networks (off: public addresses only).
	WebhooksAllowPrivate bool
	DebugAddr            string // SUNSHINE_DEBUG_ADDR: loopback address for Go's pprof profiles; empty = off
	MetricsToken         string // SUNSHINE_METRICS_TOKEN (or _FILE): bearer token /metrics asks for; empty = open
	TuneGC               bool   // neither GOGC nor GOMEMLIMIT is set: serve sets its own (tuneGC)
	// InboundDomain is SUNSHINE_INBOUND_DOMAIN: the mail domain of the
	// requests' reply addresses (request-<token>@domain), whose mail the
	// mail server hands to `sunshine mail-in`; empty: no reply addresses.
	InboundDomain string
	// InboundSecret is SUNSHINE_INBOUND_SECRET (or _FILE): the password a
	// hosted mail service posts emails to /inbound/email with; empty: off.
	InboundSecret string
}

// minExtractMemory is the least SUNSHINE_EXTRACT_MEMORY: below it, Go's
// runtime in the child has little room left for the PDF.
const minExtractMemory = 64 << 20

// ocrLanguages is the form of SUNSHINE_OCR_LANGUAGES: Tesseract's names
// (eng, spa, chi_sim, script/Latin) joined by +.
var ocrLanguages = regexp.MustCompile(`^[A-Za-z0-9_/]+(\+[A-Za-z0-9_/]+)*$`)

// loadConfig reads the environment through getenv and validates it; every
// problem is reported at once, naming its variable.
func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{}
	var errs []error
	str := func(name, def string) string {
		v := getenv(name)
		if f := getenv(name + "_FILE"); f != "" && v == "" {
			b, err := os.ReadFile(f)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s_FILE: %w", name, err))
				return def
			}
			v = strings.TrimSpace(string(b))
		}
		if v == "" {
			return def
		}
		return v
	}
	boolean := func(name string, def bool) bool {
		v := str(name, strconv.FormatBool(def))
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not true or false", name, v))
		}
		return b
	}
	c.DatabaseURL = str("SUNSHINE_DATABASE_URL", "")
	c.Addr = str("SUNSHINE_ADDR", ":8080")
	c.BaseURLSet = str("SUNSHINE_BASE_URL", "") != ""
	c.BaseURL = strings.TrimRight(str("SUNSHINE_BASE_URL", localURL(c.Addr)), "/")
	c.LogFormat = str("SUNSHINE_LOG_FORMAT", "json")
	c.LogLevel = str("SUNSHINE_LOG_LEVEL", "info")
	c.Migrate = boolean("SUNSHINE_MIGRATE", true)
	c.SeedDemo = boolean("SUNSHINE_SEED_DEMO", false)
	c.SMTPURL = str("SUNSHINE_SMTP_URL", "")
	c.MailFrom = str("SUNSHINE_MAIL_FROM", "Sunshine <reminders@sunshine.localhost>")
	c.OutboxDir = str("SUNSHINE_OUTBOX_DIR", ".data/outbox")
	c.PlanSchedule = str("SUNSHINE_PLAN_SCHEDULE", "@every 15m")
	c.DeliverSchedule = str("SUNSHINE_DELIVER_SCHEDULE", "@every 1m")
	c.WebhookSchedule = str("SUNSHINE_WEBHOOK_SCHEDULE", "@every 10s")
	c.WebhooksAllowPrivate = boolean("SUNSHINE_WEBHOOKS_ALLOW_PRIVATE", false)
	c.DebugAddr = str("SUNSHINE_DEBUG_ADDR", "")
	c.MetricsToken = str("SUNSHINE_METRICS_TOKEN", "")
	c.InboundDomain = strings.ToLower(strings.TrimSpace(str("SUNSHINE_INBOUND_DOMAIN", "")))
	if d := c.InboundDomain; d != "" && !validDomain(d) {
		errs = append(errs, fmt.Errorf("SUNSHINE_INBOUND_DOMAIN: %q must be a mail domain such as replies.example.org", d))
	}
	c.InboundSecret = str("SUNSHINE_INBOUND_SECRET", "")
	switch {
	case c.InboundSecret == "":
	case len(c.InboundSecret) < 20:
		errs = append(errs, errors.New("SUNSHINE_INBOUND_SECRET: must be at least 20 characters (for example `openssl rand -hex 20`)"))
	case c.InboundDomain == "":
		errs = append(errs, errors.New("SUNSHINE_INBOUND_SECRET: takes emails for reply addresses, so SUNSHINE_INBOUND_DOMAIN must be set too"))
	}
	for _, p := range strings.Split(str("SUNSHINE_TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			errs = append(errs, fmt.Errorf("SUNSHINE_TRUSTED_PROXIES: %q is not an IP address or CIDR range", p))
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	c.TuneGC = getenv("GOGC") == "" && getenv("GOMEMLIMIT") == ""
	if c.DebugAddr != "" && !loopback(c.DebugAddr) {
		errs = append(errs, fmt.Errorf("SUNSHINE_DEBUG_ADDR: %q must be a loopback address such as 127.0.0.1:6060 (profiles reveal the server's internals)", c.DebugAddr))
	}
	switch jobs := str("SUNSHINE_JOBS", "on"); jobs {
	case "on":
		c.Jobs = true
	case "off":
	default:
		errs = append(errs, fmt.Errorf("SUNSHINE_JOBS: %q must be on or off", jobs))
	}

	bodyLimit := str("SUNSHINE_BODY_LIMIT", "1048576")
	if n, err := strconv.ParseInt(bodyLimit, 10, 64); err != nil || n < 1024 {
		errs = append(errs, fmt.Errorf("SUNSHINE_BODY_LIMIT: %q must be a number of bytes, at least 1024", bodyLimit))
	} else {
		c.BodyLimit = n
	}
	maxUpload := str("SUNSHINE_MAX_UPLOAD", "104857600")
	if n, err := strconv.ParseInt(maxUpload, 10, 64); err != nil || n < 1024 {
		errs = append(errs, fmt.Errorf("SUNSHINE_MAX_UPLOAD: %q must be a number of bytes, at least 1024", maxUpload))
	} else {
		c.UploadLimit = n
	}
	extractMemory := str("SUNSHINE_EXTRACT_MEMORY", strconv.Itoa(textract.DefaultPDFMemory))
	if n, err := strconv.ParseInt(extractMemory, 10, 64); err != nil || n < minExtractMemory {
		errs = append(errs, fmt.Errorf("SUNSHINE_EXTRACT_MEMORY: %q must be a number of bytes, at least %d (64 MiB)", extractMemory, minExtractMemory))
	} else {
		c.ExtractMemory = n
	}
	c.OCR = str("SUNSHINE_OCR", "auto")
	if c.OCR != "auto" && c.OCR != "on" && c.OCR != "off" {
		errs = append(errs, fmt.Errorf("SUNSHINE_OCR: %q must be auto, on or off", c.OCR))
	}
	c.OCRLanguages = str("SUNSHINE_OCR_LANGUAGES", "eng")
	if !ocrLanguages.MatchString(c.OCRLanguages) {
		errs = append(errs, fmt.Errorf("SUNSHINE_OCR_LANGUAGES: %q must be Tesseract language names joined by +, such as eng or eng+spa", c.OCRLanguages))
	}
	shutdown := str("SUNSHINE_SHUTDOWN_TIMEOUT", "15s")
	if d, err := time.ParseDuration(shutdown); err != nil || d <= 0 {
		errs = append(errs, fmt.Errorf("SUNSHINE_SHUTDOWN_TIMEOUT: %q must be a duration such as 15s", shutdown))
	} else {
		c.ShutdownTimeout = d
	}
	maxConns := str("SUNSHINE_DB_MAX_CONNS", strconv.Itoa(store.DefaultMaxConns))
	if n, err := strconv.Atoi(maxConns); err != nil || n < 1 || n > 1000 {
		errs = append(errs, fmt.Errorf("SUNSHINE_DB_MAX_CONNS: %q must be a number from 1 to 1000", maxConns))
	} else {
		c.DBMaxConns = n
	}
	smtpConns := str("SUNSHINE_SMTP_CONNECTIONS", strconv.Itoa(jobs.DefaultConnections))
	if n, err := strconv.Atoi(smtpConns); err != nil || n < 1 || n > 32 {
		errs = append(errs, fmt.Errorf("SUNSHINE_SMTP_CONNECTIONS: %q must be a number from 1 to 32", smtpConns))
	} else {
		c.SMTPConnections = n
	}
	perHour := str("SUNSHINE_LETTERS_PER_HOUR", strconv.Itoa(store.DefaultLettersPerHour))
	if n, err := strconv.Atoi(perHour); err != nil || n < 1 || n > 100000 {
		errs = append(errs, fmt.Errorf("SUNSHINE_LETTERS_PER_HOUR: %q must be a number from 1 to 100000", perHour))
	} else {
		c.LettersPerHour = n
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("SUNSHINE_LOG_FORMAT: %q must be json or text", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("SUNSHINE_LOG_LEVEL: %q must be debug, info, warn or error", c.LogLevel))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("SUNSHINE_BASE_URL: %q must be an http or https address", c.BaseURL))
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, errors.New("SUNSHINE_DATABASE_URL: must be a postgres:// URL"))
		}
	}
	if c.SMTPURL != "" {
		if err := mail.CheckSMTPURL(c.SMTPURL); err != nil {
			errs = append(errs, fmt.Errorf("SUNSHINE_SMTP_URL: %w (it is smtp://[user:pass@]host[:port] or smtps://…)", err))
		}
	}
	if err := mail.CheckFrom(c.MailFrom); err != nil {
		errs = append(errs, fmt.Errorf("SUNSHINE_MAIL_FROM: %w", err))
	}
	if err := jobs.CheckSpec(c.PlanSchedule); err != nil {
		errs = append(errs, fmt.Errorf("SUNSHINE_PLAN_SCHEDULE: %w", err))
	}
	if err := jobs.CheckSpec(c.DeliverSchedule); err != nil {
		errs = append(errs, fmt.Errorf("SUNSHINE_DELIVER_SCHEDULE: %w", err))
	}
	if err := jobs.CheckSpec(c.WebhookSchedule); err != nil {
		errs = append(errs, fmt.Errorf("SUNSHINE_WEBHOOK_SCHEDULE: %w", err))
	}
	if c.SeedDemo && c.PublicBaseURL() {
		errs = append(errs, errDemoPublic("SUNSHINE_SEED_DEMO", c.BaseURL))
	}
	return c, errors.Join(errs...)
}

// SecureCookies reports whether session cookies are marked Secure: when
// users open the server over HTTPS, as SUNSHINE_BASE_URL says.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Warnings are settings serve starts with but an operator most likely
// wants otherwise.
func (c Config) Warnings() []string {
	var out []string
	if strings.HasPrefix(c.BaseURL, "http://") && c.PublicBaseURL() {
		out = append(out, fmt.Sprintf("SUNSHINE_BASE_URL is %s: session cookies are not marked Secure and links in emails use http; "+
			"behind an HTTPS proxy, set it to the https:// address users open", c.BaseURL))
	}
	if !c.BaseURLSet && !loopback(c.Addr) {
		out = append(out, fmt.Sprintf("SUNSHINE_BASE_URL is not set: links in emails and calendar feeds point to %s, "+
			"which works only on this machine; set it to the address users open", c.BaseURL))
	}
	return out
}

// PublicBaseURL reports whether SUNSHINE_BASE_URL names an address other
// machines open (not localhost).
func (c Config) PublicBaseURL() bool {
	u, err := url.Parse(c.BaseURL)
	return err == nil && !loopbackHost(u.Hostname())
}

// errDemoPublic refuses the demo organization on a server others reach:
// its password and token are public, so anyone could sign in as its admin
// and, through it, send invitation emails from the server.
func errDemoPublic(what, baseURL string) error {
	return fmt.Errorf("%s: the demo organization's password and token are public; on a server users reach at %s anyone could sign in as its admin "+
		"(and send invitation emails from it): seed the demo only on a localhost SUNSHINE_BASE_URL", what, baseURL)
}

// localURL is the address a browser on this machine reaches the server at,
// the default for links when SUNSHINE_BASE_URL is not set.
func localURL(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		port = "8080"
	}
	return "http://localhost:" + port
}

// loopback reports whether addr is host:port with a loopback host.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && loopbackHost(host)
}

// loopbackHost reports whether host names this machine.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// requireDatabase reports the one setting every database command needs.
func (c Config) requireDatabase() error {
	if c.DatabaseURL == "" {
		return usagef("SUNSHINE_DATABASE_URL is not set (e.g. postgres://user@localhost:5432/sunshine?sslmode=disable); `make run` sets it for you")
	}
	return nil
}

// validDomain reports whether d is a host name a mail address can have:
// dot-separated labels of letters, digits and hyphens.
func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
