package api

import (
	"bytes"
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
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/textract"
)

// uploadRoute takes the upload size limit instead of the JSON body limit.
const uploadRoute = "/api/v1/requests/:id/documents"

// maxExtract bounds how much of a text, HTML or e-mail document text
// extraction reads (its text is capped at 2 MiB anyway); a PDF is read
// whole, however large: copied to a temporary file for the process that
// reads it (textract.UseChildProcess, which serve sets).
const maxExtract = 32 << 20

// handleDocumentUpload stores one file (multipart field "file"). The file
// is read into a temporary file, without a database connection; the rest
// of the form is then read and checked, and only a form that is whole and
// valid is stored, in one transaction: a failed upload leaves nothing
// behind, and sending it again stores it once. The content type is sniffed
// from the bytes, never taken from the client; the name is sanitised. Text
// is extracted after the upload commits. A file the request has already
// is stored again, and the answer's duplicate_of names the earlier
// document.
func (s *Server) handleDocumentUpload(c *gin.Context) {
	ctx := c.Request.Context()
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		fail(c, sunshine.Errorf(sunshine.EUnsupported, "upload a file as multipart/form-data, in a field named \"file\""))
		return
	}
	end := newFormEnd(c.Request.Body, params["boundary"])
	c.Request.Body = end
	mr, err := c.Request.MultipartReader()
	if err != nil {
		fail(c, sunshine.Errorf(sunshine.EInvalid, "malformed multipart body: %v", err))
		return
	}
	commID := c.Query("communication_id")
	var file *store.SpooledDocument
	defer func() {
		if file != nil {
			file.Remove()
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if !end.seen {
				fail(c, sunshine.Errorf(sunshine.EInvalid, "the upload could not be read: the body ends before the form's closing boundary"))
				return
			}
			break
		}
		if err != nil {
			fail(c, s.uploadErr(err))
			return
		}
		switch part.FormName() {
		case "communication_id":
			switch {
			case file != nil:
				fail(c, sunshine.FieldInvalid("communication_id", "must come before the file in the form"))
				return
			case commID != "":
				fail(c, sunshine.FieldInvalid("communication_id", "give it once: in the form or in the query, not both"))
				return
			}
			b, err := io.ReadAll(io.LimitReader(part, 100))
			if err != nil {
				fail(c, s.uploadErr(err))
				return
			}
			commID = strings.TrimSpace(string(b))
		case "file":
			if file != nil {
				fail(c, sunshine.FieldInvalid("file", "send one file per upload"))
				return
			}
			if commID != "" && !validID(commID) {
				fail(c, sunshine.FieldInvalid("communication_id", "must be a UUID"))
				return
			}
			if file, err = s.spoolUpload(ctx, c.Param("id"), commID, part); err != nil {
				fail(c, err)
				return
			}
		default:
			fail(c, sunshine.FieldInvalid(part.FormName(), "is not a known field (send \"file\" and optionally \"communication_id\")"))
			return
		}
	}
	if file == nil {
		fail(c, sunshine.FieldInvalid("file", "is required: the document, as a multipart file field"))
		return
	}
	doc, err := file.Create(ctx)
	if err != nil {
		fail(c, err)
		return
	}
	doc = s.extractAfterUpload(ctx, doc)
	out := uploadedDocument{Document: doc}
	if dup := file.DuplicateOf(); dup != nil {
		out.DuplicateOf = &dup.ID
	}
	created(c, "/api/v1/documents/"+doc.ID, out)
}

// uploadedDocument is the answer to an upload: the document, and the
// request's earlier document with the same bytes, if any. Uploading the
// same file to a request again stores it again (nothing is lost, and the
// bytes are kept once); duplicate_of tells the client it did.
type uploadedDocument struct {
	*sunshine.Document
	DuplicateOf *string `json:"duplicate_of"`
}

// spoolUpload reads the file part into a temporary file; nothing is stored
// until the caller calls Create.
func (s *Server) spoolUpload(ctx context.Context, requestID, commID string, part io.Reader) (*store.SpooledDocument, error) {
	clientName := ""
	if p, ok := part.(interface{ FileName() string }); ok {
		clientName = p.FileName()
	}
	name, contentType, content, err := textract.Prepare(uploadReader{part, s}, clientName)
	if err != nil {
		return nil, err
	}
	return s.store.SpoolDocument(ctx, store.NewDocument{RequestID: requestID, CommunicationID: commID,
		Filename: name, ContentType: contentType, Content: content})
}

// formEnd passes a multipart body through and notes whether the form's
// closing delimiter went by. mime/multipart's NextPart answers io.EOF both
// at that delimiter and when the body stops short of it (inside a part's
// headers, or just after a boundary): only the first is a whole form.
type formEnd struct {
	io.ReadCloser
	delim []byte // "\n--" + boundary + "--"; the CR before it is optional, as for mime/multipart
	tail  []byte // the last len(delim)-1 bytes read, for a delimiter split across reads
	seen  bool
}

func newFormEnd(body io.ReadCloser, boundary string) *formEnd {
	delim := []byte("\n--" + boundary + "--")
	tail := make([]byte, 1, 2*len(delim))
	tail[0] = '\n' // a form may open with its closing delimiter (no parts)
	return &formEnd{ReadCloser: body, delim: delim, tail: tail}
}

func (f *formEnd) Read(p []byte) (int, error) {
	n, err := f.ReadCloser.Read(p)
	if !f.seen && n > 0 {
		k := len(f.delim) - 1
		f.tail = append(f.tail, p[:min(n, k)]...)
		f.seen = bytes.Contains(f.tail, f.delim) || bytes.Contains(p[:n], f.delim)
		if n >= k {
			f.tail = append(f.tail[:0], p[n-k:n]...)
		} else if len(f.tail) > k {
			f.tail = append(f.tail[:0], f.tail[len(f.tail)-k:]...)
		}
	}
	return n, err
}

// uploadReader turns the size limit into a client error the store passes on.
type uploadReader struct {
	r io.Reader
	s *Server
}

func (u uploadReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = u.s.uploadErr(err)
	}
	return n, err
}

func (s *Server) uploadErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return sunshine.Errorf(sunshine.ETooLarge, "the upload is larger than the limit of %d bytes (%d MiB)", mbe.Limit, mbe.Limit>>20)
	}
	return sunshine.Errorf(sunshine.EInvalid, "the upload could not be read: %v", err)
}

// extractAfterUpload runs text extraction once the upload has committed:
// in the background, or inline when configured (tests bound to one
// transaction). It returns the document as it stands now.
func (s *Server) extractAfterUpload(ctx context.Context, doc *sunshine.Document) *sunshine.Document {
	p, _ := sunshine.PrincipalFrom(ctx)
	if !s.cfg.InlineExtraction {
		s.extractions.Add(1)
		go func() {
			defer s.extractions.Done()
			s.ExtractText(s.background, p.OrgID, doc.ID)
		}()
		return doc
	}
	s.ExtractText(ctx, p.OrgID, doc.ID)
	if d, err := s.store.FindDocumentByID(ctx, doc.ID); err == nil {
		return d
	}
	return doc
}

// ExtractTextWithin extracts a document's text as ExtractText does, but
// waits for it only while ctx lasts: a page that reads the text before it
// answers (the staff pages' uploads, with a deadline on ctx) shows it when
// it comes in time, without holding the person through a long read (a
// scan read by OCR takes minutes); the reading goes on in the background
// until StopExtractions. With InlineExtraction (tests bound to one
// transaction) it reads inline.
func (s *Server) ExtractTextWithin(ctx context.Context, orgID, docID string) {
	if s.cfg.InlineExtraction {
		s.ExtractText(ctx, orgID, docID)
		return
	}
	done := make(chan struct{})
	s.extractions.Add(1)
	go func() {
		defer s.extractions.Done()
		defer close(done)
		s.ExtractText(s.background, orgID, docID)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// maxExtractAttempts is how many attempts to extract a document's text
// may go unfinished before the next one gives up on it. An attempt goes
// unfinished when the server stops in the middle of it, as it does when
// reading the document takes more memory than the server has: since serve
// extracts pending documents when it starts, such a document would
// otherwise stop the server again at every start. Two leaves room for a
// server stopped for another reason while reading an ordinary document.
const maxExtractAttempts = 2

// extractTimeout bounds one extraction; ocrTimeout one of a document
// OCR reads (a PDF, an image) when OCR is on: about 2.3 s a scanned page
// (docs/operations.md#ocr), so some 250 pages. (Of that, reading the text
// a PDF holds gets textract.PDFTextTimeout, as much as without OCR.)
const (
	extractTimeout = 2 * time.Minute
	ocrTimeout     = 10 * time.Minute
)

// recordTimeout bounds each write of an extraction's outcome (a variable
// for tests).
var recordTimeout = 30 * time.Second

// ExtractText extracts one document's text and records the outcome; a
// failure is recorded on the document, never returned. It waits for a slot
// (extractQueue: a few at once, shared fairly between organizations) while
// ctx lasts; a document that gets no slot, or whose extraction ctx stops,
// stays pending for the sweep (ExtractPending). A document whose last
// maxExtractAttempts attempts never finished is recorded as failed instead
// of read again.
//
// An archive is unpacked instead (unpack), and then the files unpacked
// from it are read one after another, archives among them unpacked in
// turn, depth first (readFiles), in one goroutine of the background: the
// page that uploaded it does not wait for them, and an archive and the
// archives inside it never take more than one slot, nor spend the room
// of their nest side by side. A file left unread when ctx ends stays
// pending for the sweep.
func (s *Server) ExtractText(ctx context.Context, orgID, docID string) {
	files := s.extractText(ctx, orgID, docID)
	if len(files) == 0 {
		return
	}
	if s.cfg.InlineExtraction {
		s.readFiles(ctx, orgID, files)
		return
	}
	s.extractions.Add(1)
	go func() {
		defer s.extractions.Done()
		s.readFiles(s.background, orgID, files)
	}()
}

// readFiles extracts the text of documents one after another, and of
// the files unpacked from those that are archives, depth first.
func (s *Server) readFiles(ctx context.Context, orgID string, ids []string) {
	for _, id := range ids {
		if ctx.Err() != nil {
			return
		}
		s.readFiles(ctx, orgID, s.extractText(ctx, orgID, id))
	}
}

// extractText is ExtractText for one document; it returns the files
// unpacked from it when it is an archive.
func (s *Server) extractText(ctx context.Context, orgID, docID string) (unpacked []string) {
	release, err := s.extractQueue.acquire(ctx, orgID)
	if err != nil {
		s.log.Info("text extraction: not started; the document stays pending", "document_id", docID, "reason", err.Error())
		return nil
	}
	defer release()
	parent := ctx
	ctx, cancel := context.WithTimeout(sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: orgID}), extractTimeout)
	defer cancel()
	// The outcome is recorded even when ctx ended just after the text was
	// read (the uploader left the page): the work is done. Each write gets
	// recordTimeout from when it starts, not from the start of a read that
	// may take minutes (OCR).
	var cancels []context.CancelFunc
	defer func() {
		for _, c := range cancels {
			c()
		}
	}()
	rctx := func() context.Context {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		cancels = append(cancels, cancel)
		return c
	}

	attempt, err := s.store.StartDocumentExtraction(ctx, docID)
	switch {
	case sunshine.ErrorCode(err) == sunshine.ENotFound:
		return nil // recorded meanwhile, or deleted
	case sunshine.ErrorCode(err) == sunshine.EConflict:
		// Being read by another server (a replica's upload, or its sweep):
		// reading it again would only count an attempt against it.
		s.log.Info("text extraction: being read elsewhere; left to it", "document_id", docID)
		return nil
	case err != nil:
		if parent.Err() == nil {
			s.log.Error("text extraction: count the attempt", "document_id", docID, "err", err)
		}
		return nil
	case attempt > maxExtractAttempts:
		msg := fmt.Sprintf("the text could not be read: the server stopped during each of the last %d attempts to read it "+
			"(as it does when a document needs more memory than the server has), so Sunshine no longer tries", attempt-1)
		s.log.Warn("text extraction: given up after unfinished attempts", "document_id", docID, "attempts", attempt-1)
		if d, err := s.store.FindDocumentByID(ctx, docID); err == nil && d.Archive() {
			msg = fmt.Sprintf("the archive could not be unpacked in full: the server stopped during each of the last %d attempts, "+
				"so Sunshine no longer tries; anything unpacked so far is kept", attempt-1)
			return s.stopUnpacking(rctx(), docID, msg)
		}
		if err := s.store.SetDocumentText(rctx(), docID, sunshine.TextFailed, "", msg); err != nil {
			s.log.Error("text extraction: record result", "document_id", docID, "err", err)
		}
		return nil
	}
	doc, err := s.store.FindDocumentByID(ctx, docID)
	if err == nil {
		// An Office file stored as a ZIP archive before Sunshine looked
		// inside them gets its type, and its text read.
		doc, err = s.store.SniffZipDocument(ctx, doc)
	}
	if err != nil {
		s.log.Error("text extraction: find document", "document_id", docID, "err", err)
		s.abandonExtraction(rctx(), docID)
		return nil
	}
	if doc.Archive() && textract.IsOpenDocument(s.store.Content(ctx, doc), doc.Size) {
		msg := "an OpenDocument file or an EPUB book, though named .zip: Sunshine reads no text from it (saved as .docx or PDF, it would be searchable)"
		if err := s.store.SetDocumentText(rctx(), docID, sunshine.TextUnsupported, "", msg); err != nil {
			s.log.Error("text extraction: record result", "document_id", docID, "err", err)
		}
		return nil
	}
	if doc.Archive() {
		uctx, cancel := context.WithTimeout(sunshine.WithPrincipal(parent, sunshine.Principal{OrgID: orgID}), unpackTimeout)
		defer cancel()
		files, err := s.unpack(uctx, doc, rctx)
		switch {
		case err != nil && parent.Err() != nil:
			s.abandonExtraction(rctx(), docID)
		case sunshine.ErrorCode(err) == sunshine.ENotFound:
			// Removed meanwhile, with what was unpacked.
		case err != nil:
			s.log.Error("unpack archive", "document_id", docID, "err", err)
			why := err.Error()
			if errors.Is(err, context.DeadlineExceeded) {
				why = fmt.Sprintf("it took longer than %v", unpackTimeout)
			}
			files = s.stopUnpacking(rctx(), docID,
				"the archive could not be unpacked in full ("+why+"): anything unpacked so far is kept; unpack it again for the rest")
		}
		return files
	}
	read := ctx
	if textract.OCROn() && textract.OCRReads(doc.ContentType) {
		var cancel context.CancelFunc
		read, cancel = context.WithTimeout(sunshine.WithPrincipal(parent, sunshine.Principal{OrgID: orgID}), ocrTimeout)
		defer cancel()
	}
	res, err := textract.ExtractResult(read, doc.ContentType, s.store.Content(read, doc), doc.Size, maxExtract)
	text := res.Text
	if err != nil && parent.Err() != nil {
		// Stopped from outside (the server stopping, the uploader gone),
		// not by the document: the attempt does not count against it.
		s.abandonExtraction(rctx(), docID)
		return nil
	}
	status, msg := sunshine.TextExtracted, ""
	empty := strings.TrimSpace(text) == ""
	switch {
	case errors.Is(err, textract.ErrUnsupported):
		status, msg = sunshine.TextUnsupported, textract.UnsupportedReason(doc.ContentType)
	case err != nil:
		status, msg = sunshine.TextFailed, "the text could not be read ("+err.Error()+")"
	case empty && textract.OCROn() && textract.OCRReads(doc.ContentType):
		msg = "no text found, even by OCR: the pages may be blank, handwritten or too faint to read"
		if res.OCRSkipped > 0 {
			msg = "no text found: " + res.OCRNote
		}
	case empty && textract.OCRReads(doc.ContentType):
		msg = "no text found: a scanned page is a picture of text, and OCR, which reads pictures, is off on this server"
	case empty:
		msg = "no text found"
	case res.OCRPages > 0 || res.OCRSkipped > 0:
		msg = ocrMessage(res)
	case res.ScansUnread > 0:
		msg = "searchable but for " + pages(res.ScansUnread, "scanned page") + ": OCR, which reads pictures, is off on this server"
		if res.Truncated {
			msg += "; " + truncatedMessage(res)
		}
	case res.Truncated:
		msg = truncatedMessage(res)
	}
	// Scans OCR did not read, being off: read again once it is on.
	unread := res.ScansUnread
	if status == sunshine.TextUnsupported && textract.OCRReads(doc.ContentType) {
		unread = 1 // an image
	}
	if err := s.store.SetDocumentTextScans(rctx(), docID, status, text, msg, unread); err != nil {
		s.log.Error("text extraction: record result", "document_id", docID, "err", err)
	}
	return nil
}

// stopUnpacking records archive docID failed with msg, and returns the
// files unpacked from it so far: they are told of, and read, all the same.
func (s *Server) stopUnpacking(ctx context.Context, docID, msg string) []string {
	files, err := s.store.FinishUnpacking(ctx, docID, store.Unpacked{Failed: true, Message: msg})
	if err != nil {
		s.log.Error("text extraction: record result", "document_id", docID, "err", err)
	}
	return files
}

// ocrMessage says that some of a document's text was read by OCR, which
// staff should know before they trust a name or a number in it, and which
// scanned pages were not read, and why.
func ocrMessage(res textract.Result) string {
	var msg string
	switch {
	case res.OCRPages > 0 && res.Pages == 0:
		msg = "searchable: read by OCR, which misreads some words"
	case res.OCRPages > 0:
		msg = "searchable: " + pages(res.OCRPages, "scanned page") + " read by OCR, which misreads some words"
	default:
		msg = "searchable"
	}
	switch {
	case res.OCRSkipped > 0:
		msg += "; " + pages(res.OCRSkipped, "scanned page") + " not read (" + res.OCRNote + ")"
	case res.Truncated:
		msg += "; " + truncatedMessage(res)
	}
	return msg
}

// pages writes n of a thing: "1 scanned page", "12 scanned pages".
func pages(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return thousands(n) + " " + thing + "s"
}

// truncatedMessage says how much of a document whose text was cut is
// searchable.
func truncatedMessage(res textract.Result) string {
	const why = " (the text is longer than Sunshine indexes)"
	switch {
	case res.Pages > 0 && res.PagesRead > 0:
		return fmt.Sprintf("only the first %s of %s pages are searchable", thousands(res.PagesRead), thousands(res.Pages)) + why
	case res.Pages > 0:
		return fmt.Sprintf("only the start of the first of %s pages is searchable", thousands(res.Pages)) + why
	}
	return fmt.Sprintf("only the first %s of the text are searchable", sizeOf(len(res.Text))) + why
}

// thousands writes n with commas between groups of three digits: 1,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// sizeOf writes a number of bytes in KiB or MiB: "2.0 MiB".
func sizeOf(n int) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// abandonExtraction takes back the attempt counted for an extraction that
// stopped without an outcome to record.
func (s *Server) abandonExtraction(ctx context.Context, docID string) {
	if err := s.store.AbandonDocumentExtraction(ctx, docID); err != nil {
		s.log.Error("text extraction: take back the attempt", "document_id", docID, "err", err)
	}
}

// ExtractPending extracts the text of documents uploaded before the time
// given and still pending: left so by a stopped server, by a failure to
// record their text, or by an organization with too many extractions
// waiting. serve calls it at start and then every half hour.
func (s *Server) ExtractPending(ctx context.Context, uploadedBefore time.Time) error {
	var after *store.PendingDocument
	for {
		pending, err := s.store.FindPendingDocuments(ctx, uploadedBefore, after, 100)
		if err != nil || len(pending) == 0 {
			return err
		}
		for _, p := range pending {
			if err := ctx.Err(); err != nil {
				return err
			}
			// Under the server's background context, as an upload's: a
			// read in progress when the server stops is stopped with the
			// background (stopBackground) and taken back. An archive's
			// files are read here too, before the next: a backlog of
			// archives (migration 0060) does not fill the organization's
			// queue with readers.
			s.readFiles(s.background, p.OrgID, []string{p.ID})
		}
		after = &pending[len(pending)-1]
	}
}

// Wait blocks until background text extractions finish.
func (s *Server) Wait() { s.extractions.Wait() }

// StopExtractions ends the background text extractions, for a graceful
// shutdown: it waits for them up to grace, then stops those still going (a
// scan read by OCR may have minutes to go), which leave their documents
// pending, their attempt not counted, for the sweep when a server starts
// (ExtractPending), and returns once they have.
func (s *Server) StopExtractions(grace time.Duration) {
	done := make(chan struct{})
	go func() {
		s.extractions.Wait()
		close(done)
	}()
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		s.log.Info("text extraction: stopping the extractions still going; their documents stay pending")
	}
	s.stopBackground()
	<-done
}

func (s *Server) handleDocumentList(c *gin.Context) { requestPage(c, s.store.FindDocuments) }

func (s *Server) handleDocumentGet(c *gin.Context) {
	d, err := s.store.FindDocumentByID(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// handleDocumentContent streams the bytes as an attachment, never rendered
// inline, with Range support: only the chunks a range needs are read.
func (s *Server) handleDocumentContent(c *gin.Context) {
	ctx := c.Request.Context()
	d, err := s.store.FindDocumentByID(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Disposition", textract.ContentDisposition(d.Filename))
	h.Set("ETag", `"`+d.SHA256+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(&problemOnError{ResponseWriter: c.Writer, c: c}, c.Request, "", d.CreatedAt, s.store.Content(ctx, d))
}

// problemOnError turns the plain-text errors http.ServeContent writes (412
// for If-Match, 416 for a range outside the file) into problem+json.
type problemOnError struct {
	http.ResponseWriter
	c       *gin.Context
	swallow bool
}

func (w *problemOnError) WriteHeader(code int) {
	if code < 400 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.swallow = true
	h := w.Header()
	for _, k := range []string{"Content-Disposition", "Content-Length", "ETag", "Last-Modified", "Accept-Ranges"} {
		h.Del(k)
	}
	err := sunshine.Errorf(sunshine.EPrecondition, "the document does not match If-Match or If-Unmodified-Since")
	if code == http.StatusRequestedRangeNotSatisfiable {
		err = &sunshine.Error{Code: sunshine.EInvalid, Message: "the range is outside the document"}
	}
	p := problem{Type: problemType + string(sunshine.ErrorCode(err)), Title: titleFor[sunshine.ErrorCode(err)], Status: code,
		Detail: sunshine.ErrorMessage(err), RequestID: w.c.GetString(requestIDKey)}
	writeProblem(w.c, p)
}

func (w *problemOnError) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil // ServeContent's plain-text message; the problem is written
	}
	return w.ResponseWriter.Write(b)
}

// handleDocumentRetry reads again the text of a document whose text could
// not be read (POST /documents/{id}/text): 202 with the document, pending;
// its text is read in the background, as after an upload.
func (s *Server) handleDocumentRetry(c *gin.Context) {
	doc, err := s.RetryText(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, doc)
}

// RetryText makes document id's failed text pending again and starts
// reading it, for the pages to offer the same action.
func (s *Server) RetryText(ctx context.Context, id string) (*sunshine.Document, error) {
	doc, err := s.store.RetryDocumentText(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.extractAfterUpload(ctx, doc), nil
}

func (s *Server) handleDocumentDelete(c *gin.Context) {
	if err := s.store.DeleteDocument(c.Request.Context(), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
