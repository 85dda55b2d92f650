package schemaprocessor

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	seamschema "github.com/seamtel/seam/schema"
	"github.com/seamtel/seam/sdk-go/redact"
	"github.com/seamtel/seam/sdk-go/semconv"
)

func TestEmbeddedSchemaCompiles(t *testing.T) {
	s, err := compileSchema(seamschema.Resolved, redact.Default().Key)
	require.NoError(t, err)
	assert.Equal(t, semconv.SchemaURL, s.url, "the embedded registry is the one the SDKs were generated from")
	assert.Len(t, s.metrics, len(semconv.Metrics))
	for _, d := range semconv.Metrics {
		m := s.metrics[d.Name]
		require.NotNil(t, m, d.Name)
		assert.Equal(t, d.Unit, m.unit, d.Name)
		assert.Equal(t, d.Instrument, m.instrument, d.Name)
		assert.Equal(t, d.SeriesLimit, m.seriesLimit, d.Name)
		if d.Instrument == "histogram" {
			assert.Equal(t, d.Boundaries, m.boundaries, d.Name)
		}
	}
	assert.Equal(t, []string{"seam.impl", "service.name"}, slices.Sorted(slices.Values(s.logResource)))
	assert.Equal(t, "WARN", s.levelBySeverity[semconv.SeverityWarn+2])
}

func TestBadRegistryErrorsNameTheProblem(t *testing.T) {
	levels := `"log":{"levels":[{"name":"INFO","severity_number":9}]}`
	for name, tc := range map[string]struct{ json, want string }{
		"not json":              {`{`, "decode resolved registry"},
		"no schema url":         {`{` + levels + `}`, "no schema_url"},
		"no log levels":         {`{"schema_url":"u"}`, "no log levels"},
		"undefined in use":      {`{"schema_url":"u",` + levels + `,"metrics":[{"name":"m","attributes":[{"id":"nope"}]}]}`, `metric "m" uses undefined attribute "nope"`},
		"alias is an attribute": {`{"schema_url":"u",` + levels + `,"attributes":[{"id":"a","type":"string","aliases":["b"]},{"id":"b","type":"string"}]}`, `alias "b" of "a" is itself an attribute`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := compileSchema([]byte(tc.json), redact.Default().Key)
			require.Error(t, err)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}
