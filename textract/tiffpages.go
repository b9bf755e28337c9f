package textract

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxTIFFPages bounds the pages of a TIFF read by OCR (a fax).
const maxTIFFPages = 500

// tiffPageSizes returns the width and height of each page of a TIFF, read
// from its directories (image.DecodeConfig reads only the first): a fax
// of several pages is read whole by Tesseract, so each page must be
// checked. It refuses BigTIFF, directories that loop, and more than
// maxTIFFPages pages.
func tiffPageSizes(r io.ReaderAt) ([][2]int64, error) {
	head := make([]byte, 8)
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil, errors.New("not a valid TIFF: too short")
	}
	var order binary.ByteOrder
	switch string(head[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return nil, errors.New("not a valid TIFF: no byte order")
	}
	if order.Uint16(head[2:]) != 42 {
		return nil, errors.New("not a TIFF OCR reads (a BigTIFF, or not a TIFF)")
	}
	var sizes [][2]int64
	seen := map[uint32]bool{}
	for off := order.Uint32(head[4:]); off != 0; {
		if seen[off] || len(sizes) == maxTIFFPages {
			return nil, fmt.Errorf("not a TIFF OCR reads: more than %d pages, or pages that loop", maxTIFFPages)
		}
		seen[off] = true
		n := make([]byte, 2)
		if _, err := r.ReadAt(n, int64(off)); err != nil {
			return nil, fmt.Errorf("not a valid TIFF: page %d: %v", len(sizes)+1, err)
		}
		entries := make([]byte, 12*int(order.Uint16(n))+4)
		if _, err := r.ReadAt(entries, int64(off)+2); err != nil {
			return nil, fmt.Errorf("not a valid TIFF: page %d: %v", len(sizes)+1, err)
		}
		var size [2]int64
		for e := 0; e+12 <= len(entries)-4; e += 12 {
			tag, typ := order.Uint16(entries[e:]), order.Uint16(entries[e+2:])
			var v int64
			switch typ {
			case 3: // SHORT
				v = int64(order.Uint16(entries[e+8:]))
			case 4: // LONG
				v = int64(order.Uint32(entries[e+8:]))
			default:
				continue
			}
			switch tag {
			case 256: // ImageWidth
				size[0] = v
			case 257: // ImageLength
				size[1] = v
			}
		}
		sizes = append(sizes, size)
		off = order.Uint32(entries[len(entries)-4:])
	}
	return sizes, nil
}
