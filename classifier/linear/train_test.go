package linear

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/voclens/voclens/textproc"
)

func TestTrainMultiClassSeparable(t *testing.T) {
	docs, labels := toyProblem()
	m, err := TrainMultiClass(docs, labels, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Labels(), []string{"car", "fruit", "phone"}; !slices.Equal(got, want) {
		t.Fatalf("labels %v, want %v", got, want)
	}
	for i, d := range docs {
		if got := m.Predict(d); got != labels[i] {
			t.Errorf("training text %q: got %s, want %s", d.Normalized, got, labels[i])
		}
	}
	for text, want := range map[string]string{
		"ripe apple":          "fruit",
		"loud engine on road": "car",
		"app drains battery":  "phone",
	} {
		if got := m.Predict(wordDoc(text)); got != want {
			t.Errorf("new text %q: got %s, want %s", text, got, want)
		}
	}
}

func TestTrainTwoClassesUsesOneVector(t *testing.T) {
	docs, labels := toyProblem()
	docs, labels = docs[:10], labels[:10]
	m, err := TrainMultiClass(docs, labels, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.nvec != 1 {
		t.Fatalf("nvec = %d, want 1", m.nvec)
	}
	s := m.Scores(docs[0], nil)
	if len(s) != 2 || s[0] != -s[1] {
		t.Fatalf("scores %v: want two values of opposite sign", s)
	}
	for i, d := range docs {
		if got := m.Predict(d); got != labels[i] {
			t.Errorf("%q: got %s, want %s", d.Normalized, got, labels[i])
		}
	}
}

func TestTrainErrors(t *testing.T) {
	docs, labels := toyProblem()
	if _, err := TrainMultiClass(docs[:5], labels[:5], Options{}); !errors.Is(err, ErrTooFewClasses) {
		t.Errorf("one class: err = %v, want ErrTooFewClasses", err)
	}
	if _, err := TrainMultiClass(nil, nil, Options{}); !errors.Is(err, ErrNoData) {
		t.Errorf("no data: err = %v, want ErrNoData", err)
	}
	if _, err := TrainMultiClass(docs, labels[:3], Options{}); err == nil {
		t.Error("length mismatch: no error")
	}
	if _, err := TrainMultiLabel(docs, make([][]string, len(docs)), Options{}); !errors.Is(err, ErrTooFewClasses) {
		t.Errorf("no tags: err = %v, want ErrTooFewClasses", err)
	}
	bad := Options{Features: FeatureConfig{Bits: 30, Words: true}}
	if _, err := TrainMultiClass(docs, labels, bad); err == nil {
		t.Error("bits 30: no error")
	}
}

// TestLearnsNewTag trains on a small team-written fixture with two tags
// the keyword taxonomy does not have and checks texts it never saw.
func TestLearnsNewTag(t *testing.T) {
	p := pipeline(t)
	texts, tags := readTagged(t, "testdata/tags_train.csv")
	m, err := TrainMultiLabel(processAll(p, texts), tags, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Labels(), []string{"噪音", "自动续费"}; !slices.Equal(got, want) {
		t.Fatalf("labels %v, want %v", got, want)
	}
	for _, c := range m.Classes() {
		if !c.Calibrated || c.Threshold < minThreshold || c.Threshold > maxThreshold || c.Positives < 15 {
			t.Errorf("class %+v: not calibrated sensibly", c)
		}
		if !c.Trusted(10, 0.5) || c.Trusted(1000, 0) {
			t.Errorf("class %s: Trusted disagrees with its counts %d and F1 %.2f", c.Label, c.Positives, c.HeldOut.F1)
		}
	}
	held, want := readTagged(t, "testdata/tags_heldout.csv")
	for i, text := range held {
		var got []string
		for _, pr := range m.Tags(p.Process(text)) {
			got = append(got, pr.Label)
		}
		if !slices.Equal(got, want[i]) {
			t.Errorf("%q: tags %v, want %v", text, got, want[i])
		}
	}
}

func TestDeterministic(t *testing.T) {
	p := pipeline(t)
	texts, tags := readTagged(t, "testdata/tags_train.csv")
	docs := processAll(p, texts)
	var blobs [][]byte
	for _, workers := range []int{1, 3, 1} {
		m, err := TrainMultiLabel(docs, tags, Options{Seed: 7, Workers: workers, Search: []Hyper{{C: 0.25}, {C: 1, NB: true}}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		blobs = append(blobs, b)
	}
	for i := 1; i < len(blobs); i++ {
		if !bytes.Equal(blobs[0], blobs[i]) {
			t.Fatalf("training run %d gave a different model", i)
		}
	}
}

func TestSearchPicksACandidate(t *testing.T) {
	docs, labels := toyProblem()
	cands := []Hyper{{C: 0.1}, {C: 1, NB: true}}
	m, err := TrainMultiClass(docs, labels, Options{Seed: 1, Search: cands, Calibrate: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cands, m.Hyper()) {
		t.Fatalf("hyper %+v not among the candidates", m.Hyper())
	}
	if !m.Calibrated() {
		t.Fatal("Calibrate: model not calibrated")
	}
	probs := m.Probabilities(wordDoc("apple pear"), nil)
	if len(probs) != 3 || argmax(probs) != 1 {
		t.Fatalf("probabilities %v: want fruit (index 1) most probable", probs)
	}
}

func TestFeaturesIgnoreUnknownBuckets(t *testing.T) {
	docs, labels := toyProblem()
	m, err := TrainMultiClass(docs, labels, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A text with nothing the model knows scores the biases alone.
	s := m.Scores(&textproc.Doc{}, nil)
	u := m.Scores(wordDoc("zzz qqq"), nil)
	if !slices.Equal(s, u) {
		t.Fatalf("unknown words changed scores: %v vs %v", s, u)
	}
}
