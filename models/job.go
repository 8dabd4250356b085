package models

import (
	"context"
	"encoding/json"
	"time"
)

// Job kinds: the batch work an operator starts through POST /v1/jobs or
// the CLI.
const (
	JobRescore   = "rescore"   // re-analyze every stored item with the current analyzer
	JobRecluster = "recluster" // find the themes again
	JobRetrain   = "retrain"   // train a new tag model from the labels
	JobReindex   = "reindex"   // rebuild the search index from the store
)

// JobKinds lists the kinds in the order people read them.
var JobKinds = []string{JobRescore, JobRecluster, JobRetrain, JobReindex}

// Job statuses. Queued and running are unfinished; the others are final.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobSucceeded = "succeeded"
	JobFailed    = "failed"
	JobCanceled  = "canceled"
)

// Job is one run of a batch kind, with its progress. A job that a restart
// interrupted keeps its row: it is resumed from Checkpoint when its kind
// can resume, and failed with a reason otherwise.
type Job struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	// Params is the JSON object the job was submitted with ({} when none).
	Params json.RawMessage `json:"params"`
	Done   int64           `json:"done"`
	Total  int64           `json:"total"`
	// Rate is items per second since the job (last) started; ETASeconds
	// is what remains at that rate, 0 when unknown or finished.
	Rate       float64 `json:"rate"`
	ETASeconds float64 `json:"eta_s"`
	// Checkpoint is the kind's own resume point, e.g. the last feedback id
	// a rescore committed.
	Checkpoint int64  `json:"-"`
	Error      string `json:"error"`
	// Result is the kind's report (a rescore's diff report); while the job
	// runs it may hold the partial report a resume continues from.
	Result json.RawMessage `json:"result"`
	// CancelRequested is set by CancelJob: the process running the job
	// sees it at its next checkpoint.
	CancelRequested bool `json:"-"`
	// Owner names the process running the job, "host:pid".
	Owner      string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
}

// Finished reports whether the job's status is final.
func (j *Job) Finished() bool {
	return j.Status == JobSucceeded || j.Status == JobFailed || j.Status == JobCanceled
}

// JobFilter selects jobs; zero values mean "any". Limit defaults to 50.
type JobFilter struct {
	Kind   string
	Status []string
	Limit  int
}

// JobProgress is a checkpoint: how far a running job got and, for a
// resumable kind, where to resume. Result may carry a partial report.
type JobProgress struct {
	Done, Total int64
	Rate        float64
	Checkpoint  int64
	Result      json.RawMessage // nil keeps the stored one
}

// ItemAnalysis is a new current analysis for one stored item.
type ItemAnalysis struct {
	FeedbackID int64
	Analysis   *Analysis
}

// JobService stores jobs and their progress.
type JobService interface {
	// CreateJob stores a queued job of kind. ECONFLICT when a job of the
	// same kind is queued or running.
	CreateJob(ctx context.Context, kind string, params json.RawMessage) (*Job, error)
	FindJobByID(ctx context.Context, id int64) (*Job, error)
	// FindJobs lists jobs, newest first.
	FindJobs(ctx context.Context, filter JobFilter) ([]*Job, error)
	// ClaimJob marks a queued job running in owner, or takes over a
	// running one whose owner was prev (a process that is gone). ECONFLICT
	// when the job is in neither state any more.
	ClaimJob(ctx context.Context, id int64, owner, prev string) (*Job, error)
	// CheckpointJob records the progress of a running job and, in the
	// same transaction, appends analyses as the items' current ones: a
	// resume from the checkpoint neither skips nor repeats an item. It
	// returns the job as stored, CancelRequested included.
	CheckpointJob(ctx context.Context, id int64, p JobProgress, analyses []ItemAnalysis) (*Job, error)
	// FinishJob moves an unfinished job to a final status (or back to
	// queued, for a resumable job its process had to drop), with its
	// result or error message.
	FinishJob(ctx context.Context, id int64, status string, result json.RawMessage, errMsg string) (*Job, error)
	// CancelJob cancels a queued job at once and asks the owner of a
	// running one to stop. A finished job is returned unchanged.
	CancelJob(ctx context.Context, id int64) (*Job, error)
}

// JobQueue is what the API asks of the job runner: submit, list, watch and
// cancel.
type JobQueue interface {
	// SubmitJob validates params for kind (EINVALID naming the field),
	// stores the job and starts it. ECONFLICT when a job of kind is
	// unfinished.
	SubmitJob(ctx context.Context, kind string, params json.RawMessage) (*Job, error)
	FindJobByID(ctx context.Context, id int64) (*Job, error)
	FindJobs(ctx context.Context, filter JobFilter) ([]*Job, error)
	// CancelJob stops a job; it returns the job once it has stopped, or
	// as it is after a short wait.
	CancelJob(ctx context.Context, id int64) (*Job, error)
}
