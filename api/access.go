package api

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// AccessPublic marks a route anyone may call, key or not.
const AccessPublic = "public"

// routeAccess is the one table of who may call what: "METHOD template"
// (gin's template syntax, as c.FullPath reports it) to the least role that
// may, or AccessPublic. Roles are ordered (models.Roles), so an admin may
// do what an analyst may, and an analyst what an ingest key may.
//
// A registered route without a row is refused to everyone, even in open
// mode, and TestEveryRouteHasAnAccessRule fails: a new endpoint stays
// closed until someone decides who may use it. Rows for routes not built
// yet are the design's plan (DESIGN.md's API table), so the teammate who
// adds one finds the decision made; they cost nothing until then.
var routeAccess = map[string]string{
	// Probes and the API contract: nothing behind them but our own state,
	// and clients need the contract before they have a key.
	"GET /healthz":      AccessPublic,
	"GET /readyz":       AccessPublic,
	"GET /openapi.json": AccessPublic,
	// The console's page and its static files hold no data of ours (the
	// figures come through the keyed API), and a browser must load them
	// before it can ask anyone for a key.
	"GET /":             AccessPublic,
	"GET /assets/:file": AccessPublic,
	// Request rates and item counts hold no customer text but are still
	// the company's business figures, so a scraper needs a key; the least
	// role will do, and it cannot read a single item.
	"GET /metrics": models.RoleIngest,

	// Other systems push text.
	"POST /v1/analyze":  models.RoleIngest,
	"POST /v1/feedback": models.RoleIngest,

	// Analysts read everything and make the labelling decisions.
	"GET /v1/feedback":              models.RoleAnalyst,
	"GET /v1/feedback/:id":          models.RoleAnalyst,
	"PUT /v1/feedback/:id/tags":     models.RoleAnalyst,
	"GET /v1/clusters":              models.RoleAnalyst,
	"GET /v1/clusters/:id":          models.RoleAnalyst,
	"POST /v1/clusters/:id/merge":   models.RoleAnalyst,
	"POST /v1/clusters/:id/rename":  models.RoleAnalyst,
	"GET /v1/proposals":             models.RoleAnalyst,
	"POST /v1/proposals/:id/accept": models.RoleAnalyst,
	"POST /v1/proposals/:id/reject": models.RoleAnalyst,
	"GET /v1/tags":                  models.RoleAnalyst,
	"GET /v1/tags/stats":            models.RoleAnalyst,
	"GET /v1/trends":                models.RoleAnalyst,
	"GET /v1/overview":              models.RoleAnalyst,
	"GET /v1/breakdown":             models.RoleAnalyst,
	"GET /v1/export":                models.RoleAnalyst,
	"GET /v1/jobs":                  models.RoleAnalyst,
	"GET /v1/jobs/:id":              models.RoleAnalyst,
	"GET /v1/models":                models.RoleAnalyst,
	"GET /v1/alerts":                models.RoleAnalyst,
	"GET /v1/alerts/deliveries":     models.RoleAnalyst,
	// Uploading a spreadsheet is the console's import page, an analyst's
	// task: it only adds items (idempotently, never changing or deleting
	// stored ones), as POST /v1/feedback does. Not ingest: those keys sit
	// in other systems that push JSON, and need no 64 MiB file upload
	// with a workbook parser behind it.
	"POST /v1/imports/preview": models.RoleAnalyst,
	"POST /v1/imports":         models.RoleAnalyst,
	"GET /v1/imports/:id":      models.RoleAnalyst,
	// Measures are the analysts' own record of what was done about a
	// tag or theme. Deleting one is theirs too (analyst, not admin): it
	// removes only a note someone made, touches no item or tag and sends
	// nothing anywhere, and whoever recorded a wrong one must be able to
	// take it back.
	"GET /v1/measures":        models.RoleAnalyst,
	"POST /v1/measures":       models.RoleAnalyst,
	"GET /v1/measures/:id":    models.RoleAnalyst,
	"PATCH /v1/measures/:id":  models.RoleAnalyst,
	"DELETE /v1/measures/:id": models.RoleAnalyst,

	// Admins change what everyone else works with. Key names and roles
	// are not for analysts either: they map out who can do what.
	"GET /v1/keys":                      models.RoleAdmin,
	"POST /v1/keys":                     models.RoleAdmin,
	"DELETE /v1/keys/:id":               models.RoleAdmin,
	"POST /v1/tags":                     models.RoleAdmin,
	"PATCH /v1/tags/:name":              models.RoleAdmin,
	"DELETE /v1/tags/:name":             models.RoleAdmin,
	"POST /v1/jobs":                     models.RoleAdmin,
	"DELETE /v1/jobs/:id":               models.RoleAdmin,
	"POST /v1/models/:version/activate": models.RoleAdmin,
	// An alert rule sends data to a webhook of its author's choosing.
	"POST /v1/alerts":       models.RoleAdmin,
	"PATCH /v1/alerts/:id":  models.RoleAdmin,
	"DELETE /v1/alerts/:id": models.RoleAdmin,
}

// roleRank orders roles by trust; an unknown role ranks below all.
func roleRank(role string) int { return slices.Index(models.Roles, role) }

// Where authorize leaves what it learned, in the gin context.
const (
	ctxKeyAPIKey = "voclens.api_key" // *models.Key of an authenticated request
	ctxKeyClient = "voclens.client"  // who the rate limit counts against
)

// authState decides open mode: requests without a key are let through
// only while the store has never had one. Keys are never deleted, so once
// closed it stays closed for the life of the process, and the check costs
// one atomic load; while open it asks the store on each keyless request,
// so a key made with the CLI beside a running server closes it at once.
type authState struct {
	keys    models.KeyService
	log     *slog.Logger
	closed  atomic.Bool
	sawOpen atomic.Bool
}

func (a *authState) open(ctx context.Context) (bool, error) {
	if a.keys == nil {
		return true, nil
	}
	if a.closed.Load() {
		return false, nil
	}
	has, err := a.keys.HasKeys(ctx)
	if err != nil {
		return false, err
	}
	if has {
		a.close()
		return false, nil
	}
	a.sawOpen.Store(true)
	return true, nil
}

// close ends open mode, saying so if this process had been serving open.
func (a *authState) close() {
	if a.closed.CompareAndSwap(false, true) && a.sawOpen.Load() {
		a.log.Info("an API key exists now: open mode is over and every request needs a key")
	}
}

// authorize enforces routeAccess. A key that is sent is always checked,
// even in open mode, so a misconfigured client fails now rather than on
// the day the first key is made. Unmatched requests pass: only the 404 and
// 405 handlers follow them, and those reveal no more than the public
// OpenAPI document does.
func (h *handler) authorize(c *gin.Context) {
	route := c.FullPath()
	if route == "" {
		c.Next()
		return
	}
	method := c.Request.Method
	need, ok := routeAccess[method+" "+route]
	switch {
	case !ok:
		h.log.LogAttrs(c.Request.Context(), slog.LevelError, "route has no access rule; refusing it",
			slog.String("request_id", requestIDOf(c)), slog.String("method", method), slog.String("route", route))
		h.respondError(c, models.Errorf(models.EFORBIDDEN, "%s %s is not open to any role", method, route))
		return
	case need == AccessPublic:
		c.Next()
		return
	}

	token, sent, wellFormed := bearerToken(c.Request)
	if !sent {
		open, err := h.auth.open(c.Request.Context())
		if err != nil {
			h.respondError(c, err)
			return
		}
		if !open {
			h.unauthorized(c, "", "missing API key: send the header Authorization: Bearer KEY")
			return
		}
		c.Set(ctxKeyClient, "ip:"+c.ClientIP())
		c.Next()
		return
	}
	if !wellFormed {
		h.unauthorized(c, "invalid_request", "the Authorization header must be: Bearer KEY")
		return
	}
	if h.keys == nil {
		// Nothing to check the key against: this server is open for good.
		c.Set(ctxKeyClient, "ip:"+c.ClientIP())
		c.Next()
		return
	}
	key, err := h.keys.FindKeyByToken(c.Request.Context(), token)
	if err != nil {
		if models.ErrorCode(err) == models.EUNAUTHORIZED {
			h.unauthorized(c, "invalid_token", models.ErrorMessage(err))
			return
		}
		h.respondError(c, err)
		return
	}
	h.auth.close()
	c.Set(ctxKeyAPIKey, key)
	c.Set(ctxKeyClient, "key:"+strconv.FormatInt(key.ID, 10))
	if roleRank(key.Role) < roleRank(need) {
		h.respondError(c, models.Errorf(models.EFORBIDDEN, "%s %s needs the %s role; this key has %s", method, route, need, key.Role))
		return
	}
	c.Next()
}

// unauthorized answers 401 with the challenge RFC 6750 asks for; errCode
// is its error attribute, empty when no credentials were sent at all.
func (h *handler) unauthorized(c *gin.Context, errCode, msg string) {
	challenge := `Bearer realm="voclens"`
	if errCode != "" {
		challenge += `, error="` + errCode + `"`
	}
	c.Header("WWW-Authenticate", challenge)
	h.respondError(c, models.Errorf(models.EUNAUTHORIZED, "%s", msg))
}

// bearerToken reads "Authorization: Bearer TOKEN". sent says whether the
// header is there at all, wellFormed whether it has that shape; the scheme
// is case-insensitive (RFC 7235).
func bearerToken(r *http.Request) (token string, sent, wellFormed bool) {
	v, sent := r.Header["Authorization"]
	if !sent || len(v) == 0 {
		return "", false, false
	}
	if len(v) > 1 {
		return "", true, false
	}
	scheme, rest, ok := strings.Cut(v[0], " ")
	token = strings.TrimSpace(rest)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", true, false
	}
	return token, true, true
}

// keyOf returns the key that authenticated the request, nil in open mode
// and on public routes.
func keyOf(c *gin.Context) *models.Key {
	if v, ok := c.Get(ctxKeyAPIKey); ok {
		return v.(*models.Key)
	}
	return nil
}
