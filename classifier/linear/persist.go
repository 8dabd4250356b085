package linear

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// The blob format is little-endian: magic, format version, the
// configuration and label descriptions, then the kept buckets as
// delta-encoded varints, their IDF, the biases and the weight matrix as
// float32, and a CRC-32 of everything before it. Weights are float32
// because the solver's float64 precision buys nothing at prediction time
// and halves the size.
const (
	blobMagic = "VLLM"
	// FormatVersion is the blob format written by MarshalBinary. Load
	// reads this version only; a change of layout bumps it.
	FormatVersion = 1
)

// ErrBadBlob is returned by Load for data that is not a model blob of a
// supported version, or is damaged.
var ErrBadBlob = errors.New("linear: not a valid model blob")

// MarshalBinary encodes the model, for storage as a model version.
func (m *Model) MarshalBinary() ([]byte, error) {
	rows := len(m.vocab.buckets) + m.nSide
	b := make([]byte, 0, 256+rows*(3+4+4*m.nvec))
	b = append(b, blobMagic...)
	b = binary.LittleEndian.AppendUint16(b, FormatVersion)
	f := m.features
	b = append(b, byte(m.kind), f.Bits, bool8(f.Words), bool8(f.Bigrams), byte(f.CharMin), byte(f.CharMax))
	b = binary.AppendUvarint(b, uint64(f.MinDF))
	b = appendF64(b, m.hyper.C)
	// One byte of flags: bit 0 NB, bit 1 Blend (older blobs hold 0 or 1).
	b = append(b, bool8(m.hyper.NB)|bool8(m.hyper.Blend)<<1)
	b = appendF64(b, m.cvScore)
	b = binary.AppendUvarint(b, uint64(m.nTrain))
	b = binary.AppendUvarint(b, uint64(len(m.classes)))
	for _, c := range m.classes {
		b = binary.AppendUvarint(b, uint64(len(c.Label)))
		b = append(b, c.Label...)
		b = binary.AppendUvarint(b, uint64(c.Positives))
		b = append(b, bool8(c.Calibrated))
		for _, x := range []float64{c.PlattA, c.PlattB, c.Threshold, c.HeldOut.Precision, c.HeldOut.Recall, c.HeldOut.F1} {
			b = appendF64(b, x)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(m.sideName)))
	b = append(b, m.sideName...)
	b = binary.AppendUvarint(b, uint64(m.nSide))
	b = binary.AppendUvarint(b, uint64(m.nvec))
	b = binary.AppendUvarint(b, uint64(len(m.vocab.buckets)))
	prev := uint32(0)
	for i, k := range m.vocab.buckets {
		d := k - prev
		if i == 0 {
			d = k
		}
		b = binary.AppendUvarint(b, uint64(d))
		prev = k
	}
	for _, x := range m.vocab.idf {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	for _, x := range m.bias {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	for _, x := range m.w {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return binary.LittleEndian.AppendUint32(b, crc(b)), nil
}

// ErrMissingSide is returned by Load for a model trained with side
// features that were not passed in.
var ErrMissingSide = errors.New("linear: model needs side features")

// Load decodes a blob written by MarshalBinary. A model trained with side
// features needs them among side, found by Name.
func Load(blob []byte, side ...SideFeatures) (*Model, error) {
	m, err := decode(blob)
	if err != nil {
		return nil, err
	}
	if m.sideName != "" {
		for _, s := range side {
			if s.Name() == m.sideName && s.Len() == m.nSide {
				m.side = s
			}
		}
		if m.side == nil {
			return nil, fmt.Errorf("%w %q (%d values)", ErrMissingSide, m.sideName, m.nSide)
		}
	}
	return m, nil
}

func decode(blob []byte) (*Model, error) {
	if len(blob) < len(blobMagic)+2+4 || string(blob[:len(blobMagic)]) != blobMagic {
		return nil, ErrBadBlob
	}
	if v := binary.LittleEndian.Uint16(blob[len(blobMagic):]); v != FormatVersion {
		return nil, fmt.Errorf("%w: format version %d, this build reads %d", ErrBadBlob, v, FormatVersion)
	}
	body := blob[:len(blob)-4]
	if crc(body) != binary.LittleEndian.Uint32(blob[len(body):]) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrBadBlob)
	}
	r := &blobReader{b: body[len(blobMagic)+2:]}
	m := &Model{}
	hdr := r.bytes(6)
	if r.err != nil {
		return nil, r.err
	}
	m.kind = Kind(hdr[0])
	m.features = FeatureConfig{Bits: hdr[1], Words: hdr[2] == 1, Bigrams: hdr[3] == 1,
		CharMin: int(hdr[4]), CharMax: int(hdr[5]), MinDF: int(r.uvarint(1 << 30))}
	m.hyper.C = r.f64()
	flags := r.byte()
	m.hyper.NB, m.hyper.Blend = flags&1 != 0, flags&2 != 0
	m.cvScore = r.f64()
	m.nTrain = int(r.uvarint(1 << 40))
	nClasses := int(r.uvarint(uint64(len(r.b))))
	if r.err != nil {
		return nil, r.err
	}
	if err := m.features.validate(); err != nil || (m.kind != MultiClass && m.kind != MultiLabel) || nClasses == 0 {
		return nil, fmt.Errorf("%w: bad header", ErrBadBlob)
	}
	m.classes = make([]Class, nClasses)
	for i := range m.classes {
		c := &m.classes[i]
		c.Label = string(r.bytes(int(r.uvarint(uint64(len(r.b))))))
		c.Positives = int(r.uvarint(1 << 40))
		c.Calibrated = r.byte() == 1
		c.PlattA, c.PlattB, c.Threshold = r.f64(), r.f64(), r.f64()
		c.HeldOut = PRF{Precision: r.f64(), Recall: r.f64(), F1: r.f64()}
	}
	m.sideName = string(r.bytes(int(r.uvarint(uint64(len(r.b))))))
	m.nSide = int(r.uvarint(1 << 16))
	m.nvec = int(r.uvarint(uint64(nClasses)))
	textRows := int(r.uvarint(1 << m.features.Bits))
	rows := textRows + m.nSide
	if r.err != nil {
		return nil, r.err
	}
	if m.nvec != nClasses && !(m.kind == MultiClass && nClasses == 2 && m.nvec == 1) {
		return nil, fmt.Errorf("%w: %d weight vectors for %d labels", ErrBadBlob, m.nvec, nClasses)
	}
	// Every row costs at least 1 byte of delta and 4 of IDF: refuse counts
	// the blob cannot hold before allocating for them.
	if (m.nSide == 0) != (m.sideName == "") {
		return nil, fmt.Errorf("%w: side features %q with %d values", ErrBadBlob, m.sideName, m.nSide)
	}
	if textRows*(5+4*m.nvec)+m.nSide*4*m.nvec > len(r.b) {
		return nil, fmt.Errorf("%w: truncated", ErrBadBlob)
	}
	buckets := make([]uint32, textRows)
	next := uint64(0)
	for i := range buckets {
		d := r.uvarint(1 << m.features.Bits)
		if i > 0 && d == 0 {
			r.fail()
		}
		next += d
		if next >= 1<<m.features.Bits {
			r.fail()
			break
		}
		buckets[i] = uint32(next)
	}
	idf := r.f32s(textRows)
	m.bias = r.f32s(m.nvec)
	m.w = r.f32s(rows * m.nvec)
	if r.err == nil && len(r.b) != 0 {
		r.fail()
	}
	if r.err != nil {
		return nil, r.err
	}
	m.vocab = newVocab(m.features.Bits, buckets, idf)
	m.init()
	return m, nil
}

// UnmarshalBinary is Load into an existing value, for models without
// side features.
func (m *Model) UnmarshalBinary(blob []byte) error {
	l, err := Load(blob)
	if err != nil {
		return err
	}
	*m = Model{kind: l.kind, features: l.features, hyper: l.hyper, cvScore: l.cvScore, nTrain: l.nTrain, classes: l.classes,
		vocab: l.vocab, side: l.side, sideName: l.sideName, nSide: l.nSide, nvec: l.nvec, w: l.w, bias: l.bias}
	m.init()
	return nil
}

func bool8(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func appendF64(b []byte, x float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
}

// blobReader reads fields in order and remembers the first error, so the
// decoder reads straight through and checks once.
type blobReader struct {
	b   []byte
	err error
}

func (r *blobReader) fail() {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated or malformed", ErrBadBlob)
	}
}

func (r *blobReader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		r.fail()
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *blobReader) byte() byte {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *blobReader) uvarint(limit uint64) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > limit {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *blobReader) f64() float64 {
	if b := r.bytes(8); b != nil {
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	return 0
}

func (r *blobReader) f32s(n int) []float32 {
	b := r.bytes(4 * n)
	if b == nil {
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func crc(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
