package registry

import (
	"github.com/seamtel/seam/schema"

	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"gopkg.in/yaml.v3"
)

// The keys the semantic-conventions v1 syntax defines at each level. Weaver
// rejects anything else, so Seam does too.
var (
	fileKeys      = []string{"groups", "imports"}
	manifestKeys  = []string{"name", "description", "semconv_version", "schema_base_url", "schema_url", "stability", "dependencies"}
	groupKeys     = []string{"id", "type", "brief", "note", "prefix", "extends", "stability", "deprecated", "display_name", "attributes", "entity_associations", "annotations", "span_kind", "events", "name", "body", "metric_name", "instrument", "unit", "metric_requirement_level"}
	attributeKeys = []string{"id", "ref", "type", "brief", "examples", "tag", "stability", "deprecated", "requirement_level", "sampling_relevant", "note", "annotations", "role"}
	memberKeys    = []string{"id", "value", "brief", "note", "stability", "deprecated", "annotations"}
	deprecateKeys = []string{"reason", "renamed_to", "note"}

	groupSeamKeys     = []string{"bucket_layouts", "buckets", "series_limit", "log", "redaction"}
	attributeSeamKeys = []string{"cardinality_limit", "overflow_value", "value_pattern", "max_length", "sensitivity", "aliases", "correlation"}
	correlationKeys   = []string{"carrier", "baggage_key", "log_field"}
	logKeys           = []string{"time_format", "fields", "levels"}
	logFieldKeys      = []string{"name", "role"}
	logLevelKeys      = []string{"name", "severity_number"}
	redactionKeys     = []string{"replacement", "key_patterns", "value_patterns"}
	patternKeys       = []string{"name", "regex", "replacement", "validate"}
)

// Load reads DIR/manifest.yaml and every DIR/registry/*.yaml. The error is
// for what stops loading altogether (no such directory); defects in the
// files come back as findings, positioned relative to how DIR was named.
func Load(dir string) (*Registry, Findings, error) {
	regDir := filepath.Join(dir, "registry")
	if st, err := os.Stat(regDir); err != nil || !st.IsDir() {
		return nil, nil, fmt.Errorf("%s: no registry/ folder: a schema directory holds manifest.yaml and registry/*.yaml", dir)
	}
	var findings Findings
	reg := &Registry{Dir: dir}
	reg.Manifest = loadManifest(filepath.Join(dir, "manifest.yaml"), &findings)

	files, err := filepath.Glob(filepath.Join(regDir, "*.yaml"))
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("%s: no *.yaml files", regDir)
	}
	for _, f := range files {
		groups, err := loadFile(f, &findings)
		if err != nil {
			return nil, nil, err
		}
		reg.Groups = append(reg.Groups, groups...)
	}
	return reg, findings, nil
}

func parseYAML(path string, findings *Findings) (*yaml.Node, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		line := 1
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		findings.add(Pos{File: path, Line: line, Col: 1}, RuleSyntax, "%v", err)
		return nil, nil
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// yamlLine finds the line number in a yaml.v3 parse error.
var yamlLine = regexp.MustCompile(`line (\d+)`)

func loadManifest(path string, findings *Findings) *Manifest {
	if _, err := os.Stat(path); err != nil {
		findings.add(Pos{File: path, Line: 1, Col: 1}, RuleManifest, "manifest.yaml is missing: it names the registry and its schema_url")
		return nil
	}
	root, err := parseYAML(path, findings)
	if err != nil || root == nil {
		return nil
	}
	d := &decoder{file: path, findings: findings}
	f := d.fields(root, "manifest", manifestKeys...)
	return &Manifest{
		Name:           d.str(f["name"], "name"),
		Description:    d.str(f["description"], "description"),
		SemconvVersion: d.str(f["semconv_version"], "semconv_version"),
		SchemaURL:      d.str(f["schema_url"], "schema_url"),
		Stability:      d.str(f["stability"], "stability"),
		Pos:            d.pos(root),
	}
}

func loadFile(path string, findings *Findings) ([]*Group, error) {
	root, err := parseYAML(path, findings)
	if err != nil || root == nil {
		return nil, err
	}
	d := &decoder{file: path, findings: findings}
	top := d.fields(root, "file", fileKeys...)
	var groups []*Group
	for _, gn := range d.seq(top["groups"], "groups") {
		groups = append(groups, d.group(gn))
	}
	return groups, nil
}

func (d *decoder) group(n *yaml.Node) *Group {
	f := d.fields(n, "group", groupKeys...)
	g := &Group{
		ID:                     d.str(f["id"], "id"),
		Type:                   d.str(f["type"], "type"),
		Brief:                  d.str(f["brief"], "brief"),
		Note:                   d.str(f["note"], "note"),
		Stability:              d.str(f["stability"], "stability"),
		Extends:                d.str(f["extends"], "extends"),
		MetricName:             d.str(f["metric_name"], "metric_name"),
		Instrument:             d.str(f["instrument"], "instrument"),
		Unit:                   d.str(f["unit"], "unit"),
		MetricRequirementLevel: d.str(f["metric_requirement_level"], "metric_requirement_level"),
		Name:                   d.str(f["name"], "name"),
		Deprecated:             d.deprecated(f["deprecated"]),
		Pos:                    d.pos(n),
		UnitPos:                d.pos(f["unit"]),
	}
	if f["unit"] == nil {
		g.UnitPos = g.Pos
	}
	for _, an := range d.seq(f["attributes"], "attributes") {
		a := d.attribute(an)
		a.Group = g
		g.Attributes = append(g.Attributes, a)
	}
	d.groupSeam(f["annotations"], g)
	return g
}

func (d *decoder) attribute(n *yaml.Node) *Attribute {
	f := d.fields(n, "attribute", attributeKeys...)
	a := &Attribute{
		ID:         d.str(f["id"], "id"),
		Ref:        d.str(f["ref"], "ref"),
		Brief:      d.str(f["brief"], "brief"),
		Note:       d.str(f["note"], "note"),
		Stability:  d.str(f["stability"], "stability"),
		Deprecated: d.deprecated(f["deprecated"]),
		Pos:        d.pos(n),
	}
	if t := f["type"]; t != nil {
		if t.Kind == yaml.MappingNode {
			a.Type = "enum"
			tf := d.fields(t, "enum type", "members")
			for _, mn := range d.seq(tf["members"], "members") {
				mf := d.fields(mn, "enum member", memberKeys...)
				m := &Member{ID: d.str(mf["id"], "member id"), Brief: d.str(mf["brief"], "brief"), Stability: d.str(mf["stability"], "stability"), Pos: d.pos(mn)}
				if v := mf["value"]; v != nil {
					m.Value = scalarValue(v)
				}
				a.Members = append(a.Members, m)
			}
		} else {
			a.Type = d.str(t, "type")
		}
	}
	if ex := f["examples"]; ex != nil {
		a.HasExamples = true
		if ex.Kind == yaml.SequenceNode {
			for _, e := range ex.Content {
				var v any
				_ = e.Decode(&v)
				a.Examples = append(a.Examples, v)
			}
		} else {
			a.Examples = []any{scalarValue(ex)}
		}
	}
	if rl := f["requirement_level"]; rl != nil {
		if rl.Kind == yaml.MappingNode {
			rf := d.fields(rl, "requirement_level", "conditionally_required", "recommended")
			for _, k := range []string{"conditionally_required", "recommended"} {
				if v, ok := rf[k]; ok {
					a.RequirementLevel, a.Condition = k, d.str(v, k)
				}
			}
		} else {
			a.RequirementLevel = d.str(rl, "requirement_level")
		}
	}
	d.attributeSeam(f["annotations"], a)
	return a
}

func (d *decoder) deprecated(n *yaml.Node) *Deprecated {
	if n == nil {
		return nil
	}
	f := d.fields(n, "deprecated", deprecateKeys...)
	return &Deprecated{
		Reason:    d.str(f["reason"], "reason"),
		RenamedTo: d.str(f["renamed_to"], "renamed_to"),
		Note:      d.str(f["note"], "note"),
		Pos:       d.pos(n),
	}
}

// seamAnnotations returns annotations.seam; other annotation keys belong to
// other tools and are left alone.
func (d *decoder) seamAnnotations(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.findings.add(d.pos(n), RuleInvalidValue, "annotations must be a mapping")
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "seam" {
			return n.Content[i+1]
		}
	}
	return nil
}

func (d *decoder) groupSeam(ann *yaml.Node, g *Group) {
	s := d.seamAnnotations(ann)
	if s == nil {
		return
	}
	f := d.fields(s, "annotations.seam of a group", groupSeamKeys...)
	if bl := f["bucket_layouts"]; bl != nil {
		if bl.Kind != yaml.MappingNode {
			d.findings.add(d.pos(bl), RuleInvalidValue, "bucket_layouts must map a layout name to its boundaries")
		} else {
			for i := 0; i+1 < len(bl.Content); i += 2 {
				name, list := bl.Content[i], bl.Content[i+1]
				layout := BucketLayout{Name: name.Value, Pos: d.pos(name)}
				for _, b := range d.seq(list, "bucket layout "+name.Value) {
					if v, ok := d.float(b, "bucket boundary"); ok {
						layout.Boundaries = append(layout.Boundaries, v)
					}
				}
				g.Seam.BucketLayouts = append(g.Seam.BucketLayouts, layout)
			}
		}
	}
	if b := f["buckets"]; b != nil {
		g.Seam.Buckets, g.Seam.BucketsPos = d.str(b, "buckets"), d.pos(b)
	}
	g.Seam.SeriesLimit = d.int(f["series_limit"], "series_limit")
	if f["series_limit"] != nil && g.Seam.SeriesLimit <= 0 {
		d.findings.add(d.pos(f["series_limit"]), RuleCardinality, "series_limit must be positive")
	}
	if ln := f["log"]; ln != nil {
		g.Seam.Log = d.logSpec(ln)
	}
	if rn := f["redaction"]; rn != nil {
		g.Seam.Redaction = d.redaction(rn)
	}
}

func (d *decoder) attributeSeam(ann *yaml.Node, a *Attribute) {
	s := d.seamAnnotations(ann)
	if s == nil {
		return
	}
	f := d.fields(s, "annotations.seam of an attribute", attributeSeamKeys...)
	a.Seam.CardinalityLimit = d.int(f["cardinality_limit"], "cardinality_limit")
	if f["cardinality_limit"] != nil && a.Seam.CardinalityLimit <= 0 {
		d.findings.add(d.pos(f["cardinality_limit"]), RuleCardinality, "cardinality_limit must be positive")
	}
	a.Seam.OverflowValue = d.str(f["overflow_value"], "overflow_value")
	a.Seam.ValuePattern = d.str(f["value_pattern"], "value_pattern")
	a.Seam.MaxLength = d.int(f["max_length"], "max_length")
	if f["max_length"] != nil && a.Seam.MaxLength <= 0 {
		d.findings.add(d.pos(f["max_length"]), RuleInvalidValue, "max_length must be positive")
	}
	a.Seam.Sensitivity = d.str(f["sensitivity"], "sensitivity")
	if sv := f["sensitivity"]; sv != nil && a.Seam.Sensitivity != "pii" && a.Seam.Sensitivity != "secret" {
		d.findings.add(d.pos(sv), RuleInvalidValue, "sensitivity must be pii or secret, got %q", a.Seam.Sensitivity)
	}
	a.Seam.Aliases = d.strs(f["aliases"], "aliases")
	if c := f["correlation"]; c != nil {
		cf := d.fields(c, "correlation", correlationKeys...)
		a.Seam.Correlation = &schema.Correlation{
			Carrier:    d.str(cf["carrier"], "carrier"),
			BaggageKey: d.str(cf["baggage_key"], "baggage_key"),
			LogField:   d.str(cf["log_field"], "log_field"),
		}
	}
}

func (d *decoder) logSpec(n *yaml.Node) *schema.Log {
	f := d.fields(n, "log", logKeys...)
	spec := &schema.Log{TimeFormat: d.str(f["time_format"], "time_format")}
	for _, fn := range d.seq(f["fields"], "log fields") {
		ff := d.fields(fn, "log field", logFieldKeys...)
		spec.Fields = append(spec.Fields, schema.LogField{Name: d.str(ff["name"], "name"), Role: d.str(ff["role"], "role")})
	}
	for _, ln := range d.seq(f["levels"], "log levels") {
		lf := d.fields(ln, "log level", logLevelKeys...)
		spec.Levels = append(spec.Levels, schema.LogLevel{Name: d.str(lf["name"], "name"), SeverityNumber: d.int(lf["severity_number"], "severity_number")})
	}
	return spec
}

func (d *decoder) redaction(n *yaml.Node) *RedactionSpec {
	f := d.fields(n, "redaction", redactionKeys...)
	spec := &RedactionSpec{
		Replacement: d.str(f["replacement"], "replacement"),
		KeyPatterns: d.strs(f["key_patterns"], "key_patterns"),
	}
	for _, pn := range d.seq(f["value_patterns"], "value_patterns") {
		pf := d.fields(pn, "value pattern", patternKeys...)
		p := RedactionPattern{
			Name:        d.str(pf["name"], "name"),
			Regex:       d.str(pf["regex"], "regex"),
			Replacement: d.str(pf["replacement"], "replacement"),
			Validate:    d.str(pf["validate"], "validate"),
			Pos:         d.pos(pn),
		}
		if rn := pf["regex"]; rn != nil {
			p.Pos = d.pos(rn)
		}
		spec.ValuePatterns = append(spec.ValuePatterns, p)
	}
	return spec
}
