package api

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

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
	r, err := st.FindRequestByID(c.Request.Context(), id)
	if err != nil {
		return err
	}
	docs, _, err := st.FindDocuments(c.Request.Context(), id, store.All, "")
	if err != nil {
		return err
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", textract.ContentDisposition("request-"+r.ID+".zip"))
	c.Status(http.StatusOK)
	// One request's archive is bounded by the server's write timeout.
	a := newArchive(c, c.Writer, st.Clock().Now())
	s.writeRequestFiles(a, st, r, docs, "")
	a.close()
	return nil
}

// archive writes a ZIP to a response whose headers are out: an error cuts
// the body (panic(http.ErrAbortHandler)), so that the archive is visibly
// broken rather than complete-looking and short.
type archive struct {
	c        *gin.Context
	zw       *zip.Writer
	exported time.Time // the date of the archive's own files, and its today
}

// newArchive writes an archive to w: the response's writer, or a
// progressWriter over it.
func newArchive(c *gin.Context, w io.Writer, exported time.Time) *archive {
	return &archive{c: c, zw: zip.NewWriter(w), exported: exported}
}

// progressWriter moves the response's write deadline on while bytes move:
// a download as slow as the client's link goes on, one that stalls for
// window is cut. (A recorder in tests has no deadline to move.)
type progressWriter struct {
	w      io.Writer
	rc     *http.ResponseController
	window time.Duration
	moved  time.Time
}

func newProgressWriter(c *gin.Context, window time.Duration) *progressWriter {
	return &progressWriter{w: c.Writer, rc: http.NewResponseController(c.Writer), window: window}
}

func (p *progressWriter) Write(b []byte) (int, error) {
	if now := time.Now(); now.Sub(p.moved) >= p.window/10 {
		_ = p.rc.SetWriteDeadline(now.Add(p.window))
		p.moved = now
	}
	return p.w.Write(b)
}

func (a *archive) abort(err error) {
	_ = a.c.Error(err)
	panic(http.ErrAbortHandler)
}

// file starts the entry name, dated modified (the archive's date if zero),
// compressed unless it is a document kept byte for byte.
func (a *archive) file(name string, modified time.Time, compress bool) io.Writer {
	if modified.IsZero() {
		modified = a.exported
	}
	method := zip.Store
	if compress {
		method = zip.Deflate
	}
	w, err := a.zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: modified})
	if err != nil {
		a.abort(err)
	}
	return w
}

// json writes v as the indented JSON entry name.
func (a *archive) json(name string, v any) {
	enc := json.NewEncoder(a.file(name, time.Time{}, true))
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		a.abort(err)
	}
}

func (a *archive) close() {
	if err := a.zw.Close(); err != nil {
		a.abort(err)
	}
}

// writeRequestFiles adds request r to an archive under dir ("" or ending in
// a slash): the request, its timeline, its to-dos, its letters by email
// not sent, its communications as text and its documents (docs) byte for
// byte, with documents.json saying which file is which document.
func (s *Server) writeRequestFiles(a *archive, st *store.Store, r *sunshine.Request, docs []*sunshine.Document, dir string) {
	ctx := a.c.Request.Context()
	a.json(dir+"request.json", s.requestOutAt(r, a.exported))
	if err := writeTimeline(a.file(dir+"timeline.json", time.Time{}, true), func(after string) ([]*sunshine.Event, string, error) {
		return st.FindEvents(ctx, r.ID, store.DefaultPageSize, after)
	}); err != nil {
		a.abort(err)
	}
	todos, err := st.RequestTodos(ctx, r.ID)
	if err != nil {
		a.abort(err)
	}
	a.json(dir+"todos.json", newPage(todos, "").Items) // [] for none
	// Letters sent by email are communications; those on their way,
	// refused or returned are kept here, with their text.
	letters, err := st.LetterEmailsOf(ctx, r)
	if err != nil {
		a.abort(err)
	}
	a.json(dir+"letter_emails.json", newPage(letters, "").Items)
	// Communications come a few at a time: each body may be up to 1 MB.
	for n, after := 1, ""; ; {
		comms, next, err := st.FindCommunications(ctx, r.ID, zipCommsPage, after)
		if err != nil {
			a.abort(err)
		}
		for _, cm := range comms {
			writeCommunication(a, dir, n, cm)
			n++
		}
		if next == "" {
			break
		}
		after = next
	}
	type zipped struct {
		*sunshine.Document
		Path string `json:"path"`
	}
	manifest := make([]zipped, len(docs))
	for i, p := range documentPaths(docs) {
		manifest[i] = zipped{docs[i], p}
	}
	a.json(dir+"documents.json", manifest)
	for i, d := range docs {
		if _, err := io.Copy(a.file(dir+manifest[i].Path, d.CreatedAt, false), st.Content(ctx, d)); err != nil {
			a.abort(err)
		}
	}
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

// writeCommunication adds the n-th communication to an archive as text,
// under dir.
func writeCommunication(a *archive, dir string, n int, cm *sunshine.Communication) {
	// Dated when it was logged or last corrected (an unset date reads
	// 1980-00-00 in archive tools).
	w := a.file(fmt.Sprintf("%scommunications/%03d-%s-%s-%s.txt", dir, n, cm.OccurredOn, cm.Direction, cm.Kind), cm.UpdatedAt, true)
	fmt.Fprintf(w, "Date: %s\nDirection: %s\nChannel: %s\nKind: %s\nFrom: %s\nTo: %s\nSubject: %s\n",
		cm.OccurredOn, cm.Direction, cm.Channel, cm.Kind, cm.From, cm.To, cm.Subject)
	if len(cm.ExemptionsCited) > 0 {
		fmt.Fprintf(w, "Exemptions cited: %s\n", strings.Join(cm.ExemptionsCited, "; "))
	}
	if cm.FeeAmount != nil {
		fmt.Fprintf(w, "Fee: %s\n", *cm.FeeAmount)
	}
	if _, err := fmt.Fprintf(w, "\n%s\n", cm.Body); err != nil {
		a.abort(err)
	}
}

// uniqueName gives each document in an archive its own name.
// documentPaths names each document's file in a request's ZIP: under
// documents/, by its name, made unique; a file unpacked from an archive
// in a folder named after the archive ("release.zip" gives "release/"),
// at its place in it.
func documentPaths(docs []*sunshine.Document) []string {
	paths, used := make([]string, len(docs)), map[string]bool{}
	folder := map[string]string{} // an archive's, by its ID
	// An archive is named before its files: one pass a level.
	for pass := 0; pass <= maxArchiveDepth+1; pass++ {
		for i, d := range docs {
			if paths[i] != "" {
				continue
			}
			name := d.Filename
			if d.UnpackedFrom != nil && d.ArchivePath != nil {
				f, ok := folder[*d.UnpackedFrom]
				if !ok && pass <= maxArchiveDepth {
					continue
				}
				if ok {
					name = f + "/" + *d.ArchivePath
				}
			}
			paths[i] = "documents/" + uniqueName(used, name)
			if d.Archive() {
				f := strings.TrimPrefix(paths[i], "documents/")
				if ext := path.Ext(f); ext != "" {
					f = strings.TrimSuffix(f, ext)
				} else {
					f += " files"
				}
				folder[d.ID] = f
			}
		}
	}
	return paths
}

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
