package e2e

import (
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/seamtel/seam/sdk-go/seamtest"
)

// histogram is one seam.operation.duration-like histogram point as received.
type histogram struct {
	service, impl, unit string
	bounds              []float64
	attrs               map[string]string
	count               uint64
}

// histograms returns every data point of the histogram metric name.
func histograms(r *seamtest.Receiver, name string) []histogram {
	var out []histogram
	for _, m := range r.Metrics(name) {
		for _, p := range m.GetHistogram().GetDataPoints() {
			out = append(out, histogram{
				service: m.Resource["service.name"], impl: m.Resource["seam.impl"], unit: m.Unit,
				bounds: p.ExplicitBounds, attrs: seamtest.Attrs(p.Attributes), count: p.Count,
			})
		}
	}
	return out
}

// sum is one point of a counter as received.
type sum struct {
	service, impl string
	attrs         map[string]string
	value         int64
}

// sums returns every data point of the integer counter name.
func sums(r *seamtest.Receiver, name string) []sum {
	var out []sum
	for _, m := range r.Metrics(name) {
		for _, p := range m.GetSum().GetDataPoints() {
			out = append(out, sum{service: m.Resource["service.name"], impl: m.Resource["seam.impl"], attrs: seamtest.Attrs(p.Attributes), value: p.GetAsInt()})
		}
	}
	return out
}

// spansByService returns every span received, by service.name/seam.impl.
func spansByService(r *seamtest.Receiver) map[string][]*tracepb.Span {
	out := map[string][]*tracepb.Span{}
	for _, s := range r.Spans() {
		svc := s.Resource["service.name"] + "/" + s.Resource["seam.impl"]
		out[svc] = append(out[svc], s.Span)
	}
	return out
}
