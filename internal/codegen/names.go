package codegen

import (
	"strconv"
	"strings"
)

// initialisms are written in capitals in Go identifiers, as Go style asks.
var initialisms = map[string]string{
	"api": "API", "aws": "AWS", "cpu": "CPU", "ffi": "FFI", "gc": "GC", "grpc": "GRPC",
	"http": "HTTP", "id": "ID", "jwt": "JWT", "rpc": "RPC", "sdk": "SDK", "url": "URL",
}

// words splits a schema id into its lowercase words.
func words(id string) []string {
	return strings.FieldsFunc(id, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == ' ' })
}

// goName turns "seam.correlation_id" into "SeamCorrelationID".
func goName(id string) string {
	var b strings.Builder
	for _, w := range words(id) {
		if up, ok := initialisms[w]; ok {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// rustConst turns "seam.correlation_id" into "SEAM_CORRELATION_ID".
func rustConst(id string) string {
	return strings.ToUpper(strings.Join(words(id), "_"))
}

// rustModule turns "seam.boundary.kind" into "seam_boundary_kind".
func rustModule(id string) string {
	return strings.Join(words(id), "_")
}

// float writes a boundary so that Go and Rust read back the same f64: plain
// decimal, with ".0" on whole numbers because Rust has no int-to-float coercion.
func float(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// comment folds a brief into one line of a doc comment.
func comment(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
