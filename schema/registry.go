package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Registry is the resolved schema: every ref, bucket layout and annotation of
// registry/ applied. It is what the generators and the collector read, and
// its JSON form is resolved.json, written by `seam schema generate`.
type Registry struct {
	SchemaURL     string         `json:"schema_url"`
	Version       string         `json:"version"`
	BucketLayouts []BucketLayout `json:"bucket_layouts"`
	Attributes    []Attribute    `json:"attributes"` // sorted by ID
	Metrics       []Metric       `json:"metrics"`    // sorted by Name
	Events        []Event        `json:"events"`     // sorted by Name
	Log           Log            `json:"log"`
	Redaction     Redaction      `json:"redaction"`
}

// BucketLayout is a named set of histogram bucket boundaries.
type BucketLayout struct {
	Name       string    `json:"name"`
	Boundaries []float64 `json:"boundaries"`
}

// Attribute is one attribute definition.
type Attribute struct {
	ID        string   `json:"id"`
	Type      string   `json:"type"` // string, int, double, boolean, enum, arrays, template[...]
	Brief     string   `json:"brief"`
	Stability string   `json:"stability"`
	Examples  []any    `json:"examples,omitempty"`
	Members   []Member `json:"members,omitempty"` // for an enum
	// Deprecated, when set, names the replacement the collector renames to.
	Deprecated *Deprecation `json:"deprecated,omitempty"`
	// CardinalityLimit distinct values are kept; the rest become OverflowValue.
	CardinalityLimit int    `json:"cardinality_limit,omitempty"`
	OverflowValue    string `json:"overflow_value,omitempty"`
	// ValuePattern, when set, is the regular expression (RE2 and Rust regex
	// alike) every value must match; MaxLength bounds a value in bytes.
	ValuePattern string `json:"value_pattern,omitempty"`
	MaxLength    int    `json:"max_length,omitempty"`
	// Sensitivity (pii or secret) means values are always replaced.
	Sensitivity string `json:"sensitivity,omitempty"`
	// Aliases are foreign spellings the collector maps to ID.
	Aliases     []string     `json:"aliases,omitempty"`
	Correlation *Correlation `json:"correlation,omitempty"`
}

// Member is one enum value.
type Member struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
	Brief string `json:"brief,omitempty"`
}

// Deprecation is a deprecated item's reason and replacement.
type Deprecation struct {
	Reason    string `json:"reason"`
	RenamedTo string `json:"renamed_to,omitempty"`
}

// Correlation says how a correlation attribute crosses boundaries.
type Correlation struct {
	Carrier    string
	BaggageKey string
	LogField   string
}

// Metric is one metric with its attributes and buckets spelled out.
type Metric struct {
	Name             string         `json:"name"`
	Instrument       string         `json:"instrument"` // counter, updowncounter, gauge, histogram
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

// Event is one event group.
type Event struct {
	Name       string         `json:"name"`
	Brief      string         `json:"brief"`
	Attributes []AttributeUse `json:"attributes"`
}

// Log is the canonical log line: field order, time format and levels.
type Log struct {
	TimeFormat string     `json:"time_format"`
	Fields     []LogField `json:"fields"`
	Levels     []LogLevel `json:"levels"`
}

// LogField is one fixed field of the canonical log line.
type LogField struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// LogLevel pairs a level name with its OTel severity number.
type LogLevel struct {
	Name           string `json:"name"`
	SeverityNumber int    `json:"severity_number"`
}

// Redaction is the redaction rules, with the sensitive attributes gathered.
type Redaction struct {
	Replacement   string             `json:"replacement"`
	KeyPatterns   []string           `json:"key_patterns"`
	ValuePatterns []RedactionPattern `json:"value_patterns"`
	SensitiveKeys []string           `json:"sensitive_keys"`
}

// RedactionPattern replaces regex matches in string values.
type RedactionPattern struct {
	Name        string `json:"name"`
	Regex       string `json:"regex"`
	Replacement string `json:"replacement"`
	Validate    string `json:"validate,omitempty"` // card
}

// Attribute returns the definition with the given id, or nil.
func (r *Registry) Attribute(id string) *Attribute {
	i, ok := slices.BinarySearchFunc(r.Attributes, id, func(a Attribute, id string) int { return strings.Compare(a.ID, id) })
	if !ok {
		return nil
	}
	return &r.Attributes[i]
}

// Metric returns the metric with the given name, or nil.
func (r *Registry) Metric(name string) *Metric {
	i, ok := slices.BinarySearchFunc(r.Metrics, name, func(m Metric, name string) int { return strings.Compare(m.Name, name) })
	if !ok {
		return nil
	}
	return &r.Metrics[i]
}

// Parse decodes a resolved registry's JSON.
func Parse(data []byte) (*Registry, error) {
	var r Registry
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("schema: decode resolved registry: %w", err)
	}
	if r.SchemaURL == "" {
		return nil, errors.New("schema: resolved registry has no schema_url")
	}
	return &r, nil
}

// Load decodes the embedded resolved registry.
func Load() (*Registry, error) { return Parse(Resolved) }
