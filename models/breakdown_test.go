package models

import "testing"

func TestLoadZone(t *testing.T) {
	for _, name := range []string{"", "Local", "Mars/Base"} {
		if loc, err := LoadZone(name); err == nil {
			t.Errorf("LoadZone(%q) = %v, want an error", name, loc)
		}
	}
	for _, name := range []string{"Asia/Shanghai", "UTC"} {
		if loc, err := LoadZone(name); err != nil || loc.String() != name {
			t.Errorf("LoadZone(%q) = %v, %v", name, loc, err)
		}
	}
}
