package models

import (
	"context"
	"time"
)

// Feedback is one piece of customer text from one channel.
type Feedback struct {
	ID         int64             `json:"id"`
	Source     string            `json:"source"`
	ExternalID string            `json:"external_id,omitempty"`
	Text       string            `json:"text"`
	CreatedAt  time.Time         `json:"created_at"`
	CustomerID string            `json:"customer_id,omitempty"`
	Meta       map[string]string `json:"meta,omitempty"`
	// DuplicateOf links a near-identical earlier item (0 when none).
	DuplicateOf int64     `json:"duplicate_of,omitempty"`
	ImportedAt  time.Time `json:"imported_at"`
	Analysis    *Analysis `json:"analysis,omitempty"`
}

// Limits every entry point enforces on feedback text.
const (
	MaxTextRunes     = 20000 // one text
	MaxAnalyzeBatch  = 1000  // texts in one POST /v1/analyze
	MaxFeedbackBatch = 1000  // items in one POST /v1/feedback
	MaxSourceLen     = 64
	MaxExternalIDLen = 256
)

// FeedbackFilter selects stored feedback. Zero values mean "any".
type FeedbackFilter struct {
	Source    string
	Tag       string
	Sentiment string
	From, To  time.Time
	AfterID   int64 // keyset cursor: items with ID > AfterID
	Limit     int
}

// CreateFeedbackResult says what a batch write did.
type CreateFeedbackResult struct {
	Created  int     `json:"created"`
	Existing int     `json:"existing"` // already stored under the same (source, external_id)
	IDs      []int64 `json:"ids"`      // one per input item, in input order
	// Linked counts the new items stored as near-duplicates of an item
	// from another channel (NearDuplicateWindow); DuplicateOf holds, per
	// input item, the item it was linked to (0 when none).
	Linked      int     `json:"linked"`
	DuplicateOf []int64 `json:"-"`
}

// Cross-channel near-duplicates: the same customer writing the same
// complaint through the app and the hotline is one complaint. A new item
// is linked (Feedback.DuplicateOf) to an earlier-stored item of the same
// customer from another source created within NearDuplicateWindow of it
// whose text's SimHash is within NearDuplicateDistance bits. Linked items
// are kept, stored and searchable, but statistics count only the item they
// point to.
const (
	NearDuplicateWindow   = 7 * 24 * time.Hour
	NearDuplicateDistance = 3
)

// FeedbackService stores feedback and its analyses.
type FeedbackService interface {
	// CreateFeedback stores items with their analyses in one transaction.
	// It is idempotent on (Source, ExternalID): an item whose pair is
	// already stored is left as it is and reported as existing.
	CreateFeedback(ctx context.Context, items []*Feedback) (*CreateFeedbackResult, error)
	FindFeedbackByID(ctx context.Context, id int64) (*Feedback, error)
	FindFeedback(ctx context.Context, filter FeedbackFilter) ([]*Feedback, error)
	CountFeedback(ctx context.Context) (int, error)
}

// ParseRangeBound reads one end of a FeedbackFilter time range as people
// write it: RFC 3339, or a bare YYYY-MM-DD meaning a whole UTC day. Because
// the range is [From, To), a bare day as the end (isTo) becomes the start
// of the next day, so "to=2026-10-31" includes the 31st. Empty gives the
// zero time (no bound). The error is for the caller to name its field.
func ParseRangeBound(s string, isTo bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, err
	}
	if isTo {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// ColumnFill is how full one column of an imported file was.
type ColumnFill struct {
	Column string  `json:"column"`
	Filled int     `json:"filled"`
	Rate   float64 `json:"rate"`
}

// ImportReport is the data-quality report of one file's import: what was
// read, what became of each row, and how full each column was.
type ImportReport struct {
	File     string `json:"file"`
	Format   string `json:"format"`
	Encoding string `json:"encoding"`
	Sheet    string `json:"sheet,omitempty"`
	// Rows counts the data rows read; BlankRows the empty rows of a
	// spreadsheet passed over (not rows of data).
	Rows      int `json:"rows"`
	BlankRows int `json:"blank_rows"`
	Imported  int `json:"imported"`
	// Existing rows were already stored under the same (source, id): a
	// re-import of the same file adds nothing.
	Existing int `json:"existing"`
	// Skipped counts the rows not imported by reason ("empty text",
	// "missing id", "bad date", "duplicate id", …); SkippedRows lists the
	// first MaxReportRows of them.
	Skipped     map[string]int `json:"skipped"`
	SkippedRows []ReportRow    `json:"skipped_rows"`
	// Linked counts the imported rows that are near-duplicates of another
	// channel's item (NearDuplicateWindow): they are stored and searchable,
	// and statistics count them once. LinkedRows lists the first ones.
	Linked     int         `json:"linked"`
	LinkedRows []ReportRow `json:"linked_rows"`
	// Unrouted counts the imported rows at the top severity whose tags
	// have no owner; UnroutedRows lists the first ones, so someone owns
	// them before they are forgotten in a bulk import.
	Unrouted     int          `json:"unrouted"`
	UnroutedRows []ReportRow  `json:"unrouted_rows"`
	FillRate     []ColumnFill `json:"fill_rate"`
	Seconds      float64      `json:"seconds"`
}

// MaxReportRows caps each list of rows in an ImportReport: the counts are
// complete, the lists are examples to look at.
const MaxReportRows = 100

// ReportRow is one row of an imported file the report points at.
type ReportRow struct {
	Row         int      `json:"row"`
	ExternalID  string   `json:"external_id,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Detail      string   `json:"detail,omitempty"`
	ID          int64    `json:"id,omitempty"`           // the stored item
	DuplicateOf int64    `json:"duplicate_of,omitempty"` // Linked rows
	Tags        []string `json:"tags,omitempty"`         // Unrouted rows
}
