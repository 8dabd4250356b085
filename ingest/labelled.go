package ingest

import (
	"errors"
	"io"
	"os"
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
	// The label column is read as the "id" column: ingest keeps it
	// verbatim, which is what a label needs.
	rd, err := NewReader(f, path, Options{Columns: Columns{Text: textCol, ID: labelCol}})
	if err != nil {
		return nil, err
	}
	if labelCol == "" || !rd.HasIDColumn() {
		return nil, errorf("label-col: name the column holding the labels; %s has: %v", path, rd.Header())
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
		out.Texts = append(out.Texts, fb.Text)
		out.Labels = append(out.Labels, fb.ExternalID)
	}
}
