package registry

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// decoder walks yaml.Node trees so every finding can carry the line and
// column of what it is about, and so unknown keys are caught where they
// stand, as Weaver's own loader does.
type decoder struct {
	file     string
	findings *Findings
}

func (d *decoder) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: d.file, Line: 1, Col: 1}
	}
	return Pos{File: d.file, Line: n.Line, Col: n.Column}
}

// fields checks that n is a mapping holding only the allowed keys and returns
// its values by key. Unknown and repeated keys become findings.
func (d *decoder) fields(n *yaml.Node, what string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n == nil {
		return out
	}
	if n.Kind != yaml.MappingNode {
		d.findings.add(d.pos(n), RuleInvalidValue, "%s must be a mapping", what)
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !contains(allowed, k.Value) {
			d.findings.add(d.pos(k), RuleUnknownKey, "unknown key %q in %s", k.Value, what)
			continue
		}
		if _, dup := out[k.Value]; dup {
			d.findings.add(d.pos(k), RuleDuplicateKey, "key %q given twice in %s", k.Value, what)
			continue
		}
		out[k.Value] = v
	}
	return out
}

// seq returns the items of a sequence node, or reports that it is not one.
func (d *decoder) seq(n *yaml.Node, what string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.findings.add(d.pos(n), RuleInvalidValue, "%s must be a list", what)
		return nil
	}
	return n.Content
}

func (d *decoder) str(n *yaml.Node, what string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.findings.add(d.pos(n), RuleInvalidValue, "%s must be a string", what)
		return ""
	}
	return n.Value
}

func (d *decoder) strs(n *yaml.Node, what string) []string {
	var out []string
	for _, item := range d.seq(n, what) {
		out = append(out, d.str(item, what+" item"))
	}
	return out
}

func (d *decoder) int(n *yaml.Node, what string) int {
	if n == nil {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		d.findings.add(d.pos(n), RuleInvalidValue, "%s must be a whole number, got %q", what, n.Value)
		return 0
	}
	return v
}

func (d *decoder) float(n *yaml.Node, what string) (float64, bool) {
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil || n.Tag == "!!str" {
		d.findings.add(d.pos(n), RuleInvalidValue, "%s must be a number, got %q", what, n.Value)
		return 0, false
	}
	return v, true
}

// scalarValue turns a scalar into the Go value its YAML tag says it is.
func scalarValue(n *yaml.Node) any {
	var v any
	if err := n.Decode(&v); err != nil {
		return n.Value
	}
	return v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
