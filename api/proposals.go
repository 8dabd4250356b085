package api

import (
	"maps"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

type proposalListResponse struct {
	Proposals []*models.Proposal `json:"proposals"`
}

// listProposals is GET /v1/proposals, open ones unless ?status= says.
func (h *handler) listProposals(c *gin.Context) {
	q := c.Request.URL.Query()
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if name != "status" {
			h.respondError(c, malformed(name, "unknown query parameter"))
			return
		}
	}
	status := models.ProposalProposed
	if q.Has("status") {
		status = q.Get("status")
		if status == "all" {
			status = ""
		} else if status == "" {
			h.respondError(c, invalid("status", "must be proposed, accepted, rejected or all"))
			return
		}
	}
	ps, err := h.themes.Load().proposals.FindProposals(c.Request.Context(), status)
	if err != nil {
		h.respondError(c, err)
		return
	}
	if ps == nil {
		ps = []*models.Proposal{}
	}
	respond(c, http.StatusOK, proposalListResponse{Proposals: ps})
}

// acceptRequest may be absent: the suggestion is then taken as it is.
type acceptRequest struct {
	Name     string   `json:"name"`
	Keywords []string `json:"keywords"`
}

// acceptProposal is POST /v1/proposals/:id/accept.
func (h *handler) acceptProposal(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var req acceptRequest
	if c.Request.ContentLength != 0 {
		if err := h.decodeBody(c, &req); err != nil {
			h.respondError(c, err)
			return
		}
	}
	p, err := h.themes.Load().proposals.AcceptProposal(c.Request.Context(), id, req.Name, req.Keywords)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, p)
}

// rejectProposal is POST /v1/proposals/:id/reject.
func (h *handler) rejectProposal(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	p, err := h.themes.Load().proposals.RejectProposal(c.Request.Context(), id)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, p)
}
