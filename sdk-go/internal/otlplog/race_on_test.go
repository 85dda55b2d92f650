//go:build race

package otlplog

// raceEnabled: the race detector makes sync.Pool drop what it is given at
// random, so allocation counts mean nothing.
const raceEnabled = true
