package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// submitJobRequest is POST /v1/jobs. Params stays raw: each kind checks
// its own and names the field it refuses.
type submitJobRequest struct {
	Kind   string          `json:"kind"`
	Params json.RawMessage `json:"params"`
}

type jobResponse struct {
	Job *models.Job `json:"job"`
}

type jobListResponse struct {
	Jobs []*models.Job `json:"jobs"`
}

// jobRoutes registers the batch jobs: rescore, recluster, retrain,
// reindex.
func (h *handler) jobRoutes(v1 *gin.RouterGroup) {
	js := v1.Group("/jobs", h.requireJobs)
	js.POST("", h.submitJob)
	js.GET("", h.listJobs)
	js.GET("/:id", h.getJob)
	js.DELETE("/:id", h.cancelJob)
}

// requireJobs answers 503 on the job routes of a server without a runner.
func (h *handler) requireJobs(c *gin.Context) {
	if h.jobs == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "jobs are not configured on this server"))
		return
	}
	c.Next()
}

// submitJob is POST /v1/jobs: 202 with the job, which runs in the
// background; 409 while a job of the same kind is unfinished.
func (h *handler) submitJob(c *gin.Context) {
	var req submitJobRequest
	if err := h.decodeBody(c, &req); err != nil {
		h.respondError(c, err)
		return
	}
	if req.Kind == "" {
		h.respondError(c, invalid("kind", "must be one of %s", strings.Join(models.JobKinds, ", ")))
		return
	}
	j, err := h.jobs.SubmitJob(c.Request.Context(), req.Kind, req.Params)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusAccepted, jobResponse{Job: j})
}

// listJobs is GET /v1/jobs: the newest jobs first, optionally of one kind
// or status.
func (h *handler) listJobs(c *gin.Context) {
	f := models.JobFilter{Kind: c.Query("kind")}
	if f.Kind != "" && !slices.Contains(models.JobKinds, f.Kind) {
		h.respondError(c, invalid("kind", "must be one of %s", strings.Join(models.JobKinds, ", ")))
		return
	}
	if s := c.Query("status"); s != "" {
		if !slices.Contains([]string{models.JobQueued, models.JobRunning, models.JobSucceeded, models.JobFailed, models.JobCanceled}, s) {
			h.respondError(c, invalid("status", "must be queued, running, succeeded, failed or canceled"))
			return
		}
		f.Status = []string{s}
	}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			h.respondError(c, invalid("limit", "must be an integer from 1 to 200"))
			return
		}
		f.Limit = n
	}
	js, err := h.jobs.FindJobs(c.Request.Context(), f)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, jobListResponse{Jobs: js})
}

// getJob is GET /v1/jobs/:id: status, progress (done, total, rate, ETA)
// and, once finished, the report or the error.
func (h *handler) getJob(c *gin.Context) {
	id, ok := h.jobID(c)
	if !ok {
		return
	}
	j, err := h.jobs.FindJobByID(c.Request.Context(), id)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, jobResponse{Job: j})
}

// cancelJob is DELETE /v1/jobs/:id: the job stops at its next checkpoint
// and is answered as it then is (canceled); a finished job is answered
// unchanged.
func (h *handler) cancelJob(c *gin.Context) {
	id, ok := h.jobID(c)
	if !ok {
		return
	}
	j, err := h.jobs.CancelJob(c.Request.Context(), id)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, jobResponse{Job: j})
}

func (h *handler) jobID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.respondError(c, invalid("id", "must be a positive integer"))
		return 0, false
	}
	return id, true
}
