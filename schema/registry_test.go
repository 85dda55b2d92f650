package schema

import "testing"

// The embedded registry decodes into the model, and its lookups find what
// the registry defines.
func TestLoad(t *testing.T) {
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if r.Metric("seam.operation.duration") == nil || r.Attribute("seam.operation") == nil {
		t.Fatal("seam.operation.duration or seam.operation missing")
	}
	if r.Metric("nope") != nil || r.Attribute("nope") != nil {
		t.Error("lookups found what is not defined")
	}
	if len(r.Log.Levels) == 0 || r.Redaction.Replacement == "" || len(r.BucketLayouts) == 0 {
		t.Errorf("log levels, redaction or layouts missing: %+v", r.Log)
	}
	if _, err := Parse([]byte(`{"version":"1"}`)); err == nil {
		t.Error("a registry without schema_url was accepted")
	}
}

// Every latency metric resolves from 1 µs or lower up to 30 s or higher,
// each bucket at most 1.5 times as wide as the one below: work moved in
// process into Rust takes 1 to 500 µs, and a median or p99 must not hide
// in one wide bucket.
func TestLatencyResolution(t *testing.T) {
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"seam.operation.duration", "seam.boundary.call.duration", "http.server.request.duration", "rpc.server.call.duration"} {
		m := r.Metric(name)
		if m == nil {
			t.Fatalf("%s is not in the schema", name)
		}
		b := m.Boundaries
		first := 0
		for first < len(b) && b[first] <= 0 {
			first++
		}
		if first == len(b) || b[first] > 1e-6 || b[len(b)-1] < 30 {
			t.Errorf("%s: bounds %v do not span 1 µs to 30 s", name, b)
			continue
		}
		for i := first + 1; i < len(b); i++ {
			if ratio := b[i] / b[i-1]; ratio > 1.5+1e-9 {
				t.Errorf("%s: step %g -> %g is %.2fx, over 1.5x", name, b[i-1], b[i], ratio)
			}
		}
	}
}
