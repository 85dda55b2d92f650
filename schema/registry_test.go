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
