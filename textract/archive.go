package textract

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// An agency often releases records as one ZIP archive of many files. An
// Archive lists such an archive's files for a caller to store each as a
// document of its own (api's unpacking), with the same bounds as the
// Office reader: at most maxZipEntries files and a directory of at most
// maxZipDirectory bytes, and no more compressed bytes read in all than
// the archive holds (entries that overlap, as in the "better zip bomb",
// cannot read the same bytes again and again).

// ArchiveFile is one file of an archive.
type ArchiveFile struct {
	// Path is where the file is in the archive: its folders and name,
	// joined by "/", each sanitised as an upload's name is
	// (SanitizeFilename), with no empty, "." or ".." part. Name is its
	// last part.
	Path, Name string
	// Size is the file's size unpacked, as the archive says.
	Size int64
	// Unreadable says why the file cannot be unpacked (it is protected by
	// a password; it is compressed by a method Sunshine does not read),
	// "" when it can be.
	Unreadable string

	entry zipEntry
}

// Archive is a ZIP archive opened to unpack.
type Archive struct {
	// Files are the archive's files in its order, without its folders
	// and the files systems add that nobody released (a Mac's __MACOSX
	// folder and ._ files, .DS_Store, Windows' Thumbs.db and desktop.ini).
	Files []ArchiveFile

	r      io.ReaderAt
	size   int64
	packed int64 // compressed bytes left to read
}

// maxArchivePath bounds an ArchiveFile's Path, in bytes: a longer path
// keeps its last parts.
const maxArchivePath = 1000

// OpenArchive reads the list of files of the ZIP archive r of size bytes.
// It fails on what is not a ZIP archive, or holds more than the files or
// directory bytes Sunshine reads; Office documents and OpenDocument files
// (a ZIP archive inside too) are the caller's to tell apart first
// (SniffZip, IsOpenDocument).
func OpenArchive(r io.ReaderAt, size int64) (*Archive, error) {
	entries, err := zipEntries(r, size)
	if err != nil {
		return nil, err
	}
	a := &Archive{r: r, size: size, packed: size}
	seen, next := map[string]bool{}, map[string]int{}
	for _, e := range entries {
		raw := e.name
		switch {
		case e.unicodeName != "":
			raw = e.unicodeName
		case e.flags&0x800 == 0 && !utf8.ValidString(raw):
			// Neither flagged UTF-8 nor valid as it: the DOS code page
			// that Windows' own "compressed folder" writes.
			if dec, err := charmap.CodePage437.NewDecoder().String(raw); err == nil {
				raw = dec
			}
		}
		parts, dir := pathParts(raw)
		if dir || len(parts) == 0 || systemFile(parts) {
			continue
		}
		f := ArchiveFile{Size: e.size, entry: e}
		for i := range parts {
			parts[i] = SanitizeFilename(parts[i])
		}
		f.Name = parts[len(parts)-1]
		f.Path = fitPath(parts)
		// Two files at one place (names alike once sanitised, or the same
		// name twice): the later is "name (2).ext", as each is stored.
		if seen[f.Path] {
			at, name, ext := f.Path, f.Name, path.Ext(f.Name)
			i := max(next[at], 2) // not from 2 again: 10,000 files at one place
			for ; seen[f.Path]; i++ {
				f.Name = fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(name, ext), i, ext)
				parts[len(parts)-1] = f.Name
				f.Path = fitPath(parts)
			}
			next[at] = i
		}
		seen[f.Path] = true
		switch {
		case e.flags&1 != 0:
			f.Unreadable = "protected by a password"
		case e.method != 0 && e.method != 8:
			f.Unreadable = fmt.Sprintf("compressed by a method Sunshine does not read (%s)", methodName(e.method))
		}
		a.Files = append(a.Files, f)
	}
	return a, nil
}

// fitPath joins the last of parts that fit in maxArchivePath bytes (the
// name always does: SanitizeFilename keeps it to 200, a number after it
// adds a few).
func fitPath(parts []string) string {
	keep, n := len(parts)-1, len(parts[len(parts)-1])
	for keep > 0 && n+1+len(parts[keep-1]) <= maxArchivePath {
		keep--
		n += 1 + len(parts[keep])
	}
	return strings.Join(parts[keep:], "/")
}

// pathParts splits an entry's name into its folders and name, by / or \,
// without empty, "." and ".." parts or a drive letter; dir reports a
// folder's own entry (a name ending in a separator).
func pathParts(name string) (parts []string, dir bool) {
	name = strings.ReplaceAll(name, `\`, "/")
	dir = strings.HasSuffix(name, "/")
	if len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0]) {
		name = name[2:]
	}
	for p := range strings.SplitSeq(name, "/") {
		if p != "" && p != "." && p != ".." {
			parts = append(parts, p)
		}
	}
	return parts, dir
}

// systemFile reports a file a computer adds to what it zips: a Mac's
// resource forks (in __MACOSX, or as ._name) and folder settings
// (.DS_Store), Windows' thumbnails and folder settings.
func systemFile(parts []string) bool {
	for _, p := range parts {
		if p == "__MACOSX" {
			return true
		}
	}
	name := strings.TrimRight(parts[len(parts)-1], ". ") // as Windows reads it
	return strings.HasPrefix(name, "._") || name == ".DS_Store" ||
		strings.EqualFold(name, "Thumbs.db") || strings.EqualFold(name, "desktop.ini")
}

func methodName(m uint16) string {
	switch m {
	case 9:
		return "Deflate64"
	case 12:
		return "BZIP2"
	case 14:
		return "LZMA"
	case 93:
		return "Zstandard"
	case 95:
		return "XZ"
	case 98:
		return "PPMd"
	case 99:
		return "AES encryption"
	}
	return fmt.Sprintf("method %d", m)
}

// ErrArchiveDamaged is a file of an archive whose bytes are not those the
// archive recorded (its CRC-32 differs), or cannot be unpacked.
var ErrArchiveDamaged = errors.New("the file is damaged in the archive")

// Open returns the unpacked bytes of f, checked against the archive's
// CRC-32 at their end (a mismatch is ErrArchiveDamaged). Reads past the
// compressed bytes left to the archive fail too.
func (a *Archive) Open(f ArchiveFile) (io.Reader, error) {
	if f.Unreadable != "" {
		return nil, fmt.Errorf("%s: %s", f.Path, f.Unreadable)
	}
	r, err := f.entry.open(a.r, a.size, &a.packed)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrArchiveDamaged, err)
	}
	return &crcReader{r: r, want: f.entry.crc32, h: crc32.NewIEEE()}, nil
}

type crcReader struct {
	r    io.Reader
	want uint32
	h    hash.Hash32
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	switch {
	case errors.Is(err, io.EOF) && c.h.Sum32() != c.want:
		return n, fmt.Errorf("%w (its checksum differs)", ErrArchiveDamaged)
	case errors.Is(err, errZipCap):
		return n, fmt.Errorf("%w (it reads past the archive's own bytes)", ErrArchiveDamaged)
	case err != nil && !errors.Is(err, io.EOF):
		return n, fmt.Errorf("%w (%v)", ErrArchiveDamaged, err)
	}
	return n, err
}

// IsOpenDocument reports whether the ZIP archive r of size bytes is an
// OpenDocument file (.odt, .ods, .odp) or an EPUB book: a ZIP archive whose
// first file is "mimetype", which is one document, not files to unpack.
func IsOpenDocument(r io.ReaderAt, size int64) bool {
	entries, err := zipEntries(r, size)
	if err != nil || len(entries) == 0 {
		return false
	}
	if entries[0].name == "mimetype" {
		return true
	}
	var head [38]byte // "PK\x03\x04", 26 bytes of header, "mimetype"
	n, _ := r.ReadAt(head[:], 0)
	return n == len(head) && bytes.HasPrefix(head[:], []byte("PK\x03\x04")) &&
		binary.LittleEndian.Uint16(head[26:]) == 8 && bytes.Equal(head[30:], []byte("mimetype"))
}
