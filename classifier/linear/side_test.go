package linear

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/voclens/voclens/textproc"
)

// markSide is one side feature: +1 for texts containing "!", -1 for "?".
type markSide struct{ name string }

func (s markSide) Name() string { return s.name }
func (markSide) Len() int       { return 1 }
func (markSide) Append(dst []float64, d *textproc.Doc) []float64 {
	switch {
	case strings.Contains(d.Normalized, "!"):
		return append(dst, 1)
	case strings.Contains(d.Normalized, "?"):
		return append(dst, -1)
	}
	return append(dst, 0)
}

// The words say nothing about the label here; only the side feature does.
func sideProblem() (docs []*textproc.Doc, labels []string) {
	words := []string{"alpha beta", "gamma delta", "beta gamma", "delta alpha", "alpha gamma", "beta delta"}
	for i, w := range words {
		docs = append(docs, wordDoc(w+" !"), wordDoc(words[(i+1)%len(words)]+" ?"))
		labels = append(labels, "up", "down")
	}
	return docs, labels
}

func TestSideFeatures(t *testing.T) {
	docs, labels := sideProblem()
	side := markSide{"marks-1"}
	m, err := TrainMultiClass(docs, labels, Options{Seed: 1, Side: side, Hyper: Hyper{C: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if m.SideName() != "marks-1" {
		t.Fatalf("side name %q", m.SideName())
	}
	for text, want := range map[string]string{"gamma beta !": "up", "alpha delta ?": "down"} {
		if got := m.Predict(wordDoc(text)); got != want {
			t.Errorf("%q: got %s, want %s", text, got, want)
		}
	}

	blob, _ := m.MarshalBinary()
	if _, err := Load(blob); !errors.Is(err, ErrMissingSide) {
		t.Errorf("load without side: err = %v, want ErrMissingSide", err)
	}
	if _, err := Load(blob, markSide{"marks-2"}); !errors.Is(err, ErrMissingSide) {
		t.Errorf("load with another side: err = %v, want ErrMissingSide", err)
	}
	back, err := Load(blob, markSide{"other"}, side)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if !slices.Equal(back.Scores(d, nil), m.Scores(d, nil)) {
			t.Fatalf("%q: scores changed through the blob", d.Normalized)
		}
	}
}

func TestSearchCanDropSide(t *testing.T) {
	docs, labels := toyProblem()
	// A side feature of pure noise: cross-validation should see no gain,
	// and a model without it must not ask for it when loaded.
	m, err := TrainMultiClass(docs, labels, Options{Seed: 1, Side: markSide{"noise"},
		Search: []Hyper{{C: 1, SkipSide: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if m.SideName() != "" {
		t.Fatalf("side %q kept though the search skipped it", m.SideName())
	}
	blob, _ := m.MarshalBinary()
	if _, err := Load(blob); err != nil {
		t.Fatalf("load: %v", err)
	}
	if got := len(Grid(0.5, 1)); got != 12 {
		t.Errorf("Grid(0.5, 1) has %d candidates, want 12", got)
	}
}
