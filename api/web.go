package api

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v3"
)

// webFS is the copywriters' web page: plain HTML, JavaScript and CSS with no
// build step and nothing loaded from elsewhere (the page works on a closed
// network). The page is public; the API calls it makes carry the API key the
// user enters, kept in the tab's sessionStorage.
//
//go:embed web
var webFS embed.FS

// webContentSecurityPolicy lets the page load only its own files and talk
// only to this server: no inline script, no third-party anything.
const webContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// webAsset is one embedded file, ready to send.
type webAsset struct {
	name        string
	body        []byte
	contentType string
	etag        string
}

// webAssets reads the embedded files.
func webAssets() ([]webAsset, error) {
	var out []webAsset
	err := fs.WalkDir(webFS, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := webFS.ReadFile(p)
		if err != nil {
			return err
		}
		ct := map[string]string{
			".html": "text/html; charset=utf-8",
			".js":   "text/javascript; charset=utf-8",
			".css":  "text/css; charset=utf-8",
		}[path.Ext(p)]
		if ct == "" {
			return fmt.Errorf("api: web page file %s: unknown type", p)
		}
		sum := sha256.Sum256(body)
		out = append(out, webAsset{name: strings.TrimPrefix(p, "web/"), body: body, contentType: ct,
			etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, err
}

// addWebRoutes serves the page at GET / and its files at GET /ui/<file>.
func (s *Server) addWebRoutes() error {
	assets, err := webAssets()
	if err != nil {
		return err
	}
	var routes []Route
	for _, a := range assets {
		op := Operation{
			OperationID: "web_" + strings.NewReplacer(".", "_", "/", "_").Replace(a.name),
			Summary:     "Web page file " + a.name, Tags: []string{"web"},
			Responses: map[string]Response{
				"200": {Description: "The file.", Content: map[string]MediaType{strings.Split(a.contentType, ";")[0]: {Schema: Schema{"type": "string"}}}},
				"304": {Description: "Not modified."},
			},
		}
		routes = append(routes, Route{Method: fiber.MethodGet, Path: "/ui/" + a.name, Public: true, Handler: serveAsset(a), Op: op})
		if a.name == "index.html" {
			op.OperationID = "webPage"
			op.Summary = "The copywriters' web page"
			op.Description = "Analyse a text and see the evidence highlighted with the copy recommended for it; search, " +
				"add and edit the copy library. Public; the calls it makes need an API key, which the page asks for."
			routes = append(routes, Route{Method: fiber.MethodGet, Path: "/", Public: true, Handler: serveAsset(a), Op: op})
		}
	}
	return s.Handle(routes...)
}

// serveAsset answers one embedded file with its ETag (304 when the client
// holds it) and the page's security headers.
func serveAsset(a webAsset) fiber.Handler {
	return func(c fiber.Ctx) error {
		c.Set("Content-Security-Policy", webContentSecurityPolicy)
		c.Set("X-Content-Type-Options", "nosniff")
		c.Set("Referrer-Policy", "no-referrer")
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set(headerETag, a.etag)
		if inm := c.Get(headerIfNoneMatch); inm != "" && etagListHas(inm, a.etag) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, a.contentType)
		return c.Status(fiber.StatusOK).Send(a.body)
	}
}
