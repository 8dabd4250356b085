package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type statusResponse struct {
	Status string `json:"status"`
}

// healthz says the process is up and serving HTTP; it checks nothing else,
// so an orchestrator restarts us only when we are truly stuck.
func (h *handler) healthz(c *gin.Context) {
	respond(c, http.StatusOK, statusResponse{Status: "ok"})
}

// readyz says whether to send us traffic; during start-up or shutdown it
// answers 503 in the usual error shape.
func (h *handler) readyz(c *gin.Context) {
	if !h.isReady() {
		// Not through respondError: probes poll, and a 503 here is an
		// expected state, not a failure worth a log line of its own.
		abortStarting(c, "", "not ready")
		return
	}
	respond(c, http.StatusOK, statusResponse{Status: "ready"})
}
