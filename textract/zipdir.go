package textract

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"unicode/utf8"
)

// A small ZIP reader for office documents, bounded by construction.
// archive/zip allocates a File for every central directory record it finds
// up to the end of the file, however many the archive says it has (a 100
// MiB upload of 46-byte records is two million of them), and leaves the
// bound on decompressed bytes to the caller. This one reads at most
// maxZipEntries records and a directory of at most maxZipDirectory bytes,
// and opens an entry only through a reader capped at what is left of the
// caller's budget. It reads what office programs write: stored or deflated
// entries, with ZIP64 sizes; not encryption, spanning or other methods.

const (
	// maxZipEntries bounds the files an office document may hold (a
	// workbook with hundreds of sheets and images has well under this).
	maxZipEntries = 10000
	// maxZipDirectory bounds the central directory, in bytes.
	maxZipDirectory = 4 << 20
	// maxPartBytes bounds the uncompressed bytes read from one part.
	maxPartBytes = 64 << 20
	// maxZipBytes bounds the uncompressed bytes read from all parts.
	maxZipBytes = 256 << 20
)

var errZipFormat = errors.New("not a ZIP archive")

type zipEntry struct {
	name     string
	method   uint16
	flags    uint16 // the general purpose bit flags of the central directory
	crc32    uint32
	compSize int64
	size     int64 // uncompressed, as the directory says
	offset   int64 // of the local header
	// unicodeName is the name an Info-ZIP Unicode Path field (0x7075)
	// gives in UTF-8, when it matches name; "" when there is none.
	unicodeName string
}

// zipEntries reads the central directory of the ZIP archive r of size
// bytes: its entries' names, compression and where their data starts.
func zipEntries(r io.ReaderAt, size int64) ([]zipEntry, error) {
	const eocdLen = 22
	tailLen := min(size, eocdLen+65535)
	if tailLen < eocdLen {
		return nil, errZipFormat
	}
	tail := make([]byte, tailLen)
	if _, err := r.ReadAt(tail, size-tailLen); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	i := bytes.LastIndex(tail[:len(tail)-eocdLen+4], []byte("PK\x05\x06"))
	if i < 0 {
		return nil, errZipFormat
	}
	eocd := tail[i:]
	count := uint64(binary.LittleEndian.Uint16(eocd[10:]))
	dirSize := uint64(binary.LittleEndian.Uint32(eocd[12:]))
	dirOff := uint64(binary.LittleEndian.Uint32(eocd[16:]))
	if count == 0xFFFF || dirSize == 0xFFFFFFFF || dirOff == 0xFFFFFFFF {
		// ZIP64: its end record is found through the locator just before.
		loc := size - tailLen + int64(i) - 20
		buf := make([]byte, 56)
		if loc < 0 {
			return nil, errZipFormat
		}
		if _, err := r.ReadAt(buf[:20], loc); err != nil || !bytes.HasPrefix(buf, []byte("PK\x06\x07")) {
			return nil, errZipFormat
		}
		end := binary.LittleEndian.Uint64(buf[8:])
		if end > uint64(size) {
			return nil, errZipFormat
		}
		if _, err := r.ReadAt(buf, int64(end)); err != nil || !bytes.HasPrefix(buf, []byte("PK\x06\x06")) {
			return nil, errZipFormat
		}
		count = binary.LittleEndian.Uint64(buf[32:])
		dirSize = binary.LittleEndian.Uint64(buf[40:])
		dirOff = binary.LittleEndian.Uint64(buf[48:])
	}
	switch {
	case count > maxZipEntries:
		return nil, fmt.Errorf("it holds %d files, more than the %d Sunshine reads", count, maxZipEntries)
	case dirSize > maxZipDirectory:
		return nil, fmt.Errorf("its list of files is larger than the %d MiB Sunshine reads", maxZipDirectory>>20)
	case dirOff > uint64(size) || dirSize > uint64(size)-dirOff:
		return nil, errZipFormat
	}
	dir := make([]byte, dirSize)
	if _, err := r.ReadAt(dir, int64(dirOff)); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	entries := make([]zipEntry, 0, count)
	for range count {
		if len(dir) < 46 || !bytes.HasPrefix(dir, []byte("PK\x01\x02")) {
			return nil, errZipFormat
		}
		nameLen := int(binary.LittleEndian.Uint16(dir[28:]))
		extraLen := int(binary.LittleEndian.Uint16(dir[30:]))
		commentLen := int(binary.LittleEndian.Uint16(dir[32:]))
		if len(dir) < 46+nameLen+extraLen+commentLen {
			return nil, errZipFormat
		}
		e := zipEntry{
			name:     string(dir[46 : 46+nameLen]),
			method:   binary.LittleEndian.Uint16(dir[10:]),
			flags:    binary.LittleEndian.Uint16(dir[8:]),
			crc32:    binary.LittleEndian.Uint32(dir[16:]),
			compSize: int64(binary.LittleEndian.Uint32(dir[20:])),
			size:     int64(binary.LittleEndian.Uint32(dir[24:])),
			offset:   int64(binary.LittleEndian.Uint32(dir[42:])),
		}
		usize := binary.LittleEndian.Uint32(dir[24:])
		// ZIP64 extra field: the 64-bit values of the fields set to all
		// ones, in this order.
		for extra := dir[46+nameLen : 46+nameLen+extraLen]; len(extra) >= 4; {
			id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
			if len(extra) < 4+n {
				break
			}
			if id == 1 {
				f := extra[4 : 4+n]
				next := func() (int64, bool) {
					if len(f) < 8 {
						return 0, false
					}
					v := binary.LittleEndian.Uint64(f)
					f = f[8:]
					return int64(v), v <= uint64(size)
				}
				if usize == 0xFFFFFFFF {
					// Not bound by the archive's size, as the others are.
					v, _ := next()
					if v < 0 {
						return nil, errZipFormat
					}
					e.size = v
				}
				if e.compSize == 0xFFFFFFFF {
					v, ok := next()
					if !ok {
						return nil, errZipFormat
					}
					e.compSize = v
				}
				if e.offset == 0xFFFFFFFF {
					v, ok := next()
					if !ok {
						return nil, errZipFormat
					}
					e.offset = v
				}
			}
			if id == 0x7075 && n > 5 && extra[4] == 1 &&
				binary.LittleEndian.Uint32(extra[5:]) == crc32.ChecksumIEEE([]byte(e.name)) && utf8.Valid(extra[9:4+n]) {
				e.unicodeName = string(extra[9 : 4+n])
			}
			extra = extra[4+n:]
		}
		entries = append(entries, e)
		dir = dir[46+nameLen+extraLen+commentLen:]
	}
	return entries, nil
}

// open returns the uncompressed content of e, read from r of size bytes.
// Its compressed bytes are counted off *packed: past it, a read fails with
// errZipCap. The parts of an archive whose entries do not overlap take no
// more than its size; ones that overlap could make a small file's few
// compressed bytes read again and again (as deflate blocks that unpack to
// nothing, the caps on unpacked bytes do not stop it).
func (e zipEntry) open(r io.ReaderAt, size int64, packed *int64) (io.Reader, error) {
	var h [30]byte
	if e.offset < 0 || e.offset > size-30 {
		return nil, errZipFormat
	}
	if _, err := r.ReadAt(h[:], e.offset); err != nil || !bytes.HasPrefix(h[:], []byte("PK\x03\x04")) {
		return nil, errZipFormat
	}
	if binary.LittleEndian.Uint16(h[6:])&1 != 0 {
		return nil, fmt.Errorf("%s is encrypted", e.name)
	}
	start := e.offset + 30 + int64(binary.LittleEndian.Uint16(h[26:])) + int64(binary.LittleEndian.Uint16(h[28:]))
	if e.compSize < 0 || start > size || e.compSize > size-start {
		return nil, errZipFormat
	}
	data := &packedReader{r: io.NewSectionReader(r, start, e.compSize), left: packed}
	switch e.method {
	case 0:
		return data, nil
	case 8:
		return flate.NewReader(data), nil
	default:
		return nil, fmt.Errorf("%s is compressed with method %d, which Sunshine does not read", e.name, e.method)
	}
}

// zipBudget caps the uncompressed bytes read from an archive's parts: at
// most part from each, left in all. It also caps the bytes of a
// workbook's shared strings kept (shared, maxSharedText for Extract).
type zipBudget struct {
	part, left int64
	shared     int
}

// errZipCap ends a part read past the budget's caps.
var errZipCap = errors.New("read up to the cap")

// reader returns r read through the budget: past the cap on a part, or past
// what is left of the budget, a read fails with errZipCap.
func (b *zipBudget) reader(r io.Reader) io.Reader {
	return &budgetReader{r: r, b: b, part: b.part}
}

type budgetReader struct {
	r    io.Reader
	b    *zipBudget
	part int64
}

func (br *budgetReader) Read(p []byte) (int, error) {
	if br.part <= 0 || br.b.left <= 0 {
		return 0, errZipCap
	}
	p = p[:min(int64(len(p)), br.part, br.b.left)]
	n, err := br.r.Read(p)
	br.part -= int64(n)
	br.b.left -= int64(n)
	return n, err
}

// packedReader counts the compressed bytes read off left.
type packedReader struct {
	r    io.Reader
	left *int64
}

func (p *packedReader) Read(b []byte) (int, error) {
	if *p.left <= 0 {
		return 0, errZipCap
	}
	b = b[:min(int64(len(b)), *p.left)]
	n, err := p.r.Read(b)
	*p.left -= int64(n)
	return n, err
}
