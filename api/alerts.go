package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

type alertRuleListResponse struct {
	Rules []*models.AlertRule `json:"rules"`
}

type deliveryListResponse struct {
	Deliveries []*models.AlertDelivery `json:"deliveries"`
}

func (h *handler) alertRoutes(v1 *gin.RouterGroup) {
	al := v1.Group("/alerts", h.requireAlerts)
	al.GET("", h.listAlertRules)
	al.POST("", h.createAlertRule)
	al.GET("/deliveries", h.listDeliveries)
	al.PATCH("/:id", h.updateAlertRule)
	al.DELETE("/:id", h.deleteAlertRule)
}

// requireAlerts answers 503 on a server without alert rules.
func (h *handler) requireAlerts(c *gin.Context) {
	if h.alerts == nil {
		h.respondError(c, models.Errorf(models.EUNAVAILABLE, "alerts are not configured on this server"))
		return
	}
	c.Next()
}

// listAlertRules is GET /v1/alerts. Webhook URLs come masked and secrets
// never (models.AlertRule's JSON), so an analyst may read the rules.
func (h *handler) listAlertRules(c *gin.Context) {
	rules, err := h.alerts.FindAlertRules(c.Request.Context())
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, alertRuleListResponse{Rules: rules})
}

// createAlertRule is POST /v1/alerts.
func (h *handler) createAlertRule(c *gin.Context) {
	var in models.AlertRuleInput
	if err := h.decodeBody(c, &in); err != nil {
		h.respondError(c, err)
		return
	}
	r, err := h.alerts.CreateAlertRule(c.Request.Context(), in)
	if err != nil {
		h.respondError(c, err)
		return
	}
	h.pokeAlerts()
	respond(c, http.StatusCreated, r)
}

// updateAlertRule is PATCH /v1/alerts/:id: only the fields sent change.
func (h *handler) updateAlertRule(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	var in models.AlertRuleInput
	if err := h.decodeBody(c, &in); err != nil {
		h.respondError(c, err)
		return
	}
	r, err := h.alerts.UpdateAlertRule(c.Request.Context(), id, in)
	if err != nil {
		h.respondError(c, err)
		return
	}
	h.pokeAlerts()
	respond(c, http.StatusOK, r)
}

// deleteAlertRule is DELETE /v1/alerts/:id; its deliveries stay in the log.
func (h *handler) deleteAlertRule(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if err := h.alerts.DeleteAlertRule(c.Request.Context(), id); err != nil {
		h.respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// listDeliveries is GET /v1/alerts/deliveries?rule=&status=&limit=.
func (h *handler) listDeliveries(c *gin.Context) {
	var f models.DeliveryFilter
	if v := c.Query("rule"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			h.respondError(c, invalid("rule", "must be a rule id"))
			return
		}
		f.RuleID = id
	}
	switch f.Status = c.Query("status"); f.Status {
	case "", models.DeliveryPending, models.DeliverySent, models.DeliveryFailed:
	default:
		h.respondError(c, invalid("status", "must be pending, sent or failed"))
		return
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			h.respondError(c, invalid("limit", "must be between 1 and 500"))
			return
		}
		f.Limit = n
	}
	ds, err := h.alerts.FindAlertDeliveries(c.Request.Context(), f)
	if err != nil {
		h.respondError(c, err)
		return
	}
	respond(c, http.StatusOK, deliveryListResponse{Deliveries: ds})
}

// pokeAlerts asks for an evaluation soon, so a new or changed rule is
// tried without waiting for the interval.
func (h *handler) pokeAlerts() {
	if h.alertsPoke != nil {
		h.alertsPoke()
	}
}
