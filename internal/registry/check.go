package registry

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	groupTypes        = []string{"attribute_group", "metric", "event", "span", "resource", "entity"}
	stabilities       = []string{"stable", "development", "alpha", "beta", "release_candidate"}
	instruments       = []string{"counter", "updowncounter", "gauge", "histogram"}
	requirementLevels = []string{"required", "conditionally_required", "recommended", "opt_in"}
	deprecateReasons  = []string{"renamed", "obsoleted", "uncategorized"}
	simpleTypes       = []string{"string", "int", "double", "boolean", "any", "string[]", "int[]", "double[]", "boolean[]"}
	validators        = []string{"card"}
)

// Check validates a loaded registry and returns every defect it finds.
func Check(reg *Registry) Findings {
	c := &checker{reg: reg, attrs: map[string]*Attribute{}, metrics: map[string]*Group{}, layouts: map[string]*BucketLayout{}}
	c.manifest()
	c.index()
	for _, g := range reg.Groups {
		c.group(g)
	}
	c.singletons()
	c.findings.Sort()
	return c.findings
}

type checker struct {
	reg      *Registry
	findings Findings
	attrs    map[string]*Attribute // definitions by id
	metrics  map[string]*Group     // metric groups by metric_name
	layouts  map[string]*BucketLayout
}

func (c *checker) add(pos Pos, rule, format string, args ...any) {
	c.findings.add(pos, rule, format, args...)
}

func (c *checker) manifest() {
	m := c.reg.Manifest
	if m == nil {
		return
	}
	if m.Name == "" {
		c.add(m.Pos, RuleManifest, "manifest has no name")
	}
	switch {
	case m.SchemaURL == "":
		c.add(m.Pos, RuleManifest, "manifest has no schema_url")
	case m.SemconvVersion == "":
		c.add(m.Pos, RuleManifest, "manifest has no semconv_version")
	case !strings.HasSuffix(m.SchemaURL, "/"+m.SemconvVersion):
		c.add(m.Pos, RuleManifest, "schema_url %q must end in the version %q", m.SchemaURL, m.SemconvVersion)
	}
}

// index records every definition first, so refs may point forward or across files.
func (c *checker) index() {
	groupIDs := map[string]Pos{}
	for _, g := range c.reg.Groups {
		if g.ID != "" {
			if first, dup := groupIDs[g.ID]; dup {
				c.add(g.Pos, RuleDuplicateID, "group id %q is already defined at %s:%d", g.ID, first.File, first.Line)
			} else {
				groupIDs[g.ID] = g.Pos
			}
		}
		if g.Type == "metric" && g.MetricName != "" {
			if first, dup := c.metrics[g.MetricName]; dup {
				c.add(g.Pos, RuleDuplicateID, "metric %q is already defined at %s:%d", g.MetricName, first.Pos.File, first.Pos.Line)
			} else {
				c.metrics[g.MetricName] = g
			}
		}
		for i := range g.Seam.BucketLayouts {
			l := &g.Seam.BucketLayouts[i]
			if first, dup := c.layouts[l.Name]; dup {
				c.add(l.Pos, RuleDuplicateID, "bucket layout %q is already defined at %s:%d", l.Name, first.Pos.File, first.Pos.Line)
			} else {
				c.layouts[l.Name] = l
			}
		}
		for _, a := range g.Attributes {
			if a.ID == "" {
				continue
			}
			if first, dup := c.attrs[a.ID]; dup {
				c.add(a.Pos, RuleDuplicateID, "attribute %q is already defined at %s:%d", a.ID, first.Pos.File, first.Pos.Line)
			} else {
				c.attrs[a.ID] = a
			}
		}
	}
}

func (c *checker) group(g *Group) {
	if g.ID == "" {
		c.add(g.Pos, RuleMissingField, "group has no id")
	}
	if g.Brief == "" {
		c.add(g.Pos, RuleMissingField, "group %q has no brief", g.ID)
	}
	switch {
	case g.Type == "":
		c.add(g.Pos, RuleMissingField, "group %q has no type (one of %s)", g.ID, strings.Join(groupTypes, ", "))
	case !contains(groupTypes, g.Type):
		c.add(g.Pos, RuleGroupType, "group %q has type %q; want one of %s", g.ID, g.Type, strings.Join(groupTypes, ", "))
	}
	if g.Stability != "" && !contains(stabilities, g.Stability) {
		c.add(g.Pos, RuleInvalidValue, "group %q has stability %q; want one of %s", g.ID, g.Stability, strings.Join(stabilities, ", "))
	}
	if g.Type != "attribute_group" && g.Type != "" && g.Stability == "" {
		c.add(g.Pos, RuleMissingField, "group %q has no stability", g.ID)
	}
	if g.Extends != "" && !c.groupExists(g.Extends) {
		c.add(g.Pos, RuleDanglingRef, "group %q extends %q, which is not defined", g.ID, g.Extends)
	}
	c.deprecation(g.Deprecated, "group "+quote(g.ID), func(to string) bool { _, ok := c.metrics[to]; return ok || c.groupExists(to) })
	switch g.Type {
	case "metric":
		c.metric(g)
	case "event":
		if g.Name == "" {
			c.add(g.Pos, RuleMissingField, "event group %q has no name", g.ID)
		} else if p := nameProblem(g.Name); p != "" {
			c.add(g.Pos, RuleNaming, "event %q: %s", g.Name, p)
		}
	}
	if g.Type != "metric" && (g.Seam.Buckets != "" || g.Seam.SeriesLimit != 0) {
		c.add(g.Pos, RuleAnnotationUse, "group %q is not a metric: buckets and series_limit mean nothing here", g.ID)
	}
	for _, l := range g.Seam.BucketLayouts {
		c.layout(l)
	}
	if g.Seam.Log != nil {
		c.logSpec(g)
	}
	if g.Seam.Redaction != nil {
		c.redaction(g.Seam.Redaction, g.Pos)
	}
	for _, a := range g.Attributes {
		c.attribute(a)
	}
}

func (c *checker) groupExists(id string) bool {
	for _, g := range c.reg.Groups {
		if g.ID == id {
			return true
		}
	}
	return false
}

func (c *checker) metric(g *Group) {
	if g.MetricName == "" {
		c.add(g.Pos, RuleMissingField, "metric group %q has no metric_name", g.ID)
	} else if p := nameProblem(g.MetricName); p != "" {
		c.add(g.Pos, RuleNaming, "metric %q: %s", g.MetricName, p)
	}
	switch {
	case g.Instrument == "":
		c.add(g.Pos, RuleMissingField, "metric %q has no instrument", g.MetricName)
	case !contains(instruments, g.Instrument):
		c.add(g.Pos, RuleInstrument, "metric %q has instrument %q; want one of %s", g.MetricName, g.Instrument, strings.Join(instruments, ", "))
	}
	if p := unitProblem(g.Unit); p != "" {
		c.add(g.UnitPos, RuleUnit, "metric %q: %s", g.MetricName, p)
	}
	if g.MetricRequirementLevel != "" && !contains([]string{"required", "recommended", "opt_in"}, g.MetricRequirementLevel) {
		c.add(g.Pos, RuleRequirement, "metric %q has metric_requirement_level %q; want required, recommended or opt_in", g.MetricName, g.MetricRequirementLevel)
	}
	switch {
	case g.Instrument == "histogram" && g.Seam.Buckets == "":
		c.add(g.Pos, RuleBuckets, "histogram %q names no bucket layout (annotations.seam.buckets): the SDK defaults assume milliseconds", g.MetricName)
	case g.Instrument != "histogram" && g.Seam.Buckets != "":
		c.add(g.Seam.BucketsPos, RuleAnnotationUse, "metric %q is a %s: only histograms have buckets", g.MetricName, g.Instrument)
	case g.Seam.Buckets != "" && c.layouts[g.Seam.Buckets] == nil:
		c.add(g.Seam.BucketsPos, RuleDanglingRef, "histogram %q uses bucket layout %q, which is not defined", g.MetricName, g.Seam.Buckets)
	}
}

func (c *checker) layout(l BucketLayout) {
	if len(l.Boundaries) == 0 {
		c.add(l.Pos, RuleBuckets, "bucket layout %q has no boundaries", l.Name)
	}
	for i := 1; i < len(l.Boundaries); i++ {
		if l.Boundaries[i] <= l.Boundaries[i-1] {
			c.add(l.Pos, RuleBuckets, "bucket layout %q is not strictly ascending: %v follows %v (position %d)", l.Name, l.Boundaries[i], l.Boundaries[i-1], i)
			return
		}
	}
}

func (c *checker) attribute(a *Attribute) {
	where := "attribute " + quote(a.ID)
	if a.Ref != "" {
		where = "ref " + quote(a.Ref)
		if a.ID != "" || a.Type != "" || a.Stability != "" || a.Deprecated != nil {
			c.add(a.Pos, RuleInvalidValue, "%s: a ref may not also give id, type, stability or deprecated", where)
		}
		if c.attrs[a.Ref] == nil {
			c.add(a.Pos, RuleDanglingRef, "%s: no attribute %q is defined", where, a.Ref)
		}
	} else {
		c.definition(a)
	}
	if a.RequirementLevel != "" && !contains(requirementLevels, a.RequirementLevel) {
		c.add(a.Pos, RuleRequirement, "%s has requirement_level %q; want one of %s", where, a.RequirementLevel, strings.Join(requirementLevels, ", "))
	}
	if a.RequirementLevel == "conditionally_required" && a.Condition == "" {
		c.add(a.Pos, RuleRequirement, "%s is conditionally_required but says no condition", where)
	}
}

func (c *checker) definition(a *Attribute) {
	where := "attribute " + quote(a.ID)
	if a.ID == "" {
		c.add(a.Pos, RuleMissingField, "attribute has neither id nor ref")
		return
	}
	if p := nameProblem(a.ID); p != "" {
		c.add(a.Pos, RuleNaming, "%s: %s", where, p)
	}
	if a.Brief == "" {
		c.add(a.Pos, RuleMissingField, "%s has no brief", where)
	}
	if a.Stability == "" {
		c.add(a.Pos, RuleMissingField, "%s has no stability", where)
	} else if !contains(stabilities, a.Stability) {
		c.add(a.Pos, RuleInvalidValue, "%s has stability %q; want one of %s", where, a.Stability, strings.Join(stabilities, ", "))
	}
	switch {
	case a.Type == "":
		c.add(a.Pos, RuleMissingField, "%s has no type", where)
	case a.Type == "enum":
		c.enum(a)
	case strings.HasPrefix(a.Type, "template[") && strings.HasSuffix(a.Type, "]"):
		if inner := a.Type[len("template[") : len(a.Type)-1]; !contains(simpleTypes, inner) {
			c.add(a.Pos, RuleInvalidValue, "%s has template type %q; its value type must be a primitive or array type", where, a.Type)
		}
	case !contains(simpleTypes, a.Type):
		c.add(a.Pos, RuleInvalidValue, "%s has type %q; want one of %s, template[...] or an enum", where, a.Type, strings.Join(simpleTypes, ", "))
	}
	if strings.Contains(a.Type, "string") && len(a.Examples) == 0 {
		c.add(a.Pos, RuleExamples, "%s is a %s and has no examples", where, a.Type)
	}
	c.deprecation(a.Deprecated, where, func(to string) bool { return c.attrs[to] != nil })
	if a.Seam.ValuePattern != "" {
		if _, err := regexp.Compile(a.Seam.ValuePattern); err != nil {
			c.add(a.Pos, RuleRegex, "%s: value_pattern does not compile: %v", where, err)
		}
	}
	if a.Seam.OverflowValue != "" && a.Seam.CardinalityLimit == 0 {
		c.add(a.Pos, RuleAnnotationUse, "%s has an overflow_value but no cardinality_limit", where)
	}
	for _, alias := range a.Seam.Aliases {
		if alias == a.ID || c.attrs[alias] != nil {
			c.add(a.Pos, RuleDuplicateID, "%s: alias %q is itself a defined attribute", where, alias)
		}
	}
}

func (c *checker) enum(a *Attribute) {
	where := "enum " + quote(a.ID)
	if len(a.Members) == 0 {
		c.add(a.Pos, RuleEnum, "%s has no members", where)
	}
	ids, values := map[string]bool{}, map[string]bool{}
	for _, m := range a.Members {
		if m.ID == "" || m.Value == nil {
			c.add(m.Pos, RuleEnum, "%s: every member needs an id and a value", where)
			continue
		}
		if ids[m.ID] {
			c.add(m.Pos, RuleEnum, "%s: member id %q is given twice", where, m.ID)
		}
		v := fmt.Sprint(m.Value)
		if values[v] {
			c.add(m.Pos, RuleEnum, "%s: member value %q is given twice", where, v)
		}
		ids[m.ID], values[v] = true, true
		if m.Stability != "" && !contains(stabilities, m.Stability) {
			c.add(m.Pos, RuleInvalidValue, "%s: member %q has stability %q", where, m.ID, m.Stability)
		}
	}
}

func (c *checker) deprecation(d *Deprecated, where string, exists func(string) bool) {
	if d == nil {
		return
	}
	switch {
	case !contains(deprecateReasons, d.Reason):
		c.add(d.Pos, RuleDeprecated, "%s: deprecated.reason %q; want one of %s", where, d.Reason, strings.Join(deprecateReasons, ", "))
	case d.Reason == "renamed" && d.RenamedTo == "":
		c.add(d.Pos, RuleDeprecated, "%s is renamed but gives no renamed_to", where)
	case d.RenamedTo != "" && !exists(d.RenamedTo):
		c.add(d.Pos, RuleDanglingRef, "%s is renamed to %q, which is not defined", where, d.RenamedTo)
	}
}

func (c *checker) logSpec(g *Group) {
	spec := g.Seam.Log
	if g.Type != "event" {
		c.add(g.Pos, RuleAnnotationUse, "group %q: the log record belongs on an event group", g.ID)
	}
	if spec.TimeFormat != "rfc3339_utc_nanos" {
		c.add(g.Pos, RuleLog, "log time_format %q; want rfc3339_utc_nanos", spec.TimeFormat)
	}
	roles := map[string]bool{}
	names := map[string]bool{}
	for _, f := range spec.Fields {
		if names[f.Name] {
			c.add(g.Pos, RuleLog, "log field %q is given twice", f.Name)
		}
		names[f.Name], roles[f.Role] = true, true
	}
	for _, role := range []string{"timestamp", "severity_text", "body", "trace_id", "span_id", "correlation"} {
		if !roles[role] {
			c.add(g.Pos, RuleLog, "the log record has no field with role %q", role)
		}
	}
	prev := 0
	for _, l := range spec.Levels {
		if l.SeverityNumber < 1 || l.SeverityNumber > 24 || l.SeverityNumber <= prev {
			c.add(g.Pos, RuleLog, "log level %q has severity_number %d; numbers run 1 to 24, ascending", l.Name, l.SeverityNumber)
		}
		prev = l.SeverityNumber
	}
}

func (c *checker) redaction(spec *RedactionSpec, pos Pos) {
	if spec.Replacement == "" {
		c.add(pos, RuleMissingField, "redaction has no replacement")
	}
	for _, p := range spec.ValuePatterns {
		if p.Name == "" || p.Replacement == "" {
			c.add(p.Pos, RuleMissingField, "redaction pattern %q needs a name and a replacement", p.Name)
		}
		re, err := regexp.Compile(p.Regex)
		if err != nil {
			c.add(p.Pos, RuleRegex, "redaction pattern %q does not compile: %v", p.Name, err)
		} else if !isASCII(p.Regex) {
			// The SDKs' engines agree on ASCII patterns only.
			c.add(p.Pos, RuleRegex, "redaction pattern %q is not ASCII", p.Name)
		} else {
			for _, g := range replacementGroups(p.Replacement) {
				if re.SubexpIndex(g) < 0 {
					c.add(p.Pos, RuleInvalidValue, "redaction pattern %q: its replacement names ${%s}, which the regex has no group for", p.Name, g)
				}
			}
		}
		if p.Validate != "" && !contains(validators, p.Validate) {
			c.add(p.Pos, RuleInvalidValue, "redaction pattern %q has validate %q; want one of %s", p.Name, p.Validate, strings.Join(validators, ", "))
		}
	}
	for _, k := range spec.KeyPatterns {
		if strings.Trim(k, "*") == "" {
			c.add(pos, RuleInvalidValue, "redaction key pattern %q would match every key", k)
		}
	}
}

// replacementGroups returns the group names a replacement refers to as ${name}.
func replacementGroups(replacement string) []string {
	var names []string
	for rest := replacement; ; {
		i := strings.Index(rest, "${")
		if i < 0 {
			return names
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			return names
		}
		names = append(names, rest[i+2:i+end])
		rest = rest[i+end+1:]
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// singletons checks what the whole registry must have exactly once.
func (c *checker) singletons() {
	var logs, redactions int
	for _, g := range c.reg.Groups {
		if g.Seam.Log != nil {
			logs++
		}
		if g.Seam.Redaction != nil {
			redactions++
		}
	}
	pos := Pos{File: c.reg.Dir, Line: 1, Col: 1}
	if len(c.reg.Groups) > 0 {
		pos = c.reg.Groups[0].Pos
	}
	if logs != 1 {
		c.add(pos, RuleLog, "the registry must define the canonical log record exactly once (annotations.seam.log), found %d", logs)
	}
	if redactions > 1 {
		c.add(pos, RuleAnnotationUse, "redaction rules are defined %d times; define them once", redactions)
	}
}
