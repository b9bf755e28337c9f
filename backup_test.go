package sunshine_test

import (
	"bytes"
	"crypto/rand"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// TestBackupRestore dumps a database holding requests, communications and
// multi-chunk documents, restores it into a fresh one with
// scripts/backup.sh, and checks that counts and every document's bytes
// match.
func TestBackupRestore(t *testing.T) {
	t.Parallel()
	url := storetest.URL(t)
	st := store.New(storetest.DBFromURL(t, url), sunshine.NewFixedClock(time.Date(2017, 4, 5, 15, 0, 0, 0, time.UTC)))
	fx := storetest.Org(t, st, "backup")
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, st.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, st.CreateRequest(fx.Ctx, r))
	_, err := st.AddClosure(fx.Ctx, &sunshine.Closure{AgencyID: a.ID, ClosedOn: deadline.MustParseDate("2017-04-06"), Reason: "storm"})
	require.NoError(t, err)
	for _, size := range []int{10, store.ChunkSize*2 + 3} {
		content := make([]byte, size)
		_, err := rand.Read(content)
		require.NoError(t, err)
		_, err = st.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "f.bin", ContentType: "application/octet-stream", Content: bytes.NewReader(content)})
		require.NoError(t, err)
	}

	cmd := exec.Command("scripts/backup.sh", "check", url)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	for _, count := range []string{"organizations=1", "users=1", "agency_closures=1", "documents=2", "requests=1"} {
		require.Contains(t, string(out), " "+count+" ", "every table is compared")
	}
	require.Contains(t, string(out), "document hashes checked: 2")

	// A corrupted copy is caught.
	_, err = st.DB().Exec(`UPDATE blob_chunks SET data = 'x' WHERE seq = 0 AND blob_id IN (SELECT id FROM blobs WHERE size = 10)`)
	require.NoError(t, err)
	out, err = exec.Command("scripts/backup.sh", "check", url).CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "do not match their recorded hash")
}
