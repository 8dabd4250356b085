package models

// Tag is one dimension of the taxonomy, e.g. 物流配送.
type Tag struct {
	Name        string   `json:"name"`
	Parent      string   `json:"parent,omitempty"`
	Description string   `json:"description,omitempty"`
	Keywords    []string `json:"keywords"`
	// SeverityWeight in [0, 1]: how serious a complaint in this dimension is
	// even when written calmly (privacy or safety near 1, packaging low).
	SeverityWeight float64 `json:"severity_weight"`
}

// Taxonomy is the set of tags the classifier assigns.
type Taxonomy struct {
	Version string `json:"version"`
	Tags    []Tag  `json:"tags"`
}
