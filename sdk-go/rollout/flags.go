package rollout

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/open-feature/go-sdk/openfeature"
)

// ModeFlag is the OpenFeature flag (a string: baseline, shadow, canary or
// candidate) that sets operation's mode.
func ModeFlag(operation string) string { return "seam.rollout." + operation + ".mode" }

// PercentFlag is the OpenFeature flag (a number from 0 to 100) that sets
// the candidate's share of operation's calls in Canary, and the share of
// calls shadowed in Shadow (100 when unset).
func PercentFlag(operation string) string { return "seam.rollout." + operation + ".percent" }

// routeFromFlags evaluates operation's flags. A flag that is not there
// means Baseline; a value that is not valid means Baseline too, and is
// returned as an error naming it.
func routeFromFlags(ctx context.Context, c *openfeature.Client, operation string) (Route, error) {
	mode, err := c.StringValueDetails(ctx, ModeFlag(operation), Baseline.String(), openfeature.EvaluationContext{})
	if err != nil {
		if mode.ErrorCode == openfeature.FlagNotFoundCode {
			return Route{Mode: Baseline}, nil
		}
		return Route{Mode: Baseline}, fmt.Errorf("flag %s: %w", ModeFlag(operation), err)
	}
	m, err := ParseMode(mode.Value)
	if err != nil {
		return Route{Mode: Baseline}, fmt.Errorf("flag %s: %w", ModeFlag(operation), err)
	}
	if m == Baseline || m == Candidate {
		pct, _ := defaultPercent(m)
		return Route{Mode: m, Percent: pct}, nil
	}
	pct, err := c.FloatValueDetails(ctx, PercentFlag(operation), 100, openfeature.EvaluationContext{})
	if err != nil {
		if pct.ErrorCode != openfeature.FlagNotFoundCode {
			return Route{Mode: Baseline}, fmt.Errorf("flag %s: %w", PercentFlag(operation), err)
		}
		if m == Canary {
			return Route{Mode: Baseline}, fmt.Errorf("flag %s is canary but %s is not set", ModeFlag(operation), PercentFlag(operation))
		}
	}
	p := pct.Value
	if math.IsNaN(p) || p < 0 || p > 100 {
		return Route{Mode: Baseline}, fmt.Errorf("flag %s: %s: want 0 to 100", PercentFlag(operation), strconv.FormatFloat(p, 'g', -1, 64))
	}
	// A flag is a number of any precision: round it to a basis point.
	return Route{Mode: m, Percent: math.Round(p*100) / 100}, nil
}
