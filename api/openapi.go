package api

import (
	_ "embed"
	"fmt"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// openapiYAML is the API's contract, written by hand in YAML because that
// is what people review; tests hold the server's real answers against it.
//
//go:embed openapi.yaml
var openapiYAML []byte

// openapiJSON converts the document once per process: it is the same for
// every handler.
var openapiJSON = sync.OnceValues(func() ([]byte, error) {
	b, err := yaml.YAMLToJSON(openapiYAML)
	if err != nil {
		return nil, fmt.Errorf("api: openapi.yaml: %w", err)
	}
	return b, nil
})

// OpenAPI returns the OpenAPI 3 document that /openapi.json serves.
func OpenAPI() ([]byte, error) { return openapiJSON() }

// openapi is GET /openapi.json.
func (h *handler) openapi(c *gin.Context) {
	b, err := openapiJSON()
	if err != nil {
		h.respondError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}
