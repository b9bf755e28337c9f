package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// requireSpec validates a real response against docs/openapi.yaml.
// (Placeholder until the OpenAPI document lands; replaced in the same change.)
func requireSpec(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
}
