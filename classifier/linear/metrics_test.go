package linear

import (
	"math"
	"testing"
)

func TestMetrics(t *testing.T) {
	gold := []string{"a", "a", "b", "b", "c"}
	pred := []string{"a", "b", "b", "b", "a"}
	if got := Accuracy(gold, pred); got != 0.6 {
		t.Errorf("accuracy %v, want 0.6", got)
	}
	// a: P 1/2 R 1/2 F 0.5; b: P 2/3 R 1 F 0.8; c: 0 → mean 0.4333
	if got := MacroF1(gold, pred); math.Abs(got-1.3/3) > 1e-12 {
		t.Errorf("macro-F1 %v, want %v", got, 1.3/3)
	}
	s := BinaryPRF([]bool{true, true, false, false}, []bool{true, false, true, false})
	if s != (PRF{Precision: 0.5, Recall: 0.5, F1: 0.5}) {
		t.Errorf("binary %+v", s)
	}
	if s := BinaryPRF([]bool{true}, []bool{false}); s != (PRF{}) {
		t.Errorf("nothing predicted: %+v, want zeros", s)
	}
	if Accuracy(nil, nil) != 0 || MacroF1(nil, nil) != 0 {
		t.Error("empty input: want 0")
	}
}

func TestPlattAndThreshold(t *testing.T) {
	f := []float64{-2, -1.5, -1, -0.5, -0.2, 0.1, 0.4, 0.8, 1.2, 2}
	y := []bool{false, false, false, false, true, false, true, true, true, true}
	a, b := platt(f, y)
	if a >= 0 {
		t.Fatalf("a = %v: probability must grow with the decision value", a)
	}
	prev := 0.0
	for _, v := range f {
		p := sigmoid(a, b, v)
		if p <= prev || p >= 1 {
			t.Fatalf("probabilities not increasing in (0,1): %v at %v", p, v)
		}
		prev = p
	}
	probs := make([]float64, len(f))
	for i, v := range f {
		probs[i] = sigmoid(a, b, v)
	}
	thr, s := bestThreshold(probs, y)
	if !(thr > probs[3] && thr <= probs[4]) || math.Abs(s.F1-10.0/11) > 1e-9 {
		t.Errorf("threshold %v (F1 %v): want the cut below the first positive, F1 10/11", thr, s.F1)
	}
	if thr, _ := bestThreshold(probs, make([]bool, len(f))); thr != maxThreshold {
		t.Errorf("no positives: threshold %v, want %v", thr, maxThreshold)
	}
}
