//go:build !race

package lexicons

const raceEnabled = false
