//go:build faults

package faults_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"mime/multipart"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The server's temporary directory (where uploads are spooled) is a 1 MiB
// tmpfs, and a 2 MiB upload fills it: the client gets a 503 saying the
// server's disk is full and nothing was saved, not a 500; the log names
// the cause for the operator; nothing is stored; and once there is room
// again (the spool file is gone), a small upload is taken.
func TestUploadWithTheTempDiskFull(t *testing.T) {
	tmp := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", tmp).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (it needs root): %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", tmp).Run() })
	dbURL, db := freshDB(t)
	tn := createOrg(t, dbURL, "diskfull")
	srv := startServe(t, "serve", map[string]string{"SUNSHINE_DATABASE_URL": dbURL, "TMPDIR": tmp})
	agency := createAgency(t, srv.base, tn.Token)
	reqID := createRequests(t, srv.base, tn.Token, agency, 1, "2017-03-27")[0]

	upload := func(name string, content []byte) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		part, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = part.Write(content)
		_ = mw.Close()
		req, _ := http.NewRequest("POST", srv.base+"/api/v1/requests/"+reqID+"/documents", &body)
		req.Header.Set("Authorization", "Bearer "+tn.Token)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}

	big := make([]byte, 2<<20)
	_, _ = rand.Read(big)
	status, body := upload("released-records.bin", big)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "its disk is full); nothing was saved") {
		t.Fatalf("a full temp disk: %d %s", status, body)
	}
	if n := count(t, db, `SELECT count(*) FROM documents`); n != 0 {
		t.Errorf("%d documents stored", n)
	}
	if n := count(t, db, `SELECT count(*) FROM blobs`); n != 0 {
		t.Errorf("%d blobs stored", n)
	}
	logged := logLines(srv.stderr.String(), func(l map[string]any) bool {
		return l["status"] == float64(http.StatusServiceUnavailable) && strings.Contains(fmt.Sprint(l["err"]), "no space left on device")
	})
	if len(logged) != 1 {
		t.Errorf("the log should name the cause once:\n%s", tail(srv.stderr.String(), 20))
	}

	status, body = upload("letter.txt", []byte("The records you asked for are attached."))
	if status != http.StatusCreated {
		t.Fatalf("a small upload afterwards: %d %s", status, body)
	}
}
