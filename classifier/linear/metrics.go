package linear

import (
	"math"
	"slices"
)

// The eval commands and the training-time model selection score with the
// same functions, so a figure printed by `voclens eval` means what the
// cross-validation optimised.

// PRF is precision, recall and F1 of one class.
type PRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// BinaryPRF scores predictions of the positive class. A ratio with a zero
// denominator is 0, as scikit-learn's zero_division=0.
func BinaryPRF(gold, pred []bool) PRF {
	var tp, fp, fn int
	for i := range gold {
		switch {
		case gold[i] && pred[i]:
			tp++
		case pred[i]:
			fp++
		case gold[i]:
			fn++
		}
	}
	return prf(tp, fp, fn)
}

func prf(tp, fp, fn int) PRF {
	var s PRF
	if tp+fp > 0 {
		s.Precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		s.Recall = float64(tp) / float64(tp+fn)
	}
	if tp > 0 {
		s.F1 = 2 * float64(tp) / float64(2*tp+fp+fn)
	}
	return s
}

// Accuracy is the share of positions where pred equals gold.
func Accuracy(gold, pred []string) float64 {
	if len(gold) == 0 {
		return 0
	}
	ok := 0
	for i := range gold {
		if gold[i] == pred[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(gold))
}

// MacroF1 is the unweighted mean of per-class F1 over every label that
// occurs in gold or pred (scikit-learn's average="macro").
func MacroF1(gold, pred []string) float64 {
	per := PerClassPRF(gold, pred)
	if len(per) == 0 {
		return 0
	}
	sum := 0.0
	for _, s := range per {
		sum += s.F1
	}
	return sum / float64(len(per))
}

// PerClassPRF returns one-vs-rest precision, recall and F1 per label.
func PerClassPRF(gold, pred []string) map[string]PRF {
	type counts struct{ tp, fp, fn int }
	c := make(map[string]*counts)
	get := func(l string) *counts {
		if c[l] == nil {
			c[l] = &counts{}
		}
		return c[l]
	}
	for i := range gold {
		if gold[i] == pred[i] {
			get(gold[i]).tp++
			continue
		}
		get(gold[i]).fn++
		get(pred[i]).fp++
	}
	out := make(map[string]PRF, len(c))
	for l, k := range c {
		out[l] = prf(k.tp, k.fp, k.fn)
	}
	return out
}

// Round4 rounds to four decimals, the precision the eval commands print.
func Round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// sortedLabels returns the distinct labels in ascending order.
func sortedLabels(labels []string) []string {
	out := slices.Clone(labels)
	slices.Sort(out)
	return slices.Compact(out)
}
