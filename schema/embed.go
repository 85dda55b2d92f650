// Package schema embeds the resolved Seam registry (resolved.json, generated
// by `seam schema generate`) for components that enforce it at run time.
package schema

import _ "embed"

// Resolved is the JSON form of the resolved registry.
//
//go:embed resolved.json
var Resolved []byte
