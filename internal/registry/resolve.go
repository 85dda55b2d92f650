package registry

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seamtel/seam/schema"
)

// Resolve turns a registry that passed Check into its resolved form.
func Resolve(reg *Registry) (*schema.Registry, error) {
	if reg.Manifest == nil {
		return nil, fmt.Errorf("%s: no manifest", reg.Dir)
	}
	r := &schema.Registry{SchemaURL: reg.Manifest.SchemaURL, Version: reg.Manifest.SemconvVersion}
	layouts := map[string][]float64{}
	defs := map[string]*Attribute{}
	for _, g := range reg.Groups {
		for _, l := range g.Seam.BucketLayouts {
			layouts[l.Name] = l.Boundaries
			r.BucketLayouts = append(r.BucketLayouts, schema.BucketLayout{Name: l.Name, Boundaries: l.Boundaries})
		}
		for _, a := range g.Attributes {
			if a.ID != "" {
				defs[a.ID] = a
			}
		}
		if g.Seam.Log != nil {
			r.Log = *g.Seam.Log
		}
		if rs := g.Seam.Redaction; rs != nil {
			r.Redaction.Replacement, r.Redaction.KeyPatterns = rs.Replacement, rs.KeyPatterns
			for _, p := range rs.ValuePatterns {
				r.Redaction.ValuePatterns = append(r.Redaction.ValuePatterns, schema.RedactionPattern{
					Name: p.Name, Regex: p.Regex, Replacement: p.Replacement, Validate: p.Validate,
				})
			}
		}
	}
	for _, a := range defs {
		r.Attributes = append(r.Attributes, resolveAttribute(a))
		if a.Seam.Sensitivity != "" {
			r.Redaction.SensitiveKeys = append(r.Redaction.SensitiveKeys, a.ID)
		}
	}
	slices.SortFunc(r.Attributes, func(a, b schema.Attribute) int { return strings.Compare(a.ID, b.ID) })
	slices.Sort(r.Redaction.SensitiveKeys)

	for _, g := range reg.Groups {
		uses, err := attributeUses(g, defs)
		if err != nil {
			return nil, err
		}
		switch g.Type {
		case "metric":
			m := schema.Metric{
				Name: g.MetricName, Instrument: g.Instrument, Unit: g.Unit, Brief: strings.TrimSpace(g.Brief),
				Stability: g.Stability, RequirementLevel: g.MetricRequirementLevel, BucketLayout: g.Seam.Buckets,
				Boundaries: layouts[g.Seam.Buckets], SeriesLimit: g.Seam.SeriesLimit, Attributes: uses,
				Deprecated: deprecation(g.Deprecated),
			}
			if m.RequirementLevel == "" {
				m.RequirementLevel = "recommended"
			}
			r.Metrics = append(r.Metrics, m)
		case "event":
			r.Events = append(r.Events, schema.Event{Name: g.Name, Brief: strings.TrimSpace(g.Brief), Attributes: uses})
		}
	}
	slices.SortFunc(r.Metrics, func(a, b schema.Metric) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(r.Events, func(a, b schema.Event) int { return strings.Compare(a.Name, b.Name) })
	return r, nil
}

func resolveAttribute(a *Attribute) schema.Attribute {
	ra := schema.Attribute{
		ID: a.ID, Type: a.Type, Brief: strings.TrimSpace(a.Brief), Stability: a.Stability, Examples: a.Examples,
		Deprecated: deprecation(a.Deprecated), CardinalityLimit: a.Seam.CardinalityLimit,
		OverflowValue: a.Seam.OverflowValue, ValuePattern: a.Seam.ValuePattern, MaxLength: a.Seam.MaxLength,
		Sensitivity: a.Seam.Sensitivity, Aliases: a.Seam.Aliases,
		Correlation: a.Seam.Correlation,
	}
	for _, m := range a.Members {
		ra.Members = append(ra.Members, schema.Member{ID: m.ID, Value: m.Value, Brief: m.Brief})
	}
	return ra
}

func attributeUses(g *Group, defs map[string]*Attribute) ([]schema.AttributeUse, error) {
	uses := []schema.AttributeUse{}
	for _, a := range g.Attributes {
		id := a.ID
		if a.Ref != "" {
			id = a.Ref
		}
		if defs[id] == nil {
			return nil, fmt.Errorf("group %q: attribute %q is not defined", g.ID, id)
		}
		level := a.RequirementLevel
		if level == "" {
			level = "recommended"
		}
		uses = append(uses, schema.AttributeUse{ID: id, RequirementLevel: level})
	}
	slices.SortFunc(uses, func(a, b schema.AttributeUse) int { return strings.Compare(a.ID, b.ID) })
	return uses, nil
}

func deprecation(d *Deprecated) *schema.Deprecation {
	if d == nil {
		return nil
	}
	return &schema.Deprecation{Reason: d.Reason, RenamedTo: d.RenamedTo}
}

// LoadResolved loads, checks and resolves DIR in one step, for commands
// that need a valid registry and have nothing to say about a broken one
// beyond its findings.
func LoadResolved(dir string) (*schema.Registry, Findings, error) {
	reg, findings, err := Load(dir)
	if err != nil {
		return nil, nil, err
	}
	// A file that did not parse leaves the registry incomplete: checking
	// the rest would only report the consequences.
	if !findings.Has(RuleSyntax) {
		findings = append(findings, Check(reg)...)
	}
	findings.Sort()
	if len(findings) > 0 {
		return nil, findings, nil
	}
	r, err := Resolve(reg)
	return r, nil, err
}
