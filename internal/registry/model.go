// Package registry loads, validates and resolves Seam's telemetry schema: a
// registry in the OpenTelemetry semantic-conventions (v1) syntax whose
// Seam-specific parts live under annotations.seam.
package registry

import "github.com/seamtel/seam/schema"

// Pos is a place in a registry file, for findings a person can jump to.
type Pos struct {
	File string
	Line int
	Col  int
}

// Manifest is schema/manifest.yaml.
type Manifest struct {
	Name           string
	Description    string
	SemconvVersion string
	SchemaURL      string
	Stability      string
	Pos            Pos
}

// Group is one entry of a file's `groups:` list.
type Group struct {
	ID                     string
	Type                   string // attribute_group | metric | event | span | resource | entity
	Brief                  string
	Note                   string
	Stability              string
	Extends                string
	Deprecated             *Deprecated
	MetricName             string
	Instrument             string
	Unit                   string
	MetricRequirementLevel string
	Name                   string // event name
	Attributes             []*Attribute
	Seam                   GroupSeam
	Pos                    Pos
	UnitPos                Pos
}

// Attribute is a definition (ID set) or a reference (Ref set) inside a group.
type Attribute struct {
	ID               string
	Ref              string
	Type             string // string, int, double, boolean, *[] , template[..], or "enum"
	Members          []*Member
	Brief            string
	Note             string
	Stability        string
	Examples         []any
	HasExamples      bool
	RequirementLevel string
	Condition        string // for conditionally_required / recommended
	Deprecated       *Deprecated
	Seam             AttrSeam
	Group            *Group
	Pos              Pos
}

// Member is one value of an enum attribute.
type Member struct {
	ID        string
	Value     any
	Brief     string
	Stability string
	Pos       Pos
}

// Deprecated is semconv's deprecation block.
type Deprecated struct {
	Reason    string // renamed | obsoleted | uncategorized
	RenamedTo string
	Note      string
	Pos       Pos
}

// GroupSeam holds a group's annotations.seam.
type GroupSeam struct {
	BucketLayouts []BucketLayout
	Buckets       string // the layout a histogram uses
	BucketsPos    Pos
	SeriesLimit   int
	Log           *schema.Log
	Redaction     *RedactionSpec
}

// BucketLayout is a named list of explicit histogram boundaries.
type BucketLayout struct {
	Name       string
	Boundaries []float64
	Pos        Pos
}

// AttrSeam holds an attribute's annotations.seam.
type AttrSeam struct {
	CardinalityLimit int
	OverflowValue    string
	// ValuePattern, when set, is the regular expression (RE2 and Rust
	// regex alike) every value must match; MaxLength bounds a value in bytes.
	ValuePattern string
	MaxLength    int
	Sensitivity  string // pii | secret
	Aliases      []string
	Correlation  *schema.Correlation
}

// RedactionSpec is the schema's redaction rules.
type RedactionSpec struct {
	Replacement   string             `json:"replacement"`
	KeyPatterns   []string           `json:"key_patterns"`
	ValuePatterns []RedactionPattern `json:"value_patterns"`
}

// RedactionPattern replaces regex matches in string values.
type RedactionPattern struct {
	Name        string `json:"name"`
	Regex       string `json:"regex"`
	Replacement string `json:"replacement"`
	Validate    string `json:"validate,omitempty"`
	Pos         Pos    `json:"-"`
}

// Registry is everything loaded from one schema directory.
type Registry struct {
	Dir      string
	Manifest *Manifest
	Groups   []*Group
}
