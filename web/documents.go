package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/textract"
)

// uploadFilesPerPost bounds the body of one upload form: each file may be
// as large as Config.UploadLimit, and a form without JavaScript sends every
// chosen file at once.
const uploadFilesPerPost = 10

// uploadFailed answers a file form of the request page that failed: the
// error page for what is not the file's fault (an unknown request, the
// server's failure, the database away), else the request page with the
// form (placed by set) naming the file's problem, 413 for a file too
// large.
func (s *Server) uploadFailed(c *gin.Context, f *reqForm, err error, set func(d *requestPageData)) {
	switch sunshine.ErrorCode(err) {
	case sunshine.ENotFound, sunshine.EInternal, sunshine.EUnavailable:
		s.fail(c, err)
		return
	}
	f.Errors["file"] = uploadMessage(err)
	status := http.StatusBadRequest
	if sunshine.ErrorCode(err) == sunshine.ETooLarge {
		status = http.StatusRequestEntityTooLarge
	}
	s.renderRequest(c, c.Param("id"), status, set)
}

// uploadRoute takes the upload limit instead of formLimit.
const uploadRoute = "/requests/:id/documents"

// handleDocumentUpload stores every file of a multipart form (field
// "file", repeated; optional "communication_id" before the files). The
// content type is sniffed from the bytes and the name sanitised; text is
// extracted inline once each file has committed. A browser with
// JavaScript sends one file per request and asks for JSON; without it the
// form posts all files and is redirected back to the request page.
func (s *Server) handleDocumentUpload(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	ctx := ctxOf(c)
	requestID := c.Param("id")
	wantJSON := strings.Contains(c.GetHeader("Accept"), "application/json")
	f := newReqForm("upload", nil)
	var stored, dups []*sunshine.Document // dups[i]: the request's earlier copy of stored[i], or nil
	wait, cancel := s.textWaiting(ctx)
	defer cancel()
	failed := func(err error) {
		if len(stored) > 0 {
			names := make([]string, len(stored))
			for i, d := range stored {
				names[i] = d.Filename
			}
			err = fmt.Errorf("%w (already stored: %s)", err, strings.Join(names, ", "))
		}
		if wantJSON {
			status := http.StatusBadRequest
			switch sunshine.ErrorCode(err) {
			case sunshine.ENotFound:
				status = http.StatusNotFound
			case sunshine.ETooLarge:
				status = http.StatusRequestEntityTooLarge
			case sunshine.EInternal:
				s.log.Error("upload failed", "err", err)
				c.JSON(http.StatusInternalServerError, gin.H{"error": "Something went wrong; try again."})
				return
			}
			c.JSON(status, gin.H{"error": uploadMessage(err)})
			return
		}
		s.uploadFailed(c, f, err, func(d *requestPageData) { d.UploadForm = f })
	}

	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		failed(sunshine.FieldInvalid("file", "send the files with the upload form"))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.UploadLimit*uploadFilesPerPost+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		failed(sunshine.FieldInvalid("file", "the upload could not be read: %v", err))
		return
	}
	commID := ""
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			failed(s.webUploadErr(err))
			return
		}
		switch part.FormName() {
		case "communication_id":
			b, err := io.ReadAll(io.LimitReader(part, 100))
			if err != nil {
				failed(s.webUploadErr(err))
				return
			}
			commID = strings.TrimSpace(string(b))
			f.Values.Set("communication_id", commID)
		case "file":
			if part.FileName() == "" {
				continue // the empty part of a file input with nothing chosen
			}
			doc, dup, err := s.storeWebUpload(ctx, requestID, commID, part)
			if err != nil {
				failed(err)
				return
			}
			s.extractDocumentText(wait, doc)
			stored = append(stored, doc)
			dups = append(dups, dup)
		default:
			// Ignore other fields (the submit button).
			_, _ = io.Copy(io.Discard, io.LimitReader(part, 1<<10))
		}
	}
	if len(stored) == 0 {
		failed(sunshine.FieldInvalid("file", "choose at least one file to upload"))
		return
	}
	notes := s.duplicateNotes(ctx, requestID, stored, dups)
	if wantJSON {
		out := make([]gin.H, len(stored))
		for i, d := range stored {
			out[i] = gin.H{"id": d.ID, "filename": d.Filename, "size": d.Size, "content_type": d.ContentType}
			if dups[i] != nil {
				out[i]["duplicate_of"] = dups[i].ID
				out[i]["note"] = notes[i]
			}
		}
		c.JSON(http.StatusCreated, gin.H{"documents": out})
		return
	}
	names := make([]string, len(stored))
	for i, d := range stored {
		names[i] = d.Filename
	}
	word := "document"
	if len(stored) > 1 {
		word = "documents"
	}
	note := fmt.Sprintf("Uploaded %d %s: %s.", len(stored), word, strings.Join(names, ", "))
	for _, n := range notes {
		if n != "" {
			note += " " + n
		}
	}
	s.redirectBack(c, requestPath(requestID), note)
}

// duplicateNotes says, for each stored document that the request had
// already (dups[i], the earlier copy, is not nil), that it is there twice:
// "This file is already attached to this request as “letter.pdf”
// (uploaded on Wed 5 Apr 2017); both are kept." It names the file when the
// form sent several. The day is the agency's, as the timeline dates it.
func (s *Server) duplicateNotes(ctx context.Context, requestID string, stored, dups []*sunshine.Document) []string {
	notes := make([]string, len(stored))
	loc := time.UTC
	found := false
	for i, dup := range dups {
		if dup == nil {
			continue
		}
		if !found {
			found = true
			if r, err := s.store.FindRequestByID(ctx, requestID); err == nil {
				if a, err := s.store.FindAgencyByID(ctx, r.AgencyID); err == nil {
					loc = a.Location()
				}
			}
		}
		what := "This file"
		if len(stored) > 1 {
			what = stored[i].Filename
		}
		notes[i] = fmt.Sprintf("%s is already attached to this request as “%s” (uploaded on %s); both are kept, so remove one if it was a mistake.",
			what, dup.Filename, deadline.Today(dup.CreatedAt, loc).Format("Mon 2 Jan 2006"))
	}
	return notes
}

func uploadMessage(err error) string {
	var e *sunshine.Error
	if errors.As(err, &e) {
		msg := e.Message
		if len(e.Fields) == 1 {
			msg = e.Fields[0].Message
		}
		// Keep the note about files already stored.
		if full := err.Error(); strings.Contains(full, "(already stored:") {
			msg += full[strings.LastIndex(full, " (already stored:"):]
		}
		return msg
	}
	return "Something went wrong; try again."
}

// storeWebUpload stores one file of the form, and returns it with the
// request's earlier document with the same bytes, if any (nil).
func (s *Server) storeWebUpload(ctx context.Context, requestID, commID string, part interface {
	io.Reader
	FileName() string
}) (doc, dup *sunshine.Document, err error) {
	name, contentType, content, err := textract.Prepare(&uploadCap{r: part, left: s.cfg.UploadLimit, s: s}, part.FileName())
	if err != nil {
		return nil, nil, err
	}
	sd, err := s.store.SpoolDocument(ctx, store.NewDocument{RequestID: requestID, CommunicationID: commID,
		Filename: name, ContentType: contentType, Content: content})
	if err != nil {
		return nil, nil, err
	}
	defer sd.Remove()
	if doc, err = sd.Create(ctx); err != nil {
		return nil, nil, err
	}
	return doc, sd.DuplicateOf(), nil
}

// uploadCap fails a file that grows past the upload limit, and turns read
// errors into messages the store passes on.
type uploadCap struct {
	r    io.Reader
	left int64
	s    *Server
}

func (u *uploadCap) Read(p []byte) (int, error) {
	if u.left < 0 {
		return 0, sunshine.Errorf(sunshine.ETooLarge, "a file is larger than the limit of %d MiB", u.s.cfg.UploadLimit>>20)
	}
	if int64(len(p)) > u.left+1 {
		p = p[:u.left+1]
	}
	n, err := u.r.Read(p)
	u.left -= int64(n)
	if u.left < 0 {
		return n, sunshine.Errorf(sunshine.ETooLarge, "a file is larger than the limit of %d MiB", u.s.cfg.UploadLimit>>20)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = u.s.webUploadErr(err)
	}
	return n, err
}

func (s *Server) webUploadErr(err error) error {
	var e *sunshine.Error
	if errors.As(err, &e) {
		return e
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return sunshine.Errorf(sunshine.ETooLarge, "the files together are larger than %d MiB; upload fewer at a time", mbe.Limit>>20)
	}
	return sunshine.Errorf(sunshine.EInvalid, "the upload could not be read: %v", err)
}

// textWaiting returns the context within which a page waits for the text
// of the documents it stores, all of them (Config.TextWait), and its
// cancel.
func (s *Server) textWaiting(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.cfg.TextWait <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.cfg.TextWait)
}

// extractDocumentText extracts a stored document's text and records the
// outcome, waiting for it while ctx lasts (textWaiting): with serve's
// extractor, a longer read goes on behind the page; a failure is recorded
// on the document. When the organization has many extractions waiting
// already, the document stays pending, and the half-hourly sweep extracts
// it.
func (s *Server) extractDocumentText(ctx context.Context, doc *sunshine.Document) {
	if s.cfg.ExtractText == nil {
		s.log.Warn("text extraction: not configured; the document stays pending", "document_id", doc.ID)
		return
	}
	s.cfg.ExtractText(ctx, doc.OrgID, doc.ID)
}

// handleDownload streams a document's bytes as an attachment, never shown
// inline, with Range support.
func (s *Server) handleDownload(c *gin.Context) {
	ctx := ctxOf(c)
	d, err := s.store.FindDocumentByID(ctx, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.serveDocument(c, d)
}

// serveDocument streams a document's bytes as an attachment, never shown
// inline (a hostile HTML or SVG file must not run in our origin), with
// Range support.
func (s *Server) serveDocument(c *gin.Context, d *sunshine.Document) {
	h := c.Writer.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Disposition", textract.ContentDisposition(d.Filename))
	h.Set("ETag", `"`+d.SHA256+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(c.Writer, c.Request, "", d.CreatedAt, s.store.Content(ctxOf(c), d))
}

// handleDocumentDelete is POST /documents/:id/delete, the confirmation
// under a document's Remove on the request page: it removes the document
// from its request (the timeline keeps a line saying so; its text is no
// longer searched) and returns to where it was on the page.
func (s *Server) handleDocumentDelete(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	ctx := ctxOf(c)
	d, err := s.store.FindDocumentByID(ctx, c.Param("id"))
	if err != nil { // removed already, or another organization's: 404
		s.fail(c, err)
		return
	}
	if err := s.store.DeleteDocument(ctx, d.ID); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectBack(c, s.listedAt(ctx, d, documentPlace(d)), "Removed "+d.Filename+" from this request.")
}

// handleDocumentRetry reads again the text of a document whose text could
// not be read (a timeout, a server out of memory), before the page answers.
func (s *Server) handleDocumentRetry(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	ctx := ctxOf(c)
	d, err := s.store.RetryDocumentText(ctx, c.Param("id"))
	if sunshine.ErrorCode(err) == sunshine.EConflict { // a page from before it was read (again)
		if d, err := s.store.FindDocumentByID(ctx, c.Param("id")); err == nil {
			s.redirectBack(c, s.listedAt(ctx, d, documentPlace(d)), "The text of "+d.Filename+" was read already: nothing to do.")
			return
		}
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	wait, cancel := s.textWaiting(ctx)
	defer cancel()
	s.extractDocumentText(wait, d)
	note := "Sunshine is reading the text of " + d.Filename + " again; it is searchable once read."
	if now, err := s.store.FindDocumentByID(ctx, d.ID); err == nil {
		switch now.TextStatus {
		case sunshine.TextExtracted:
			note = "Read the text of " + d.Filename + " again: " + cmp.Or(now.TextError, "it is searchable now") + "."
		case sunshine.TextFailed, sunshine.TextUnsupported:
			note = "The text of " + d.Filename + " could not be read this time either: " + now.TextError + "."
		}
	}
	s.redirectBack(c, s.listedAt(ctx, d, documentPlace(d)), note)
}

// handleDocumentFormPage is GET /documents/:id/delete, /documents/:id/text
// and /documents/:id/shared, the addresses of a document's forms opened as a
// page (a refused form's page bookmarked or reloaded by its address): to
// the request page the forms are on, where the document is, changing
// nothing. A document removed since, or another organization's, is 404,
// as its forms are.
func (s *Server) handleDocumentFormPage(c *gin.Context) {
	d, err := s.store.FindDocumentByID(ctxOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, s.listedAt(ctxOf(c), d, documentPlace(d)))
}

// listedAt is where document d is listed: for a file unpacked from an
// archive of more than filesListed files, the archive's page; else
// place, on the request's page.
func (s *Server) listedAt(ctx context.Context, d *sunshine.Document, place string) string {
	if d.UnpackedFrom == nil {
		return place
	}
	a, err := s.store.FindDocumentByID(ctx, *d.UnpackedFrom)
	if err != nil || a.UnpackedFiles <= filesListed {
		return place
	}
	return "/documents/" + a.ID + "/files"
}

// documentPlace is where a document is on its request's page: under its
// communication, else in the timeline.
func documentPlace(d *sunshine.Document) string {
	if d.CommunicationID != nil {
		return requestPath(d.RequestID) + "#comm-" + *d.CommunicationID
	}
	return requestPath(d.RequestID) + "#timeline"
}

// handleMessage shows a communication's whole body as plain text (the
// request page shows the start of a long one).
func (s *Server) handleMessage(c *gin.Context) {
	comm, err := s.store.FindCommunicationByID(ctxOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.String(http.StatusOK, "%s", comm.Body)
}
