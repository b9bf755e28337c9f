//go:build faults

package faults_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sunshine-records/sunshine/mail/mailtest"
)

// `sunshine remind` is killed with SIGKILL in the middle of a batch (SMTP
// is slowed so the kill lands mid-batch). A rerun before the stale-claim
// window (10 min) leaves the dead process's claims alone; a rerun after it
// delivers every reminder. Messages the dead process had already handed
// to SMTP are sent again, with the same Message-ID (at-least-once).
func TestKillRemindDuringDelivery(t *testing.T) {
	const n = 60
	r := newMailRig(t, n)
	slow := startSlowSMTP(t, r.mp.Addr(), 60*time.Millisecond)

	p := startProc(t, "remind", map[string]string{"SUNSHINE_DATABASE_URL": r.dbURL, "SUNSHINE_SMTP_URL": slow.url(),
		"SUNSHINE_MAIL_FROM": "Sunshine <reminders@sunshine.example>"},
		"remind", "--once", "--send", "--now", t0.Format(time.RFC3339))
	if !waitFor(90*time.Second, func() bool { return r.mp.Total() >= 15 || p.exited() }) || p.exited() {
		t.Fatalf("remind did not get mid-batch (exited %v, %d messages): %s %s", p.exited(), r.mp.Total(), p.stdout, p.stderr)
	}
	p.kill()
	time.Sleep(500 * time.Millisecond)
	beforeKill := r.mp.Total()
	scKilled := statusCounts(t, r.db)
	claimed := count(t, r.db, `SELECT count(*) FROM reminders WHERE status = 'pending' AND claimed_at IS NOT NULL`)

	early := remind(t, r.dbURL, r.mp.URL(), t0.Add(time.Minute))
	late := remind(t, r.dbURL, r.mp.URL(), t0.Add(11*time.Minute))
	after := remind(t, r.dbURL, r.mp.URL(), t0.Add(20*time.Minute))

	record(t, "messages_before_kill", beforeKill)
	record(t, "sent_rows_at_kill", scKilled["sent"])
	record(t, "claimed_rows_at_kill", claimed)
	record(t, "sent_by_rerun_within_stale_window", early.Sent)
	record(t, "sent_by_rerun_after_stale_window", late.Sent)
	tl := checkOnce(t, r.db, r.mp)
	sameID := true
	for _, copies := range tl.reminderCopies {
		if copies > 2 {
			sameID = false
		}
	}
	record(t, "duplicates_all_same_message_id", sameID && tl.ForeignIDs == 0)
	if early.Sent != 0 {
		t.Errorf("a rerun within the stale-claim window sent %d reminders the dead process had claimed", early.Sent)
	}
	if late.Sent+scKilled["sent"] != n || after.Sent != 0 || len(tl.Missing) != 0 {
		t.Errorf("after the kill: %d sent before, %d by the late rerun, %d afterwards; want %d in all, then 0", scKilled["sent"], late.Sent, after.Sent, n)
	}
	if tl.UniqueIDs != n {
		t.Errorf("%d distinct Message-IDs, want %d: a resend must carry the same Message-ID", tl.UniqueIDs, n)
	}
	if tl.Duplicates > beforeKill {
		t.Errorf("%d duplicates, but only %d messages went out before the kill", tl.Duplicates, beforeKill)
	}
}

// `sunshine serve` with the scheduler on is killed with SIGKILL mid-batch.
// Restarted, it does not steal the dead process's fresh claims; once they
// are stale (here: `remind --once --now` 11 minutes on), every reminder is
// delivered, resends with the same Message-ID.
func TestKillServeDuringDelivery(t *testing.T) {
	const n = 30
	dbURL, db := freshDB(t)
	tn := createOrg(t, dbURL, "killserve")
	mp := mailtest.Start(t)
	slow := startSlowSMTP(t, mp.Addr(), 60*time.Millisecond)
	env := map[string]string{"SUNSHINE_DATABASE_URL": dbURL, "SUNSHINE_JOBS": "on", "SUNSHINE_SMTP_URL": slow.url(),
		"SUNSHINE_MAIL_FROM":        "Sunshine <reminders@sunshine.example>",
		"SUNSHINE_PLAN_SCHEDULE":    "@every 1s",
		"SUNSHINE_DELIVER_SCHEDULE": "@every 1s"}
	// Requests are made with jobs off, so the scheduler finds them all owed at once.
	setup := startServe(t, "setup", map[string]string{"SUNSHINE_DATABASE_URL": dbURL})
	noDigests(t, setup.base, tn.Token)
	agency := createAgency(t, setup.base, tn.Token)
	createRequests(t, setup.base, tn.Token, agency, n, "2017-03-27") // long overdue: one overdue reminder each
	setup.stop()

	srv := startServe(t, "serve", env)
	if !waitFor(90*time.Second, func() bool { return mp.Total() >= 8 }) {
		t.Fatalf("serve delivered %d messages in 90 s: %s", mp.Total(), tail(srv.stderr.String(), 20))
	}
	srv.kill()
	time.Sleep(500 * time.Millisecond)
	beforeKill := mp.Total()
	scKilled := statusCounts(t, db)
	planned := scKilled["pending"] + scKilled["sent"]

	srv.restart(t)
	time.Sleep(4 * time.Second) // several delivery rounds
	scRestarted := statusCounts(t, db)
	srv.stop()
	late := remind(t, dbURL, mp.URL(), time.Now().Add(11*time.Minute))

	record(t, "reminders_planned_before_kill", planned)
	record(t, "messages_before_kill", beforeKill)
	record(t, "sent_rows_at_kill", scKilled["sent"])
	record(t, "sent_rows_after_restart_within_stale_window", scRestarted["sent"])
	record(t, "sent_by_remind_after_stale_window", late.Sent)
	tl := checkOnce(t, db, mp)
	if planned != n {
		t.Errorf("%d reminders planned, want %d", planned, n)
	}
	if tl.UniqueIDs != n || tl.Duplicates > beforeKill {
		t.Errorf("%d distinct Message-IDs (want %d), %d duplicates (at most %d)", tl.UniqueIDs, n, tl.Duplicates, beforeKill)
	}
}

// `sunshine serve` is killed with SIGKILL while a 50 MB upload streams in
// slowly: no document, blob or blob chunk is left behind, and the restarted
// server takes uploads again.
func TestKillServeDuringLargeUpload(t *testing.T) {
	dbURL, db := freshDB(t)
	tn := createOrg(t, dbURL, "upload")
	tmp := t.TempDir() // where the server spools uploads
	srv := startServe(t, "serve", map[string]string{"SUNSHINE_DATABASE_URL": dbURL, "TMPDIR": tmp})
	agency := createAgency(t, srv.base, tn.Token)
	reqID := createRequests(t, srv.base, tn.Token, agency, 1, "2017-03-27")[0]
	var dbName string
	if err := db.Get(&dbName, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}

	const (
		total     = 50 << 20
		chunk     = 1 << 20
		killAfter = 20 // chunks written when the server is killed
	)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	uploadErr := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest("POST", srv.base+"/api/v1/requests/"+reqID+"/documents", pr)
		req.Header.Set("Authorization", "Bearer "+tn.Token)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			err = fmt.Errorf("the upload was answered %s: %s", resp.Status, b)
		}
		pr.CloseWithError(err)
		uploadErr <- err
	}()
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="released-records.pdf"`)
	h.Set("Content-Type", "application/pdf")
	part, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, chunk)
	written, txOpen, spooling := 0, 0, 0
	for i := 0; i < total/chunk; i++ {
		_, _ = rand.Read(buf)
		if i == 0 {
			copy(buf, "%PDF-1.4\n")
		}
		if _, err := part.Write(buf); err != nil {
			break // the server went away
		}
		written += chunk
		if i+1 == killAfter {
			// The server is reading the upload into its spool file, holding
			// no transaction (and no connection) while the client is slow.
			waitFor(5*time.Second, func() bool {
				spooling = len(openFilesUnder(srv.cmd.Process.Pid, tmp))
				return spooling > 0
			})
			txOpen = count(t, db, `SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND xact_start IS NOT NULL
				AND pid <> pg_backend_pid() AND (state LIKE 'idle in transaction%' OR query LIKE '%blob_chunks%')`, dbName)
			srv.kill()
			break
		}
		time.Sleep(40 * time.Millisecond)
	}
	pw.CloseWithError(io.ErrClosedPipe)
	select {
	case err := <-uploadErr:
		t.Logf("client saw: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the upload request did not end after the kill")
	}

	// PostgreSQL notices the dead client and rolls the transaction back.
	leftOpen := 0
	gone := waitFor(20*time.Second, func() bool {
		leftOpen = count(t, db, `SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
			AND state LIKE 'idle in transaction%'`, dbName)
		return leftOpen == 0
	})
	docs := count(t, db, `SELECT count(*) FROM documents`)
	blobs := count(t, db, `SELECT count(*) FROM blobs`)
	chunks := count(t, db, `SELECT count(*) FROM blob_chunks`)
	events := count(t, db, `SELECT count(*) FROM request_events WHERE kind = 'document_added'`)
	leftFiles, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	record(t, "bytes_streamed_before_kill", written)
	record(t, "spool_files_open_at_kill", spooling)
	record(t, "upload_transaction_open_at_kill", txOpen > 0)
	record(t, "spool_files_left", len(leftFiles))
	record(t, "documents_left", docs)
	record(t, "blobs_left", blobs)
	record(t, "blob_chunks_left", chunks)
	record(t, "document_events_left", events)
	if spooling == 0 {
		t.Errorf("the server held no spool file when it was killed: the kill did not land mid-upload")
	}
	if txOpen > 0 {
		t.Errorf("a transaction was open while the upload was still being read")
	}
	if len(leftFiles) > 0 {
		t.Errorf("the killed server left %d files in its temp directory", len(leftFiles))
	}
	if !gone {
		t.Errorf("%d transactions still open 20 s after the kill", leftOpen)
	}
	if docs+blobs+chunks+events != 0 {
		t.Errorf("left behind: %d documents, %d blobs, %d blob chunks, %d document events", docs, blobs, chunks, events)
	}

	// Restarted, the server takes an upload again.
	srv.restart(t)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", "letter.txt")
	fmt.Fprint(fw, strings.Repeat("The records you asked for are attached.\n", 100))
	w.Close()
	req, _ := http.NewRequest("POST", srv.base+"/api/v1/requests/"+reqID+"/documents", &body)
	req.Header.Set("Authorization", "Bearer "+tn.Token)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("upload after restart: %s: %s", resp.Status, b)
	}
	if d, c := count(t, db, `SELECT count(*) FROM documents`), count(t, db, `SELECT count(*) FROM blob_chunks`); d != 1 || c != 1 {
		t.Errorf("after one small upload: %d documents, %d chunks; want 1 and 1", d, c)
	}
}

// openFilesUnder lists the files process pid holds open under dir, removed
// or not (Linux's /proc).
func openFilesUnder(pid int, dir string) []string {
	fdDir := "/proc/" + strconv.Itoa(pid) + "/fd"
	fds, err := os.ReadDir(fdDir)
	if err != nil {
		return nil
	}
	var out []string
	for _, fd := range fds {
		if target, err := os.Readlink(fdDir + "/" + fd.Name()); err == nil && strings.HasPrefix(target, dir+"/") {
			out = append(out, target)
		}
	}
	return out
}
