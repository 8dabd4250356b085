package ingest

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encodings Detect can report.
const (
	EncUTF8    = "utf-8"
	EncUTF8BOM = "utf-8-bom"
	EncUTF16LE = "utf-16le"
	EncUTF16BE = "utf-16be"
	EncGB18030 = "gb18030"
)

// sniffLen is how much of a file Detect reads to decide. Exports from
// Chinese tools are either valid UTF-8 throughout or GB-encoded from the
// first Chinese character on, so 64 KiB is plenty.
const sniffLen = 64 << 10

// Detect returns r decoded to UTF-8 and the name of the encoding it found:
// a BOM decides when present; otherwise valid UTF-8 is taken as UTF-8 and
// anything else as GB18030 (a superset of GBK and GB2312, what Excel and
// older Chinese systems write).
func Detect(r io.Reader) (io.Reader, string, error) {
	br := bufio.NewReaderSize(r, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", err
	}
	var (
		enc  encoding.Encoding
		name string
	)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return br, EncUTF8BOM, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		enc, name = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), EncUTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		enc, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), EncUTF16BE
	case validUTF8Prefix(head, len(head) < sniffLen):
		return br, EncUTF8, nil
	default:
		enc, name = simplifiedchinese.GB18030, EncGB18030
	}
	return transform.NewReader(br, enc.NewDecoder()), name, nil
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a rune cut off
// at the end of the sample unless the sample is the whole file.
func validUTF8Prefix(b []byte, whole bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if whole {
		return false
	}
	for cut := 1; cut < utf8.UTFMax && cut <= len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return true
		}
	}
	return false
}
