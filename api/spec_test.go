package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/store/storetest"
)

const specPath = "../docs/openapi.yaml"

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

// loadSpec reads, validates and routes docs/openapi.yaml once per test binary.
func loadSpec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		// kin-openapi asserts date and date-time but not uuid out of the box.
		openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
		ctx := context.Background()
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(specPath)
		if err != nil {
			specErr = err
			return
		}
		if err := doc.Validate(ctx); err != nil {
			specErr = err
			return
		}
		// The router matches request URLs against the servers; route on
		// paths alone so any test host works.
		doc.Servers = nil
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			specErr = err
			return
		}
		specDoc, specRouter = doc, r
	})
	require.NoError(t, specErr, "docs/openapi.yaml")
	return specDoc, specRouter
}

// requireSpec validates a real response against docs/openapi.yaml: the route
// must be documented, the status must be one of the operation's, and the
// body and Content-Type must match that response. The request side is not
// validated: tests send bad requests on purpose.
//
// A response to a method or path that no route has (405 and 404 from the
// router itself) is checked against the Problem schema instead.
func requireSpec(t testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	doc, router := loadSpec(t)
	ctx := context.Background()

	// Route on a copy: a recorded request may lack a host.
	u := *req.URL
	if u.Host == "" {
		u.Host = "localhost"
	}
	rreq := req.Clone(ctx)
	rreq.URL = &u
	route, pathParams, err := router.FindRoute(rreq)
	if err != nil {
		switch {
		case errors.Is(err, routers.ErrMethodNotAllowed) && rec.Code == http.StatusMethodNotAllowed:
			requireProblem(t, doc, req, rec, "method_not_allowed")
			return
		case errors.Is(err, routers.ErrPathNotFound) && rec.Code == http.StatusNotFound:
			requireProblem(t, doc, req, rec, "not_found")
			return
		}
		require.NoError(t, err, "%s %s (answered %d) is not documented in docs/openapi.yaml", req.Method, req.URL, rec.Code)
	}

	opts := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    rreq,
			PathParams: pathParams,
			Route:      route,
			Options:    opts,
		},
		Status:  rec.Code,
		Header:  rec.Header(),
		Options: opts,
	}
	in.SetBodyBytes(rec.Body.Bytes())
	err = openapi3filter.ValidateResponse(ctx, in)
	require.NoError(t, err, "%s %s answered %d, which docs/openapi.yaml does not describe:\n%s",
		req.Method, req.URL, rec.Code, rec.Body.String())
	if rec.Code >= 400 {
		require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
	}
}

// requireProblem checks a body against the Problem schema and its code.
func requireProblem(t testing.TB, doc *openapi3.T, req *http.Request, rec *httptest.ResponseRecorder, code string) {
	t.Helper()
	require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"), "%s %s", req.Method, req.URL)
	var v any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), rec.Body.String())
	schema := doc.Components.Schemas["Problem"]
	require.NotNil(t, schema, "components.schemas.Problem")
	require.NoError(t, schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()), "%s %s: %s", req.Method, req.URL, rec.Body.String())
	var p struct {
		Type   string `json:"type"`
		Status int    `json:"status"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
	require.True(t, strings.HasSuffix(p.Type, "#"+code), "type %q, want code %s", p.Type, code)
	require.Equal(t, rec.Code, p.Status)
}

var ginParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestSpec_EveryRouteDocumented checks that docs/openapi.yaml and the real
// router describe the same set of routes.
func TestSpec_EveryRouteDocumented(t *testing.T) {
	t.Parallel()
	doc, _ := loadSpec(t)
	srv := api.New(storetest.Tx(t, sunshine.SystemClock{}), api.Config{})

	var real []string
	for _, r := range srv.Engine().Routes() {
		path := ginParam.ReplaceAllString(r.Path, "{$1}")
		real = append(real, r.Method+" "+path)
		item := doc.Paths.Value(path)
		require.NotNil(t, item, "route %s %s: path %s is not in docs/openapi.yaml", r.Method, r.Path, path)
		require.NotNil(t, item.GetOperation(r.Method), "route %s %s is not in docs/openapi.yaml", r.Method, path)
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			require.Contains(t, real, method+" "+path, "docs/openapi.yaml documents %s %s, which is not a route", method, path)
		}
	}
}

// TestSpec_Document checks the document itself: it is OpenAPI 3.1, every
// operation has an ID, and every problem type links to a section of api.md.
func TestSpec_Document(t *testing.T) {
	t.Parallel()
	doc, _ := loadSpec(t)
	require.Equal(t, "3.1.0", doc.OpenAPI)

	raw, err := os.ReadFile("../docs/api.md")
	require.NoError(t, err)
	md := string(raw)
	for _, code := range []string{"invalid", "unauthorized", "forbidden", "not_found", "conflict", "precondition_failed",
		"too_large", "unsupported_media_type", "unprocessable", "too_many_requests", "unavailable", "internal", "method_not_allowed"} {
		require.Contains(t, md, `<a id="`+code+`"></a>`, "docs/api.md has no anchor for problem type %s", code)
		require.Contains(t, doc.Components.Schemas["Problem"].Value.Properties["type"].Value.Enum,
			any("https://github.com/sunshine-records/sunshine/blob/main/docs/api.md#"+code))
	}

	public := []string{"/calendar/{file}", "/inbound/email", "/healthz", "/readyz", "/metrics", "/api/v1/deadline", "/api/v1/jurisdictions"}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			require.NotEmpty(t, op.OperationID, "%s %s", method, path)
			isPublic := slices.Contains(public, path)
			if isPublic {
				require.NotNil(t, op.Security, "%s %s must say security: []", method, path)
				require.Empty(t, *op.Security, "%s %s is public", method, path)
			} else {
				require.Nil(t, op.Security, "%s %s must use the global bearerAuth", method, path)
				require.NotNil(t, op.Responses.Status(http.StatusUnauthorized), "%s %s: 401", method, path)
			}
			if op.RequestBody != nil {
				for _, st := range []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType} {
					require.NotNil(t, op.Responses.Status(st), "%s %s: %d", method, path, st)
				}
				mt := op.RequestBody.Value.Content.Get("application/json")
				if mt == nil {
					mt = op.RequestBody.Value.Content.Get("multipart/form-data")
				}
				require.NotNil(t, mt, "%s %s: request body must be application/json or multipart/form-data", method, path)
				schema := mt.Schema.Value
				if path == "/inbound/email" {
					continue // a mail service's form: its many other fields are ignored
				}
				require.NotNil(t, schema.AdditionalProperties.Has, "%s %s: request body needs additionalProperties: false", method, path)
				require.False(t, *schema.AdditionalProperties.Has, "%s %s: request body needs additionalProperties: false", method, path)
			}
		}
	}
}

// TestSpec_PublicResponses validates the unauthenticated endpoints' answers,
// which need no data, against the document.
func TestSpec_PublicResponses(t *testing.T) {
	t.Parallel()
	srv := api.New(storetest.Tx(t, sunshine.SystemClock{}), api.Config{})
	for _, target := range []string{
		"/healthz",
		"/readyz",
		"/metrics",
		"/api/v1/jurisdictions",
		"/api/v1/jurisdictions?x=1",
		"/api/v1/deadline?jurisdiction=us-ca&received=2017-03-27",
		"/api/v1/deadline?jurisdiction=us-fl&received=2024-05-01",
		"/api/v1/deadline?jurisdiction=us-ny&received=2024-05-01&extended=true",
		"/api/v1/deadline?jurisdiction=us-ca&received=" + url.QueryEscape("27/03/2017"),
		"/api/v1/me",
		"/api/v1/nope",
	} {
		req := httptest.NewRequest("GET", target, nil)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		requireSpec(t, req, rec)
	}
	req := httptest.NewRequest("PUT", "/api/v1/deadline", nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	requireSpec(t, req, rec)
}
