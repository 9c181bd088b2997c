package lexicons

import (
	"embed"
	"sync"
)

// embedded holds every language folder's .yaml files. The pattern also
// matches testdata/*.yaml (the importer's golden file), which keeps it valid
// while no language has content yet; Default skips testdata.
//
//go:embed */*.yaml
var embedded embed.FS

var defaultSet = sync.OnceValues(func() (*Set, error) {
	return load(embedded, loadOptions{skipDir: "testdata", allowEmpty: true})
})

// Default returns the lexicons embedded in the binary, loaded and validated
// once. A language folder that is empty or absent is simply not in the set;
// a set with no language at all is not an error (Languages is then empty).
func Default() (*Set, error) { return defaultSet() }
