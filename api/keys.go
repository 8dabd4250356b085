package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// The keys routes let an admin rotate keys without a shell on the server;
// `voclens keys` does the same from the command line.

type keyListResponse struct {
	Keys []*models.Key `json:"keys"`
}

type createKeyRequest struct {
	Role string `json:"role"`
	Name string `json:"name"`
}

// createKeyResponse is the only answer that ever carries a key's token.
type createKeyResponse struct {
	Key   *models.Key `json:"key"`
	Token string      `json:"token"`
}

// requireKeys answers 503 on the keys routes of a server without a key
// store.
func (h *handler) requireKeys(c *gin.Context) {
	if h.keys == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "API keys are not configured on this server"))
		return
	}
	c.Next()
}

// listKeys is GET /v1/keys.
func (h *handler) listKeys(c *gin.Context) {
	keys, err := h.keys.ListKeys(c.Request.Context())
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, keyListResponse{Keys: keys})
}

// createKey is POST /v1/keys.
func (h *handler) createKey(c *gin.Context) {
	var req createKeyRequest
	if err := h.decodeBody(c, &req); err != nil {
		h.respondError(c, err)
		return
	}
	k, token, err := h.keys.CreateKey(c.Request.Context(), req.Role, req.Name)
	if err != nil {
		h.respondError(c, err)
		return
	}
	// The key made in open mode ends it; say so now rather than on the
	// next keyless request.
	h.auth.close()
	// A token in a cache would outlive its one showing.
	c.Header("Cache-Control", "no-store")
	respond(c, http.StatusCreated, createKeyResponse{Key: k, Token: token})
}

// revokeKey is DELETE /v1/keys/:id. Revoking the key that makes the
// request is allowed: it is how an admin retires a leaked key at once.
func (h *handler) revokeKey(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.respondError(c, invalid("id", "must be a positive integer"))
		return
	}
	if err := h.keys.RevokeKey(c.Request.Context(), id); err != nil {
		h.respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
