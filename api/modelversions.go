package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// modelVersionJSON shows metrics as the JSON object they are, not as the
// base64 of their bytes.
type modelVersionJSON struct {
	models.ModelVersion
	Metrics json.RawMessage `json:"metrics"`
}

type modelListResponse struct {
	Models []modelVersionJSON `json:"models"`
}

func toModelJSON(m models.ModelVersion) modelVersionJSON {
	metrics := json.RawMessage(m.Metrics)
	if len(metrics) == 0 {
		metrics = json.RawMessage("{}")
	}
	return modelVersionJSON{ModelVersion: m, Metrics: metrics}
}

// requireModels answers 503 on the model routes of a server without them.
func (h *handler) requireModels(c *gin.Context) {
	if h.models == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "model versions are not configured on this server"))
		return
	}
	c.Next()
}

// listModels is GET /v1/models: every version, newest first, with its
// held-out metrics and which one is active.
func (h *handler) listModels(c *gin.Context) {
	ms, err := h.models.FindModelVersions(c.Request.Context(), models.ModelFilter{Kind: c.Query("kind")})
	if err != nil {
		h.respondError(c, err)
		return
	}
	out := modelListResponse{Models: make([]modelVersionJSON, len(ms))}
	for i, m := range ms {
		out.Models[i] = toModelJSON(m)
	}
	respond(c, http.StatusOK, out)
}

// activateModelResponse is the version, and with ?rescore=true the
// rescore job that gives the stored items its analyses.
type activateModelResponse struct {
	modelVersionJSON
	RescoreJob *models.Job `json:"rescore_job,omitempty"`
}

// activateModel is POST /v1/models/:version/activate; activating an older
// version is the rollback. The server predicts with it once this answers.
// With ?rescore=true it also starts a rescore job, so stored items are
// re-analyzed with it; 409 before anything changes when a rescore is
// already unfinished.
func (h *handler) activateModel(c *gin.Context) {
	ctx := c.Request.Context()
	rescore := false
	switch c.Query("rescore") {
	case "", "false", "0":
	case "true", "1":
		rescore = true
	default:
		h.respondError(c, invalid("rescore", "must be true or false"))
		return
	}
	if rescore {
		if h.jobs == nil {
			h.respondError(c, models.Errorf(models.EUNAVAILABLE, "rescore: jobs are not configured on this server"))
			return
		}
		busy, err := h.jobs.FindJobs(ctx, models.JobFilter{Kind: models.JobRescore, Status: []string{models.JobQueued, models.JobRunning}, Limit: 1})
		if err != nil {
			h.respondError(c, err)
			return
		}
		if len(busy) > 0 {
			h.respondError(c, models.Errorf(models.ECONFLICT, "rescore: job %d is already %s; nothing was activated", busy[0].ID, busy[0].Status))
			return
		}
	}
	m, err := h.models.ActivateModelVersion(ctx, c.Param("version"))
	if err != nil {
		h.respondError(c, err)
		return
	}
	out := activateModelResponse{modelVersionJSON: toModelJSON(m)}
	if rescore {
		if out.RescoreJob, err = h.jobs.SubmitJob(ctx, models.JobRescore, nil); err != nil {
			h.respondError(c, err)
			return
		}
	}
	respond(c, http.StatusOK, out)
}
