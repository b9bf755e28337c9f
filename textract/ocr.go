package textract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig of each type OCR reads, to refuse huge pictures unread
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// OCR (optical character recognition) reads the text of pictures of pages:
// records that an agency printed, scanned and released as images or as a
// PDF of images, which have no text of their own for search to find. It
// runs Tesseract, and poppler's pdftoppm to turn a PDF page into a picture,
// as programs of their own: killed when the extraction's time is up, and
// given pictures of a bounded size.
type OCR struct {
	Tesseract string // the tesseract program
	Pdftoppm  string // poppler's pdftoppm, for scanned pages of PDFs
	Languages string // Tesseract's languages, such as "eng" or "eng+spa"
	// Memory is the hard limit on each program's address space, in bytes
	// (<= 0: DefaultPDFMemory). Tesseract reads a letter page at 300 dpi
	// in about 120 MB; pdftoppm makes it in about 30.
	Memory int64
}

// The limits of OCR.
const (
	// maxOCRPixels bounds the pictures given to Tesseract: a letter page
	// scanned at 600 dpi is 34 million. Tesseract's memory grows with them.
	maxOCRPixels = 40_000_000
	// ocrPageSide is the long side, in pixels, of a PDF page made into a
	// picture: 300 dpi for a letter page, what Tesseract reads best.
	ocrPageSide = 3300
	// maxOCRPages bounds the pages of one PDF read by OCR.
	maxOCRPages = 500
	// ocrMargin is the time kept back from the extraction's deadline, so
	// that OCR stopped short of it still returns the pages it read.
	ocrMargin = 5 * time.Second
)

var ocrUsed atomic.Pointer[OCR]

// UseOCR makes Extract read images, and the pages of a PDF that have no
// text, by OCR; nil turns OCR off (images are then ErrUnsupported).
func UseOCR(o *OCR) {
	if o == nil {
		ocrUsed.Store(nil)
		return
	}
	c := *o
	ocrUsed.Store(&c)
}

// OCROn reports whether Extract reads pictures (UseOCR).
func OCROn() bool { return ocrUsed.Load() != nil }

// FindOCR returns an OCR using the tesseract and pdftoppm programs found
// on PATH, after checking that Tesseract has every language of languages
// ("eng", "eng+spa"; "" is "eng"). The error says what is missing.
func FindOCR(ctx context.Context, languages string) (*OCR, error) {
	if languages == "" {
		languages = "eng"
	}
	o := &OCR{Languages: languages}
	var missing []string
	var err error
	if o.Tesseract, err = exec.LookPath("tesseract"); err != nil {
		missing = append(missing, "tesseract (Debian: tesseract-ocr)")
	}
	if o.Pdftoppm, err = exec.LookPath("pdftoppm"); err != nil {
		missing = append(missing, "pdftoppm (Debian: poppler-utils)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("OCR needs %s, not found on PATH", strings.Join(missing, " and "))
	}
	cmd := exec.CommandContext(ctx, o.Tesseract, "--list-langs")
	cmd.Env = ocrEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("tesseract --list-langs: %w: %s", err, firstLine(out))
	}
	// A heading line ("List of available languages in ..."), then one
	// language a line.
	_, list, _ := strings.Cut(string(out), "\n")
	have := strings.Fields(list)
	for _, l := range strings.Split(languages, "+") {
		if !slices.Contains(have, l) {
			return nil, fmt.Errorf("tesseract has no %q language data (Debian: tesseract-ocr-%s)", l, l)
		}
	}
	return o, nil
}

// OCRReads reports whether OCR reads documents of this content type: the
// images it reads, and PDFs (their scanned pages).
func OCRReads(contentType string) bool {
	mt, _ := parseContentType(contentType)
	return mt == "application/pdf" || isImage(mt)
}

// isImage reports whether OCR reads pictures of this media type.
func isImage(mediaType string) bool {
	switch mediaType {
	case "image/png", "image/jpeg", "image/tiff", "image/gif", "image/bmp", "image/webp":
		return true
	}
	return false
}

// readImage returns the text in a picture, refusing one too large for OCR
// from its header. Of a TIFF of several pages (a fax), Tesseract reads
// every page, each checked so.
func (o *OCR) readImage(ctx context.Context, r io.ReaderAt, size int64) (Result, error) {
	cfg, format, err := image.DecodeConfig(io.NewSectionReader(r, 0, size))
	if err != nil {
		return Result{}, fmt.Errorf("not a valid image: %v", err)
	}
	sizes := [][2]int64{{int64(cfg.Width), int64(cfg.Height)}}
	if format == "tiff" {
		// Tesseract reads every page of a TIFF (a fax): check each.
		if sizes, err = tiffPageSizes(io.NewSectionReader(r, 0, size)); err != nil {
			return Result{}, err
		}
	}
	for i, wh := range sizes {
		if wh[0]*wh[1] > maxOCRPixels {
			page := ""
			if len(sizes) > 1 {
				page = fmt.Sprintf(" (page %d)", i+1)
			}
			return Result{}, fmt.Errorf("the image is too large to read by OCR%s: %d×%d pixels, more than %d million",
				page, wh[0], wh[1], maxOCRPixels/1_000_000)
		}
	}
	text, err := o.tesseract(ctx, io.NewSectionReader(r, 0, size))
	if err != nil {
		return Result{}, err
	}
	text, cut := cleanCut(text, maxText)
	return Result{Text: text, Truncated: cut, OCRPages: len(sizes)}, nil
}

// readPages adds to res, a PDF's text read from its text layer, the text
// of its pages that have none (res.blank), read by OCR in page order. It
// stops short of ctx's deadline and after maxOCRPages, keeping the pages
// read (res then says the text is cut after the last whole page). A page
// OCR cannot read is left out and said why (OCRNote); only when no page
// has any text is that an error.
func (o *OCR) readPages(ctx context.Context, pdf string, res Result) (Result, error) {
	stop := ctx
	if d, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		stop, cancel = context.WithDeadline(ctx, d.Add(-ocrMargin))
		defer cancel()
	}
	var b strings.Builder
	b.WriteString(res.Text)
	var firstErr error
	last := 0 // the last page whose text OCR added
	for i, page := range res.blank {
		var text string
		var err error
		var stopped string
		switch {
		case b.Len() >= maxText:
			stopped = "the text is longer than Sunshine indexes"
		case res.OCRPages == maxOCRPages:
			stopped = fmt.Sprintf("OCR reads at most %d scanned pages of a document", maxOCRPages)
		default:
			text, err = o.readPage(stop, pdf, page)
			if ctx.Err() != nil {
				return Result{}, ctx.Err()
			}
			if stop.Err() != nil {
				stopped = "OCR ran out of the time given to read the document"
			}
		}
		if stopped != "" {
			res.cutBefore(page)
			res.OCRSkipped += len(res.blank) - i
			res.OCRNote = stopped
			break
		}
		if err != nil {
			res.OCRSkipped++
			if firstErr == nil {
				firstErr = fmt.Errorf("page %d: %w", page, err)
				res.OCRNote = "OCR could not read " + firstErr.Error()
			}
			continue
		}
		res.OCRPages++
		if text = strings.TrimSpace(text); text != "" {
			if b.Len() > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString(text)
			last = page
		}
	}
	if firstErr != nil && strings.TrimSpace(b.String()) == "" {
		return Result{}, fmt.Errorf("OCR could not read the scanned pages: %w", firstErr)
	}
	text, cut := cleanCut(b.String(), maxText)
	if cut {
		// The text of page last, the last read by OCR, is cut (or the
		// text layer's last page, when it was already at the cap).
		res.Truncated = true
		if last > 0 {
			res.cutBefore(last)
		} else if res.PagesRead == res.Pages {
			res.PagesRead = max(res.Pages-1, 0)
		}
	}
	res.Text, res.blank = text, nil
	return res, nil
}

// cutBefore records that the text ends before page (1-based): the pages
// whole are at most those before it.
func (r *Result) cutBefore(page int) {
	r.PagesRead = min(r.PagesRead, page-1)
	r.Truncated = true
}

// readPage returns the text of one page of a PDF, read by OCR from its
// picture.
func (o *OCR) readPage(ctx context.Context, pdf string, page int) (string, error) {
	n := strconv.Itoa(page)
	cmd := exec.CommandContext(ctx, o.Pdftoppm, "-f", n, "-l", n, "-scale-to", strconv.Itoa(ocrPageSide), "-gray", "-png", pdf)
	var png bytes.Buffer
	stderr := &watched{capped: capped{max: 4 << 10}, marker: []byte("Out of memory")}
	cmd.Stdout, cmd.Stderr = &png, stderr
	if err := o.run(cmd, nil); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("could not make a picture of the page (%v): %s", err, firstLine(stderr.b))
	}
	// Past its memory limit, pdftoppm says so and exits 0 with a cut picture.
	if stderr.seen {
		return "", errors.New("could not make a picture of the page: it needs more memory than OCR may use")
	}
	return o.tesseract(ctx, &png)
}

// tesseract returns the text Tesseract reads in the picture in.
func (o *OCR) tesseract(ctx context.Context, in io.Reader) (string, error) {
	// The picture goes in on standard input, whose type Tesseract reads
	// from its first bytes. (Input it does not recognise as a picture it
	// reads as a list of files to read: only pictures whose type
	// DecodeConfig has checked, a subset of what it recognises, or
	// pdftoppm's PNGs, are given it.)
	cmd := exec.CommandContext(ctx, o.Tesseract, "stdin", "stdout", "-l", o.Languages)
	stdout, stderr := &capped{max: maxText + 1}, &capped{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := o.run(cmd, in); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return "", fmt.Errorf("could not start OCR: %w", err)
		}
		return "", fmt.Errorf("OCR could not read the picture (%s): %s", exit, lastLine(stderr.b))
	}
	return string(stdout.b), nil
}

// run runs one of OCR's programs, with a minimal environment and its
// memory limited (Memory): the limit is set as the program starts, within
// a millisecond, before in (its standard input, when not nil) is written.
func (o *OCR) run(cmd *exec.Cmd, in io.Reader) error {
	cmd.Env = ocrEnv()
	cmd.WaitDelay = time.Second
	var stdin io.WriteCloser
	if in != nil {
		var err error
		if stdin, err = cmd.StdinPipe(); err != nil {
			return err
		}
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	limit := o.Memory
	if limit <= 0 {
		limit = DefaultPDFMemory
	}
	if err := limitProcess(cmd.Process.Pid, limit); err != nil && !errors.Is(err, syscall.ESRCH) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return fmt.Errorf("limit its memory: %w", err)
	}
	if stdin != nil {
		go func() {
			// A program that stops reading (it failed, or was killed)
			// ends the copy with an error; Wait reports why it stopped.
			_, _ = io.Copy(stdin, in)
			_ = stdin.Close()
		}()
	}
	return cmd.Wait()
}

// ocrEnv is the environment of OCR's programs: what they need, and none
// of the server's settings (its database address, its mail password).
// One thread: extractions already run side by side, and Tesseract's
// threads would only contend with them for the same cores.
func ocrEnv() []string {
	env := []string{"OMP_THREAD_LIMIT=1"}
	for _, k := range []string{"PATH", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "TESSDATA_PREFIX"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// watched is capped that also notes whether marker was written, however
// much was written before it.
type watched struct {
	capped
	marker, tail []byte
	seen         bool
}

func (w *watched) Write(p []byte) (int, error) {
	w.capped.Write(p)
	if !w.seen {
		buf := append(w.tail, p...)
		w.seen = bytes.Contains(buf, w.marker)
		w.tail = append(w.tail[:0], buf[max(0, len(buf)-len(w.marker)+1):]...)
	}
	return len(p), nil
}

// lastLine returns the last non-empty line of b: Tesseract ends with why it
// failed, after its warnings.
func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
