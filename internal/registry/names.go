package registry

import (
	"regexp"
	"strings"
)

// OpenTelemetry names: lowercase dot-separated namespaces, snake_case
// inside a segment, at most 255 characters.
var otelName = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*(\.[a-z][a-z0-9]*(_[a-z0-9]+)*)*$`)

// nameProblem says what is wrong with an OpenTelemetry name, or "".
func nameProblem(name string) string {
	switch {
	case name == "":
		return "name is empty"
	case len(name) > 255:
		return "name is longer than 255 characters"
	case strings.ToLower(name) != name:
		return "name must be lowercase"
	case !otelName.MatchString(name):
		return "name must be dot-separated snake_case segments, each starting with a letter"
	}
	return ""
}

// UCUM, the subset OpenTelemetry units use: atoms with an optional metric
// or binary prefix and exponent, joined by '.' and '/', plus {annotations}.
var (
	ucumAtoms    = []string{"s", "min", "h", "d", "By", "bit", "Hz", "m", "g", "l", "L", "A", "V", "W", "J", "Cel", "K", "Pa", "bar"}
	ucumPrefixes = []string{"", "k", "M", "G", "T", "P", "m", "u", "n", "p", "Ki", "Mi", "Gi", "Ti"}
	ucumCurly    = regexp.MustCompile(`^\{[A-Za-z0-9_.\- ]+\}$`)
	ucumExponent = regexp.MustCompile(`^(.*?)(-?[0-9]+)?$`)
)

// unitProblem says why unit is not UCUM, or "".
func unitProblem(unit string) string {
	if unit == "" {
		return "unit is empty: use 1 for a dimensionless count, or a {annotation}"
	}
	if unit == "1" || unit == "%" {
		return ""
	}
	for _, side := range strings.Split(unit, "/") {
		for _, term := range strings.Split(side, ".") {
			if !ucumTerm(term) {
				return "unit " + quote(unit) + " is not UCUM (" + quote(term) + " is no known unit): use s, ms, By, KiBy, {request} …"
			}
		}
	}
	return ""
}

func ucumTerm(term string) bool {
	if term == "1" || ucumCurly.MatchString(term) {
		return true
	}
	m := ucumExponent.FindStringSubmatch(term)
	base := m[1]
	for _, atom := range ucumAtoms {
		for _, p := range ucumPrefixes {
			if base == p+atom {
				return true
			}
		}
	}
	return false
}

func quote(s string) string { return `"` + s + `"` }
