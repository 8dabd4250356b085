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

// activateModel is POST /v1/models/:version/activate; activating an older
// version is the rollback. The server predicts with it once this answers.
func (h *handler) activateModel(c *gin.Context) {
	m, err := h.models.ActivateModelVersion(c.Request.Context(), c.Param("version"))
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, toModelJSON(m))
}
