//go:build !race

package otlplog

const raceEnabled = false
