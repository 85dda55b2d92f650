package rollout

import (
	"fmt"
	"math"
	"strconv"

	"go.opentelemetry.io/otel/attribute"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Mode is how an operation's calls are split between its baseline and its
// candidate (seam.rollout.mode).
type Mode uint8

// The modes, in the order a migration goes through them.
const (
	// Baseline: only the baseline runs.
	Baseline Mode = iota
	// Shadow: both run and the baseline's result is returned; the
	// candidate's is only compared with it.
	Shadow
	// Canary: a share of calls, sticky by key, is served by the candidate.
	Canary
	// Candidate: the candidate serves every call, with the baseline as its
	// fallback.
	Candidate
	numModes
)

var modeAttrs = [numModes]attribute.KeyValue{
	Baseline:  semconv.SeamRolloutModeBaseline,
	Shadow:    semconv.SeamRolloutModeShadow,
	Canary:    semconv.SeamRolloutModeCanary,
	Candidate: semconv.SeamRolloutModeCandidate,
}

// String returns the schema value: "baseline", "shadow", "canary" or "candidate".
func (m Mode) String() string {
	if m < numModes {
		return modeAttrs[m].Value.AsString()
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode returns the Mode whose schema value is s.
func ParseMode(s string) (Mode, error) {
	for m, kv := range modeAttrs {
		if kv.Value.AsString() == s {
			return Mode(m), nil
		}
	}
	return 0, fmt.Errorf("mode %q: want baseline, shadow, canary or candidate", s)
}

// basisPoints is the whole of a share: 100 % in steps of 0.01 %.
const basisPoints = 10000

// Route is an operation's mode and the candidate's share of its calls, in
// percent (0 to 100, in steps of 0.01): in Canary the share the candidate
// serves, in Shadow the share of calls shadowed. Baseline takes 0 and
// Candidate 100.
type Route struct {
	Mode    Mode
	Percent float64
}

// String is the form ParseSpec reads for one operation: "shadow",
// "canary:25".
func (r Route) String() string {
	if r.Mode == Canary || (r.Mode == Shadow && r.Percent != 100) {
		return r.Mode.String() + ":" + strconv.FormatFloat(r.Percent, 'f', -1, 64)
	}
	return r.Mode.String()
}

// defaultPercent is a mode's share when none is given; Canary has none.
func defaultPercent(m Mode) (float64, bool) {
	switch m {
	case Baseline:
		return 0, true
	case Shadow, Candidate:
		return 100, true
	}
	return 0, false
}

// Validate reports whether r is a route calls can follow: a known mode
// and a share that mode takes.
func (r Route) Validate() error {
	_, err := r.basis()
	return err
}

// basis returns the route's share in basis points, and whether it is a
// valid share for its mode. A share finer than a basis point is invalid
// in a spec; from a flag it is rounded (see routeFromFlags).
func (r Route) basis() (int, error) {
	if r.Mode >= numModes {
		return 0, fmt.Errorf("mode %d: unknown", r.Mode)
	}
	if math.IsNaN(r.Percent) || r.Percent < 0 || r.Percent > 100 {
		return 0, fmt.Errorf("percent %s: want 0 to 100", strconv.FormatFloat(r.Percent, 'g', -1, 64))
	}
	if def, ok := defaultPercent(r.Mode); ok && r.Mode != Shadow && r.Percent != def {
		return 0, fmt.Errorf("%s:%s: %s takes no share", r.Mode, strconv.FormatFloat(r.Percent, 'g', -1, 64), r.Mode)
	}
	return int(math.Round(r.Percent * 100)), nil
}
