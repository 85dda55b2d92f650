// Package schema is Seam's telemetry schema as code: Registry is the
// resolved registry (every metric, attribute, bucket layout, log field and
// redaction rule of registry/), and Load returns the one embedded in this
// build (resolved.json, written by `seam schema generate`). The loader,
// checker, differ and generators that produce it live in internal/registry
// and internal/codegen.
package schema

import _ "embed"

// Resolved is the JSON form of the resolved registry.
//
//go:embed resolved.json
var Resolved []byte
