package conformance

import (
	"github.com/seamtel/seam/schema"

	"sort"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

const correlationKey = "seam.correlation_id"

// record is the part of a log record the log checks need.
type record struct {
	impl        string
	trace       pcommon.TraceID
	fields      map[string]bool // canonical fields present on the record
	level       string
	severity    int32
	correlation string
}

func records(c *Capture) []record {
	var out []record
	for _, ld := range c.Logs {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			impl := attr(rl.Resource().Attributes(), implKey)
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				lrs := rl.ScopeLogs().At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					lr := lrs.At(k)
					r := record{impl: impl, trace: lr.TraceID(), level: lr.SeverityText(), severity: int32(lr.SeverityNumber()), fields: map[string]bool{}}
					present := map[string]bool{
						"time":            lr.Timestamp() != 0,
						"level":           lr.SeverityText() != "",
						"severity_number": lr.SeverityNumber() != 0,
						"msg":             lr.Body().AsString() != "",
						"trace_id":        !lr.TraceID().IsEmpty(),
						"span_id":         !lr.SpanID().IsEmpty(),
					}
					if v, ok := lr.Attributes().Get(correlationKey); ok {
						r.correlation = v.AsString()
						present[correlationKey] = r.correlation != ""
					}
					for f, ok := range present {
						if ok {
							r.fields[f] = true
						}
					}
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// checkLogs compares the log records of every request that crossed the
// boundary: both sides logged, with the same fields, levels the schema
// knows, and one correlation id throughout.
func checkLogs(col *collector, c *Capture, reg *schema.Registry, crossings []crossing) {
	levels := map[string]int32{}
	for _, l := range reg.Log.Levels {
		levels[l.Name] = int32(l.SeverityNumber)
	}
	byTrace := map[pcommon.TraceID][]record{}
	for _, r := range records(c) {
		if !r.trace.IsEmpty() {
			byTrace[r.trace] = append(byTrace[r.trace], r)
		}
	}
	// A crossing by link joins the consumer's trace with the producer's: the
	// job's log records on both sides are one unit of work.
	traces := map[pcommon.TraceID]pcommon.TraceID{}
	for _, x := range crossings {
		if linked, ok := traces[x.trace]; !ok || linked.IsEmpty() {
			traces[x.trace] = x.linked
		}
	}
	ordered := make([]pcommon.TraceID, 0, len(traces))
	for t := range traces {
		ordered = append(ordered, t)
	}
	sort.Slice(ordered, func(i, j int) bool { return ordered[i].String() < ordered[j].String() })

	for _, t := range ordered {
		recs := byTrace[t]
		subject := "trace " + t.String()
		if linked := traces[t]; !linked.IsEmpty() {
			recs = append(append([]record{}, byTrace[linked]...), recs...)
			subject += " (linked to " + linked.String() + ")"
		}
		always := map[string]map[string]bool{} // impl → fields present on every record
		for _, r := range recs {
			col.checked(CheckLogs, 1)
			if want, ok := levels[r.level]; !ok || want != r.severity {
				col.add(CheckLogs, "severity_mismatch", subject, "%s record has level %q with severity %d; the schema's levels are TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17", r.impl, r.level, r.severity)
			}
			if always[r.impl] == nil {
				always[r.impl] = copySet(r.fields)
			} else {
				for f := range always[r.impl] {
					if !r.fields[f] {
						delete(always[r.impl], f)
					}
				}
			}
		}
		for _, impl := range []string{"go", "rust"} {
			if always[impl] == nil {
				col.add(CheckLogs, "missing_logs", subject, "the request crossed the boundary but %s wrote no log record in its trace", impl)
			}
		}
		if g, r := always["go"], always["rust"]; g != nil && r != nil && joinSorted(g) != joinSorted(r) {
			col.add(CheckLogs, "field_set_mismatch", subject, "go records always carry [%s], rust records [%s]", joinSorted(g), joinSorted(r))
		}
		checkCorrelation(col, subject, recs)
	}
	if len(ordered) == 0 {
		col.add(CheckLogs, "missing_logs", "capture", "no request crossed the boundary, so no log records could be compared")
	}
}

func checkCorrelation(col *collector, subject string, recs []record) {
	col.checked(CheckCorrelation, 1)
	ids := map[string]bool{}
	for _, r := range recs {
		if r.correlation == "" {
			col.add(CheckCorrelation, "missing_correlation", subject, "a %s log record at level %s has no seam.correlation_id", r.impl, r.level)
			continue
		}
		ids[r.correlation] = true
	}
	if len(ids) > 1 {
		col.add(CheckCorrelation, "correlation_mismatch", subject, "one request carries several correlation ids: %s", joinSorted(ids))
	}
}

func copySet(s map[string]bool) map[string]bool {
	out := make(map[string]bool, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}
