package classifier

import (
	"errors"
	"strings"
	"testing"

	"github.com/voclens/voclens/models"
)

func TestDefaultTaxonomy(t *testing.T) {
	tax := DefaultTaxonomy()
	if err := ValidateTaxonomy(tax); err != nil {
		t.Fatal(err)
	}
	if len(tax.Tags) < 14 {
		t.Errorf("default taxonomy has %d tags, want at least 14", len(tax.Tags))
	}
	byName := map[string]models.Tag{}
	for _, tag := range tax.Tags {
		byName[tag.Name] = tag
		if tag.Description == "" {
			t.Errorf("%s: no description", tag.Name)
		}
		if n := len(tag.Keywords); n < 20 || n > 60 {
			t.Errorf("%s: %d keywords, want 20–60", tag.Name, n)
		}
		for _, k := range tag.Keywords {
			// The demo data plants a points-expiry theme that clustering
			// must find as uncovered; no tag may claim it.
			for _, banned := range []string{"积分", "清零"} {
				if strings.Contains(k, banned) {
					t.Errorf("%s: keyword %q covers the planted %s theme", tag.Name, k, banned)
				}
			}
		}
	}
	for _, name := range []string{"物流配送", "产品质量", "服务态度", "售后退换", "价格费用", "功能使用", "账户与信息安全", "营销推销", "网络信号", "票据发票", "包装", "口味菜品", "虚假宣传", "安全隐患"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("missing dimension %s", name)
		}
	}
	if w := byName["安全隐患"].SeverityWeight; w < 0.9 {
		t.Errorf("安全隐患 weight %v, want ≥ 0.9", w)
	}
	if w := byName["账户与信息安全"].SeverityWeight; w < 0.9 {
		t.Errorf("账户与信息安全 weight %v, want ≥ 0.9", w)
	}
	if w := byName["包装"].SeverityWeight; w > 0.3 {
		t.Errorf("包装 weight %v, want low", w)
	}
	// A copy per call: editing one must not change the next.
	tax.Tags[0].Name = "changed"
	if DefaultTaxonomy().Tags[0].Name == "changed" {
		t.Error("DefaultTaxonomy shares its slice between calls")
	}
}

func TestLoadTaxonomyErrors(t *testing.T) {
	tests := []struct {
		name, json, code, field string
	}{
		{"not json", `{"tags": [`, models.EMALFORMED, "taxonomy"},
		{"empty input", ``, models.EMALFORMED, "taxonomy"},
		{"unknown field", `{"tags": [{"name": "a", "keywords": ["x"], "weight": 1}]}`, models.EINVALID, "weight"},
		{"wrong type", `{"tags": [{"name": "a", "keywords": ["x"], "severity_weight": "high"}]}`, models.EINVALID, "severity_weight"},
		{"no tags", `{"version": "1", "tags": []}`, models.EINVALID, "tags"},
		{"empty name", `{"tags": [{"name": "", "keywords": ["x"]}]}`, models.EINVALID, "tags[0].name"},
		{"blank name", `{"tags": [{"name": "  ", "keywords": ["x"]}]}`, models.EINVALID, "tags[0].name"},
		{"padded name", `{"tags": [{"name": " 物流", "keywords": ["x"]}]}`, models.EINVALID, "tags[0].name"},
		{"duplicate name", `{"tags": [{"name": "物流", "keywords": ["x"]}, {"name": "物流", "keywords": ["y"]}]}`, models.EINVALID, "tags[1].name"},
		{"weight above 1", `{"tags": [{"name": "a", "keywords": ["x"], "severity_weight": 1.5}]}`, models.EINVALID, "tags[0].severity_weight"},
		{"negative weight", `{"tags": [{"name": "a", "keywords": ["x"]}, {"name": "b", "keywords": ["x"], "severity_weight": -0.1}]}`, models.EINVALID, "tags[1].severity_weight"},
		{"empty keyword", `{"tags": [{"name": "a", "keywords": ["x", " "]}]}`, models.EINVALID, "tags[0].keywords[1]"},
		{"unknown parent", `{"tags": [{"name": "a", "parent": "b", "keywords": ["x"]}]}`, models.EINVALID, "tags[0].parent"},
		{"own parent", `{"tags": [{"name": "a", "parent": "a", "keywords": ["x"]}]}`, models.EINVALID, "tags[0].parent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadTaxonomy(strings.NewReader(tt.json))
			var me *models.Error
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want *models.Error", err)
			}
			if me.Code != tt.code || !strings.Contains(me.Message, tt.field) {
				t.Errorf("err = %v, want code %s naming %q", err, tt.code, tt.field)
			}
		})
	}
}

func TestLoadTaxonomyValid(t *testing.T) {
	tax, err := LoadTaxonomy(strings.NewReader(`{"version": "x", "tags": [
		{"name": "物流", "keywords": ["快递"], "severity_weight": 0.4},
		{"name": "丢件", "parent": "物流", "keywords": ["丢件"], "severity_weight": 1}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if tax.Version != "x" || len(tax.Tags) != 2 || tax.Tags[1].Parent != "物流" {
		t.Errorf("got %+v", tax)
	}
}

func FuzzLoadTaxonomy(f *testing.F) {
	f.Add(string(defaultTaxonomyJSON))
	f.Add(`{"tags": [{"name": "a", "keywords": ["x"], "severity_weight": 0.5}]}`)
	f.Add(`{"tags": [{"name": "a", "keywords": [""], "severity_weight": NaN}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		tax, err := LoadTaxonomy(strings.NewReader(s))
		if err != nil {
			if models.ErrorCode(err) != models.EINVALID && models.ErrorCode(err) != models.EMALFORMED {
				t.Fatalf("error without a client code: %v", err)
			}
			return
		}
		// Whatever loads must be usable by the tagger.
		NewRuleTagger(tax)
	})
}
