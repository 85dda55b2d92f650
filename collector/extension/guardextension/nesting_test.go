package guardextension

import (
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/seamtel/seam/collector/internal/hostile"
)

var kvlistBomb = hostile.KVListBomb

func TestCheckProto(t *testing.T) {
	if err := checkProto(kvlistBomb(1_000_000), defaultMaxNestingDepth); !isTooDeep(err) {
		t.Errorf("a million nested key-value lists: %v", err)
	}
	// Each list is three message levels (AnyValue, KeyValueList, KeyValue)
	// below the request's four.
	if err := checkProto(kvlistBomb(42), defaultMaxNestingDepth); !isTooDeep(err) {
		t.Errorf("42 nested lists (130 levels): %v", err)
	}
	if err := checkProto(kvlistBomb(40), defaultMaxNestingDepth); err != nil {
		t.Errorf("40 nested lists (124 levels) refused: %v", err)
	}
	// A real request, with string and bytes values that look like anything.
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "pricing")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Body().SetStr(strings.Repeat("\x0a\x7f", 1000))
	lr.Attributes().PutEmptyBytes("raw").FromRaw([]byte("\x0a\x05\x0a\x03\x0a\x01x"))
	m := lr.Attributes().PutEmptyMap("nested")
	for range 10 {
		m = m.PutEmptyMap("deeper")
	}
	m.PutStr("leaf", "v")
	lr.Attributes().PutEmptySlice("list").AppendEmpty().SetEmptySlice().AppendEmpty().SetInt(7)
	raw, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkProto(raw, defaultMaxNestingDepth); err != nil {
		t.Errorf("a real request refused: %v", err)
	}
	_ = pcommon.NewValueEmpty()
}

func TestCheckJSON(t *testing.T) {
	if err := checkJSON(hostile.JSONKVListBomb(50), defaultMaxNestingDepth); !isTooDeep(err) {
		t.Errorf("200 JSON levels: %v", err)
	}
	ok := `{"resourceLogs":[{"resource":{"attributes":[{"key":"s","value":{"stringValue":"{[{[{[ \" not nesting"}}]}}]}`
	if err := checkJSON([]byte(ok), 8); err != nil {
		t.Errorf("brackets in a string counted: %v", err)
	}
}

// The guard never panics and stays linear whatever bytes arrive.
func FuzzCheckProto(f *testing.F) {
	f.Add(kvlistBomb(3))
	f.Add([]byte("\x0a\xff\xff\xff\xff\x0fnot a protobuf"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = checkProto(b, 16)
		_ = checkJSON(b, 16)
	})
}

// The bomb is what pdata decodes: a depth it can take decodes to a body
// nested that deep.
func TestBombIsARealRequest(t *testing.T) {
	ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(kvlistBomb(3))
	if err != nil {
		t.Fatal(err)
	}
	body := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body()
	for i := range 3 {
		if body.Type() != pcommon.ValueTypeMap {
			t.Fatalf("level %d is %v", i, body.Type())
		}
		body, _ = body.Map().Get("k")
	}
	if body.Str() != "x" {
		t.Errorf("innermost %q", body.Str())
	}
}
