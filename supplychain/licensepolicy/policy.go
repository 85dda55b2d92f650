// Package licensepolicy checks the licenses a CycloneDX SBOM records for its
// components against the allowed SPDX ids of a cargo-deny configuration, so
// that Go modules and Rust crates answer to one policy file.
package licensepolicy

import (
	"fmt"

	"github.com/BurntSushi/toml"
	"github.com/github/go-spdx/v2/spdxexp"
)

// Policy is the part of a cargo-deny configuration that applies to Go
// modules: the allowed licenses, and the modules whose license the detector
// cannot read and a maintainer has read instead.
type Policy struct {
	// Allow holds SPDX license ids.
	Allow []string
	// Clarify maps a module path to the SPDX id its license files carry.
	Clarify map[string]string
}

// file mirrors the keys of deny.toml that Load reads; cargo-deny owns the
// rest of the file. Go-only clarifications live under [go-licenses], a
// table cargo-deny does not read.
type file struct {
	Licenses struct {
		Allow []string `toml:"allow"`
	} `toml:"licenses"`
}

type clarifyFile struct {
	Clarify []struct {
		Module  string `toml:"module"`
		License string `toml:"license"`
		Reason  string `toml:"reason"`
	} `toml:"clarify"`
}

// Load reads the allowed licenses from the cargo-deny configuration at
// denyPath and, when clarifyPath is not empty, the Go modules' clarifications
// from clarifyPath.
func Load(denyPath, clarifyPath string) (*Policy, error) {
	var f file
	if _, err := toml.DecodeFile(denyPath, &f); err != nil {
		return nil, fmt.Errorf("license policy %s: %w", denyPath, err)
	}
	if len(f.Licenses.Allow) == 0 {
		return nil, fmt.Errorf("license policy %s: [licenses] allow is empty", denyPath)
	}
	if ok, invalid := spdxexp.ValidateLicenses(f.Licenses.Allow); !ok {
		return nil, fmt.Errorf("license policy %s: [licenses] allow: not SPDX license ids: %v", denyPath, invalid)
	}
	p := &Policy{Allow: f.Licenses.Allow, Clarify: map[string]string{}}
	if clarifyPath == "" {
		return p, nil
	}
	var c clarifyFile
	if _, err := toml.DecodeFile(clarifyPath, &c); err != nil {
		return nil, fmt.Errorf("license clarifications %s: %w", clarifyPath, err)
	}
	for i, entry := range c.Clarify {
		if entry.Module == "" || entry.License == "" || entry.Reason == "" {
			return nil, fmt.Errorf("license clarifications %s: entry %d needs module, license and reason", clarifyPath, i+1)
		}
		p.Clarify[entry.Module] = entry.License
	}
	return p, nil
}

// Allows reports whether an SPDX expression is acceptable: every license of
// at least one of its OR alternatives is in the policy. An expression that
// does not parse is an error, so that it is read by hand rather than passed.
func (p *Policy) Allows(expr string) (bool, error) {
	ok, err := spdxexp.Satisfies(expr, p.Allow)
	if err != nil {
		return false, fmt.Errorf("%q is not an SPDX expression: %w", expr, err)
	}
	return ok, nil
}
