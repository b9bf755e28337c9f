package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
	"github.com/sunshine-records/sunshine/web"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	storetest.Main(m)
}

// now is 08:00 in Sacramento on Wednesday 5 April 2017.
var now = time.Date(2017, 4, 5, 15, 0, 0, 0, time.UTC)

const password = "correct horse battery"

// bundle is the pages on a fresh engine, over a store bound to the test's
// transaction, and a browser-like client that keeps the session cookie.
type bundle struct {
	t      *testing.T
	st     *store.Store
	fx     storetest.Fixture
	engine *gin.Engine
	web    *web.Server
	cookie *http.Cookie // the session
	note   *http.Cookie // a form's note for the next page
	clk    *sunshine.FixedClock
}

func setup(t *testing.T) *bundle {
	t.Helper()
	return setupWith(t, api.Config{})
}

// setupWith is setup with the API configured as cfg.
func setupWith(t *testing.T, cfg api.Config) *bundle {
	t.Helper()
	clk := sunshine.NewFixedClock(now)
	return setupStore(t, storetest.Tx(t, clk), clk, cfg)
}

// setupStore is setup over st, whose clock is clk.
func setupStore(t *testing.T, st *store.Store, clk *sunshine.FixedClock, cfg api.Config) *bundle {
	t.Helper()
	fx := storetest.Org(t, st, "ndlon")
	require.NoError(t, st.SetPassword(context.Background(), fx.Admin.ID, password))
	// The pages on the API's engine, as `sunshine serve` wires them (its
	// middleware runs for every page too), with the API's extractor inline:
	// an upload's page shows the text's outcome.
	cfg.InlineExtraction = true
	apiServer := api.New(st, cfg)
	pages := web.New(st, apiServer.Engine(), web.Config{BaseURL: "https://sunshine.example", ExtractText: apiServer.ExtractText, RequestZip: apiServer.RequestZip, OrgZip: apiServer.OrgZip,
		InboundDomain: cfg.InboundDomain})
	apiServer.SetPageNotFound(pages.NotFound)
	return &bundle{t: t, st: st, fx: fx, engine: apiServer.Engine(), web: pages, clk: clk}
}

// do sends a request as the browser, with its cookies.
func (b *bundle) do(req *http.Request) *httptest.ResponseRecorder {
	b.t.Helper()
	for _, c := range []*http.Cookie{b.cookie, b.note} {
		if c != nil {
			req.AddCookie(c)
		}
	}
	rec := httptest.NewRecorder()
	b.engine.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		kept := &b.cookie
		switch c.Name {
		case "sunshine_session":
		case "sunshine_note":
			kept = &b.note
		default:
			continue
		}
		if c.MaxAge < 0 {
			*kept = nil
		} else {
			*kept = c
		}
	}
	return rec
}

func (b *bundle) get(path string) *httptest.ResponseRecorder {
	return b.do(httptest.NewRequest("GET", path, nil))
}

// post submits a form from the same site, as a browser does.
func (b *bundle) post(path string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// login signs in as email with the test password.
func (b *bundle) login(email string) {
	b.t.Helper()
	rec := b.post("/login", url.Values{"email": {email}, "password": {password}, "next": {"/"}})
	require.Equal(b.t, http.StatusSeeOther, rec.Code, rec.Body.String())
	require.NotNil(b.t, b.cookie)
}

func body(rec *httptest.ResponseRecorder) string { return rec.Body.String() }

func TestLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec := b.get("/")
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, "/login?next=%2F", rec.Header().Get("Location"))

	rec = b.get("/login")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, body(rec), `<label for="email">Email</label>`)
	require.Contains(t, rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	require.Equal(t, "same-origin", rec.Header().Get("Referrer-Policy"))

	// Wrong password and unknown email: the same generic message.
	wrong := b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {"nope nope nope"}})
	unknown := b.post("/login", url.Values{"email": {"nobody@example.org"}, "password": {"nope nope nope"}})
	require.Equal(t, http.StatusUnauthorized, wrong.Code)
	require.Equal(t, http.StatusUnauthorized, unknown.Code)
	require.Contains(t, body(wrong), "That email and password did not work.")
	require.Contains(t, body(unknown), "That email and password did not work.")
	require.Contains(t, body(wrong), `value="`+b.fx.Admin.Email+`"`, "what the user typed is kept")

	rec = b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {password}, "next": {"/requests/new"}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, "/requests/new", rec.Header().Get("Location"))
	require.True(t, b.cookie.HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, b.cookie.SameSite)

	// An open redirect is refused, however it is spelt; browsers drop tabs
	// and newlines from a URL and read a backslash as a slash.
	for _, next := range []string{"//evil.example/", "/\t/evil.example/", "/\n/evil.example", "/\\evil.example", "/%2F/evil.example",
		"https://evil.example/", "/\\/evil.example", "evil.example"} {
		rec = b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {password}, "next": {next}})
		require.Equal(t, "/", rec.Header().Get("Location"), "next=%q", next)
	}
	rec = b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {password}, "next": {"/requests/new?x=1#log"}})
	require.Equal(t, "/requests/new?x=1#log", rec.Header().Get("Location"))

	rec = b.post("/logout", nil)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Nil(t, b.cookie)
	require.Equal(t, http.StatusSeeOther, b.get("/").Code, "signed out")
}

func TestLogin_RateLimited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for range 5 {
		rec := b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {"guess guess guess"}})
		require.Equal(t, http.StatusUnauthorized, rec.Code)
	}
	rec := b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {password}})
	require.Equal(t, http.StatusTooManyRequests, rec.Code, "even the right password, once limited")
	require.Contains(t, body(rec), "Too many attempts")
}

// Guesses sent all at once are limited like guesses sent one by one (each
// is counted before its password is checked), and guesses for one email
// spread over many addresses are limited too.
func TestLogin_RateLimitedInBurstsAndAcrossAddresses(t *testing.T) {
	t.Parallel()
	// Sign-ins at once need a pool: a store bound to one transaction runs
	// one statement at a time.
	clk := sunshine.NewFixedClock(now)
	b := setupStore(t, store.New(storetest.DB(t), clk), clk, api.Config{})
	signIn := func(remote, email string) int {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {email}, "password": {"wrong guess"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.RemoteAddr = remote + ":40000"
		return b.do(req).Code
	}
	codes := make(chan int, 40)
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() { codes <- signIn("203.0.113.9", b.fx.Admin.Email) })
	}
	wg.Wait()
	close(codes)
	counts := map[int]int{}
	for code := range codes {
		counts[code]++
	}
	require.Equal(t, map[int]int{http.StatusUnauthorized: 5, http.StatusTooManyRequests: 35}, counts)

	for i := range 45 { // 5 above, 45 more from as many addresses: 50 for the email
		require.Equal(t, http.StatusUnauthorized, signIn(fmt.Sprintf("198.51.100.%d", i+1), b.fx.Admin.Email), "guess %d", i+1)
	}
	require.Equal(t, http.StatusTooManyRequests, signIn("192.0.2.1", b.fx.Admin.Email), "a new address, the same email")
	require.Equal(t, http.StatusUnauthorized, signIn("192.0.2.1", "someone-else@example.org"), "another email from that address")
}

// Successful sign-ins are not counted: an office signing in all morning
// from one address is never locked out by them.
func TestLogin_SuccessesNotCounted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i := range 40 {
		rec := b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {password}})
		require.Equal(t, http.StatusSeeOther, rec.Code, "sign-in %d", i+1)
	}
	// Four failures, then the right password, clears the count for the pair.
	for range 4 {
		require.Equal(t, http.StatusUnauthorized, b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {"wrong guess"}}).Code)
	}
	require.Equal(t, http.StatusSeeOther, b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {password}}).Code)
	for range 4 {
		require.Equal(t, http.StatusUnauthorized, b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {"wrong guess"}}).Code)
	}
	require.Equal(t, http.StatusSeeOther, b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {password}}).Code)
}

// The per-address limit counts clients, not the proxy in front of them:
// X-Forwarded-For names the client only when it comes from a trusted proxy.
func TestLogin_RateLimitPerClient(t *testing.T) {
	t.Parallel()
	signIn := func(b *bundle, remote, forwarded, email, pw string) int {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {email}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.RemoteAddr = remote + ":40000"
		if forwarded != "" {
			req.Header.Set("X-Forwarded-For", forwarded)
		}
		return b.do(req).Code
	}
	for _, tc := range []struct {
		name      string
		proxies   []string
		attacker  string // X-Forwarded-For of the guesses
		colleague string // X-Forwarded-For of the admin's sign-in
		want      int
	}{
		{"behind a trusted proxy: the attacker alone is limited", []string{"10.0.0.0/8"}, "203.0.113.9", "198.51.100.20", http.StatusSeeOther},
		{"behind a trusted proxy: the limited client stays limited", []string{"10.0.0.0/8"}, "203.0.113.9", "203.0.113.9", http.StatusTooManyRequests},
		{"no trusted proxy: a forged header does not escape the limit", nil, "203.0.113.9", "198.51.100.20", http.StatusTooManyRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setupWith(t, api.Config{TrustedProxies: tc.proxies})
			for i := range 30 { // 30 failures from one client, each for another email
				code := signIn(b, "10.0.0.2", tc.attacker, fmt.Sprintf("guess%d@example.org", i), "wrong guess")
				require.Equal(t, http.StatusUnauthorized, code, "guess %d", i+1)
			}
			require.Equal(t, http.StatusTooManyRequests, signIn(b, "10.0.0.2", tc.attacker, "one-more@example.org", "wrong guess"))
			require.Equal(t, tc.want, signIn(b, "10.0.0.2", tc.colleague, b.fx.Admin.Email, password))
		})
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	req := httptest.NewRequest("POST", "/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := b.do(req)
	require.Equal(t, http.StatusForbidden, rec.Code)
	require.NotNil(t, b.cookie, "still signed in")
}

func TestInvite(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := &sunshine.User{Email: "new@ndlon.example", Name: "New Organizer", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.InviteUser(b.fx.Ctx, u, "https://sunshine.example"))
	rs, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	require.Len(t, rs, 1)
	link, err := b.st.InvitePayload(context.Background(), rs[0].ID)
	require.NoError(t, err)
	path := strings.TrimPrefix(link, "https://sunshine.example")

	rec := b.get(path)
	require.Equal(t, http.StatusOK, rec.Code)
	rec = b.post(path, url.Values{"password": {"short"}, "confirm": {"short"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="password-error"`)
	rec = b.post(path, url.Values{"password": {"a long enough password"}, "confirm": {"a long enough passwort"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `<p class="field-error" id="confirm-error">Type the same new password in both boxes.</p>`)
	rec = b.post(path, url.Values{"password": {"a long enough password"}, "confirm": {"a long enough password"}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.NotNil(t, b.cookie)
	// The link works once.
	b.cookie = nil
	rec = b.post(path, url.Values{"password": {"another long password"}, "confirm": {"another long password"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "not valid any more")
	rec = b.get(path)
	require.Equal(t, http.StatusNotFound, rec.Code, "said at once when opened again")
	require.Contains(t, body(rec), "This invitation link is not valid any more; ask an admin for a new one")
}

// Text PostgreSQL cannot store (invalid UTF-8, a NUL) in the address or a
// form is a 400 page, never a 500 from deep in the store.
func TestPages_RefuseNonText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	for _, path := range []string{"/search?q=%ff", "/agencies?q=a%00b", "/?tag=%c3", "/requests?q=%ff"} {
		rec := b.get(path)
		require.Equal(t, http.StatusBadRequest, rec.Code, path)
		require.Contains(t, body(rec), "not text", path)
	}
	rec := b.post("/agencies", url.Values{"name": {"Sheriff\xff"}, "jurisdiction": {"us-ca"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	as, _, err := b.st.FindAgencies(b.fx.Ctx, sunshine.AgencyFilter{})
	require.NoError(t, err)
	require.Empty(t, as, "nothing saved")
}

// Every page names its icon, and the icon is served (no 404 per page).
func TestFavicon(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.Contains(t, body(b.get("/login")), `<link rel="icon" href="/assets/favicon.svg?v=`+assetVersion(t, "favicon.svg")+`" type="image/svg+xml">`)
	rec := b.get("/assets/favicon.svg")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "image/svg+xml", rec.Header().Get("Content-Type"))
}

// assetVersion is the version a page's link to an embedded asset carries:
// the start of the SHA-256 of the bytes served.
func assetVersion(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(web.Assets(), name)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// Pages link to their scripts and styles by the hash of their bytes, so a
// release never leaves a browser running an old script; the linked version
// is cached for good, any other link is revalidated.
func TestAssets_Versioned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	page := body(b.get("/login"))
	for _, name := range []string{"app.css", "app.js"} {
		link := "/assets/" + name + "?v=" + assetVersion(t, name)
		require.Contains(t, page, `"`+link+`"`)
		rec := b.get(link)
		require.Equal(t, http.StatusOK, rec.Code)
		require.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"), name)
		for _, other := range []string{"/assets/" + name, "/assets/" + name + "?v=0123456789ab"} {
			rec := b.get(other)
			require.Equal(t, http.StatusOK, rec.Code)
			require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"), other)
		}
	}
	require.Equal(t, http.StatusNotFound, b.get("/assets/nothing.js").Code)
}

// A password reset signs the person out everywhere.
func TestPasswordResetEndsSessions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	require.Equal(t, http.StatusOK, b.get("/").Code)
	require.NoError(t, b.st.SetPassword(context.Background(), b.fx.Admin.ID, "a brand new passphrase"))
	rec := b.get("/")
	require.Equal(t, http.StatusSeeOther, rec.Code, "the old session is gone")
	require.True(t, strings.HasPrefix(rec.Header().Get("Location"), "/login"))
}

func TestFileSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"}, {1, "1 byte"}, {812, "812 bytes"}, {1023, "1023 bytes"}, {1024, "1.0 KiB"},
		{2150, "2.1 KiB"}, {1048524, "1023.9 KiB"}, {1048575, "1.0 MiB"}, {94372467, "90.0 MiB"},
		{100 << 20, "100.0 MiB"}, {1288490189, "1.2 GiB"},
	} {
		require.Equal(t, tc.want, web.FileSize(tc.n), "%d bytes", tc.n)
	}
}
