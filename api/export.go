package api

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/export"
	"github.com/voclens/voclens/models"
)

var exportParams = map[string]bool{
	"format": true, "tag": true, "source": true, "sentiment": true, "from": true, "to": true, "tz": true,
}

func (h *handler) exportRoutes(v1 *gin.RouterGroup) {
	v1.GET("/export", h.exportFeedback)
}

// exportFeedback is GET /v1/export: the items with their analysis as CSV
// (UTF-8 with a BOM), JSON lines or .xlsx, streamed page by page. Bad
// parameters are answered as JSON errors before the first byte; an error
// after it can only cut the download short (the status is already sent),
// and is logged.
func (h *handler) exportFeedback(c *gin.Context) {
	if h.exportSrc == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "export is not configured on this server"))
		return
	}
	opts, err := parseExportQuery(c.Request.URL.Query())
	if err != nil {
		h.respondError(c, err)
		return
	}
	c.Header("Content-Type", export.ContentTypes[opts.Format])
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="voclens-%s.%s"`, time.Now().UTC().Format("20060102-150405"), opts.Format))
	c.Status(http.StatusOK)
	if _, err := export.Write(c.Request.Context(), c.Writer, h.exportSrc, opts); err != nil {
		h.log.WarnContext(c.Request.Context(), "export cut short", "request_id", requestIDOf(c), "error", err.Error())
		c.Abort()
	}
}

func parseExportQuery(q url.Values) (export.Options, error) {
	var opts export.Options
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if !exportParams[name] {
			return opts, malformed(name, "unknown query parameter")
		}
	}
	opts.Format = q.Get("format")
	if opts.Format == "" {
		opts.Format = export.FormatCSV
	}
	if _, ok := export.ContentTypes[opts.Format]; !ok {
		return opts, invalid("format", "%q is not csv, jsonl or xlsx", opts.Format)
	}
	opts.Filter.Tag, opts.Filter.Source, opts.Filter.Sentiment = q.Get("tag"), q.Get("source"), q.Get("sentiment")
	switch opts.Filter.Sentiment {
	case "", models.SentimentNegative, models.SentimentNeutral, models.SentimentPositive:
	default:
		return opts, invalid("sentiment", "must be negative, neutral or positive")
	}
	if tz := q.Get("tz"); tz != "" {
		loc, err := models.LoadZone(tz)
		if err != nil {
			return opts, invalid("tz", "%q is not an IANA time zone such as Asia/Shanghai or UTC", tz)
		}
		opts.Location = loc
	}
	var err error
	if opts.Filter.From, err = parseTimeParam("from", q.Get("from"), false); err != nil {
		return opts, err
	}
	if opts.Filter.To, err = parseTimeParam("to", q.Get("to"), true); err != nil {
		return opts, err
	}
	if !opts.Filter.From.IsZero() && !opts.Filter.To.IsZero() && !opts.Filter.From.Before(opts.Filter.To) {
		return opts, invalid("from", "must be before to")
	}
	return opts, nil
}
