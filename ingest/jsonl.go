package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// maxLineBytes bounds one JSON line: a feedback item, not a document dump.
const maxLineBytes = 4 << 20

type jsonlReader struct {
	sc      *bufio.Scanner
	peeked  map[string]any
	hasPeek bool
	peekErr error
}

type syntaxError struct{ err error }

func (e *syntaxError) Error() string { return "invalid JSON: " + e.err.Error() }

func newJSONLReader(r io.Reader) *jsonlReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLineBytes)
	return &jsonlReader{sc: sc}
}

// peekKeys reads the first object and returns its keys as the header.
func (j *jsonlReader) peekKeys() ([]string, error) {
	obj, err := j.read()
	if err == io.EOF {
		return nil, fmt.Errorf("the file is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("first line: %v", err)
	}
	j.peeked, j.hasPeek = obj, true
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil
}

func (j *jsonlReader) next() (map[string]any, error) {
	if j.hasPeek {
		j.hasPeek = false
		return j.peeked, nil
	}
	return j.read()
}

func (j *jsonlReader) read() (map[string]any, error) {
	for j.sc.Scan() {
		line := bytes.TrimSpace(j.sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil {
			return nil, &syntaxError{err}
		}
		return obj, nil
	}
	if err := j.sc.Err(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}

// cells lays obj out along header like a CSV row. Keys the header does not
// have, and a nested "meta" object, come back as metadata.
func (j *jsonlReader) cells(obj map[string]any, header []string) ([]string, map[string]string) {
	cells := make([]string, len(header))
	known := make(map[string]bool, len(header))
	for i, h := range header {
		known[h] = true
		if h == "meta" {
			continue
		}
		cells[i] = scalar(obj[h])
	}
	var meta map[string]string
	add := func(k string, v any) {
		if s := scalar(v); s != "" {
			if meta == nil {
				meta = make(map[string]string)
			}
			meta[k] = s
		}
	}
	if m, ok := obj["meta"].(map[string]any); ok {
		for k, v := range m {
			add(k, v)
		}
	}
	for k, v := range obj {
		if !known[k] && k != "meta" {
			add(k, v)
		}
	}
	return cells, meta
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
