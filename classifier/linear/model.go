package linear

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/voclens/voclens/textproc"
)

// Kind says how a model's labels relate.
type Kind uint8

const (
	// MultiClass models give each text exactly one label.
	MultiClass Kind = 1
	// MultiLabel models give each text any number of labels, each with
	// its own probability and threshold.
	MultiLabel Kind = 2
)

func (k Kind) String() string {
	switch k {
	case MultiClass:
		return "multi-class"
	case MultiLabel:
		return "multi-label"
	}
	return "unknown"
}

// Class describes one label of a model and how it did on held-out folds
// of its own training data, so a caller can decide whether the model is
// trustworthy for that label (e.g. let it take over from keyword rules).
type Class struct {
	Label string `json:"label"`
	// Positives is the number of training texts with the label.
	Positives int `json:"positives"`
	// Calibrated is set when the fields below were fitted.
	Calibrated bool `json:"calibrated"`
	// PlattA and PlattB map a decision value f to a probability
	// 1/(1+exp(A·f+B)).
	PlattA float64 `json:"platt_a"`
	PlattB float64 `json:"platt_b"`
	// Threshold is the probability from which the label is given.
	Threshold float64 `json:"threshold"`
	// HeldOut is precision, recall and F1 at Threshold on held-out folds.
	HeldOut PRF `json:"held_out"`
}

// Trusted reports whether the model has learnt the label well enough to
// take over from keyword rules: at least minPositives confirmed examples,
// and at least minF1 on held-out folds. Both bounds are the caller's
// policy; the held-out F1 of a label with few examples is itself noisy,
// which is why the count is asked for too.
func (c Class) Trusted(minPositives int, minF1 float64) bool {
	return c.Calibrated && c.Positives >= minPositives && c.HeldOut.F1 >= minF1
}

// Prediction is one label given to a text.
type Prediction struct {
	Label       string  `json:"label"`
	Probability float64 `json:"probability"`
}

// Model is a trained classifier. It is safe for concurrent use.
type Model struct {
	kind     Kind
	features FeatureConfig
	hyper    Hyper
	cvScore  float64 // held-out score of hyper; 0 without cross-validation
	nTrain   int
	classes  []Class
	vocab    *vocab
	side     SideFeatures
	sideName string
	nSide    int
	nvec     int       // weight vectors: one per class, or one for two classes
	w        []float32 // w[row*nvec+v]
	bias     []float32 // per vector

	scratch sync.Pool // *predictScratch
}

type predictScratch struct {
	x   extractor
	vec []float64
}

// SideName is the Name of the side features the model reads, or "".
func (m *Model) SideName() string { return m.sideName }

// Kind reports whether the model is multi-class or multi-label.
func (m *Model) Kind() Kind { return m.kind }

// Labels returns the model's labels in the order Scores uses.
func (m *Model) Labels() []string {
	out := make([]string, len(m.classes))
	for i, c := range m.classes {
		out[i] = c.Label
	}
	return out
}

// Classes describes each label (a copy).
func (m *Model) Classes() []Class { return slices.Clone(m.classes) }

// Features returns the feature configuration the model reads.
func (m *Model) Features() FeatureConfig { return m.features }

// Hyper returns the settings the model was trained with (the ones
// cross-validation chose, if it searched).
func (m *Model) Hyper() Hyper { return m.hyper }

// HeldOutScore is the cross-validated score of the chosen settings on the
// training texts (macro-F1 for multi-class, mean best F1 per label for
// multi-label), or 0 if training did not cross-validate.
func (m *Model) HeldOutScore() float64 { return m.cvScore }

// TrainingSize is the number of texts the model was trained on.
func (m *Model) TrainingSize() int { return m.nTrain }

// Calibrated reports whether Probabilities and Tags are available.
func (m *Model) Calibrated() bool { return len(m.classes) > 0 && m.classes[0].Calibrated }

func (m *Model) init() {
	m.scratch.New = func() any { return &predictScratch{vec: make([]float64, m.nvec)} }
}

// setWeights stores the first dim rows of the fitted vectors (the bias
// comes last in each) row-major by feature, so that scoring one feature
// touches one cache line for all labels.
func (m *Model) setWeights(ws [][]float64, dim int) {
	m.w = make([]float32, dim*m.nvec)
	m.bias = make([]float32, m.nvec)
	for v, w := range ws {
		for r := range dim {
			m.w[r*m.nvec+v] = float32(w[r])
		}
		m.bias[v] = float32(w[len(w)-1] * biasValue)
	}
}

func (m *Model) countPositives(targets [][]int8) {
	for c := range m.classes {
		n := 0
		for i := range targets[0] {
			if classDecision(len(m.classes), m.nvec, c, func(v int) float64 { return float64(targets[v][i]) }) > 0 {
				n++
			}
		}
		m.classes[c].Positives = n
	}
}

// calibrate fits each label's probability and threshold to its held-out
// decision values.
func (m *Model) calibrate(targets [][]int8, oof [][]float64) {
	n := len(targets[0])
	for c := range m.classes {
		f, y := make([]float64, n), make([]bool, n)
		for i := range n {
			f[i] = classDecision(len(m.classes), m.nvec, c, func(v int) float64 { return oof[v][i] })
			y[i] = classDecision(len(m.classes), m.nvec, c, func(v int) float64 { return float64(targets[v][i]) }) > 0
		}
		a, b := platt(f, y)
		p := make([]float64, n)
		for i := range f {
			p[i] = sigmoid(a, b, f[i])
		}
		thr, s := bestThreshold(p, y)
		m.classes[c].Calibrated = true
		m.classes[c].PlattA, m.classes[c].PlattB = a, b
		m.classes[c].Threshold, m.classes[c].HeldOut = thr, s
	}
}

// decide computes the weight vectors' values for doc into s.vec.
func (m *Model) decide(doc *textproc.Doc, s *predictScratch) {
	es := m.vocab.apply(s.x.hashed(m.features, doc))
	es = s.x.appendSide(es, m.side, len(m.vocab.buckets), doc)
	for v := range s.vec {
		s.vec[v] = float64(m.bias[v])
	}
	k := m.nvec
	if k == 1 {
		sum := float64(m.bias[0])
		for _, e := range es {
			sum += float64(e.val) * float64(m.w[e.idx])
		}
		s.vec[0] = sum
		return
	}
	for _, e := range es {
		row := m.w[int(e.idx)*k : int(e.idx)*k+k]
		for v, w := range row {
			s.vec[v] += float64(e.val) * float64(w)
		}
	}
}

// Scores appends to dst the decision value of each label, in Labels
// order, and returns it. Larger means more likely; 0 is the SVM's margin.
func (m *Model) Scores(doc *textproc.Doc, dst []float64) []float64 {
	s := m.scratch.Get().(*predictScratch)
	defer m.scratch.Put(s)
	m.decide(doc, s)
	for c := range m.classes {
		dst = append(dst, classDecision(len(m.classes), m.nvec, c, func(v int) float64 { return s.vec[v] }))
	}
	return dst
}

// Predict returns the label with the highest decision value: the answer
// of a multi-class model.
func (m *Model) Predict(doc *textproc.Doc) string {
	var buf [16]float64
	return m.classes[argmax(m.Scores(doc, buf[:0]))].Label
}

// Probabilities appends each label's calibrated probability to dst, or
// returns dst unchanged if the model was not calibrated.
func (m *Model) Probabilities(doc *textproc.Doc, dst []float64) []float64 {
	if !m.Calibrated() {
		return dst
	}
	start := len(dst)
	dst = m.Scores(doc, dst)
	for c, cl := range m.classes {
		dst[start+c] = sigmoid(cl.PlattA, cl.PlattB, dst[start+c])
	}
	return dst
}

// Tags returns the labels whose probability reaches their threshold, most
// probable first. It is the answer of a multi-label model; a multi-class
// model answers only if it was calibrated.
func (m *Model) Tags(doc *textproc.Doc) []Prediction {
	var buf [16]float64
	probs := m.Probabilities(doc, buf[:0])
	var out []Prediction
	for c, p := range probs {
		if p >= m.classes[c].Threshold {
			out = append(out, Prediction{Label: m.classes[c].Label, Probability: p})
		}
	}
	slices.SortStableFunc(out, func(a, b Prediction) int { return cmp.Compare(b.Probability, a.Probability) })
	return out
}

func shuffle(xs []int32, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0xda3e39cb94b95bdb))
	rng.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
}
