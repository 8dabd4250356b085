package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// CORS lets a web page on another origin (an internal dashboard, say) call
// the API. It is off unless origins are configured, and on only for those:
// the API carries customer text, so no wildcard. Credentials are bearer
// keys the page sends itself, never cookies, so no
// Access-Control-Allow-Credentials either.
const (
	corsAllowMethods = "GET, POST, PUT, PATCH, DELETE"
	corsAllowHeaders = "Authorization, Content-Type, " + RequestIDHeader
	// The headers a page needs to act on our answers: the id to quote in
	// a support request, when to retry, why a key was refused.
	corsExposeHeaders = RequestIDHeader + ", Retry-After, WWW-Authenticate"
	corsMaxAgeSeconds = "600"
)

// cors answers preflights from the listed origins and marks their actual
// requests readable. Other origins get no CORS headers at all, which is
// how a browser is told no; the request itself proceeds as it would
// without CORS, so curl and servers see no difference.
func cors(origins []string) gin.HandlerFunc {
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[o] = true
	}
	return func(c *gin.Context) {
		origin := c.GetHeader("Origin")
		if origin == "" {
			c.Next()
			return
		}
		hdr := c.Writer.Header()
		// The answer depends on Origin, so caches must key on it, listed
		// or not.
		hdr.Add("Vary", "Origin")
		if !allowed[origin] {
			c.Next()
			return
		}
		hdr.Set("Access-Control-Allow-Origin", origin)
		if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
			hdr.Set("Access-Control-Allow-Methods", corsAllowMethods)
			hdr.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			hdr.Set("Access-Control-Max-Age", corsMaxAgeSeconds)
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		hdr.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		c.Next()
	}
}

// CheckCORSOrigin reports whether o is an origin as browsers send it:
// scheme://host[:port] in lower case, no path, no trailing slash. cmd
// checks configured origins with it, since one that is not in this form
// would never match and CORS would silently stay off for it.
func CheckCORSOrigin(o string) bool {
	rest, ok := strings.CutPrefix(o, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(o, "http://")
	}
	if !ok || rest == "" || o != strings.ToLower(o) {
		return false
	}
	return !strings.ContainsAny(rest, "/?#@ *")
}
