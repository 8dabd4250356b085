package api

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// consoleFiles is the analyst console: plain ES modules, CSS and
// hand-drawn SVG charts, so it needs no build step and no network. It is
// only static files; every figure it shows comes through the keyed API.
//
//go:embed console
var consoleFiles embed.FS

// consoleCSP keeps a review that carries markup inert even if a page ever
// put it into the DOM as HTML: no inline script or handler runs, nothing
// loads from elsewhere, and the page cannot be framed. Styles set through
// the CSSOM (el.style.width) are not inline style attributes, so
// style-src needs no 'unsafe-inline' either.
const consoleCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (h *handler) consoleRoutes(e *gin.Engine) {
	e.GET("/", h.consoleIndex)
	e.GET("/assets/:file", h.consoleAsset)
}

func (h *handler) consoleIndex(c *gin.Context) { serveConsoleFile(c, "index.html") }

func (h *handler) consoleAsset(c *gin.Context) {
	name := c.Param("file")
	// The directory is flat; gin never hands us a slash in :file, and a
	// dot file or index.html under another name is not an asset.
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") || name == "index.html" {
		h.respondError(c, models.Errorf(models.ENOTFOUND, "no console asset %q", name))
		return
	}
	if _, err := fs.Stat(consoleFiles, "console/"+name); err != nil {
		h.respondError(c, models.Errorf(models.ENOTFOUND, "no console asset %q", name))
		return
	}
	serveConsoleFile(c, name)
}

func serveConsoleFile(c *gin.Context, name string) {
	body, err := consoleFiles.ReadFile("console/" + name)
	if err != nil {
		// Only index.html reaches here unchecked, and it is embedded.
		panic("api: console file missing from the binary: " + name)
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	hd := c.Writer.Header()
	hd.Set("Content-Security-Policy", consoleCSP)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	// The files change only with the binary; revalidating each load is
	// cheap on loopback and never serves a stale module after an upgrade.
	hd.Set("Cache-Control", "no-cache")
	c.Data(http.StatusOK, ctype, body)
}
