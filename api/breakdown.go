package api

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

var breakdownParams = map[string]bool{
	"tag": true, "theme": true, "by": true, "tz": true, "from": true, "to": true, "min_support": true,
}

func (h *handler) breakdownRoutes(v1 *gin.RouterGroup) {
	v1.GET("/breakdown", h.requireBreakdown, h.breakdown)
}

func (h *handler) requireBreakdown(c *gin.Context) {
	if h.breakdownSvc == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "breakdowns are not configured on this server"))
		return
	}
	c.Next()
}

// breakdown is GET /v1/breakdown: where a tag or theme concentrates.
func (h *handler) breakdown(c *gin.Context) {
	f, err := parseBreakdownQuery(c.Request.URL.Query())
	if err != nil {
		h.respondError(c, err)
		return
	}
	b, err := h.breakdownSvc.FindBreakdown(c.Request.Context(), f)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, b)
}

func parseBreakdownQuery(q url.Values) (models.BreakdownFilter, error) {
	var f models.BreakdownFilter
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if !breakdownParams[name] {
			return f, malformed(name, "unknown query parameter")
		}
	}
	f.Tag, f.By = q.Get("tag"), q.Get("by")
	if f.By == "" {
		return f, invalid("by", "required: source, weekday, hour or meta.KEY")
	}
	if s := q.Get("theme"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return f, invalid("theme", "must be a theme id (a positive integer)")
		}
		f.Theme = id
	}
	if tz := q.Get("tz"); tz != "" {
		loc, err := models.LoadZone(tz)
		if err != nil {
			return f, invalid("tz", "%q is not an IANA time zone such as Asia/Shanghai or UTC", tz)
		}
		f.Location = loc
	}
	if s := q.Get("min_support"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return f, invalid("min_support", "must be a positive integer")
		}
		f.MinSupport = n
	}
	var err error
	if f.From, err = parseTimeParam("from", q.Get("from"), false); err != nil {
		return f, err
	}
	if f.To, err = parseTimeParam("to", q.Get("to"), true); err != nil {
		return f, err
	}
	return f, nil
}
