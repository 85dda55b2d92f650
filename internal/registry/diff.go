package registry

import (
	"github.com/seamtel/seam/schema"

	"fmt"
	"slices"
)

// Change is one difference between two versions of the schema.
type Change struct {
	Kind     string // added | removed | renamed | changed | deprecated
	Item     string // attribute | metric
	Name     string
	Detail   string
	Breaking bool
}

func (c Change) String() string {
	s := fmt.Sprintf("%s %s %s", c.Kind, c.Item, c.Name)
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	if c.Breaking {
		s = "BREAKING " + s
	}
	return s
}

// Changes is the full difference between two schemas.
type Changes []Change

// Breaking counts the changes that break existing consumers.
func (cs Changes) Breaking() int {
	n := 0
	for _, c := range cs {
		if c.Breaking {
			n++
		}
	}
	return n
}

// Diff compares two resolved schemas. Renames are read from the new
// schema's deprecated.renamed_to, the way semconv records them.
func Diff(old, cur *schema.Registry) Changes {
	var out Changes
	renamedTo := map[string]bool{}
	attrRenames := map[string]string{}
	for _, o := range old.Attributes {
		n := cur.Attribute(o.ID)
		switch {
		case n == nil:
			out = append(out, Change{Kind: "removed", Item: "attribute", Name: o.ID, Breaking: true})
		case o.Deprecated == nil && n.Deprecated != nil && n.Deprecated.RenamedTo != "":
			renamedTo[n.Deprecated.RenamedTo] = true
			attrRenames[o.ID] = n.Deprecated.RenamedTo
			out = append(out, Change{Kind: "renamed", Item: "attribute", Name: o.ID + " -> " + n.Deprecated.RenamedTo, Breaking: true})
		default:
			out = append(out, attributeChanges(o, *n)...)
		}
	}
	for _, n := range cur.Attributes {
		if old.Attribute(n.ID) == nil && !renamedTo[n.ID] {
			out = append(out, Change{Kind: "added", Item: "attribute", Name: n.ID})
		}
	}
	renamedTo = map[string]bool{}
	for _, o := range old.Metrics {
		n := cur.Metric(o.Name)
		switch {
		case n == nil:
			out = append(out, Change{Kind: "removed", Item: "metric", Name: o.Name, Breaking: true})
		case o.Deprecated == nil && n.Deprecated != nil && n.Deprecated.RenamedTo != "":
			renamedTo[n.Deprecated.RenamedTo] = true
			out = append(out, Change{Kind: "renamed", Item: "metric", Name: o.Name + " -> " + n.Deprecated.RenamedTo, Breaking: true})
		default:
			out = append(out, metricChanges(o, *n, attrRenames)...)
		}
	}
	for _, n := range cur.Metrics {
		if old.Metric(n.Name) == nil && !renamedTo[n.Name] {
			out = append(out, Change{Kind: "added", Item: "metric", Name: n.Name})
		}
	}
	return out
}

func attributeChanges(o, n schema.Attribute) Changes {
	var out Changes
	if o.Type != n.Type {
		out = append(out, Change{Kind: "changed", Item: "attribute", Name: o.ID, Detail: fmt.Sprintf("type %s -> %s", o.Type, n.Type), Breaking: true})
	}
	oldValues, newValues := memberValues(o.Members), memberValues(n.Members)
	for _, v := range oldValues {
		if !slices.Contains(newValues, v) {
			out = append(out, Change{Kind: "changed", Item: "attribute", Name: o.ID, Detail: "enum value " + v + " removed", Breaking: true})
		}
	}
	for _, v := range newValues {
		if !slices.Contains(oldValues, v) {
			out = append(out, Change{Kind: "changed", Item: "attribute", Name: o.ID, Detail: "enum value " + v + " added"})
		}
	}
	if o.Deprecated == nil && n.Deprecated != nil {
		out = append(out, Change{Kind: "deprecated", Item: "attribute", Name: o.ID, Detail: n.Deprecated.Reason})
	}
	return out
}

func metricChanges(o, n schema.Metric, attrRenames map[string]string) Changes {
	var out Changes
	changed := func(detail string, breaking bool) {
		out = append(out, Change{Kind: "changed", Item: "metric", Name: o.Name, Detail: detail, Breaking: breaking})
	}
	if o.Instrument != n.Instrument {
		changed(fmt.Sprintf("instrument %s -> %s", o.Instrument, n.Instrument), true)
	}
	if o.Unit != n.Unit {
		changed(fmt.Sprintf("unit %s -> %s", o.Unit, n.Unit), true)
	}
	if !slices.Equal(o.Boundaries, n.Boundaries) {
		changed(fmt.Sprintf("buckets %v -> %v", o.Boundaries, n.Boundaries), true)
	}
	oldAttrs, newAttrs := useIDs(o.Attributes), useIDs(n.Attributes)
	renamedIn := map[string]bool{}
	for _, id := range oldAttrs {
		switch to := attrRenames[id]; {
		case slices.Contains(newAttrs, id):
		case to != "" && slices.Contains(newAttrs, to):
			renamedIn[to] = true
			changed("attribute "+id+" renamed to "+to, true)
		default:
			changed("attribute "+id+" removed", true)
		}
	}
	for _, id := range newAttrs {
		if !slices.Contains(oldAttrs, id) && !renamedIn[id] {
			changed("attribute "+id+" added", false)
		}
	}
	if o.Deprecated == nil && n.Deprecated != nil {
		out = append(out, Change{Kind: "deprecated", Item: "metric", Name: o.Name, Detail: n.Deprecated.Reason})
	}
	return out
}

func memberValues(ms []schema.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = fmt.Sprint(m.Value)
	}
	return out
}

func useIDs(us []schema.AttributeUse) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}
