package rollout

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	seam "github.com/seamtel/seam/sdk-go"
)

// ParseSpec reads routes in the form SEAM_ROLLOUT and each line of
// SEAM_ROLLOUT_FILE take: entries operation=mode[:percent], separated by
// commas or lines, with '#' starting a comment:
//
//	pricing.quote=shadow, pricing.fingerprint=canary:25
//
// Shadow defaults to 100 (every call shadowed), Canary needs a percent,
// Baseline and Candidate take none. Every bad entry is named in the one
// error returned.
func ParseSpec(spec string) (map[string]Route, error) {
	routes := map[string]Route{}
	var errs []error
	for line := range strings.Lines(spec) {
		line, _, _ = strings.Cut(line, "#")
		for _, entry := range strings.Split(line, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			op, r, err := parseEntry(entry)
			if err == nil {
				if _, dup := routes[op]; dup {
					err = fmt.Errorf("%s: given twice", op)
				}
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			routes[op] = r
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("rollout spec: %w", errors.Join(errs...))
	}
	return routes, nil
}

// parseEntry reads one operation=mode[:percent].
func parseEntry(entry string) (string, Route, error) {
	op, value, ok := strings.Cut(entry, "=")
	op, value = strings.TrimSpace(op), strings.TrimSpace(value)
	if !ok {
		return "", Route{}, fmt.Errorf("%q: want operation=mode[:percent]", entry)
	}
	if !seam.ValidOperationName(op) {
		return "", Route{}, fmt.Errorf("%q: operation outside the schema's grammar for seam.operation", op)
	}
	name, pct, hasPct := strings.Cut(value, ":")
	m, err := ParseMode(strings.TrimSpace(name))
	if err != nil {
		return "", Route{}, fmt.Errorf("%s=%s: %w", op, value, err)
	}
	r := Route{Mode: m}
	if !hasPct {
		def, ok := defaultPercent(m)
		if !ok {
			return "", Route{}, fmt.Errorf("%s=%s: %s needs a percent (%s:PERCENT)", op, value, m, m)
		}
		r.Percent = def
		return op, r, nil
	}
	pct = strings.TrimSpace(pct)
	p, err := strconv.ParseFloat(pct, 64)
	if err != nil || math.IsNaN(p) || p < 0 || p > 100 || math.Abs(p*100-math.Round(p*100)) > 1e-6 {
		return "", Route{}, fmt.Errorf("%s=%s: percent %q: want 0 to 100 in steps of 0.01", op, value, pct)
	}
	r.Percent = p
	if _, err := r.basis(); err != nil {
		return "", Route{}, fmt.Errorf("%s=%s: %w", op, value, err)
	}
	return op, r, nil
}
