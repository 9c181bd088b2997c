package quizzes

import (
	"embed"
	"io/fs"
	"sync"
)

// embedded holds the shipped instruments, one YAML file per instrument.
//
//go:embed instruments/*.yaml
var embedded embed.FS

var defaultSet = sync.OnceValues(func() (*Set, error) {
	sub, err := fs.Sub(embedded, "instruments")
	if err != nil {
		return nil, err
	}
	return Load(sub)
})

// Default returns the instruments embedded in the binary, loaded and
// validated once.
func Default() (*Set, error) { return defaultSet() }
