package main

import (
	"math"
	"testing"

	"github.com/mindprint/mindprint/classifier"
)

func TestFittedAccuracy(t *testing.T) {
	// Texts alternate between a high and a low extraversion reading and
	// their labels follow, so any two folds fit and predict perfectly.
	var samples []sample
	folds := map[string]map[string]int{}
	for i := range 12 {
		pos, label := 3.0, 1.0
		if i%2 == 1 {
			pos, label = 0, 0
		}
		id := string(rune('a' + i))
		samples = append(samples, sample{
			id:     id,
			m:      &classifier.Measurement{Words: 50, Pos: map[string]float64{"extraversion": pos}, Neg: map[string]float64{"extraversion": 3 - pos}},
			style:  make([]float64, 16),
			labels: []float64{label},
		})
		folds[id] = map[string]int{"fold": 1 + i%3}
	}
	oneFold := map[string]map[string]int{}
	for id := range folds {
		oneFold[id] = map[string]int{"fold": 1}
	}
	tests := []struct {
		name  string
		folds map[string]map[string]int
		want  float64 // NaN: no held-out figure
	}{
		{name: "three folds", folds: folds, want: 1},
		{name: "a single fold has nothing to train on", folds: oneFold, want: math.NaN()},
		{name: "no sample has a fold", folds: map[string]map[string]int{}, want: math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fittedAccuracy(samples, 0, "cEXT", tt.folds)
			if math.IsNaN(tt.want) != math.IsNaN(got) || !math.IsNaN(got) && got != tt.want {
				t.Errorf("fittedAccuracy = %v; want %v", got, tt.want)
			}
		})
	}
}
