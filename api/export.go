package api

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/textract"
)

// handleRequestsCSV streams GET /api/v1/requests.csv: the list filters,
// every matching request, one page of the database at a time, every page
// from one snapshot (a request edited meanwhile is in the file once, as it
// was when the export began).
func (s *Server) handleRequestsCSV(c *gin.Context) {
	q := newQuery(c, requestFilterParams...)
	f := q.requestFilter()
	f.Limit = s.csvPage
	f.WithStatusChangedOn = true // status_on of requests whose status only the timeline dates
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	err := s.store.Snapshot(ctx, func(st *store.Store) error {
		rs, next, err := st.FindRequests(ctx, f)
		if err != nil {
			return err
		}
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="requests.csv"`)
		c.Status(http.StatusOK)
		return sunshine.WriteCSV(c.Writer, st.Clock().Now(), rs, next,
			func(after string) ([]*sunshine.Request, string, error) {
				f.After = after
				return st.FindRequests(ctx, f)
			})
	})
	failStream(c, err)
}

// failStream reports err from a streamed download: as a problem while no
// byte is out, else by cutting the body so the client sees a truncated
// file rather than a complete-looking short one.
func failStream(c *gin.Context, err error) {
	switch {
	case err == nil:
	case !c.Writer.Written():
		fail(c, err)
	default:
		_ = c.Error(err)
		panic(http.ErrAbortHandler)
	}
}

// RequestZip streams one request's archive (GET
// /api/v1/requests/{id}/export.zip), for pages to offer the same file: the
// request of the context's organization named by the id path parameter.
func (s *Server) RequestZip(c *gin.Context) { s.handleRequestZip(c) }

// handleRequestZip streams GET /requests/{id}/export.zip: the request with
// its timeline, its communications as text and its documents byte for byte,
// all read from one snapshot so that the parts agree with each other.
func (s *Server) handleRequestZip(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	err := s.store.Snapshot(ctx, func(st *store.Store) error {
		return s.writeRequestZip(c, st, id)
	})
	failStream(c, err)
}

// writeRequestZip writes request id's archive from st. An error before the
// headers are out is returned (a problem response); after, it cuts the body.
func (s *Server) writeRequestZip(c *gin.Context, st *store.Store, id string) error {
	ctx := c.Request.Context()
	r, err := st.FindRequestByID(ctx, id)
	if err != nil {
		return err
	}
	docs, _, err := st.FindDocuments(ctx, id, store.All, "")
	if err != nil {
		return err
	}
	// Communications come a few at a time: each body may be up to 1 MB.
	comms, next, err := st.FindCommunications(ctx, id, zipCommsPage, "")
	if err != nil {
		return err
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", textract.ContentDisposition("request-"+r.ID+".zip"))
	c.Status(http.StatusOK)
	zw := zip.NewWriter(c.Writer)
	exported := st.Clock().Now() // the date of the archive's own files
	abort := func(err error) {
		_ = c.Error(err)
		panic(http.ErrAbortHandler) // headers are out: cut the body so the archive is visibly broken
	}
	writeJSONEntry := func(name string, v any) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: exported})
		if err != nil {
			abort(err)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			abort(err)
		}
	}
	writeJSONEntry("request.json", s.requestOut(r))
	tw, err := zw.CreateHeader(&zip.FileHeader{Name: "timeline.json", Method: zip.Deflate, Modified: exported})
	if err != nil {
		abort(err)
	}
	if err := writeTimeline(tw, func(after string) ([]*sunshine.Event, string, error) {
		return st.FindEvents(ctx, id, store.DefaultPageSize, after)
	}); err != nil {
		abort(err)
	}
	for n := 1; ; {
		for _, cm := range comms {
			if err := writeCommunication(zw, n, cm); err != nil {
				abort(err)
			}
			n++
		}
		if next == "" {
			break
		}
		if comms, next, err = st.FindCommunications(ctx, id, zipCommsPage, next); err != nil {
			abort(err)
		}
	}
	// documents.json says which file is which document: its ID, what the
	// API says of it, and its path here (renamed when two share a name).
	type zipped struct {
		*sunshine.Document
		Path string `json:"path"`
	}
	manifest, used := make([]zipped, len(docs)), map[string]bool{}
	for i, d := range docs {
		manifest[i] = zipped{d, "documents/" + uniqueName(used, d.Filename)}
	}
	writeJSONEntry("documents.json", manifest)
	for i, d := range docs {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: manifest[i].Path, Method: zip.Store, Modified: d.CreatedAt})
		if err != nil {
			abort(err)
		}
		if _, err := io.Copy(w, st.Content(ctx, d)); err != nil {
			abort(err)
		}
	}
	if err := zw.Close(); err != nil {
		abort(err)
	}
	return nil
}

// writeTimeline writes a request's events as one indented JSON array, a
// page at a time: an edit's event keeps the previous body, up to 1 MB.
func writeTimeline(w io.Writer, page func(after string) ([]*sunshine.Event, string, error)) error {
	n := 0
	for after := ""; ; {
		es, next, err := page(after)
		if err != nil {
			return err
		}
		for _, e := range es {
			b, err := json.MarshalIndent(e, "  ", "  ")
			if err != nil {
				return err
			}
			sep := ",\n  "
			if n == 0 {
				sep = "[\n  "
			}
			n++
			if _, err := io.WriteString(w, sep); err != nil {
				return err
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		if next == "" {
			break
		}
		after = next
	}
	end := "\n]\n"
	if n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(w, end)
	return err
}

// zipCommsPage is how many communications an archive holds in memory.
const zipCommsPage = 20

// writeCommunication adds the n-th communication to an archive as text.
func writeCommunication(zw *zip.Writer, n int, cm *sunshine.Communication) error {
	// Dated when it was logged or last corrected (an unset date reads
	// 1980-00-00 in archive tools).
	w, err := zw.CreateHeader(&zip.FileHeader{Method: zip.Deflate, Modified: cm.UpdatedAt,
		Name: fmt.Sprintf("communications/%03d-%s-%s-%s.txt", n, cm.OccurredOn, cm.Direction, cm.Kind)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Date: %s\nDirection: %s\nChannel: %s\nKind: %s\nFrom: %s\nTo: %s\nSubject: %s\n",
		cm.OccurredOn, cm.Direction, cm.Channel, cm.Kind, cm.From, cm.To, cm.Subject)
	if len(cm.ExemptionsCited) > 0 {
		fmt.Fprintf(w, "Exemptions cited: %s\n", strings.Join(cm.ExemptionsCited, "; "))
	}
	if cm.FeeAmount != nil {
		fmt.Fprintf(w, "Fee: %s\n", *cm.FeeAmount)
	}
	_, err = fmt.Fprintf(w, "\n%s\n", cm.Body)
	return err
}

// uniqueName gives each document in an archive its own name.
func uniqueName(used map[string]bool, name string) string {
	out := name
	ext := path.Ext(name)
	// Case apart: Windows and macOS unpack Report.pdf and report.pdf into
	// one file.
	for i := 2; used[strings.ToLower(out)]; i++ {
		out = fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(name, ext), i, ext)
	}
	used[strings.ToLower(out)] = true
	return out
}
