package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/textract"
)

// Agencies often release records as one ZIP archive. Where text
// extraction would read a document's text, an archive is unpacked
// instead: each of its files becomes a document of its own, on the same
// request and communication, whose text is read in turn (an archive in it
// is unpacked too). The archive itself is kept, as it came.

const (
	// unpackTimeout bounds unpacking one archive: storing what the bounds
	// below allow takes well under it.
	unpackTimeout = 10 * time.Minute
	// maxArchiveDepth is how many archives deep unpacking goes: an
	// archive inside as many others is kept as it is.
	maxArchiveDepth = 3
	// unpackShare bounds what an archive (with the archives inside it)
	// unpacks to, in upload limits, and unpackRatio in its own size: a
	// small "zip bomb" unpacks to no more than a hundred times itself.
	unpackShare = 10
	unpackRatio = 100
	// maxNestFiles bounds the files an archive (with the archives inside
	// it) unpacks to, and fileCost is the least room each file takes
	// (empty files, or a thousand archives of a thousand empty files,
	// would otherwise take none).
	maxNestFiles = 10000
	fileCost     = 4 << 10
	// leftOutListed is how many files left out the archive's note names.
	leftOutListed = 5
)

// errFileTooLarge ends reading a file of an archive past what it may
// unpack to.
var errFileTooLarge = sunshine.Errorf(sunshine.ETooLarge, "larger than a document may be")

// cappedReader fails with errFileTooLarge past left bytes.
type cappedReader struct {
	r    io.Reader
	left int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, errFileTooLarge
	}
	p = p[:min(int64(len(p)), c.left+1)]
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errFileTooLarge
	}
	return n, err
}

// unpacking is one archive's unpacking: its outcome so far.
type unpacking struct {
	stored  int // files stored, now or by an earlier attempt
	leftOut []string
}

func (u *unpacking) leave(path, why string) { u.leftOut = append(u.leftOut, path+" ("+why+")") }

// note is the archive's text_error: what it was unpacked into, and what
// was left out and why.
func (u *unpacking) note() string {
	var msg string
	switch u.stored {
	case 0:
		msg = "nothing in it was unpacked"
	case 1:
		msg = "unpacked: its file is a document of its own"
	default:
		msg = fmt.Sprintf("unpacked: its %d files are documents of their own", u.stored)
	}
	if len(u.leftOut) == 0 {
		return msg
	}
	listed := u.leftOut[:min(len(u.leftOut), leftOutListed)]
	msg += fmt.Sprintf("; %d left out: %s", len(u.leftOut), strings.Join(listed, ", "))
	if more := len(u.leftOut) - len(listed); more > 0 {
		msg += fmt.Sprintf(" and %d more", more)
	}
	return msg
}

// unpack stores each file of archive doc as a document of its own and
// records the archive unpacked, returning the files whose text is to be
// read. A failure of the archive (damaged, too deep) is recorded on it;
// one of the server (the database, the disk) or ctx ending is returned,
// the files stored so far kept: unpacking the archive again stores the
// rest.
func (s *Server) unpack(ctx context.Context, doc *sunshine.Document, record func() context.Context) ([]string, error) {
	nest, err := s.store.NestOf(ctx, doc.ID, fileCost)
	if err != nil {
		return nil, err
	}
	if nest.Depth >= maxArchiveDepth {
		msg := fmt.Sprintf("an archive inside %d others: Sunshine unpacks no deeper (download it to open it)", nest.Depth)
		return nil, s.store.SetDocumentText(record(), doc.ID, sunshine.TextUnsupported, "", msg)
	}
	a, err := textract.OpenArchive(s.store.Content(ctx, doc), doc.Size)
	if err != nil {
		return nil, s.store.SetDocumentText(record(), doc.ID, sunshine.TextFailed, "", "the archive could not be read ("+err.Error()+")")
	}
	stored, err := s.store.UnpackedPaths(ctx, doc.ID)
	if err != nil {
		return nil, err
	}
	bound := min(unpackShare*s.cfg.UploadLimit, unpackRatio*nest.RootSize)
	room, count := bound-nest.Unpacked, nest.Files
	var u unpacking
	for _, f := range a.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if live, ok := stored[f.Path]; ok {
			if live { // else removed since: it stays so
				u.stored++
			}
			continue
		}
		switch {
		case f.Unreadable != "":
			u.leave(f.Path, f.Unreadable)
			continue
		case f.Size > s.cfg.UploadLimit:
			u.leave(f.Path, fmt.Sprintf("larger than the %s a document may be", sizeOf(int(s.cfg.UploadLimit))))
			continue
		case count >= maxNestFiles:
			u.leave(f.Path, fmt.Sprintf("past the %d files one archive may unpack to", maxNestFiles))
			continue
		case max(f.Size, fileCost) > room:
			u.leave(f.Path, "past what one archive may unpack to: "+sizeOf(int(bound)))
			continue
		}
		size, err := s.unpackFile(ctx, doc, a, f, min(s.cfg.UploadLimit, room))
		switch {
		case errors.Is(err, errFileTooLarge):
			u.leave(f.Path, "larger unpacked than the archive says, past what it may unpack to")
			continue
		case errors.Is(err, textract.ErrArchiveDamaged):
			u.leave(f.Path, "damaged in the archive")
			continue
		case sunshine.ErrorCode(err) == sunshine.EInvalid:
			u.leave(f.Path, "could not be stored: "+sunshine.ErrorMessage(err))
			continue
		case err != nil:
			return nil, err
		}
		room -= max(size, fileCost)
		count++
		u.stored++
		stored[f.Path] = true
	}
	return s.store.FinishUnpacking(record(), doc.ID, store.Unpacked{LeftOut: len(u.leftOut), Message: u.note()})
}

// unpackFile stores file f of archive a, read up to limit bytes, as a
// document unpacked from doc, and returns its size.
func (s *Server) unpackFile(ctx context.Context, doc *sunshine.Document, a *textract.Archive, f textract.ArchiveFile, limit int64) (int64, error) {
	r, err := a.Open(f)
	if err != nil {
		return 0, err
	}
	name, ct, content, err := textract.Prepare(&cappedReader{r: r, left: limit}, f.Name)
	if err != nil {
		return 0, err
	}
	sd, err := s.store.SpoolDocument(ctx, store.NewDocument{RequestID: doc.RequestID, Filename: name, ContentType: ct, Content: content})
	if err != nil {
		return 0, err
	}
	defer sd.Remove()
	child, err := sd.CreateUnpacked(ctx, doc, f.Path)
	if err != nil || child == nil {
		return 0, err
	}
	return child.Size, nil
}
