package prometheusexporter

import "strings"

// Names are claimed by the first metric that needs them and held while it
// has series: a metric whose name, or a name its type exposes, is held by
// another is not exposed (counted as name_collision). client_golang refused
// such a pair at every scrape, and which of the two it kept depended on the
// order of a map, so the exposed one flapped between scrapes.

// reservedOwner holds the names no metric may take: target_info is the
// exporter's own.
const reservedOwner = "\x00reserved"

// family is what every series of one metric name shares.
type family struct {
	kind kind
	help string
	// series is how many series the family has; at zero its names are free.
	series int
}

// exposedNames are the names a family takes in the exposition: a
// histogram's samples are x_bucket, x_count and x_sum, and OpenMetrics, which
// Prometheus asks for first, calls a counter x_total's family x.
func exposedNames(name string, k kind) []string {
	switch k {
	case kindHistogram:
		return []string{name, name + "_bucket", name + "_count", name + "_sum"}
	case kindCounter:
		if base, ok := strings.CutSuffix(name, "_total"); ok {
			return []string{name, base}
		}
	}
	return []string{name}
}

// claim returns the family of name for a metric of kind k, registering it
// with help when it is new, or the reason it cannot be exposed. The caller
// releases a new family that ends up with no series.
func (a *accumulator) claim(name string, k kind, help string) (*family, string) {
	if fam, ok := a.families[name]; ok {
		if fam.kind != k {
			a.conflict(name, "the same name arrived with another type")
			return nil, reasonNameCollision
		}
		return fam, ""
	}
	names := exposedNames(name, k)
	for _, n := range names {
		owner, taken := a.names[n]
		switch {
		case !taken:
		case owner == reservedOwner:
			a.conflict(name, n+" is the exporter's own")
			return nil, reasonReservedName
		default:
			a.conflict(name, n+" is taken by "+owner)
			return nil, reasonNameCollision
		}
	}
	fam := &family{kind: k, help: help}
	a.families[name] = fam
	for _, n := range names {
		a.names[n] = name
	}
	return fam, ""
}

// releaseIfUnused frees a family's names once it has no series left, so an
// expired name may come back with another type.
func (a *accumulator) releaseIfUnused(name string) {
	fam, ok := a.families[name]
	if !ok || fam.series > 0 {
		return
	}
	delete(a.families, name)
	for _, n := range exposedNames(name, fam.kind) {
		if a.names[n] == name {
			delete(a.names, n)
		}
	}
}

// removeSeries forgets one series.
func (a *accumulator) removeSeries(key string, s *series) {
	delete(a.series, key)
	a.budget.release(s.service)
	if fam, ok := a.families[s.name]; ok {
		fam.series--
		a.releaseIfUnused(s.name)
	}
}
