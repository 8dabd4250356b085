package classifier

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/voclens/voclens/models"
)

//go:embed data/taxonomy.json
var defaultTaxonomyJSON []byte

// DefaultTaxonomy returns the built-in complaint dimensions, a fresh copy
// each call so callers may edit it.
func DefaultTaxonomy() models.Taxonomy {
	tax, err := LoadTaxonomy(bytes.NewReader(defaultTaxonomyJSON))
	if err != nil {
		// The file is embedded and checked by the tests; failing here
		// means the binary was built from a broken tree.
		panic("classifier: embedded taxonomy: " + err.Error())
	}
	return tax
}

// LoadTaxonomy reads a taxonomy as JSON ({"version":…, "tags":[…]}) and
// validates it. Errors are *models.Error with code EINVALID (or
// EMALFORMED when the JSON itself cannot be read) naming the field.
func LoadTaxonomy(r io.Reader) (models.Taxonomy, error) {
	var tax models.Taxonomy
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tax); err != nil {
		// Broken JSON cannot be read at all; well-formed JSON with a
		// wrong type or an unknown field is a bad value of a field.
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return models.Taxonomy{}, models.Errorf(models.EMALFORMED, "taxonomy: %v", err)
		}
		return models.Taxonomy{}, models.Errorf(models.EINVALID, "taxonomy: %v", err)
	}
	if err := ValidateTaxonomy(tax); err != nil {
		return models.Taxonomy{}, err
	}
	return tax, nil
}

// ValidateTaxonomy checks what the classifier relies on: at least one tag,
// unique non-empty names, known parents, weights in [0, 1], non-empty
// keywords. The api package uses it for edits that do not come as a file.
func ValidateTaxonomy(tax models.Taxonomy) error {
	if len(tax.Tags) == 0 {
		return models.Errorf(models.EINVALID, "tags: a taxonomy needs at least one tag")
	}
	seen := make(map[string]bool, len(tax.Tags))
	for i, t := range tax.Tags {
		name := strings.TrimSpace(t.Name)
		if name == "" {
			return models.Errorf(models.EINVALID, "tags[%d].name: must not be empty", i)
		}
		if name != t.Name {
			return models.Errorf(models.EINVALID, "tags[%d].name: %q has leading or trailing space", i, t.Name)
		}
		if seen[name] {
			return models.Errorf(models.EINVALID, "tags[%d].name: %q is used by another tag", i, name)
		}
		seen[name] = true
		// NaN fails both comparisons, so it is rejected too.
		if !(t.SeverityWeight >= 0 && t.SeverityWeight <= 1) {
			return models.Errorf(models.EINVALID, "tags[%d].severity_weight: %v is outside [0, 1]", i, t.SeverityWeight)
		}
		for j, k := range t.Keywords {
			if strings.TrimSpace(k) == "" {
				return models.Errorf(models.EINVALID, "tags[%d].keywords[%d]: must not be empty", i, j)
			}
		}
	}
	for i, t := range tax.Tags {
		if t.Parent != "" && (!seen[t.Parent] || t.Parent == t.Name) {
			return models.Errorf(models.EINVALID, "tags[%d].parent: %q is not another tag", i, t.Parent)
		}
	}
	return nil
}
