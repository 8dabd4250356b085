// Package jobs runs voclens's batch work (rescore, recluster, retrain,
// reindex) as jobs kept in the store: one of a kind at a time, progress
// persisted at checkpoints, cancellable, and after a restart resumed from
// the checkpoint or failed with a reason, never left "running".
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/voclens/voclens/models"
)

// Func does one job's work. It reports progress through run and returns
// the job's report, which is stored as its result (JSON).
type Func func(ctx context.Context, run *Run) (result any, err error)

// Kind is one kind of job as cmd registers it.
type Kind struct {
	Run Func
	// Params checks a submission's params (a JSON object, {} when none)
	// and returns an EINVALID error naming the field; nil accepts only {}.
	Params func(raw json.RawMessage) error
	// Resumable kinds pick up from their checkpoint after an interruption;
	// the others are failed with the reason and must be submitted again.
	Resumable bool
}

// Runner starts jobs in goroutines of its own and keeps their rows
// honest. Start it before submitting; Stop it before closing the store.
type Runner struct {
	Store models.JobService
	Kinds map[string]Kind
	// Owner names this process in the rows it runs, "host:pid" when empty.
	Owner string
	// Alive reports whether the process named by an owner string still
	// runs; default: same host and the pid exists, or another host.
	Alive func(owner string) bool
	// OnProgress, if set, sees each job after every checkpoint and when it
	// ends (metrics, a progress bar). It must not block.
	OnProgress func(*models.Job)
	Logger     *slog.Logger // slog.Default() when nil

	mu       sync.Mutex
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	running  map[int64]*active
	resumed  []*models.Job
	started  bool
	stopping bool
}

// active is a job running in this Runner.
type active struct {
	cancel     context.CancelFunc
	userCancel chan struct{} // closed when a person canceled the job
	cancelOnce sync.Once
	done       chan struct{}
}

var _ models.JobQueue = (*Runner)(nil)

// ErrNotStarted: the Runner takes no jobs before Start or after Stop.
var ErrNotStarted = models.Errorf(models.EUNAVAILABLE, "jobs are not running on this server yet; retry once it is ready")

// interruptedReason is the error of a job that cannot resume.
const interruptedReason = "interrupted: the process running it stopped before it finished; submit it again"

// Start recovers the jobs a previous process left unfinished and runs the
// queued ones. Jobs run until Stop or until ctx ends.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	if r.started {
		r.mu.Unlock()
		return errors.New("jobs: runner already started")
	}
	if r.Owner == "" {
		r.Owner = defaultOwner()
	}
	if r.Alive == nil {
		r.Alive = ownerAlive
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	r.ctx, r.cancel = context.WithCancel(ctx)
	r.running = map[int64]*active{}
	r.started = true
	r.mu.Unlock()
	return r.recover(ctx)
}

// recover resumes or fails every unfinished job of a kind this Runner
// knows whose process is gone, and starts the queued ones.
func (r *Runner) recover(ctx context.Context) error {
	unfinished, err := r.Store.FindJobs(ctx, models.JobFilter{Status: []string{models.JobQueued, models.JobRunning}, Limit: 1000})
	if err != nil {
		return fmt.Errorf("jobs: recover: %w", err)
	}
	slices.Reverse(unfinished) // oldest first
	for _, j := range unfinished {
		kind, known := r.Kinds[j.Kind]
		if !known {
			continue // another process's kind (the CLI knows only rescore)
		}
		prev := ""
		if j.Status == models.JobRunning {
			if r.Alive(j.Owner) {
				continue // running in another process
			}
			if !kind.Resumable {
				if _, err := r.Store.FinishJob(ctx, j.ID, models.JobFailed, nil, interruptedReason); err != nil && models.ErrorCode(err) != models.ECONFLICT {
					return fmt.Errorf("jobs: recover job %d: %w", j.ID, err)
				}
				r.Logger.Warn("job failed: its process stopped", "job", j.ID, "kind", j.Kind, "owner", j.Owner)
				continue
			}
			prev = j.Owner
			r.Logger.Info("resuming job from its checkpoint", "job", j.ID, "kind", j.Kind, "done", j.Done, "checkpoint", j.Checkpoint)
		}
		if _, err := r.launch(j.ID, prev); err != nil && models.ErrorCode(err) != models.ECONFLICT {
			return fmt.Errorf("jobs: recover job %d: %w", j.ID, err)
		} else if err == nil {
			r.mu.Lock()
			r.resumed = append(r.resumed, j)
			r.mu.Unlock()
		}
	}
	return nil
}

// Stop cancels the running jobs and waits for them. A resumable job goes
// back to queued with its checkpoint, so the next Start resumes it; the
// others are failed with the reason.
func (r *Runner) Stop() {
	r.mu.Lock()
	if !r.started || r.stopping {
		r.mu.Unlock()
		return
	}
	r.stopping = true
	r.cancel()
	r.mu.Unlock()
	r.wg.Wait()
}

// SubmitJob validates and stores a job of kind and starts it.
func (r *Runner) SubmitJob(ctx context.Context, kind string, params json.RawMessage) (*models.Job, error) {
	// Kinds may be set until Start; reading them after it is safe.
	if !r.accepting() {
		return nil, ErrNotStarted
	}
	k, ok := r.Kinds[kind]
	if !ok {
		return nil, models.Errorf(models.EINVALID, "kind: unknown job kind %q; one of %s", kind, strings.Join(r.kindNames(), ", "))
	}
	if len(params) == 0 || string(params) == "null" {
		params = json.RawMessage("{}")
	}
	if k.Params != nil {
		if err := k.Params(params); err != nil {
			return nil, err
		}
	} else if err := NoParams(params); err != nil {
		return nil, err
	}
	j, err := r.Store.CreateJob(ctx, kind, params)
	if err != nil {
		return nil, err
	}
	return r.launch(j.ID, "")
}

// FindJobByID returns a job as stored.
func (r *Runner) FindJobByID(ctx context.Context, id int64) (*models.Job, error) {
	return r.Store.FindJobByID(ctx, id)
}

// FindJobs lists jobs, newest first.
func (r *Runner) FindJobs(ctx context.Context, filter models.JobFilter) ([]*models.Job, error) {
	return r.Store.FindJobs(ctx, filter)
}

// CancelJob cancels a job: a queued one at once, one running here by
// stopping it (waiting up to cancelWait for it to record that), and one
// running in another process by flagging it for that process's next
// checkpoint.
func (r *Runner) CancelJob(ctx context.Context, id int64) (*models.Job, error) {
	j, err := r.Store.CancelJob(ctx, id)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	a := r.running[id]
	r.mu.Unlock()
	if a == nil {
		return j, nil
	}
	a.cancelOnce.Do(func() { close(a.userCancel) })
	a.cancel()
	select {
	case <-a.done:
	case <-time.After(cancelWait):
	case <-ctx.Done():
	}
	return r.Store.FindJobByID(ctx, id)
}

// cancelWait bounds how long DELETE /v1/jobs/{id} waits for the job to
// stop; a job stops at its next checkpoint, well within this.
const cancelWait = 10 * time.Second

// Wait blocks until job id is no longer running in this Runner, then
// returns it as stored.
func (r *Runner) Wait(ctx context.Context, id int64) (*models.Job, error) {
	r.mu.Lock()
	a := r.running[id]
	r.mu.Unlock()
	if a != nil {
		select {
		case <-a.done:
		case <-ctx.Done():
			// Stop hands the job back; wait for that so the row is final.
			<-a.done
		}
	}
	return r.Store.FindJobByID(context.WithoutCancel(ctx), id)
}

// Resumed returns the jobs Start took over (queued, or left running by a
// process that is gone), as they were before it did.
func (r *Runner) Resumed() []*models.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.resumed)
}

// Running reports whether job id runs in this Runner now.
func (r *Runner) Running(id int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running[id] != nil
}

func (r *Runner) accepting() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.started && !r.stopping
}

func (r *Runner) kindNames() []string {
	var names []string
	for _, k := range models.JobKinds {
		if _, ok := r.Kinds[k]; ok {
			names = append(names, k)
		}
	}
	for k := range r.Kinds {
		if !slices.Contains(names, k) {
			names = append(names, k)
		}
	}
	return names
}

// launch claims job id (from prev, when taking over a dead process's job)
// and runs it in the background.
func (r *Runner) launch(id int64, prev string) (*models.Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started || r.stopping {
		return nil, ErrNotStarted
	}
	j, err := r.Store.ClaimJob(r.ctx, id, r.Owner, prev)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(r.ctx)
	a := &active{cancel: cancel, userCancel: make(chan struct{}), done: make(chan struct{})}
	r.running[id] = a
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer close(a.done)
		defer cancel()
		r.run(ctx, j, a)
		r.mu.Lock()
		delete(r.running, id)
		r.mu.Unlock()
	}()
	return j, nil
}

// run does job j and records how it ended.
func (r *Runner) run(ctx context.Context, j *models.Job, a *active) {
	kind := r.Kinds[j.Kind]
	run := &Run{Job: j, runner: r, active: a, started: time.Now(), startDone: j.Done}
	r.progress(j)
	started := time.Now()
	result, err := safeRun(ctx, kind.Run, run)

	status, msg := models.JobSucceeded, ""
	userCanceled := false
	select {
	case <-a.userCancel:
		userCanceled = true
	default:
	}
	switch {
	case err == nil:
	case userCanceled:
		status, msg = models.JobCanceled, "canceled"
	case ctx.Err() != nil && kind.Resumable:
		status = models.JobQueued // resumed by the next Start
	case ctx.Err() != nil:
		status, msg = models.JobFailed, interruptedReason
	default:
		status, msg = models.JobFailed, err.Error()
	}
	var res json.RawMessage
	if result != nil {
		b, merr := json.Marshal(result)
		if merr != nil {
			status, msg = models.JobFailed, "encode result: "+merr.Error()
		} else {
			res = b
		}
	}
	// The job's context is over; recording its end must not be.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	done, ferr := r.Store.FinishJob(fctx, j.ID, status, res, msg)
	if ferr != nil {
		r.Logger.Error("recording the end of a job", "job", j.ID, "kind", j.Kind, "status", status, "error", ferr)
		return
	}
	r.Logger.Info("job ended", "job", j.ID, "kind", j.Kind, "status", done.Status, "done", done.Done,
		"total", done.Total, "seconds", time.Since(started).Seconds(), "error", msg)
	r.progress(done)
}

// safeRun turns a panic in a job into its error, so one bad job does not
// take the server down.
func safeRun(ctx context.Context, f Func, run *Run) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job panicked: %v", p)
		}
	}()
	return f(ctx, run)
}

func (r *Runner) progress(j *models.Job) {
	if r.OnProgress != nil {
		r.OnProgress(j)
	}
}

// Run is a running job as its Func sees it.
type Run struct {
	// Job is the job as claimed: Params, and for a resumed job its
	// Checkpoint, Done and partial Result.
	Job *models.Job

	runner    *Runner
	active    *active
	started   time.Time
	startDone int64
	lastSave  time.Time
}

// Checkpoint records progress and, in the same transaction, analyses. It
// returns context.Canceled when someone canceled the job meanwhile (from
// another process too): the Func should return at once.
func (r *Run) Checkpoint(ctx context.Context, p models.JobProgress, analyses []models.ItemAnalysis) error {
	if el := time.Since(r.started).Seconds(); el > 0 {
		p.Rate = float64(p.Done-r.startDone) / el
	}
	if p.Total < p.Done {
		p.Total = p.Done
	}
	j, err := r.runner.Store.CheckpointJob(ctx, r.Job.ID, p, analyses)
	if err != nil {
		return err
	}
	r.lastSave = time.Now()
	r.Job = j
	r.runner.progress(j)
	if j.CancelRequested {
		r.active.cancelOnce.Do(func() { close(r.active.userCancel) })
		r.active.cancel()
		return context.Canceled
	}
	return nil
}

// Progress records done/total at most every progressEvery (and always
// when done reaches total), for kinds with nothing to resume from.
func (r *Run) Progress(ctx context.Context, done, total int64) error {
	if done < total && time.Since(r.lastSave) < progressEvery {
		return nil
	}
	return r.Checkpoint(ctx, models.JobProgress{Done: done, Total: total, Checkpoint: r.Job.Checkpoint}, nil)
}

const progressEvery = 500 * time.Millisecond

// NoParams accepts only an empty params object.
func NoParams(raw json.RawMessage) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return models.Errorf(models.EINVALID, "params: must be a JSON object")
	}
	for k := range m {
		return models.Errorf(models.EINVALID, "params.%s: unknown parameter; this kind takes none", k)
	}
	return nil
}

// DecodeParams decodes a params object into dst, refusing unknown
// fields and wrong types with an EINVALID error naming the field.
func DecodeParams(raw json.RawMessage, dst any) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return models.Errorf(models.EINVALID, "params: must be a JSON object")
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	var ute *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ute):
		return models.Errorf(models.EINVALID, "params.%s: must be %s, not a JSON %s", ute.Field, jsonKind(ute.Type.Kind()), ute.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return models.Errorf(models.EINVALID, "params.%s: unknown parameter", field)
	default:
		return models.Errorf(models.EINVALID, "params: %v", err)
	}
}

// jsonKind names what a Go field of kind k takes in JSON.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

// defaultOwner names this process: "host:pid".
func defaultOwner() string {
	host, _ := os.Hostname()
	return host + ":" + strconv.Itoa(os.Getpid())
}

// ownerAlive reports whether the process named "host:pid" runs. A process
// on another host cannot be checked and counts as alive: its job is left to
// it (or to that host's next start).
func ownerAlive(owner string) bool {
	i := strings.LastIndexByte(owner, ':')
	if i < 0 {
		return false
	}
	host, _ := os.Hostname()
	if owner[:i] != host {
		return true
	}
	pid, err := strconv.Atoi(owner[i+1:])
	if err != nil || pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		// This process, but not a job this Runner has: an earlier Runner
		// of the same process (a restarted server in tests) that stopped
		// without recording the end.
		return false
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
