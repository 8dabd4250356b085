package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/models"
)

// DefaultMaxImportBytes caps an uploaded file when Config.MaxImportBytes
// is zero: a year of a busy shop's reviews as CSV (~200k rows) fits; the
// upload is spooled to disk, never held in memory.
const DefaultMaxImportBytes = 64 << 20

// Limits of the import runner: imports write through one SQLite writer
// anyway, so more at once only queue; finished ones are kept to be read.
const (
	maxRunningImports = 2
	maxKeptImports    = 50
	previewRows       = 20
)

// importJob is one upload being imported. Its fields change under mu
// while the import runs.
type importJob struct {
	mu         sync.Mutex
	ID         string               `json:"id"`
	File       string               `json:"file"`
	Status     string               `json:"status"` // running, done, failed
	Done       int                  `json:"done"`
	Total      int                  `json:"total"`
	Error      string               `json:"error,omitempty"`
	Report     *models.ImportReport `json:"report,omitempty"`
	CreatedAt  time.Time            `json:"created_at"`
	FinishedAt *time.Time           `json:"finished_at,omitempty"`
}

// Import statuses.
const (
	importRunning = "running"
	importDone    = "done"
	importFailed  = "failed"
)

type importResponse struct {
	Import *importJob `json:"import"`
}

// snapshot copies the job for encoding while it may still change.
func (j *importJob) snapshot() *importJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	return &importJob{ID: j.ID, File: j.File, Status: j.Status, Done: j.Done, Total: j.Total,
		Error: j.Error, Report: j.Report, CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt}
}

// importRunner runs uploads in the background. Close cancels them and
// waits, so nothing outlives the handler.
type importRunner struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	dir    string

	mu    sync.Mutex
	jobs  map[string]*importJob
	order []string // oldest first
}

func newImportRunner(dir string) *importRunner {
	ctx, cancel := context.WithCancel(context.Background())
	return &importRunner{ctx: ctx, cancel: cancel, dir: dir, jobs: map[string]*importJob{}}
}

func (r *importRunner) close() {
	r.cancel()
	r.wg.Wait()
}

func (r *importRunner) find(id string) *importJob {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.jobs[id]
}

// add registers a new running job, or answers ECONFLICT when enough run.
func (r *importRunner) add(file string) (*importJob, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	running := 0
	for _, j := range r.jobs {
		j.mu.Lock()
		if j.Status == importRunning {
			running++
		}
		j.mu.Unlock()
	}
	if running >= maxRunningImports {
		return nil, models.Errorf(models.ECONFLICT, "%d imports are running; wait for one to finish", running)
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	j := &importJob{ID: "imp_" + hex.EncodeToString(b[:]), File: file, Status: importRunning, CreatedAt: time.Now().UTC()}
	r.jobs[j.ID] = j
	r.order = append(r.order, j.ID)
	for len(r.order) > maxKeptImports {
		old := r.jobs[r.order[0]]
		old.mu.Lock()
		running := old.Status == importRunning
		old.mu.Unlock()
		if running {
			break
		}
		delete(r.jobs, r.order[0])
		r.order = r.order[1:]
	}
	return j, nil
}

func (h *handler) importRoutes(v1 *gin.RouterGroup) {
	im := v1.Group("/imports", h.requireFeedback)
	im.POST("/preview", h.previewImport)
	im.POST("", h.requireAnalyzer, h.createImport)
	im.GET("/:id", h.getImport)
}

// upload is a spooled multipart upload: the file on disk, the other
// fields in memory.
type upload struct {
	path, name string
	fields     map[string]string
}

func (u *upload) remove() {
	if u.path != "" {
		os.Remove(u.path)
	}
}

// readUpload spools the multipart body's "file" part to a temporary file,
// reading at most the import limit, and keeps the fields in allowed.
func (h *handler) readUpload(c *gin.Context, allowed map[string]bool) (*upload, error) {
	if c.Request.ContentLength > h.maxImport {
		return nil, models.Errorf(models.ETOOLARGE, "file: larger than the limit of %d bytes", h.maxImport)
	}
	var w http.ResponseWriter = c.Writer
	if u, ok := w.(interface{ Unwrap() http.ResponseWriter }); ok {
		w = u.Unwrap()
	}
	c.Request.Body = http.MaxBytesReader(w, c.Request.Body, h.maxImport)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, malformed("body", "must be multipart/form-data with a file field: %v", err)
	}
	up := &upload{fields: map[string]string{}}
	fail := func(err error) (*upload, error) {
		up.remove()
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, models.Errorf(models.ETOOLARGE, "file: larger than the limit of %d bytes", tooBig.Limit)
		}
		return nil, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			return fail(malformed("body", "unreadable multipart body: %v", err))
		}
		name := part.FormName()
		switch {
		case name == "file":
			if up.path != "" {
				return fail(malformed("file", "send one file"))
			}
			if err := up.spool(h.importDir, part); err != nil {
				return fail(err)
			}
		case allowed[name]:
			b, err := io.ReadAll(io.LimitReader(part, 1025))
			if err != nil {
				return fail(malformed(name, "unreadable: %v", err))
			}
			if len(b) > 1024 {
				return fail(invalid(name, "at most 1024 bytes"))
			}
			up.fields[name] = strings.TrimSpace(string(b))
		default:
			return fail(malformed(name, "unknown field"))
		}
	}
	if up.path == "" {
		return nil, invalid("file", "required: the CSV, JSONL or .xlsx file to import")
	}
	return up, nil
}

func (u *upload) spool(dir string, part *multipart.Part) error {
	u.name = filepath.Base(part.FileName())
	if u.name == "." || u.name == "/" || u.name == "" {
		u.name = "upload.csv"
	}
	f, err := os.CreateTemp(dir, "voclens-import-*"+filepath.Ext(u.name))
	if err != nil {
		return err
	}
	u.path = f.Name()
	_, err = io.Copy(f, part)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// readerOptions maps the form fields to ingest options. Errors about a
// column name the form field (text_col), as the console sends it.
func readerOptions(fields map[string]string) ingest.Options {
	return ingest.Options{
		Columns:       ingest.Columns{Text: fields["text_col"], ID: fields["id_col"], Time: fields["time_col"]},
		DefaultSource: fields["source"],
		Sheet:         fields["sheet"],
	}
}

// formField turns the CLI flag a reader error names into the form field.
func formField(err error) error {
	var e *models.Error
	if !errors.As(err, &e) {
		return err
	}
	for flag, field := range map[string]string{"text-col:": "text_col:", "id-col:": "id_col:", "time-col:": "time_col:"} {
		if strings.HasPrefix(e.Message, flag) {
			return models.Errorf(e.Code, "%s%s", field, strings.TrimPrefix(e.Message, flag))
		}
	}
	return err
}

func openUpload(up *upload, opts ingest.Options) (*ingest.Reader, *os.File, error) {
	f, err := os.Open(up.path)
	if err != nil {
		return nil, nil, err
	}
	rd, err := ingest.NewReader(f, up.name, opts)
	if err != nil {
		f.Close()
		return nil, nil, formField(err)
	}
	return rd, f, nil
}

type previewResponse struct {
	Format   string     `json:"format"`
	Encoding string     `json:"encoding"`
	Columns  []string   `json:"columns"`
	Rows     [][]string `json:"rows"`
	Sheets   []string   `json:"sheets"`
}

// previewImport is POST /v1/imports/preview: the columns and first rows of
// an upload, for a person to choose the text, id and time columns.
// Nothing is stored.
func (h *handler) previewImport(c *gin.Context) {
	up, err := h.readUpload(c, map[string]bool{"sheet": true})
	if err != nil {
		h.respondError(c, err)
		return
	}
	defer up.remove()
	opts := readerOptions(up.fields)
	opts.AnyColumns = true
	rd, f, err := openUpload(up, opts)
	if err != nil {
		h.respondError(c, err)
		return
	}
	defer f.Close()
	defer rd.Close()
	rows, err := rd.Preview(previewRows)
	if err != nil {
		h.respondError(c, models.Errorf(models.EINVALID, "file: %v", err))
		return
	}
	sheets := rd.Sheets()
	if sheets == nil {
		sheets = []string{}
	}
	respond(c, http.StatusOK, previewResponse{Format: rd.Format(), Encoding: rd.Encoding(),
		Columns: rd.Header(), Rows: rows, Sheets: sheets})
}

// createImport is POST /v1/imports: the columns are checked now (a wrong
// one is 422 naming the field, and nothing is stored); the rows are
// imported in the background, GET /v1/imports/{id} follows them.
func (h *handler) createImport(c *gin.Context) {
	up, err := h.readUpload(c, map[string]bool{"text_col": true, "id_col": true, "time_col": true, "source": true, "sheet": true})
	if err != nil {
		h.respondError(c, err)
		return
	}
	opts := readerOptions(up.fields)
	if opts.DefaultSource == "" {
		opts.DefaultSource = strings.TrimSuffix(up.name, filepath.Ext(up.name))
	}
	if err := checkLen("source", opts.DefaultSource, models.MaxSourceLen); err != nil {
		up.remove()
		h.respondError(c, err)
		return
	}
	rd, f, err := openUpload(up, opts)
	if err != nil {
		up.remove()
		h.respondError(c, err)
		return
	}
	rd.Close()
	f.Close()
	job, err := h.imports.add(up.name)
	if err != nil {
		up.remove()
		h.respondError(c, err)
		return
	}
	an := h.loadedAnalyzer()
	h.imports.wg.Go(func() {
		defer up.remove()
		h.runImport(h.imports.ctx, job, up, opts, an)
	})
	respond(c, http.StatusAccepted, importResponse{Import: job.snapshot()})
}

// runImport counts the rows, then imports them, updating job as batches
// are stored.
func (h *handler) runImport(ctx context.Context, job *importJob, up *upload, opts ingest.Options, an models.Analyzer) {
	finish := func(rep *models.ImportReport, err error) {
		job.mu.Lock()
		defer job.mu.Unlock()
		now := time.Now().UTC()
		job.FinishedAt = &now
		job.Report = rep
		if err != nil {
			job.Status, job.Error = importFailed, models.ErrorMessage(err)
			h.log.LogAttrs(ctx, slog.LevelWarn, "import failed", slog.String("import", job.ID), slog.String("error", err.Error()))
			return
		}
		job.Status, job.Done = importDone, rep.Rows
		if rep.Rows > job.Total {
			job.Total = rep.Rows
		}
	}
	total, err := countUpload(up, opts)
	if err != nil {
		finish(nil, err)
		return
	}
	job.mu.Lock()
	job.Total = total
	job.mu.Unlock()
	owners, err := h.ownerTable(ctx)
	if err != nil {
		finish(nil, err)
		return
	}
	rd, f, err := openUpload(up, opts)
	if err != nil {
		finish(nil, err)
		return
	}
	defer f.Close()
	defer rd.Close()
	rep, err := ingest.Import(ctx, rd, h.feedback, up.name, ingest.ImportOptions{
		Analyzer: an,
		Owners:   owners,
		Progress: func(rows int, _ *models.ImportReport) {
			job.mu.Lock()
			job.Done = rows
			job.mu.Unlock()
		},
	})
	if rep != nil {
		h.metrics.stored(rep.Imported)
		h.metrics.unroutedSevere(endpointImport, rep.Unrouted)
	}
	finish(rep, err)
}

func countUpload(up *upload, opts ingest.Options) (int, error) {
	f, err := os.Open(up.path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := ingest.CountRows(f, up.name, opts)
	if err != nil {
		return 0, fmt.Errorf("count rows: %w", err)
	}
	return n, nil
}

// getImport is GET /v1/imports/:id.
func (h *handler) getImport(c *gin.Context) {
	job := h.imports.find(c.Param("id"))
	if job == nil {
		h.respondError(c, models.Errorf(models.ENOTFOUND, "import %q not found (imports are kept in memory until the server restarts)", c.Param("id")))
		return
	}
	respond(c, http.StatusOK, importResponse{Import: job.snapshot()})
}
