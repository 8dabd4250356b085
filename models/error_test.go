package models

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestErrorCodeSurvivesWrapping(t *testing.T) {
	tests := []struct {
		name          string
		err           error
		code, message string
	}{
		{"nil", nil, "", ""},
		{"coded", Errorf(EINVALID, "text: must not be empty"), EINVALID, "text: must not be empty"},
		{"wrapped", fmt.Errorf("import: %w", Errorf(ENOTFOUND, "feedback 7 not found")), ENOTFOUND, "feedback 7 not found"},
		{"plain errors stay internal", errors.New("disk I/O error: /var/lib/x"), EINTERNAL, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := ErrorMessage(tt.err); got != tt.message {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.message)
			}
		})
	}
}

func TestParseRangeBound(t *testing.T) {
	tests := []struct {
		in   string
		isTo bool
		want string
		ok   bool
	}{
		{"", false, "0001-01-01T00:00:00Z", true},
		{"2026-10-15", false, "2026-10-15T00:00:00Z", true},
		{"2026-10-31", true, "2026-11-01T00:00:00Z", true},
		{"2026-10-15T08:30:00+08:00", true, "2026-10-15T08:30:00+08:00", true},
		{"15/10/2026", false, "", false},
	}
	for _, tt := range tests {
		got, err := ParseRangeBound(tt.in, tt.isTo)
		if (err == nil) != tt.ok || (tt.ok && got.Format(time.RFC3339) != tt.want) {
			t.Errorf("ParseRangeBound(%q, %v) = %v, %v; want %s", tt.in, tt.isTo, got, err, tt.want)
		}
	}
}
