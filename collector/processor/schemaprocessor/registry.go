package schemaprocessor

import (
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	seamschema "github.com/seamtel/seam/schema"
)

// logEventName is the registry event that describes a canonical log record.
const logEventName = "seam.log"

// valueType is the type an attribute's values must have.
type valueType uint8

const (
	typeString valueType = iota
	typeInt
	typeDouble
	typeBool
	typeEnum
	typeOther // arrays, templates: checked no further
)

// attrSpec is one registry attribute, compiled for lookups on the hot path.
type attrSpec struct {
	id   string
	typ  valueType
	enum map[string]struct{}
	// enumFold maps a lower-cased member to its spelling, to repair case.
	enumFold         map[string]string
	cardinalityLimit int
	overflowValue    string
	// sensitive values are replaced whole (redaction key rules).
	sensitive bool
	// scalar is the pdata type of a conformant int, double or boolean
	// value, ValueTypeStr for the other types: a value of that type under
	// a key that is not sensitive needs no check.
	scalar pcommon.ValueType
}

// keyRule says what to do with an attribute key.
type keyRule struct {
	// spec is set for keys the registry defines.
	spec *attrSpec
	// renameTo is set for deprecated and foreign spellings.
	renameTo string
	// renameRule is the finding a rename reports.
	renameRule string
}

// metricSpec is one registry metric, compiled.
type metricSpec struct {
	name       string
	instrument string
	unit       string
	boundaries []float64
	// bounds are boundaries as pdata, for an exact comparison in one call.
	bounds   pcommon.Float64Slice
	allowed  map[string]struct{}
	required []string
	// limited lists allowed attributes with a cardinality limit.
	limited     []*attrSpec
	seriesLimit int
}

func float64Slice(v []float64) pcommon.Float64Slice {
	s := pcommon.NewFloat64Slice()
	s.FromRaw(v)
	return s
}

// schema is the compiled registry: immutable, shared by all signals.
type schema struct {
	url  string
	keys map[string]keyRule
	// renamedFrom lists, per attribute, the spellings renamed to it.
	renamedFrom map[string][]string
	metrics     map[string]*metricSpec
	// levels maps a canonical level name to its severity number.
	levels map[string]int32
	// levelFold maps foreign level spellings (any case, common synonyms) to
	// the canonical name.
	levelFold map[string]string
	// levelBySeverity maps each severity number 1..24 to the canonical level
	// whose range contains it.
	levelBySeverity [25]string
	// logResource are the resource attributes every log record needs.
	logResource []string
}

// compileSchema decodes and compiles a resolved registry (the JSON of
// seamschema.Registry). sensitive tells which attribute keys the redaction
// rules replace whole.
func compileSchema(resolvedJSON []byte, sensitive func(key string) bool) (*schema, error) {
	reg, err := seamschema.Parse(resolvedJSON)
	if err != nil {
		return nil, err
	}
	s := &schema{
		url:         reg.SchemaURL,
		keys:        make(map[string]keyRule, len(reg.Attributes)*2),
		renamedFrom: map[string][]string{},
		metrics:     make(map[string]*metricSpec, len(reg.Metrics)),
		levels:      map[string]int32{},
		levelFold:   map[string]string{},
	}
	specs := make(map[string]*attrSpec, len(reg.Attributes))
	for _, a := range reg.Attributes {
		spec := &attrSpec{
			id:               a.ID,
			typ:              parseValueType(a.Type),
			cardinalityLimit: a.CardinalityLimit,
			overflowValue:    a.OverflowValue,
			sensitive:        sensitive(a.ID),
		}
		spec.scalar = scalarType(spec.typ)
		if spec.typ == typeEnum {
			spec.enum = make(map[string]struct{}, len(a.Members))
			spec.enumFold = make(map[string]string, len(a.Members))
			for _, m := range a.Members {
				v := fmt.Sprint(m.Value)
				spec.enum[v] = struct{}{}
				spec.enumFold[strings.ToLower(v)] = v
			}
		}
		specs[a.ID] = spec
		rule := keyRule{spec: spec}
		if a.Deprecated != nil && a.Deprecated.RenamedTo != "" {
			rule.renameTo = a.Deprecated.RenamedTo
			rule.renameRule = RuleDeprecated
		}
		s.keys[a.ID] = rule
	}
	for _, a := range reg.Attributes {
		for _, alias := range a.Aliases {
			if _, defined := s.keys[alias]; defined {
				return nil, fmt.Errorf("schema: alias %q of %q is itself an attribute", alias, a.ID)
			}
			s.keys[alias] = keyRule{renameTo: a.ID, renameRule: RuleForeignSpelling}
		}
	}
	for from, rule := range s.keys {
		if rule.renameTo != "" {
			s.renamedFrom[rule.renameTo] = append(s.renamedFrom[rule.renameTo], from)
		}
	}
	for _, m := range reg.Metrics {
		ms := &metricSpec{
			name:        m.Name,
			instrument:  m.Instrument,
			unit:        m.Unit,
			boundaries:  m.Boundaries,
			bounds:      float64Slice(m.Boundaries),
			allowed:     make(map[string]struct{}, len(m.Attributes)),
			seriesLimit: m.SeriesLimit,
		}
		for _, use := range m.Attributes {
			ms.allowed[use.ID] = struct{}{}
			if use.RequirementLevel == "required" {
				ms.required = append(ms.required, use.ID)
			}
			spec, ok := specs[use.ID]
			if !ok {
				return nil, fmt.Errorf("schema: metric %q uses undefined attribute %q", m.Name, use.ID)
			}
			if spec.cardinalityLimit > 0 {
				ms.limited = append(ms.limited, spec)
			}
		}
		s.metrics[m.Name] = ms
	}
	if err := s.compileLog(reg); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *schema) compileLog(reg *seamschema.Registry) error {
	if len(reg.Log.Levels) == 0 {
		return errors.New("schema: resolved registry has no log levels")
	}
	for i, l := range reg.Log.Levels {
		s.levels[l.Name] = int32(l.SeverityNumber)
		s.levelFold[strings.ToLower(l.Name)] = l.Name
		// A level covers its number up to the next level's, as OTel's
		// severity ranges do (INFO is 9..12).
		upper := int32(len(s.levelBySeverity) - 1)
		if i+1 < len(reg.Log.Levels) {
			upper = int32(reg.Log.Levels[i+1].SeverityNumber) - 1
		}
		for n := int32(l.SeverityNumber); n <= upper && n > 0 && int(n) < len(s.levelBySeverity); n++ {
			s.levelBySeverity[n] = l.Name
		}
	}
	// Synonyms common in other logging libraries, mapped only when the
	// target level exists.
	for foreign, canonical := range map[string]string{
		"warning": "WARN", "err": "ERROR", "fatal": "ERROR", "critical": "ERROR",
		"information": "INFO", "dbg": "DEBUG", "trc": "TRACE",
	} {
		if _, ok := s.levels[canonical]; ok {
			s.levelFold[foreign] = canonical
		}
	}
	for _, e := range reg.Events {
		if e.Name != logEventName {
			continue
		}
		for _, use := range e.Attributes {
			if use.RequirementLevel == "required" {
				s.logResource = append(s.logResource, use.ID)
			}
		}
	}
	return nil
}

func scalarType(t valueType) pcommon.ValueType {
	switch t {
	case typeInt:
		return pcommon.ValueTypeInt
	case typeDouble:
		return pcommon.ValueTypeDouble
	case typeBool:
		return pcommon.ValueTypeBool
	default:
		return pcommon.ValueTypeStr
	}
}

func parseValueType(t string) valueType {
	switch t {
	case "string":
		return typeString
	case "int":
		return typeInt
	case "double":
		return typeDouble
	case "boolean":
		return typeBool
	case "enum":
		return typeEnum
	default:
		return typeOther
	}
}
