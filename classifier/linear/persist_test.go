package linear

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"
)

func TestSaveLoadSamePredictions(t *testing.T) {
	p := pipeline(t)
	texts, tags := readTagged(t, "testdata/tags_train.csv")
	docs := processAll(p, texts)
	ml, err := TrainMultiLabel(docs, tags, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	labels := make([]string, len(tags))
	for i, ts := range tags {
		labels[i] = "其他"
		if len(ts) > 0 {
			labels[i] = ts[0]
		}
	}
	mc, err := TrainMultiClass(docs, labels, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	held, _ := readTagged(t, "testdata/tags_heldout.csv")
	for _, m := range []*Model{ml, mc} {
		blob, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Load(blob)
		if err != nil {
			t.Fatal(err)
		}
		if back.Kind() != m.Kind() || back.Hyper() != m.Hyper() || back.Features() != m.Features() ||
			back.TrainingSize() != m.TrainingSize() || back.HeldOutScore() != m.HeldOutScore() || !slices.Equal(back.Classes(), m.Classes()) {
			t.Fatalf("%v: description changed on the way through the blob", m.Kind())
		}
		var into Model
		if err := into.UnmarshalBinary(blob); err != nil {
			t.Fatal(err)
		}
		for _, text := range append(held, texts...) {
			d := p.Process(text)
			want := m.Scores(d, nil)
			for _, got := range []*Model{back, &into} {
				if s := got.Scores(d, nil); !slices.Equal(s, want) {
					t.Fatalf("%v, %q: scores %v after load, %v before", m.Kind(), text, s, want)
				}
			}
			if m.Kind() == MultiLabel && !slices.Equal(back.Tags(d), m.Tags(d)) {
				t.Fatalf("%q: tags differ after load", text)
			}
		}
	}
}

func TestLoadRejectsDamage(t *testing.T) {
	docs, labels := toyProblem()
	m, err := TrainMultiClass(docs, labels, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := m.MarshalBinary()

	flipped := slices.Clone(blob)
	flipped[len(flipped)/2] ^= 0x40
	newer := slices.Clone(blob)
	binary.LittleEndian.PutUint16(newer[4:], FormatVersion+1)
	for name, b := range map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("JUNK"), blob[4:]...),
		"truncated": blob[:len(blob)-9],
		"flipped":   flipped,
		"version":   newer,
	} {
		if _, err := Load(b); !errors.Is(err, ErrBadBlob) {
			t.Errorf("%s: err = %v, want ErrBadBlob", name, err)
		}
	}
}

func FuzzLoad(f *testing.F) {
	docs, labels := toyProblem()
	m, err := TrainMultiClass(docs, labels, Options{Seed: 1, Features: FeatureConfig{Bits: 12, Words: true, CharMin: 1, CharMax: 2, MinDF: 1}})
	if err != nil {
		f.Fatal(err)
	}
	blob, _ := m.MarshalBinary()
	f.Add(blob)
	f.Add([]byte("VLLM\x01\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// The checksum stops most mutations early; fix it up so the fuzzer
		// also reaches the field decoder.
		if len(b) >= 4 {
			b = slices.Clone(b)
			binary.LittleEndian.PutUint32(b[len(b)-4:], crc(b[:len(b)-4]))
		}
		m, err := Load(b)
		if err != nil {
			return
		}
		m.Scores(wordDoc("apple engine"), nil)
	})
}
