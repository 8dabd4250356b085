package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"
)

// mergeRefs returns the merged ranges ("A2:A4") of sheet in the workbook
// data. excelize's GetMergeCells parses the whole worksheet into memory
// (and Rows then serializes it back), ~20× the file for a 100k-row sheet;
// this reads the worksheet's XML as a stream, looking only for mergeCell
// elements, so memory stays at a buffer.
func mergeRefs(data []byte, sheet string) ([]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodeZipXML(files["xl/workbook.xml"], &wb); err != nil {
		return nil, err
	}
	if err := decodeZipXML(files["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return nil, err
	}
	var target string
	for _, s := range wb.Sheets {
		if s.Name != sheet {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				target = r.Target
			}
		}
	}
	if strings.HasPrefix(target, "/") {
		target = strings.TrimPrefix(target, "/")
	} else if target != "" {
		target = path.Join("xl", target)
	}
	f := files[target]
	if f == nil {
		return nil, nil // no such part: nothing merged that we can see
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return scanMergeRefs(rc)
}

func decodeZipXML(f *zip.File, v any) error {
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// scanMergeRefs finds every mergeCell ref="…" in r, a chunk at a time.
func scanMergeRefs(r io.Reader) ([]string, error) {
	const marker = `mergeCell ref="`
	var refs []string
	buf := make([]byte, 0, 64<<10)
	chunk := make([]byte, 64<<10)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		for {
			i := bytes.Index(buf, []byte(marker))
			if i < 0 {
				break
			}
			rest := buf[i+len(marker):]
			j := bytes.IndexByte(rest, '"')
			if j < 0 {
				break // the ref continues in the next chunk
			}
			refs = append(refs, string(rest[:j]))
			buf = rest[j+1:]
		}
		// Keep a tail long enough to hold a marker cut by the chunk edge.
		if keep := len(marker) + 32; len(buf) > keep && !bytes.Contains(buf, []byte(marker)) {
			buf = append(buf[:0], buf[len(buf)-keep:]...)
		}
		if err == io.EOF {
			return refs, nil
		} else if err != nil {
			return refs, err
		}
	}
}
