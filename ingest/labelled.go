package ingest

import (
	"errors"
	"io"
	"os"
	"strings"
)

// Labelled is a data set of texts with one label each, as the eval
// commands read it.
type Labelled struct {
	Texts  []string
	Labels []string
	// Skipped counts rows without text or label.
	Skipped int
}

// ReadLabelled reads every row of a CSV or JSON-lines file that has both a
// text and a label. A missing column is an error that lists the columns
// the file has.
func ReadLabelled(path, textCol, labelCol string) (*Labelled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, err := NewReader(f, path, Options{Columns: Columns{Text: textCol}, OnlyNamed: true})
	if err != nil {
		return nil, err
	}
	found := false
	for _, h := range rd.Header() {
		found = found || (h == labelCol && labelCol != "")
	}
	if !found {
		return nil, errorf("label-col: no column %q in %s; it has: %s", labelCol, path, strings.Join(rd.Header(), ", "))
	}
	out := &Labelled{}
	for {
		fb, err := rd.Next()
		var re *RowError
		switch {
		case err == io.EOF:
			return out, nil
		case errors.As(err, &re):
			out.Skipped++
			continue
		case err != nil:
			return nil, err
		}
		label := fb.Meta[labelCol]
		if label == "" {
			out.Skipped++
			continue
		}
		out.Texts = append(out.Texts, fb.Text)
		out.Labels = append(out.Labels, label)
	}
}
