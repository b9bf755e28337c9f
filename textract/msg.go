package textract

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// An Outlook message (.msg) is what Outlook saves when an email is
// dragged out of it: agencies release email records so, and staff save
// an agency's answer so. It is an OLE compound file whose properties are
// streams ([MS-OXMSG]): "__substg1.0_" and the property's tag (its ID and
// type) for a string or binary one, "__properties_version1.0" for those
// of fixed size (dates, numbers), with a storage for each recipient and
// each attachment. readMSG reads what a person reads: the subject,
// sender, recipients, date, text and the attachments' names.

// Property IDs read, and their types.
const (
	msgSubject       = 0x0037
	msgSubmitTime    = 0x0039
	msgSenderName    = 0x0C1A
	msgSenderEmail   = 0x0C1F
	msgSenderSMTP    = 0x5D01
	msgSentRepSMTP   = 0x5D02
	msgCodePage      = 0x3FFD
	msgInternetCPID  = 0x3FDE
	msgRecipientType = 0x0C15
	msgDeliveryTime  = 0x0E06
	msgDisplayTo     = 0x0E04
	msgDisplayCc     = 0x0E03
	msgBody          = 0x1000
	msgHTML          = 0x1013
	msgDisplayName   = 0x3001
	msgEmailAddress  = 0x3003
	msgSMTPAddress   = 0x39FE
	msgAttachLong    = 0x3707
	msgAttachShort   = 0x3704
	msgAttachData    = 0x3701
	msgAttachHidden  = 0x7FFE

	typeUnicode = 0x001F
	typeANSI    = 0x001E
	typeBinary  = 0x0102
	typeTime    = 0x0040
	typeInt32   = 0x0003
	typeBoolean = 0x000B
)

// maxMSGStream bounds what is read of one property: a body longer than
// the text Sunshine keeps is cut anyway.
const maxMSGStream = maxText * 2

// msgPart is the message, a recipient or an attachment: the properties
// read of it. budget is the bytes left to read of the whole message; cut
// reports a text property cut at maxMSGStream.
type msgPart struct {
	strings map[uint16]string
	ansi    map[uint16][]byte
	binary  map[uint16][]byte
	fixed   map[uint16]uint64
	budget  *int64
	cut     bool
}

func newMSGPart() *msgPart {
	return &msgPart{strings: map[uint16]string{}, ansi: map[uint16][]byte{}, binary: map[uint16][]byte{}, fixed: map[uint16]uint64{}}
}

// msgRead are the properties read, by ID: what a person reads of a
// message, its recipients and its attachments. Others are not read.
var msgRead = map[uint16]bool{msgSubject: true, msgSenderName: true, msgSenderEmail: true, msgSenderSMTP: true,
	msgSentRepSMTP: true, msgDisplayTo: true, msgDisplayCc: true, msgBody: true, msgHTML: true, msgDisplayName: true, msgEmailAddress: true,
	msgSMTPAddress: true, msgAttachLong: true, msgAttachShort: true, msgAttachData: true}

// ReadEmailFile reads an email saved as a file, an .eml (message/rfc822:
// ReadEmail) or an Outlook message (MSG), with its attachments' bytes;
// any other type is refused.
func ReadEmailFile(ctx context.Context, contentType string, data []byte) (_ *Email, err error) {
	mediaType, _ := parseContentType(contentType)
	switch mediaType {
	case "message/rfc822":
		return ReadEmail(ctx, data)
	case MSG:
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("could not read the Outlook message: internal error: %v", p)
			}
		}()
		return readMSG(ctx, bytes.NewReader(data), int64(len(data)), true)
	}
	return nil, fmt.Errorf("not an email saved as a file (.eml or .msg): %s", mediaType)
}

// maxMSGParts bounds the recipients, and the attachments, read.
const maxMSGParts = 1000

// readMSG reads an Outlook message of size bytes, its attachments' bytes
// too when withData (else their names only). It fails on what is not an
// Outlook message. It reads no more than the file holds in all: a stream
// may say it is larger than the file, its sectors looping or shared with
// another's, and a damaged or crafted file would otherwise read
// gigabytes from kilobytes.
func readMSG(ctx context.Context, r io.ReaderAt, size int64, withData bool) (*Email, error) {
	doc, err := mscfb.New(r)
	if err != nil {
		return nil, fmt.Errorf("not an Outlook message: %w", err)
	}
	msg := newMSGPart()
	msg.budget = &size
	recips, attachs := map[string]*msgPart{}, map[string]*msgPart{}
	for entry, err := doc.Next(); ; entry, err = doc.Next() {
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("the Outlook message is damaged: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		part := msg
		switch {
		case len(entry.Path) == 0:
		case len(entry.Path) == 1 && strings.HasPrefix(entry.Path[0], "__recip_version1.0_"):
			if part = partOf(recips, entry.Path[0], &size); part == nil {
				continue
			}
		case len(entry.Path) == 1 && strings.HasPrefix(entry.Path[0], "__attach_version1.0_"):
			if part = partOf(attachs, entry.Path[0], &size); part == nil {
				continue
			}
		default:
			continue // a message attached to this one, its own properties
		}
		if err := part.read(entry, len(entry.Path) == 0, withData && part != msg); err != nil {
			return nil, err
		}
	}
	if len(msg.strings) == 0 && len(msg.ansi) == 0 && len(msg.binary) == 0 && len(msg.fixed) == 0 {
		return nil, errors.New("not an Outlook message: no properties found")
	}
	// Strings of 8-bit characters are in the message's code page.
	cp := codePage(uint32(cmp.Or(msg.fixed[msgCodePage], msg.fixed[msgInternetCPID])))
	for _, parts := range []map[string]*msgPart{{"": msg}, recips, attachs} {
		for _, p := range parts {
			p.decodeANSI(cp)
		}
	}
	e := &Email{Subject: headerLine(msg.strings[msgSubject])}
	e.From = headerLine(mailbox(msg.strings[msgSenderName],
		cmpOr(msg.strings[msgSenderSMTP], smtpOnly(msg.strings[msgSenderEmail]), msg.strings[msgSentRepSMTP])))
	for _, id := range []uint16{msgSubmitTime, msgDeliveryTime} {
		if ft, ok := msg.fixed[id]; ok && ft != 0 {
			e.Date = fileTime(ft)
			break
		}
	}
	var to, cc []string
	for _, key := range slices.Sorted(maps.Keys(recips)) {
		p := recips[key]
		who := mailbox(p.strings[msgDisplayName], cmpOr(p.strings[msgSMTPAddress], smtpOnly(p.strings[msgEmailAddress])))
		switch p.fixed[msgRecipientType] & 0x0F { // the rest are flags
		case 1:
			to = append(to, who)
		case 2:
			cc = append(cc, who)
		}
	}
	if len(to)+len(cc) == 0 { // names only, as Outlook shows them
		for _, s := range []string{msg.strings[msgDisplayTo], msg.strings[msgDisplayCc]} {
			if s = strings.TrimSpace(s); s != "" {
				to = append(to, s)
			}
		}
	}
	e.To = headerLine(strings.Join(append(to, cc...), ", "))
	switch {
	case strings.TrimSpace(msg.strings[msgBody]) != "":
		e.Text, e.TextCut = cleanCut(msg.strings[msgBody], maxText)
	case len(msg.binary[msgHTML]) > 0 || msg.strings[msgHTML] != "":
		html := cmpOr(string(msg.binary[msgHTML]), msg.strings[msgHTML])
		text, cut, err := extractHTML(ctx, strings.NewReader(html), "text/html", maxText)
		if err != nil {
			return nil, err
		}
		e.Text, e.TextCut = text, cut
	}
	e.TextCut = e.TextCut || msg.cut
	for _, key := range slices.Sorted(maps.Keys(attachs)) {
		p := attachs[key]
		data, ok := p.binary[msgAttachData]
		switch {
		case p.fixed[msgAttachHidden]&0xFF != 0:
			continue // a picture in the text: a logo, a signature's
		case withData && !ok:
			continue // an email attached to this one, or a link: no file
		}
		name := cmpOr(p.strings[msgAttachLong], p.strings[msgAttachShort], p.strings[msgDisplayName])
		if name = SanitizeFilename(name); name == "document" {
			name = fmt.Sprintf("attachment %d", len(e.Attachments)+1)
		}
		a := Attachment{Filename: name}
		if withData {
			a.Data, a.ContentType = data, Sniff(data, name)
		}
		e.Attachments = append(e.Attachments, a)
	}
	if e.From == "" && e.To == "" && e.Subject == "" && e.Date.IsZero() && e.Text == "" && len(e.Attachments) == 0 {
		return nil, errors.New("not an Outlook message: no sender, recipient, subject, date, text or attachment found")
	}
	return e, nil
}

// partOf returns the part stored at key, new if need be; nil past
// maxMSGParts.
func partOf(parts map[string]*msgPart, key string, budget *int64) *msgPart {
	p := parts[key]
	if p == nil {
		if len(parts) >= maxMSGParts {
			return nil
		}
		p = newMSGPart()
		p.budget = budget
		parts[key] = p
	}
	return p
}

// read records the property stream entry holds, if it is one: a string
// (UTF-16, or ANSI: in the message's code page, decodeANSI), binary, or the stream of fixed-size
// properties, whose header is 32 bytes for the message and 8 for a
// recipient or an attachment. An attachment's bytes are read whole when
// whole, else not at all.
func (p *msgPart) read(entry *mscfb.File, top, whole bool) error {
	name := entry.Name
	if name == "__properties_version1.0" {
		data, err := p.readStream(entry, maxMSGStream)
		if err != nil {
			return err
		}
		skip := 8
		if top {
			skip = 32
		}
		for b := data[min(skip, len(data)):]; len(b) >= 16; b = b[16:] {
			typ, id := binary.LittleEndian.Uint16(b), binary.LittleEndian.Uint16(b[2:])
			switch typ {
			case typeTime:
				p.fixed[id] = binary.LittleEndian.Uint64(b[8:])
			case typeInt32, typeBoolean: // in the value's first 4 bytes, or 2
				p.fixed[id] = uint64(binary.LittleEndian.Uint32(b[8:]))
			}
		}
		return nil
	}
	tag, ok := strings.CutPrefix(name, "__substg1.0_")
	if !ok || len(tag) != 8 {
		return nil
	}
	var id, typ uint16
	if _, err := fmt.Sscanf(tag, "%04X%04X", &id, &typ); err != nil {
		return nil
	}
	limit := int64(maxMSGStream)
	switch {
	case !msgRead[id]:
		return nil
	case id == msgAttachData && typ == typeBinary && whole:
		limit = entry.Size // within the budget: the message's size
	case id == msgAttachData:
		return nil
	case typ != typeUnicode && typ != typeANSI && typ != typeBinary:
		return nil
	}
	if entry.Size > limit && id != msgAttachData {
		p.cut = true
	}
	data, err := p.readStream(entry, limit)
	if err != nil {
		return err
	}
	switch typ {
	case typeUnicode:
		u := make([]uint16, len(data)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(data[2*i:])
		}
		p.strings[id] = strings.TrimRight(string(utf16.Decode(u)), "\x00")
	case typeANSI: // decoded once the code page is known (decodeANSI)
		p.ansi[id] = data
	case typeBinary:
		p.binary[id] = data
	}
	return nil
}

// decodeANSI decodes the part's strings of 8-bit characters, those with
// no UTF-16 one of the same property.
func (p *msgPart) decodeANSI(cp encoding.Encoding) {
	for id, raw := range p.ansi {
		if _, ok := p.strings[id]; ok {
			continue
		}
		var s string
		if cp == nil {
			s = strings.ToValidUTF8(string(raw), "\uFFFD")
		} else {
			b, _ := cp.NewDecoder().Bytes(raw)
			s = string(b)
		}
		p.strings[id] = strings.TrimRight(s, "\x00")
	}
}

// codePage is the encoding of a Windows code page Outlook writes (PR_MESSAGE_CODEPAGE):
// nil for UTF-8, Windows-1252 for one unknown or none.
func codePage(cp uint32) encoding.Encoding {
	switch cp {
	case 65001:
		return nil
	case 874:
		return charmap.Windows874
	case 1250:
		return charmap.Windows1250
	case 1251:
		return charmap.Windows1251
	case 1253:
		return charmap.Windows1253
	case 1254:
		return charmap.Windows1254
	case 1255:
		return charmap.Windows1255
	case 1256:
		return charmap.Windows1256
	case 1257:
		return charmap.Windows1257
	case 1258:
		return charmap.Windows1258
	case 28591:
		return charmap.ISO8859_1
	case 28592:
		return charmap.ISO8859_2
	case 28605:
		return charmap.ISO8859_15
	}
	return charmap.Windows1252
}

// readStream reads a property's stream, up to limit bytes, from what is
// left of the message's budget: past it, the message is damaged.
func (p *msgPart) readStream(entry *mscfb.File, limit int64) ([]byte, error) {
	n := min(entry.Size, limit)
	if n > *p.budget {
		return nil, errors.New("the Outlook message is damaged: its parts say they hold more than the file does")
	}
	*p.budget -= n
	data, err := io.ReadAll(io.LimitReader(entry, n))
	if err != nil {
		return nil, fmt.Errorf("the Outlook message is damaged: %w", err)
	}
	return data, nil
}

// fileTime is a Windows FILETIME: 100 ns intervals since 1601-01-01 UTC.
func fileTime(ft uint64) time.Time {
	const epochDiff = 11644473600 // seconds from 1601 to 1970
	return time.Unix(int64(ft/1e7)-epochDiff, int64(ft%1e7)*100).UTC()
}

// mailbox writes a name and an address as an email header does.
func mailbox(name, addr string) string {
	name, addr = strings.TrimSpace(name), strings.TrimSpace(addr)
	switch {
	case addr == "":
		return name
	case name == "" || strings.EqualFold(name, addr):
		return addr
	}
	return name + " <" + addr + ">"
}

// smtpOnly keeps an address that is an Internet one, not an Exchange
// directory's ("/O=EXCHANGELABS/OU=...").
func smtpOnly(addr string) string {
	if strings.Contains(addr, "@") && !strings.HasPrefix(addr, "/") {
		return addr
	}
	return ""
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// emailText is a message's text for search, as an .eml's is (searchText):
// its main headers, its text and its attachments' names.
func emailText(e *Email) string {
	var headers [][2]string
	for _, h := range [][2]string{{"Subject", e.Subject}, {"From", e.From}, {"To", e.To}} {
		if h[1] != "" {
			headers = append(headers, h)
		}
	}
	if !e.Date.IsZero() {
		headers = append(headers, [2]string{"Date", e.Date.Format(time.RFC1123Z)})
	}
	names := make([]string, len(e.Attachments))
	for i, a := range e.Attachments {
		names[i] = a.Filename
	}
	return searchText(headers, strings.TrimSpace(e.Text), names)
}
