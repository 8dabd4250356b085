package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// trendRoutes registers the trends and the overview, both computed from
// the store's aggregates by Config.Trends.
func (h *handler) trendRoutes(v1 *gin.RouterGroup) {
	v1.GET("/trends", h.requireTrends, h.getTrends)
	v1.GET("/overview", h.requireTrends, h.getOverview)
}

func (h *handler) requireTrends(c *gin.Context) {
	if h.trends == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "trends are not configured on this server"))
		return
	}
	c.Next()
}

// getTrends is GET /v1/trends: counts per tag, theme or source and day or
// week, with spikes flagged.
func (h *handler) getTrends(c *gin.Context) {
	q := c.Request.URL.Query()
	if err := onlyParams(q, "by", "key", "interval", "from", "to", "source", "limit"); err != nil {
		h.respondError(c, err)
		return
	}
	tq := models.TrendQuery{By: q.Get("by"), Key: q.Get("key"), Interval: q.Get("interval"), Source: q.Get("source")}
	var err error
	if tq.From, tq.To, err = dayRange(q); err != nil {
		h.respondError(c, err)
		return
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			h.respondError(c, invalid("limit", "must be a whole number from 1 to 100"))
			return
		}
		tq.Limit = n
	}
	out, err := h.trends.Trends(c.Request.Context(), tq)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, out)
}

// getOverview is GET /v1/overview: the one-screen summary of a range.
func (h *handler) getOverview(c *gin.Context) {
	q := c.Request.URL.Query()
	if err := onlyParams(q, "from", "to"); err != nil {
		h.respondError(c, err)
		return
	}
	from, to, err := dayRange(q)
	if err != nil {
		h.respondError(c, err)
		return
	}
	out, err := h.trends.Overview(c.Request.Context(), models.OverviewQuery{From: from, To: to})
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, out)
}

// dayRange reads from and to as UTC days (YYYY-MM-DD), both inclusive.
func dayRange(q url.Values) (from, to time.Time, err error) {
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		t, perr := time.Parse(time.DateOnly, v)
		if perr != nil {
			return from, to, invalid(name, "must be a date as YYYY-MM-DD, not %q", v)
		}
		*dst = t
	}
	return from, to, nil
}

// onlyParams refuses query parameters a route does not know: ignoring a
// misspelt filter would answer unfiltered figures as if they were filtered.
func onlyParams(q url.Values, known ...string) error {
	for name := range q {
		ok := false
		for _, k := range known {
			ok = ok || k == name
		}
		if !ok {
			return invalid(name, "unknown parameter (known: %v)", known)
		}
	}
	return nil
}
