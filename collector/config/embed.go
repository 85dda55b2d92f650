// Package config holds the collector's embedded default configuration and
// the confmap provider that serves it under the "seam:" scheme.
package config // import "github.com/seamtel/seam/collector/config"

import _ "embed"

// Default is the configuration seam-collector runs with when given no
// --config: default.yaml in this directory.
//
//go:embed default.yaml
var Default []byte
