package faults_test

import (
	"testing"

	"github.com/seamtel/seam/examples/pricing/faults"
)

func TestParse(t *testing.T) {
	f, err := faults.Parse("panic=0.2, slow=1,slow_ms=5,wrong=0.25", faults.None)
	if err != nil {
		t.Fatal(err)
	}
	if want := (faults.Faults{Panic: 0.2, Slow: 1, SlowMS: 5, Wrong: 0.25}); f != want {
		t.Fatalf("Parse = %+v, want %+v", f, want)
	}
	if got := f.String(); got != "panic=0.2,slow=1,slow_ms=5,wrong=0.25" {
		t.Errorf("String = %q", got)
	}
	back, err := faults.Parse(f.String(), faults.None)
	if err != nil || back != f {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	kept, err := faults.Parse("slow=0.5", f)
	if err != nil || kept != (faults.Faults{Panic: 0.2, Slow: 0.5, SlowMS: 5, Wrong: 0.25}) {
		t.Errorf("partial update = %+v, %v", kept, err)
	}
	for in, want := range map[string]string{
		"panic=2":       `fault panic="2": want a probability from 0 to 1`,
		"slow=x":        `fault slow="x": want a probability from 0 to 1`,
		"panic=NaN":     `fault panic="NaN": want a probability from 0 to 1`,
		"slow_ms=20000": `fault slow_ms="20000": want 0 to 10000 milliseconds`,
		"boom=1":        `fault "boom": unknown (want panic, slow, slow_ms or wrong)`,
		"panic":         `fault "panic": want key=value`,
	} {
		if _, err := faults.Parse(in, faults.None); err == nil || err.Error() != want {
			t.Errorf("Parse(%q) error = %v, want %q", in, err, want)
		}
	}
}
