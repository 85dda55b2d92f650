package pipelinetest

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/seamtel/seam/internal/leakcorpus"
)

// emitRawOTLP posts the corpus as OTLP/JSON, the way a service without an
// SDK of Seam's sends, one request per signal.
func emitRawOTLP(t *testing.T, c *running, corpus leakcorpus.Corpus) {
	t.Helper()
	now := pcommon.NewTimestampFromTime(time.Now())
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "leak-otlp")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "leak-otlp")
	logs := rl.ScopeLogs().AppendEmpty().LogRecords()
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "leak-otlp")
	sum := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	sum.SetName("app.leak.cases")
	sum.SetEmptySum().SetIsMonotonic(true)
	sum.Sum().SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)

	for i, k := range corpus.Cases() {
		newSpan := func(name string) ptrace.Span {
			s := spans.AppendEmpty()
			s.SetName(name)
			s.SetTraceID(pcommon.TraceID{1, byte(i >> 8), byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})
			s.SetSpanID(pcommon.SpanID{2, byte(i >> 8), byte(i), 1, 2, 3, 4, 5})
			s.SetStartTimestamp(now)
			s.SetEndTimestamp(now)
			s.Attributes().PutStr(leakcorpus.CaseKey, k.ID)
			return s
		}
		newLog := func(body string) plog.LogRecord {
			r := logs.AppendEmpty()
			r.SetTimestamp(now)
			r.SetSeverityText("INFO")
			r.Body().SetStr(body)
			r.Attributes().PutStr(leakcorpus.CaseKey, k.ID)
			return r
		}
		switch k.Place {
		case leakcorpus.LogBody:
			newLog(k.Text)
		case leakcorpus.LogAttribute:
			newLog("request failed").Attributes().PutStr(k.Key, k.Text)
		case leakcorpus.SpanName:
			newSpan(k.Text)
		case leakcorpus.SpanAttribute:
			newSpan("leak.attribute").Attributes().PutStr(k.Key, k.Text)
		case leakcorpus.EventName:
			newSpan("leak.event").Events().AppendEmpty().SetName(k.Text)
		case leakcorpus.StatusMessage:
			st := newSpan("leak.status").Status()
			st.SetCode(ptrace.StatusCodeError)
			st.SetMessage(k.Text)
		case leakcorpus.MetricAttribute:
			p := sum.Sum().DataPoints().AppendEmpty()
			p.SetIntValue(1)
			p.SetTimestamp(now)
			p.Attributes().PutStr(leakcorpus.CaseKey, k.ID)
			p.Attributes().PutStr(k.Key, k.Text)
		}
	}
	tb, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	lb, err := (&plog.JSONMarshaler{}).MarshalLogs(ld)
	require.NoError(t, err)
	mb, err := (&pmetric.JSONMarshaler{}).MarshalMetrics(md)
	require.NoError(t, err)
	for path, body := range map[string][]byte{"/v1/traces": tb, "/v1/logs": lb, "/v1/metrics": mb} {
		resp, err := http.Post("http://"+c.OTLPHTTP+path, "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
	}
}

// waitForCaptures reads the collector's file exporters until every case of
// every path has arrived (or 30 s pass), and returns one sink
// per signal and path.
func waitForCaptures(t *testing.T, c *running, corpus leakcorpus.Corpus) []*leakSink {
	t.Helper()
	want := len(corpus.Cases()) * len(leakPaths)
	deadline := time.Now().Add(30 * time.Second)
	for {
		sinks := readCaptures(t, c.Dir)
		got := 0
		for _, s := range sinks {
			if s.path != "" {
				s.index()
				got += len(s.records)
			}
		}
		if got >= want || time.Now().After(deadline) {
			return sinks
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// readCaptures decodes the traces, logs and metrics files into one sink per
// signal and service; each sink's text is every string its records hold.
func readCaptures(t *testing.T, dir string) []*leakSink {
	t.Helper()
	bySink := map[string]*leakSink{}
	sink := func(signal string, res pcommon.Resource) *leakSink {
		service := "?"
		if v, ok := res.Attributes().Get("service.name"); ok {
			service = v.AsString()
		}
		name := "collector " + signal + " capture of " + service
		s, ok := bySink[name]
		if !ok {
			s = &leakSink{name: name, path: service, parts: []leakRecord{}}
			bySink[name] = s
		}
		return s
	}
	add := func(s *leakSink, attrs pcommon.Map, texts ...string) {
		var b strings.Builder
		for _, x := range texts {
			b.WriteString(x + "\n")
		}
		appendStrings(&b, pcommon.NewValueEmpty(), attrs)
		id := ""
		if v, ok := attrs.Get(leakcorpus.CaseKey); ok {
			id = v.Str()
		}
		s.parts = append(s.parts, leakRecord{id: id, text: b.String()})
		s.text += b.String()
	}
	for _, line := range readLines(t, filepath.Join(dir, "traces.jsonl")) {
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(line)
		require.NoError(t, err)
		for i := 0; i < td.ResourceSpans().Len(); i++ {
			rs := td.ResourceSpans().At(i)
			s := sink("traces", rs.Resource())
			for j := 0; j < rs.ScopeSpans().Len(); j++ {
				spans := rs.ScopeSpans().At(j).Spans()
				for k := 0; k < spans.Len(); k++ {
					span := spans.At(k)
					texts := []string{span.Name(), span.Status().Message()}
					var ev strings.Builder
					for e := 0; e < span.Events().Len(); e++ {
						ev.WriteString(span.Events().At(e).Name() + "\n")
						appendStrings(&ev, pcommon.NewValueEmpty(), span.Events().At(e).Attributes())
					}
					add(s, span.Attributes(), append(texts, ev.String())...)
				}
			}
		}
	}
	for _, line := range readLines(t, filepath.Join(dir, "logs.jsonl")) {
		ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(line)
		require.NoError(t, err)
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			s := sink("logs", rl.Resource())
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				recs := rl.ScopeLogs().At(j).LogRecords()
				for k := 0; k < recs.Len(); k++ {
					var body strings.Builder
					appendStrings(&body, recs.At(k).Body(), pcommon.NewMap())
					add(s, recs.At(k).Attributes(), body.String(), recs.At(k).EventName())
				}
			}
		}
	}
	for _, line := range readLines(t, filepath.Join(dir, "metrics.jsonl")) {
		md, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(line)
		require.NoError(t, err)
		for i := 0; i < md.ResourceMetrics().Len(); i++ {
			rm := md.ResourceMetrics().At(i)
			s := sink("metrics", rm.Resource())
			for j := 0; j < rm.ScopeMetrics().Len(); j++ {
				ms := rm.ScopeMetrics().At(j).Metrics()
				for k := 0; k < ms.Len(); k++ {
					if ms.At(k).Type() != pmetric.MetricTypeSum {
						continue
					}
					dps := ms.At(k).Sum().DataPoints()
					for p := 0; p < dps.Len(); p++ {
						add(s, dps.At(p).Attributes())
					}
				}
			}
		}
	}
	// The raw files too, in case a secret sits where the walk above does
	// not look.
	for _, f := range []string{"traces.jsonl", "logs.jsonl", "metrics.jsonl"} {
		raw, _ := os.ReadFile(filepath.Join(dir, f))
		bySink["collector file "+f] = &leakSink{name: "collector file " + f, text: string(raw)}
	}
	out := make([]*leakSink, 0, len(bySink))
	for _, s := range bySink {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// appendStrings writes every string inside v and attrs, nested ones too.
func appendStrings(b *strings.Builder, v pcommon.Value, attrs pcommon.Map) {
	attrs.Range(func(k string, v pcommon.Value) bool {
		b.WriteString(k + "=")
		appendStrings(b, v, pcommon.NewMap())
		return true
	})
	switch v.Type() {
	case pcommon.ValueTypeMap:
		appendStrings(b, pcommon.NewValueEmpty(), v.Map())
	case pcommon.ValueTypeSlice:
		for i := 0; i < v.Slice().Len(); i++ {
			appendStrings(b, v.Slice().At(i), pcommon.NewMap())
		}
	case pcommon.ValueTypeEmpty:
	default:
		b.WriteString(v.AsString() + "\n")
	}
}
