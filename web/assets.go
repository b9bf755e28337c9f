package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
)

// assetVersions maps each embedded asset's name to a hash of its bytes.
// Pages link to "/assets/app.js?v=<hash>": a new release changes the link,
// so a browser never runs an old script against new pages, and a linked
// version can be cached for good.
var assetVersions = hashAssets()

func hashAssets() map[string]string {
	assets := Assets()
	versions := map[string]string{}
	err := fs.WalkDir(assets, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		versions[name] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		panic(err)
	}
	return versions
}

// assetURL is the versioned link to an embedded asset; it panics on a
// name that is not one, so a typo fails every test of that page.
func assetURL(name string) string {
	v, ok := assetVersions[name]
	if !ok {
		panic("web: no asset " + name)
	}
	return "/assets/" + name + "?v=" + v
}

// serveAsset answers GET /assets/*file. The current version's link is
// cached for a year; any other (an old page, a hand-typed URL) is
// revalidated each time.
func serveAsset(assets http.FileSystem) gin.HandlerFunc {
	return func(c *gin.Context) {
		name := c.Param("file")
		if v, ok := assetVersions[name[1:]]; ok && c.Query("v") == v {
			c.Header("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Header("Cache-Control", "no-cache")
		}
		c.FileFromFS(name, assets)
	}
}

// Assets is the embedded assets, as served under /assets/.
func Assets() fs.FS {
	assets, err := fs.Sub(assetFS, "assets")
	if err != nil {
		panic(err)
	}
	return assets
}
