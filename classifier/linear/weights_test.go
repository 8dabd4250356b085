package linear

import (
	"errors"
	"math"
	"testing"

	"github.com/voclens/voclens/textproc"
)

// conflictProblem holds one text that appears with both labels: three
// times as "up", twice as "down". The other texts pin down the words.
func conflictProblem() (docs []*textproc.Doc, labels []string, weights []float64) {
	add := func(label, text string, w float64) {
		docs, labels, weights = append(docs, wordDoc(text)), append(labels, label), append(weights, w)
	}
	for range 3 {
		add("up", "alpha beta", 0.2) // weak: a guess, not a person's verdict
	}
	for range 2 {
		add("down", "alpha beta", 1)
	}
	add("up", "gamma delta", 1)
	add("up", "gamma epsilon", 1)
	add("down", "zeta eta", 1)
	add("down", "zeta theta", 1)
	return docs, labels, weights
}

// A text's weight decides a conflict between labels: counted fully the
// three "up" copies win, weighted down the two "down" ones do.
func TestWeightsDecideConflicts(t *testing.T) {
	docs, labels, weights := conflictProblem()
	for _, tc := range []struct {
		name    string
		weights []float64
		want    string
	}{
		{"unweighted", nil, "up"},
		{"weighted", weights, "down"},
	} {
		for _, nb := range []bool{false, true} {
			m, err := TrainMultiClass(docs, labels, Options{Seed: 1, Hyper: Hyper{C: 1, NB: nb}, Weights: tc.weights})
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Predict(wordDoc("alpha beta")); got != tc.want {
				t.Errorf("%s nb=%v: alpha beta → %s, want %s", tc.name, nb, got, tc.want)
			}
		}
	}
}

// Weights of 1 are the same as no weights, bit for bit.
func TestUnitWeightsChangeNothing(t *testing.T) {
	docs, labels := toyProblem()
	ones := make([]float64, len(docs))
	for i := range ones {
		ones[i] = 1
	}
	a, err := TrainMultiClass(docs, labels, Options{Seed: 1, Hyper: Hyper{NB: true}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := TrainMultiClass(docs, labels, Options{Seed: 1, Hyper: Hyper{NB: true}, Weights: ones})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		sa, sb := a.Scores(d, nil), b.Scores(d, nil)
		for i := range sa {
			if sa[i] != sb[i] {
				t.Fatalf("%q: scores %v with unit weights, %v without", d.Original, sb, sa)
			}
		}
	}
}

func TestBadWeights(t *testing.T) {
	docs, labels := toyProblem()
	for _, w := range [][]float64{make([]float64, 3), make([]float64, len(docs))} {
		if _, err := TrainMultiClass(docs, labels, Options{Weights: w}); err == nil {
			t.Errorf("weights %v accepted", w)
		}
	}
	w := make([]float64, len(docs))
	for i := range w {
		w[i] = 1
	}
	w[2] = math.NaN()
	if _, err := TrainMultiClass(docs, labels, Options{Weights: w}); err == nil || errors.Is(err, ErrNoData) {
		t.Errorf("NaN weight: %v", err)
	}
}

// A blend is the average of the scaled and the plain model: its decision
// values are theirs averaged, and it survives a round trip.
func TestBlendAveragesScaledAndPlain(t *testing.T) {
	docs, labels := toyProblem()
	train := func(h Hyper) *Model {
		m, err := TrainMultiClass(docs, labels, Options{Seed: 3, Hyper: h})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	scaled, plain, blend := train(Hyper{C: 1, NB: true}), train(Hyper{C: 1}), train(Hyper{C: 1, Blend: true})
	blob, err := blend.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(blob)
	if err != nil {
		t.Fatal(err)
	}
	if h := loaded.Hyper(); !h.Blend || h.NB {
		t.Errorf("loaded settings %+v, want a blend", h)
	}
	for _, d := range append(docs, wordDoc("apple engine"), wordDoc("signal pear")) {
		s, p, b, l := scaled.Scores(d, nil), plain.Scores(d, nil), blend.Scores(d, nil), loaded.Scores(d, nil)
		for c := range b {
			if want := (s[c] + p[c]) / 2; math.Abs(b[c]-want) > 1e-5 || b[c] != l[c] {
				t.Fatalf("%q class %d: blend %g, loaded %g, average of scaled and plain %g", d.Original, c, b[c], l[c], want)
			}
		}
	}
}
