package registry

import (
	"fmt"
	"slices"
	"strings"
)

// Resolved is the registry with every ref, layout and annotation applied: the
// form the generators and the collector read. Its JSON is schema/resolved.json.
type Resolved struct {
	SchemaURL     string              `json:"schema_url"`
	Version       string              `json:"version"`
	BucketLayouts []ResolvedLayout    `json:"bucket_layouts"`
	Attributes    []ResolvedAttribute `json:"attributes"`
	Metrics       []ResolvedMetric    `json:"metrics"`
	Events        []ResolvedEvent     `json:"events"`
	Log           LogSpec             `json:"log"`
	Redaction     ResolvedRedaction   `json:"redaction"`
}

// ResolvedLayout is a named bucket layout.
type ResolvedLayout struct {
	Name       string    `json:"name"`
	Boundaries []float64 `json:"boundaries"`
}

// ResolvedAttribute is one attribute definition.
type ResolvedAttribute struct {
	ID               string           `json:"id"`
	Type             string           `json:"type"`
	Brief            string           `json:"brief"`
	Stability        string           `json:"stability"`
	Examples         []any            `json:"examples,omitempty"`
	Members          []ResolvedMember `json:"members,omitempty"`
	Deprecated       *Deprecation     `json:"deprecated,omitempty"`
	CardinalityLimit int              `json:"cardinality_limit,omitempty"`
	OverflowValue    string           `json:"overflow_value,omitempty"`
	ValuePattern     string           `json:"value_pattern,omitempty"`
	MaxLength        int              `json:"max_length,omitempty"`
	Sensitivity      string           `json:"sensitivity,omitempty"`
	Aliases          []string         `json:"aliases,omitempty"`
	Correlation      *Correlation     `json:"correlation,omitempty"`
}

// ResolvedMember is one enum value.
type ResolvedMember struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
	Brief string `json:"brief,omitempty"`
}

// Deprecation is a deprecated item's reason and replacement.
type Deprecation struct {
	Reason    string `json:"reason"`
	RenamedTo string `json:"renamed_to,omitempty"`
}

// ResolvedMetric is one metric with its attributes and buckets spelled out.
type ResolvedMetric struct {
	Name             string         `json:"name"`
	Instrument       string         `json:"instrument"`
	Unit             string         `json:"unit"`
	Brief            string         `json:"brief"`
	Stability        string         `json:"stability"`
	RequirementLevel string         `json:"requirement_level"`
	BucketLayout     string         `json:"bucket_layout,omitempty"`
	Boundaries       []float64      `json:"boundaries,omitempty"`
	SeriesLimit      int            `json:"series_limit,omitempty"`
	Attributes       []AttributeUse `json:"attributes"`
	Deprecated       *Deprecation   `json:"deprecated,omitempty"`
}

// AttributeUse is an attribute as a metric or event uses it.
type AttributeUse struct {
	ID               string `json:"id"`
	RequirementLevel string `json:"requirement_level"`
}

// ResolvedEvent is one event group.
type ResolvedEvent struct {
	Name       string         `json:"name"`
	Brief      string         `json:"brief"`
	Attributes []AttributeUse `json:"attributes"`
}

// ResolvedRedaction is the redaction rules with the sensitive keys gathered.
type ResolvedRedaction struct {
	RedactionSpec
	SensitiveKeys []string `json:"sensitive_keys"`
}

// Resolve turns a registry that passed Check into its resolved form.
func Resolve(reg *Registry) (*Resolved, error) {
	if reg.Manifest == nil {
		return nil, fmt.Errorf("%s: no manifest", reg.Dir)
	}
	r := &Resolved{SchemaURL: reg.Manifest.SchemaURL, Version: reg.Manifest.SemconvVersion}
	layouts := map[string][]float64{}
	defs := map[string]*Attribute{}
	for _, g := range reg.Groups {
		for _, l := range g.Seam.BucketLayouts {
			layouts[l.Name] = l.Boundaries
			r.BucketLayouts = append(r.BucketLayouts, ResolvedLayout{Name: l.Name, Boundaries: l.Boundaries})
		}
		for _, a := range g.Attributes {
			if a.ID != "" {
				defs[a.ID] = a
			}
		}
		if g.Seam.Log != nil {
			r.Log = *g.Seam.Log
		}
		if g.Seam.Redaction != nil {
			r.Redaction.RedactionSpec = *g.Seam.Redaction
		}
	}
	for _, a := range defs {
		r.Attributes = append(r.Attributes, resolveAttribute(a))
		if a.Seam.Sensitivity != "" {
			r.Redaction.SensitiveKeys = append(r.Redaction.SensitiveKeys, a.ID)
		}
	}
	slices.SortFunc(r.Attributes, func(a, b ResolvedAttribute) int { return strings.Compare(a.ID, b.ID) })
	slices.Sort(r.Redaction.SensitiveKeys)

	for _, g := range reg.Groups {
		uses, err := attributeUses(g, defs)
		if err != nil {
			return nil, err
		}
		switch g.Type {
		case "metric":
			m := ResolvedMetric{
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
			r.Events = append(r.Events, ResolvedEvent{Name: g.Name, Brief: strings.TrimSpace(g.Brief), Attributes: uses})
		}
	}
	slices.SortFunc(r.Metrics, func(a, b ResolvedMetric) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(r.Events, func(a, b ResolvedEvent) int { return strings.Compare(a.Name, b.Name) })
	return r, nil
}

func resolveAttribute(a *Attribute) ResolvedAttribute {
	ra := ResolvedAttribute{
		ID: a.ID, Type: a.Type, Brief: strings.TrimSpace(a.Brief), Stability: a.Stability, Examples: a.Examples,
		Deprecated: deprecation(a.Deprecated), CardinalityLimit: a.Seam.CardinalityLimit,
		OverflowValue: a.Seam.OverflowValue, ValuePattern: a.Seam.ValuePattern, MaxLength: a.Seam.MaxLength,
		Sensitivity: a.Seam.Sensitivity, Aliases: a.Seam.Aliases,
		Correlation: a.Seam.Correlation,
	}
	for _, m := range a.Members {
		ra.Members = append(ra.Members, ResolvedMember{ID: m.ID, Value: m.Value, Brief: m.Brief})
	}
	return ra
}

func attributeUses(g *Group, defs map[string]*Attribute) ([]AttributeUse, error) {
	uses := []AttributeUse{}
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
		uses = append(uses, AttributeUse{ID: id, RequirementLevel: level})
	}
	slices.SortFunc(uses, func(a, b AttributeUse) int { return strings.Compare(a.ID, b.ID) })
	return uses, nil
}

func deprecation(d *Deprecated) *Deprecation {
	if d == nil {
		return nil
	}
	return &Deprecation{Reason: d.Reason, RenamedTo: d.RenamedTo}
}

// Attribute returns the definition with the given id.
func (r *Resolved) Attribute(id string) *ResolvedAttribute {
	i, ok := slices.BinarySearchFunc(r.Attributes, id, func(a ResolvedAttribute, id string) int { return strings.Compare(a.ID, id) })
	if !ok {
		return nil
	}
	return &r.Attributes[i]
}

// Metric returns the metric with the given name.
func (r *Resolved) Metric(name string) *ResolvedMetric {
	i, ok := slices.BinarySearchFunc(r.Metrics, name, func(m ResolvedMetric, name string) int { return strings.Compare(m.Name, name) })
	if !ok {
		return nil
	}
	return &r.Metrics[i]
}

// LoadResolved loads, checks and resolves DIR in one step, for commands
// that need a valid registry and have nothing to say about a broken one
// beyond its findings.
func LoadResolved(dir string) (*Resolved, Findings, error) {
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
