package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// An archive of many files (an agency's release of thousands) lists them
// on a page of its own, a page at a time, rather than on its request's
// page, which would grow by a line and three forms a file.

const (
	// filesListed is how many files unpacked from an archive the request
	// page lists under it; past it, the archive's page does.
	filesListed = 50
	// filesPerPage is how many the archive's page lists at a time.
	filesPerPage = 200
)

// archivePageData is an archive's page: the request page's data for the
// templates of documents (CanWrite, Board, Unpacked), the archive, and a
// page of its files.
type archivePageData struct {
	*requestPageData
	Doc                   *sunshine.Document
	All, Files            []*sunshine.Document
	Page, Pages, From, To int
	PerPage               int
}

// handleArchiveFiles is GET /documents/:id/files: the files unpacked from
// an archive, by their place in it, each with what the request page
// offers for a document. Another organization's archive, or a document
// that is none, is a 404.
func (s *Server) handleArchiveFiles(c *gin.Context) {
	ctx := ctxOf(c)
	doc, err := s.store.FindDocumentByID(ctx, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.store.FindRequestByID(ctx, doc.RequestID)
	if err != nil {
		s.fail(c, err)
		return
	}
	docs, err := s.store.FindUnpacked(ctx, r.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := &archivePageData{requestPageData: &requestPageData{R: r}, Doc: doc, PerPage: filesPerPage}
	// With the archive, whose files are among docs (and those of archives
	// inside it).
	_, d.Unpacked = splitUnpacked(append([]*sunshine.Document{doc}, docs...))
	d.All = d.Unpacked[doc.ID]
	if len(d.All) == 0 && !doc.Archive() {
		s.fail(c, sunshine.Errorf(sunshine.ENotFound, "no files were unpacked from this document"))
		return
	}
	d.Note = s.takeNote(c)
	if p, ok := sunshine.PrincipalFrom(ctx); ok {
		d.CanWrite = p.Role.CanWrite()
	}
	if _, d.Board, err = s.store.LinksOf(ctx, r); err != nil {
		s.fail(c, err)
		return
	}
	if d.Board != nil {
		d.Board.Token = "" // only whether there is one is shown here
	}
	d.Pages = max(1, (len(d.All)+filesPerPage-1)/filesPerPage)
	d.Page, _ = strconv.Atoi(c.Query("page"))
	d.Page = min(max(d.Page, 1), d.Pages)
	d.From = (d.Page-1)*filesPerPage + 1
	d.To = min(d.Page*filesPerPage, len(d.All))
	if len(d.All) > 0 {
		d.Files = d.All[d.From-1 : d.To]
	}
	s.render(c, http.StatusOK, "archive", "Files of "+doc.Filename, d)
}
