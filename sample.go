// Package voclens embeds the team-written sample feedback set, so
// `voclens serve --demo` works from a bare binary.
package voclens

import _ "embed"

// SampleFeedback is testdata/sample_feedback.csv: several hundred feedback
// items over five channels and two months, with a theme that spikes after
// app version 5.3.0 (2026-10-15).
//
//go:embed testdata/sample_feedback.csv
var SampleFeedback []byte

// SampleFeedbackName is the file name the sample was written under.
const SampleFeedbackName = "sample_feedback.csv"
