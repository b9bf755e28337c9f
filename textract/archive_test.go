package textract_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

// archEntry is one entry of an archive built by buildArchive: written
// through CreateHeader from hdr (its Name set to name), or, when raw, through
// CreateRaw as hdr says (its sizes and CRC-32 as given), with body as its
// bytes.
type archEntry struct {
	name string
	body string
	hdr  zip.FileHeader
	raw  bool
}

// buildArchive returns a ZIP archive of entries, in order.
func buildArchive(t testing.TB, entries ...archEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := e.hdr
		h.Name = e.name
		var (
			w   io.Writer
			err error
		)
		if e.raw {
			w, err = zw.CreateRaw(&h)
		} else {
			w, err = zw.CreateHeader(&h)
		}
		require.NoError(t, err)
		_, err = io.WriteString(w, e.body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// files returns the archive's entries named names, each with a body of its
// own name (none for a folder).
func files(names ...string) []archEntry {
	entries := make([]archEntry, len(names))
	for i, n := range names {
		entries[i] = archEntry{name: n, body: n}
		if strings.HasSuffix(n, "/") || strings.HasSuffix(n, `\`) {
			entries[i].body = ""
		}
	}
	return entries
}

// openArchive opens the archive zb.
func openArchive(t testing.TB, zb []byte) *textract.Archive {
	t.Helper()
	a, err := textract.OpenArchive(bytes.NewReader(zb), int64(len(zb)))
	require.NoError(t, err)
	return a
}

// unicodePath returns an Info-ZIP Unicode Path extra field (0x7075) naming
// the file utf8Name, for an entry whose raw name has CRC-32 crc.
func unicodePath(crc uint32, utf8Name string) []byte {
	data := make([]byte, 5, 5+len(utf8Name))
	data[0] = 1 // version
	binary.LittleEndian.PutUint32(data[1:], crc)
	data = append(data, utf8Name...)
	field := binary.LittleEndian.AppendUint16(nil, 0x7075)
	field = binary.LittleEndian.AppendUint16(field, uint16(len(data)))
	return append(field, data...)
}

func TestOpenArchivePaths(t *testing.T) {
	t.Parallel()
	type file struct{ Path, Name string }
	tests := []struct {
		name    string
		entries []archEntry
		want    []file
	}{
		{"folders kept, in the archive's order",
			files("a/b/c.pdf", "top.txt", "a/d.docx"),
			[]file{{"a/b/c.pdf", "c.pdf"}, {"top.txt", "top.txt"}, {"a/d.docx", "d.docx"}}},
		{"backslash separators",
			files(`Batch\memo.pdf`, `Batch 2\sub\letter.txt`),
			[]file{{"Batch/memo.pdf", "memo.pdf"}, {"Batch 2/sub/letter.txt", "letter.txt"}}},
		{"parent folders dropped",
			files("../../etc/x.txt", "a/../b/./c.txt", `..\..\win.ini`),
			[]file{{"etc/x.txt", "x.txt"}, {"a/b/c.txt", "c.txt"}, {"win.ini", "win.ini"}}},
		{"leading slash and drive letter dropped",
			files("/abs/x.pdf", "C:/Records/y.pdf", `d:\Records\z.pdf`, "C:w.pdf", "//server/share/v.pdf"),
			[]file{{"abs/x.pdf", "x.pdf"}, {"Records/y.pdf", "y.pdf"}, {"Records/z.pdf", "z.pdf"}, {"w.pdf", "w.pdf"}, {"server/share/v.pdf", "v.pdf"}}},
		{"folder entries not listed",
			files("Batch 1/", "Batch 1/a.pdf", `Batch 2\`, "Batch 1/empty/"),
			[]file{{"Batch 1/a.pdf", "a.pdf"}}},
		{"system files not listed",
			files("__MACOSX/", "__MACOSX/Batch/._memo.pdf", "__MACOSX/memo.pdf", "Batch/._memo.pdf", "._x.pdf",
				".DS_Store", "Batch/.DS_Store", "Thumbs.db", "Batch/THUMBS.DB", "thumbs.DB", "desktop.ini", "Batch/Desktop.INI",
				"Batch/memo.pdf"),
			[]file{{"Batch/memo.pdf", "memo.pdf"}}},
		{"names like system files are kept",
			files("_MACOSX/a.pdf", "MACOSX.pdf", "Thumbs.db.pdf", "my.DS_Store", "x._y.pdf"),
			[]file{{"_MACOSX/a.pdf", "a.pdf"}, {"MACOSX.pdf", "MACOSX.pdf"}, {"Thumbs.db.pdf", "Thumbs.db.pdf"},
				{"my.DS_Store", "my.DS_Store"}, {"x._y.pdf", "x._y.pdf"}}},
		{"each part sanitised",
			files("Batch: 2/what?.pdf", `Q<1>|"final"/memo*;.pdf`, "a/  .hidden  /b.txt", "x/.../y.txt", "tab\there/z.txt"),
			[]file{
				{"Batch_ 2/what_.pdf", "what_.pdf"},
				{"Q_1___final_/memo__.pdf", "memo__.pdf"},
				{"a/hidden/b.txt", "b.txt"},
				{"x/document/y.txt", "y.txt"},
				{"tabhere/z.txt", "z.txt"},
			}},
		{"only folders and system files", files("a/", "b/.DS_Store", "__MACOSX/c"), nil},
		{"system files with a trailing dot or space", files("Thumbs.db.", ".DS_Store ", "memo.pdf"), []file{{"memo.pdf", "memo.pdf"}}},
		{"two files at one long place are both kept, the second still short enough",
			files(strings.Repeat("d/", 497)+"x.txt", strings.Repeat("d/", 497)+"x.txt"),
			[]file{{strings.Repeat("d/", 497) + "x.txt", "x.txt"}, {strings.Repeat("d/", 495) + "x (2).txt", "x (2).txt"}}},
		{"two files at one place are both kept",
			files("a?.pdf", "a*.pdf", "b/c.txt", "b/c.txt", "notes"),
			[]file{{"a_.pdf", "a_.pdf"}, {"a_ (2).pdf", "a_ (2).pdf"}, {"b/c.txt", "c.txt"}, {"b/c (2).txt", "c (2).txt"}, {"notes", "notes"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := openArchive(t, buildArchive(t, tc.entries...))
			var got []file
			for _, f := range a.Files {
				got = append(got, file{f.Path, f.Name})
				require.Equal(t, textract.SanitizeFilename(f.Name), f.Name, "Name is sanitised")
				require.True(t, strings.HasSuffix(f.Path, f.Name), "Path %q ends in Name %q", f.Path, f.Name)
				require.Empty(t, f.Unreadable, f.Path)
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestOpenArchiveNames(t *testing.T) {
	t.Parallel()
	raw := "Ano.pdf"
	tests := []struct {
		name  string
		entry archEntry
		want  string
	}{
		{"not flagged UTF-8 and not valid UTF-8: code page 437",
			archEntry{name: "A\xa4o \x81ber.pdf", hdr: zip.FileHeader{NonUTF8: true}}, "Año über.pdf"},
		{"code page 437 in folders too",
			archEntry{name: "Espa\xa4a\\M\x81nchen.txt", hdr: zip.FileHeader{NonUTF8: true}}, "España/München.txt"},
		{"not flagged but valid UTF-8 stays as is",
			archEntry{name: "Año.pdf", hdr: zip.FileHeader{NonUTF8: true}}, "Año.pdf"},
		{"flagged UTF-8 stays as is",
			archEntry{name: "Año über.pdf"}, "Año über.pdf"},
		{"flagged UTF-8 but not valid UTF-8 is not decoded",
			archEntry{name: "A\xa4o.pdf", hdr: zip.FileHeader{Flags: 0x800}}, "A_o.pdf"},
		{"Unicode Path field whose CRC matches replaces the name",
			archEntry{name: raw, hdr: zip.FileHeader{NonUTF8: true, Extra: unicodePath(crc32.ChecksumIEEE([]byte(raw)), "Año/Señor.pdf")}},
			"Año/Señor.pdf"},
		{"Unicode Path field replaces a code page name",
			archEntry{name: "A\xa4o.pdf", hdr: zip.FileHeader{NonUTF8: true, Extra: unicodePath(crc32.ChecksumIEEE([]byte("A\xa4o.pdf")), "Añø.pdf")}},
			"Añø.pdf"},
		{"Unicode Path field whose CRC differs is ignored",
			archEntry{name: raw, hdr: zip.FileHeader{NonUTF8: true, Extra: unicodePath(crc32.ChecksumIEEE([]byte(raw))+1, "Año.pdf")}},
			"Ano.pdf"},
		{"Unicode Path field of another version is ignored",
			archEntry{name: raw, hdr: zip.FileHeader{NonUTF8: true, Extra: func() []byte {
				f := unicodePath(crc32.ChecksumIEEE([]byte(raw)), "Año.pdf")
				f[4] = 2
				return f
			}()}},
			"Ano.pdf"},
		{"Unicode Path field is sanitised",
			archEntry{name: raw, hdr: zip.FileHeader{Extra: unicodePath(crc32.ChecksumIEEE([]byte(raw)), "../¿Qué?.pdf")}},
			"¿Qué_.pdf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.entry.body = "x"
			a := openArchive(t, buildArchive(t, tc.entry))
			require.Len(t, a.Files, 1)
			require.Equal(t, tc.want, a.Files[0].Path)
			require.Equal(t, tc.want[strings.LastIndex(tc.want, "/")+1:], a.Files[0].Name)
		})
	}
}

func TestArchiveUnreadable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		entry archEntry
		want  []string // in Unreadable
	}{
		{"password",
			archEntry{name: "secret.pdf", body: "not really encrypted", hdr: zip.FileHeader{Flags: 1}},
			[]string{"protected by a password"}},
		{"password, deflated",
			archEntry{name: "secret.pdf", body: "not really encrypted", hdr: zip.FileHeader{Flags: 1, Method: zip.Deflate}},
			[]string{"protected by a password"}},
		{"BZIP2",
			archEntry{name: "big.pdf", body: "BZh91AY&SY", raw: true,
				hdr: zip.FileHeader{Method: 12, CompressedSize64: 10, UncompressedSize64: 1000}},
			[]string{"compressed by a method Sunshine does not read", "BZIP2"}},
		{"LZMA",
			archEntry{name: "big.pdf", body: "lzma", raw: true,
				hdr: zip.FileHeader{Method: 14, CompressedSize64: 4, UncompressedSize64: 10}},
			[]string{"compressed by a method Sunshine does not read", "LZMA"}},
		{"unknown method",
			archEntry{name: "big.pdf", body: "what", raw: true,
				hdr: zip.FileHeader{Method: 77, CompressedSize64: 4, UncompressedSize64: 10}},
			[]string{"compressed by a method Sunshine does not read", "method 77"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			zb := buildArchive(t, tc.entry, archEntry{name: "fine.txt", body: "fine"})
			a := openArchive(t, zb)
			require.Len(t, a.Files, 2)
			f := a.Files[0]
			require.Equal(t, tc.entry.name, f.Path)
			for _, w := range tc.want {
				require.Contains(t, f.Unreadable, w)
			}
			r, err := a.Open(f)
			require.Error(t, err)
			require.Nil(t, r)
			require.Contains(t, err.Error(), f.Path)
			require.Contains(t, err.Error(), tc.want[0])

			// The other file of the archive reads all the same.
			require.Empty(t, a.Files[1].Unreadable)
			r, err = a.Open(a.Files[1])
			require.NoError(t, err)
			got, err := io.ReadAll(r)
			require.NoError(t, err)
			require.Equal(t, "fine", string(got))
		})
	}
}

func TestArchiveOpen(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("Records released under the Act, page after page. ", 200)
	body := []byte(text)
	tests := []struct {
		name    string
		entry   archEntry
		want    string // read, when not damaged
		size    int64
		damaged bool
	}{
		{"stored", archEntry{name: "a.txt", body: text, hdr: zip.FileHeader{Method: zip.Store}}, text, int64(len(text)), false},
		{"deflated", archEntry{name: "b.txt", body: text, hdr: zip.FileHeader{Method: zip.Deflate}}, text, int64(len(text)), false},
		{"empty", archEntry{name: "c.txt", hdr: zip.FileHeader{Method: zip.Deflate}}, "", 0, false},
		{"binary", archEntry{name: "d.bin", body: "\x00\xff\x01PK\x03\x04\x00", hdr: zip.FileHeader{Method: zip.Store}}, "\x00\xff\x01PK\x03\x04\x00", 8, false},
		{"stored, wrong CRC-32",
			archEntry{name: "e.txt", body: text, raw: true, hdr: zip.FileHeader{Method: zip.Store,
				CRC32: crc32.ChecksumIEEE(body) ^ 1, CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(len(body))}},
			"", int64(len(text)), true},
		{"deflated, wrong CRC-32",
			archEntry{name: "f.txt", body: string(deflate(t, body)), raw: true, hdr: zip.FileHeader{Method: zip.Deflate,
				CRC32: crc32.ChecksumIEEE(body) + 1, CompressedSize64: uint64(len(deflate(t, body))), UncompressedSize64: uint64(len(body))}},
			"", int64(len(text)), true},
		{"deflated, not deflate data",
			archEntry{name: "g.txt", body: "\xff\xff\xff\xff garbage", raw: true, hdr: zip.FileHeader{Method: zip.Deflate,
				CRC32: 1, CompressedSize64: 13, UncompressedSize64: 100}},
			"", 100, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := openArchive(t, buildArchive(t, archEntry{name: "first.txt", body: "first"}, tc.entry))
			require.Len(t, a.Files, 2)
			f := a.Files[1]
			require.Equal(t, tc.entry.name, f.Path)
			require.Equal(t, tc.size, f.Size)
			require.Empty(t, f.Unreadable)
			r, err := a.Open(f)
			require.NoError(t, err)
			got, err := io.ReadAll(r)
			if tc.damaged {
				require.ErrorIs(t, err, textract.ErrArchiveDamaged)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))

			// The first file too, after it.
			r, err = a.Open(a.Files[0])
			require.NoError(t, err)
			got, err = io.ReadAll(r)
			require.NoError(t, err)
			require.Equal(t, "first", string(got))
		})
	}
}

// deflate returns b compressed as an archive's deflated entry is.
func deflate(t testing.TB, b []byte) []byte {
	t.Helper()
	zb := buildArchive(t, archEntry{name: "x", body: string(b), hdr: zip.FileHeader{Method: zip.Deflate}})
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	require.NoError(t, err)
	rc, err := zr.File[0].OpenRaw()
	require.NoError(t, err)
	c, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Less(t, len(c), len(b))
	return c
}

// An entry whose local header is not where the directory says fails to open
// as damaged.
func TestArchiveOpenBadLocalHeader(t *testing.T) {
	t.Parallel()
	zb := buildArchive(t, archEntry{name: "a.txt", body: "hello", hdr: zip.FileHeader{Method: zip.Store}})
	require.Equal(t, "PK\x03\x04", string(zb[:4]))
	zb[0] = 'X'
	a := openArchive(t, zb)
	require.Len(t, a.Files, 1)
	_, err := a.Open(a.Files[0])
	require.ErrorIs(t, err, textract.ErrArchiveDamaged)
}

func TestOpenArchiveLongPath(t *testing.T) {
	t.Parallel()
	var dirs []string
	for i := range 15 {
		dirs = append(dirs, strings.Repeat(string(rune('a'+i)), 99)) // with its "/", 100 bytes
	}
	long := strings.Join(dirs, "/") + "/report.pdf" // 1510 bytes
	longName := strings.Repeat("n", 190) + ".pdf"
	tests := []struct {
		name, path string
		want       string
		wantName   string
	}{
		{"keeps its last parts", long, strings.Join(dirs[6:], "/") + "/report.pdf", "report.pdf"},
		// 899 bytes of folders, "/" and a name of 100 bytes.
		{"just fits", strings.Join(dirs[:9], "/") + "/" + strings.Repeat("x", 96) + ".pdf",
			strings.Join(dirs[:9], "/") + "/" + strings.Repeat("x", 96) + ".pdf", strings.Repeat("x", 96) + ".pdf"},
		{"one byte over", strings.Join(dirs[:9], "/") + "/" + strings.Repeat("x", 97) + ".pdf",
			strings.Join(dirs[1:9], "/") + "/" + strings.Repeat("x", 97) + ".pdf", strings.Repeat("x", 97) + ".pdf"},
		// Ten folders (999 bytes, then "/"), and a name of 194 bytes.
		{"long name", long[:1000] + "/" + longName, strings.Join(dirs[2:10], "/") + "/" + longName, longName},
		{"one part", strings.Repeat("y", 300) + ".pdf", strings.Repeat("y", 196) + ".pdf", strings.Repeat("y", 196) + ".pdf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := openArchive(t, buildArchive(t, archEntry{name: tc.path, body: "x"}))
			require.Len(t, a.Files, 1)
			f := a.Files[0]
			require.LessOrEqual(t, len(f.Path), 1000)
			require.Equal(t, tc.want, f.Path)
			require.Equal(t, tc.wantName, f.Name)
		})
	}
}

func TestIsOpenDocument(t *testing.T) {
	t.Parallel()
	mimetype := func(t string) archEntry {
		return archEntry{name: "mimetype", body: t, hdr: zip.FileHeader{Method: zip.Store}}
	}
	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{"OpenDocument text", buildArchive(t, mimetype("application/vnd.oasis.opendocument.text"),
			archEntry{name: "content.xml", body: "<office:document-content/>"}, archEntry{name: "META-INF/manifest.xml", body: "<m/>"}), true},
		{"EPUB", buildArchive(t, mimetype("application/epub+zip"),
			archEntry{name: "META-INF/container.xml", body: "<container/>"}), true},
		{"mimetype deflated", buildArchive(t, archEntry{name: "mimetype", body: "application/vnd.oasis.opendocument.spreadsheet",
			hdr: zip.FileHeader{Method: zip.Deflate}}, archEntry{name: "content.xml", body: "<x/>"}), true},
		{"mimetype first, after other bytes", func() []byte {
			// As a self-extracting archive is: its first local header
			// is not at the file's start.
			var buf bytes.Buffer
			buf.WriteString("MZ stub of a program that unzips itself")
			zw := zip.NewWriter(&buf)
			zw.SetOffset(int64(buf.Len()))
			w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
			require.NoError(t, err)
			_, err = io.WriteString(w, "application/epub+zip")
			require.NoError(t, err)
			require.NoError(t, zw.Close())
			return buf.Bytes()
		}(), true},
		{"ordinary ZIP", buildArchive(t, files("Batch/memo.pdf", "letter.txt")...), false},
		{"first file named mimetype.txt", buildArchive(t, files("mimetype.txt", "a.pdf")...), false},
		{"first file in a folder named mimetypes", buildArchive(t, files("mimetypes/a.xml")...), false},
		{"mimetype not first", buildArchive(t, archEntry{name: "readme.txt", body: "x"}, mimetype("application/epub+zip")), false},
		{"mimetype in a folder", buildArchive(t, archEntry{name: "book/mimetype", body: "application/epub+zip"}), false},
		{"empty ZIP", buildArchive(t), false},
		{"not a ZIP", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"), false},
		{"ZIP signature only", []byte("PK\x03\x04mimetype"), false},
		{"nothing", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, textract.IsOpenDocument(bytes.NewReader(tc.data), int64(len(tc.data))))
		})
	}
}

func TestOpenArchiveNotZip(t *testing.T) {
	t.Parallel()
	zb := buildArchive(t, files("a.txt", "b/c.txt")...)
	tests := []struct {
		name string
		data []byte
	}{
		{"nothing", nil},
		{"short text", []byte("hello")},
		{"PDF", []byte("%PDF-1.7\n" + strings.Repeat("stream of bytes ", 100) + "\n%%EOF\n")},
		{"ZIP local header only", zb[:30]},
		{"ZIP cut before its directory's end", zb[:len(zb)-30]},
		{"ZIP whose directory is damaged", bytes.Replace(zb, []byte("PK\x01\x02"), []byte("PK\x01\x00"), 1)},
		{"ZIP whose directory is past its end", func() []byte {
			b := bytes.Clone(zb)
			binary.LittleEndian.PutUint32(b[len(b)-22+16:], uint32(len(b)))
			return b
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, err := textract.OpenArchive(bytes.NewReader(tc.data), int64(len(tc.data)))
			require.Error(t, err)
			require.Nil(t, a)
		})
	}
}

// Unpacking reads archives from anyone (an email to a reply address): no
// archive may make it panic, and every path it gives is safe to show and
// to store: at most 1000 bytes, no empty, "." or ".." part, its Name the
// last part, each path once.
func FuzzOpenArchive(f *testing.F) {
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add(buildArchive(f, files("Batch 1/memo.pdf", "../x.txt", "a?.pdf", "a*.pdf", "__MACOSX/._y")...))
	f.Fuzz(func(t *testing.T, data []byte) {
		textract.IsOpenDocument(bytes.NewReader(data), int64(len(data)))
		a, err := textract.OpenArchive(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, file := range a.Files {
			require.LessOrEqual(t, len(file.Path), 1000)
			require.False(t, seen[file.Path], "each path once: %q", file.Path)
			seen[file.Path] = true
			parts := strings.Split(file.Path, "/")
			require.Equal(t, file.Name, parts[len(parts)-1])
			for _, p := range parts {
				require.NotContains(t, []string{"", ".", ".."}, p, file.Path)
			}
			if r, err := a.Open(file); err == nil {
				_, _ = io.Copy(io.Discard, io.LimitReader(r, 1<<20))
			}
		}
	})
}

// Archives made to be slow to list: 10,000 files at one place, and
// folders 30,000 deep (each listing is linear in the directory's bytes;
// the deep one took minutes when the long path was cut a part at a time).
func BenchmarkOpenArchive(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int
		path string
	}{
		{"10000 files at one place", 10000, "a.txt"},
		{"60 files 30000 folders deep", 60, strings.Repeat("a/", 30000) + "x.txt"},
	} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for range bc.n {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: bc.path, Method: zip.Store})
			require.NoError(b, err)
			_, err = w.Write([]byte("x"))
			require.NoError(b, err)
		}
		require.NoError(b, zw.Close())
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				a, err := textract.OpenArchive(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
				require.NoError(b, err)
				require.Len(b, a.Files, bc.n)
			}
		})
	}
}
