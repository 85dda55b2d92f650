package prometheusexporter

import (
	"sort"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// labelSet collects label pairs; later pairs win over earlier ones with the
// same name, so data point attributes override promoted resource labels
// (but never job and instance: see exportedName).
type labelSet struct {
	names  []string
	values []string
	// maxBytes is max_label_value_bytes; truncated counts the values cut to
	// it and the labels left out for a name longer than it.
	maxBytes  int
	truncated int
}

// truncationMarker ends a label value (or HELP text) cut to
// max_label_value_bytes.
const truncationMarker = "...[truncated]"

// truncate cuts s to at most max bytes, on a rune boundary, ending in the
// marker.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len(truncationMarker)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + truncationMarker
}

// validUTF8 gives the bytes of s that are not UTF-8 the replacement
// character: Prometheus label values and HELP texts are UTF-8, and one that
// is not fails the whole scrape.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// put sets a label. One 19 MB value made a 35.6 MB scrape: a value longer
// than maxBytes is cut, and a label whose name is longer is left out.
func (l *labelSet) put(name, value string) {
	if len(name) > l.maxBytes {
		l.truncated++
		return
	}
	value = validUTF8(value)
	if len(value) > l.maxBytes {
		value = truncate(value, l.maxBytes)
		l.truncated++
	}
	for i, n := range l.names {
		if n == name {
			l.values[i] = value
			return
		}
	}
	l.names = append(l.names, name)
	l.values = append(l.values, value)
}

// putAttributes adds a point's attributes; histogram says whether le is
// taken by the buckets.
func (l *labelSet) putAttributes(m pcommon.Map, histogram bool) {
	for k, v := range m.All() {
		name, err := labelName(k)
		if err != nil {
			continue
		}
		l.put(exportedName(name, histogram), v.AsString())
	}
}

// rename moves the label from to the name to, if it is there.
func (l *labelSet) rename(from, to string) {
	for i, n := range l.names {
		if n == from {
			value := l.values[i]
			l.names = append(l.names[:i], l.names[i+1:]...)
			l.values = append(l.values[:i], l.values[i+1:]...)
			l.put(to, value)
			return
		}
	}
}

// exportedName renames a label Prometheus reserves: job and instance are
// the target's, le is a histogram bucket's bound (histogram says whether
// the series is one), and names starting with __ are Prometheus' own. A
// scraped label that collides with a target label is renamed exported_<name>
// by Prometheus itself, so the same prefix keeps such a label's value
// without breaking the series or the scrape.
func exportedName(name string, histogram bool) string {
	if name == labelJob || name == labelInstance || strings.HasPrefix(name, "__") || (histogram && name == labelBucket) {
		return exportedPrefix + name
	}
	return name
}

func (l *labelSet) clone() labelSet {
	return labelSet{names: append([]string(nil), l.names...), values: append([]string(nil), l.values...), maxBytes: l.maxBytes, truncated: l.truncated}
}

func (l *labelSet) Len() int           { return len(l.names) }
func (l *labelSet) Less(i, j int) bool { return l.names[i] < l.names[j] }
func (l *labelSet) Swap(i, j int) {
	l.names[i], l.names[j] = l.names[j], l.names[i]
	l.values[i], l.values[j] = l.values[j], l.values[i]
}

// key identifies a series by name and sorted labels.
func (l *labelSet) key(name string) string {
	sort.Sort(l)
	var b strings.Builder
	b.WriteString(name)
	for i := range l.names {
		b.WriteByte(0xff)
		b.WriteString(l.names[i])
		b.WriteByte('=')
		b.WriteString(l.values[i])
	}
	return b.String()
}

// targetLabels returns job and instance for a resource; maxBytes bounds
// every label value of the set.
func targetLabels(res pcommon.Map, maxBytes int) labelSet {
	l := labelSet{maxBytes: maxBytes}
	if name, ok := res.Get(attrServiceName); ok {
		job := name.AsString()
		if ns, ok := res.Get(attrServiceNamespace); ok && ns.AsString() != "" {
			job = ns.AsString() + "/" + job
		}
		l.put(labelJob, job)
	}
	if id, ok := res.Get(attrServiceInstanceID); ok {
		l.put(labelInstance, id.AsString())
	}
	return l
}
