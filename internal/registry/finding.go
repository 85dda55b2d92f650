package registry

import (
	"cmp"
	"fmt"
	"slices"
)

// Rule ids. Each finding names one, so tests and people can tell defects apart.
const (
	RuleSyntax        = "syntax"         // the file is not valid YAML
	RuleUnknownKey    = "unknown_key"    // a key the semconv syntax (or Seam's annotations) does not define
	RuleDuplicateKey  = "duplicate_key"  // a key given twice in one mapping
	RuleMissingField  = "missing_field"  // a required field is absent
	RuleInvalidValue  = "invalid_value"  // a field has a value outside its allowed set or type
	RuleDuplicateID   = "duplicate_id"   // two groups, attributes or metrics share an id or name
	RuleDanglingRef   = "dangling_ref"   // a ref, renamed_to, extends or layout names nothing
	RuleNaming        = "naming"         // a name breaks the OpenTelemetry naming rules
	RuleUnit          = "unit"           // a unit is not UCUM
	RuleBuckets       = "buckets"        // bucket boundaries are missing or not strictly ascending
	RuleEnum          = "enum"           // enum members are empty or not unique
	RuleExamples      = "examples"       // a string attribute has no examples
	RuleRegex         = "regex"          // a redaction pattern does not compile or is not ASCII
	RuleManifest      = "manifest"       // manifest.yaml is missing or incomplete
	RuleLog           = "log"            // the canonical log record is incomplete
	RuleRequirement   = "requirement"    // a requirement level is malformed
	RuleDeprecated    = "deprecated"     // a deprecation block is malformed
	RuleCardinality   = "cardinality"    // a cardinality or series limit is not positive
	RuleInstrument    = "instrument"     // a metric names an unknown instrument
	RuleGroupType     = "group_type"     // a group type the registry does not accept
	RuleAnnotationUse = "annotation_use" // a Seam annotation in a place it means nothing
)

// Finding is one defect in a registry.
type Finding struct {
	Pos     Pos
	Rule    string
	Message string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", f.Pos.File, f.Pos.Line, f.Pos.Col, f.Rule, f.Message)
}

// Findings is a list of defects, reported in file order.
type Findings []Finding

func (fs *Findings) add(pos Pos, rule, format string, args ...any) {
	*fs = append(*fs, Finding{Pos: pos, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Sort orders findings by file, line and column.
func (fs Findings) Sort() {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
}

// Has reports whether any finding is about rule.
func (fs Findings) Has(rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}
