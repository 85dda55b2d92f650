package conformance

import (
	"github.com/seamtel/seam/schema"

	"fmt"
	"slices"
	"sort"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/internal/metricpoints"
)

const implKey = "seam.impl"

// shape is what one implementation's metric looked like on the wire.
type shape struct {
	impl, name, unit, instrument string
	bounds                       []float64
	boundsVary                   bool
	keys                         map[string]bool
	missing                      map[string]bool            // registry-required keys absent on some point
	values                       map[string]map[string]bool // attribute key → values seen
}

// shapes folds every metric of the capture into one shape per implementation and name.
func shapes(c *Capture, reg *schema.Registry) map[string]*shape {
	out := map[string]*shape{}
	for _, md := range c.Metrics {
		for i := 0; i < md.ResourceMetrics().Len(); i++ {
			rm := md.ResourceMetrics().At(i)
			impl := attr(rm.Resource().Attributes(), implKey)
			for j := 0; j < rm.ScopeMetrics().Len(); j++ {
				ms := rm.ScopeMetrics().At(j).Metrics()
				for k := 0; k < ms.Len(); k++ {
					foldMetric(out, impl, ms.At(k), reg)
				}
			}
		}
	}
	return out
}

func foldMetric(out map[string]*shape, impl string, m pmetric.Metric, reg *schema.Registry) {
	id := impl + "\x00" + m.Name()
	s := out[id]
	if s == nil {
		s = &shape{impl: impl, name: m.Name(), unit: m.Unit(), instrument: metricpoints.Instrument(m),
			keys: map[string]bool{}, missing: map[string]bool{}, values: map[string]map[string]bool{}}
		out[id] = s
	}
	var required []string
	if rm := reg.Metric(m.Name()); rm != nil {
		for _, a := range rm.Attributes {
			if a.RequirementLevel == "required" {
				required = append(required, a.ID)
			}
		}
	}
	metricpoints.ForEachAttributes(m, func(attrs pcommon.Map) {
		attrs.Range(func(k string, v pcommon.Value) bool {
			s.keys[k] = true
			if s.values[k] == nil {
				s.values[k] = map[string]bool{}
			}
			s.values[k][v.AsString()] = true
			return true
		})
		for _, k := range required {
			if _, ok := attrs.Get(k); !ok {
				s.missing[k] = true
			}
		}
	})
	if m.Type() != pmetric.MetricTypeHistogram {
		return
	}
	for i := 0; i < m.Histogram().DataPoints().Len(); i++ {
		bounds := m.Histogram().DataPoints().At(i).ExplicitBounds().AsRaw()
		if s.bounds == nil {
			s.bounds = bounds
		} else if !slices.Equal(s.bounds, bounds) {
			s.boundsVary = true
		}
	}
}

// checkMetrics runs the cross-language and registry checks.
func checkMetrics(col *collector, c *Capture, reg *schema.Registry, exp Expectations) {
	all := shapes(c, reg)
	byName := map[string]map[string]*shape{}
	var ids []string
	for id, s := range all {
		if byName[s.name] == nil {
			byName[s.name] = map[string]*shape{}
		}
		byName[s.name][s.impl] = s
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		checkRegistry(col, all[id], reg)
	}

	for _, name := range exp.SharedMetrics {
		for _, impl := range []string{"go", "rust"} {
			if byName[name][impl] == nil {
				col.add(CheckCrossLanguage, "missing_metric", name, "no %s emitted from seam.impl=%s", name, impl)
			}
		}
	}
	for _, name := range sortedKeys(exp.EmittedMetrics) {
		for _, impl := range exp.EmittedMetrics[name] {
			col.checked(CheckCrossLanguage, 1)
			if byName[name][impl] == nil {
				col.add(CheckCrossLanguage, "missing_metric", name, "no %s emitted from seam.impl=%s", name, impl)
			}
		}
	}
	calls := byName["seam.boundary.call.duration"]["go"]
	for _, kind := range exp.BoundaryKinds {
		col.checked(CheckCrossLanguage, 1)
		if calls == nil || !calls.values[boundaryKindKey][kind] {
			col.add(CheckCrossLanguage, "missing_boundary_kind", kind, "no seam.boundary.call.duration{seam.boundary.kind=%s} from seam.impl=go", kind)
		}
	}
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		g, r := byName[name]["go"], byName[name]["rust"]
		if g == nil || r == nil {
			continue
		}
		col.checked(CheckCrossLanguage, 1)
		compareShapes(col, g, r)
	}
}

func compareShapes(col *collector, g, r *shape) {
	name := g.name
	if g.unit != r.unit {
		col.add(CheckCrossLanguage, "unit_mismatch", name, "go has unit %q, rust has %q", g.unit, r.unit)
	}
	if g.instrument != r.instrument {
		col.add(CheckCrossLanguage, "type_mismatch", name, "go is a %s, rust is a %s", g.instrument, r.instrument)
	}
	if !slices.Equal(g.bounds, r.bounds) {
		col.add(CheckCrossLanguage, "bucket_mismatch", name, "go buckets %s, rust buckets %s", bounds(g.bounds), bounds(r.bounds))
	}
	if gk, rk := joinSorted(g.keys), joinSorted(r.keys); gk != rk {
		col.add(CheckCrossLanguage, "attribute_set_mismatch", name, "go attribute keys [%s], rust [%s]", gk, rk)
	}
}

func checkRegistry(col *collector, s *shape, reg *schema.Registry) {
	subject := s.name + " (" + implLabel(s.impl) + ")"
	if s.impl != "go" && s.impl != "rust" {
		col.add(CheckRegistry, "missing_attribute", subject, "resource has no valid seam.impl (got %q)", s.impl)
	}
	m := reg.Metric(s.name)
	if m == nil {
		// Only Seam's own namespace must be registered; other instrumentation may add metrics.
		if strings.HasPrefix(s.name, "seam.") {
			col.checked(CheckRegistry, 1)
			col.add(CheckRegistry, "unknown_metric", subject, "%s is in the seam namespace but not in the registry", s.name)
		}
		return
	}
	col.checked(CheckRegistry, 1)
	if s.unit != m.Unit {
		col.add(CheckRegistry, "unit_mismatch", subject, "unit %q, registry says %q", s.unit, m.Unit)
	}
	if s.instrument != m.Instrument {
		col.add(CheckRegistry, "type_mismatch", subject, "recorded as %s, registry says %s", s.instrument, m.Instrument)
	}
	if m.Instrument == "histogram" && s.bounds != nil && (s.boundsVary || !slices.Equal(s.bounds, m.Boundaries)) {
		col.add(CheckRegistry, "bucket_mismatch", subject, "buckets %s, registry says %s", bounds(s.bounds), bounds(m.Boundaries))
	}
	allowed := map[string]bool{}
	for _, a := range m.Attributes {
		allowed[a.ID] = true
	}
	for _, k := range sortedKeys(s.keys) {
		if !allowed[k] {
			col.add(CheckRegistry, "unexpected_attribute", subject, "attribute %q is not in the registry for this metric", k)
			continue
		}
		if def := reg.Attribute(k); def != nil && len(def.Members) > 0 {
			for _, v := range sortedKeys(s.values[k]) {
				if !isMember(def, v) {
					col.add(CheckRegistry, "undefined_enum_variant", subject, "%s=%q is not one of the registry's values", k, v)
				}
			}
		}
	}
	for _, k := range sortedKeys(s.missing) {
		col.add(CheckRegistry, "missing_attribute", subject, "required attribute %q is missing on some points", k)
	}
}

func isMember(def *schema.Attribute, v string) bool {
	for _, m := range def.Members {
		if fmt.Sprint(m.Value) == v {
			return true
		}
	}
	return false
}

func implLabel(impl string) string {
	if impl == "" {
		return "no seam.impl"
	}
	return impl
}

func bounds(b []float64) string {
	if len(b) == 0 {
		return "[]"
	}
	parts := make([]string, len(b))
	for i, f := range b {
		parts[i] = fmt.Sprint(f)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func attr(m pcommon.Map, key string) string {
	if v, ok := m.Get(key); ok {
		return v.AsString()
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
