// Package faults describes the Rust candidate's deliberate faults (a panic,
// a slow path and a wrong answer, each with a probability) in the one text form the
// orchestrator's --fault flag, its admin endpoint, the Rust FFI setter and
// pricing-service's X-Pricing-Fault header share.
package faults

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DefaultSlowMS is how long the slow path waits unless told otherwise.
const DefaultSlowMS = 50

// maxSlowMS matches the Rust side's limit.
const maxSlowMS = 10_000

// Faults are the Rust candidate's deliberate faults: the probability that
// an operation panics, that it first waits SlowMS, and that it answers
// wrong (a quote a cent off, a fingerprint with its first digit changed),
// which only a shadow comparison sees.
type Faults struct {
	Panic  float64
	Slow   float64
	SlowMS uint64
	Wrong  float64
}

// None injects nothing.
var None = Faults{SlowMS: DefaultSlowMS}

// Parse reads "panic=P,slow=P,slow_ms=N,wrong=P" (any subset, any order;
// the rest keep base's values), the format the Rust side parses too.
func Parse(s string, base Faults) (Faults, error) {
	f := base
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, value, ok := strings.Cut(part, "=")
		if !ok {
			return base, fmt.Errorf("fault %q: want key=value", part)
		}
		if err := f.Set(key, value); err != nil {
			return base, err
		}
	}
	return f, nil
}

// Set sets one fault by name: panic, slow, slow_ms or wrong.
func (f *Faults) Set(key, value string) error {
	switch key {
	case "panic", "slow", "wrong":
		p, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsNaN(p) || p < 0 || p > 1 {
			return fmt.Errorf("fault %s=%q: want a probability from 0 to 1", key, value)
		}
		switch key {
		case "panic":
			f.Panic = p
		case "slow":
			f.Slow = p
		default:
			f.Wrong = p
		}
	case "slow_ms":
		ms, err := strconv.ParseUint(value, 10, 64)
		if err != nil || ms > maxSlowMS {
			return fmt.Errorf("fault slow_ms=%q: want 0 to %d milliseconds", value, maxSlowMS)
		}
		f.SlowMS = ms
	default:
		return fmt.Errorf("fault %q: unknown (want panic, slow, slow_ms or wrong)", key)
	}
	return nil
}

// String is the form Parse reads, and the X-Pricing-Fault header's.
func (f Faults) String() string {
	return fmt.Sprintf("panic=%s,slow=%s,slow_ms=%d,wrong=%s",
		strconv.FormatFloat(f.Panic, 'g', -1, 64), strconv.FormatFloat(f.Slow, 'g', -1, 64), f.SlowMS,
		strconv.FormatFloat(f.Wrong, 'g', -1, 64))
}
