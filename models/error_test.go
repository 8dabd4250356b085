package models

import (
	"errors"
	"fmt"
	"testing"
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
