package main

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/store/storetest"
)

// TestServe_RealBinary builds sunshine, serves a fresh database with the
// demo seeded and migrations applied at start, checks health, readiness and
// the API as a client would, then stops it with SIGTERM.
func TestServe_RealBinary(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "sunshine")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	freeAddr := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer l.Close()
		return l.Addr().String()
	}
	addr, debugAddr := freeAddr(), freeAddr()
	logs := &strings.Builder{}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"SUNSHINE_DATABASE_URL="+storetest.EmptyURL(t), "SUNSHINE_ADDR="+addr,
		"SUNSHINE_SEED_DEMO=true", "SUNSHINE_LOG_FORMAT=json", "SUNSHINE_DEBUG_ADDR="+debugAddr)
	cmd.Stderr = logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	base := "http://" + addr
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 100*time.Millisecond, "server never became ready: %s", logs)

	req, _ := http.NewRequest("GET", base+"/api/v1/requests?q=ICE&status=submitted", nil)
	req.Header.Set("Authorization", "Bearer "+demoToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var page struct {
		Items []struct {
			ID         string `json:"id"`
			AgencyName string `json:"agency_name"`
			DueOn      string `json:"due_on"`
		} `json:"items"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	requestID := ""
	for _, it := range page.Items {
		if it.AgencyName == "Sacramento County Sheriff's Department" {
			require.Equal(t, "2017-04-06", it.DueOn)
			requestID = it.ID
		}
	}
	require.NotEmpty(t, requestID, "the demo CPRA request is listed")

	// PDFs are read in a child process with a memory limit: a PDF that
	// would stop the server with "fatal error: out of memory" is recorded
	// as failed, and the server carries on.
	for _, tc := range []struct {
		pdf               []byte
		status, textError string
	}{
		{xrefBomb(), "failed", "the text could not be read (not a valid PDF: reading it needs more than 512 MiB of memory)"},
		{testPDF(t, "Records released under the CPRA"), "extracted", ""}, // no text would say "no text found"
	} {
		doc := uploadDocument(t, base, requestID, tc.pdf)
		require.Eventually(t, func() bool {
			doc = getDocument(t, base, doc.ID)
			return doc.TextStatus != "pending"
		}, 30*time.Second, 50*time.Millisecond, "text never extracted: %s", logs)
		require.Equal(t, tc.status, doc.TextStatus, doc.TextError)
		require.Equal(t, tc.textError, doc.TextError)
	}

	// Profiles on the debug address only, never on the application's.
	for _, tc := range []struct {
		base string
		want int
	}{{"http://" + debugAddr, http.StatusOK}, {base, http.StatusNotFound}} {
		resp, err := http.Get(tc.base + "/debug/pprof/heap?debug=1")
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, tc.want, resp.StatusCode, tc.base)
	}

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
	require.Contains(t, logs.String(), `"msg":"stopped"`)
	require.NotContains(t, logs.String(), demoToken, "tokens never reach the logs")
}

type testDocument struct {
	ID         string `json:"id"`
	TextStatus string `json:"text_status"`
	TextError  string `json:"text_error"`
}

// uploadDocument uploads a PDF to a request of the demo organization.
func uploadDocument(t *testing.T, base, requestID string, pdf []byte) testDocument {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "released.pdf")
	require.NoError(t, err)
	_, err = fw.Write(pdf)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req, _ := http.NewRequest("POST", base+"/api/v1/requests/"+requestID+"/documents", &body)
	req.Header.Set("Authorization", "Bearer "+demoToken)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	var doc testDocument
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	return doc
}

func getDocument(t *testing.T, base, id string) testDocument {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/documents/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+demoToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc testDocument
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	return doc
}
