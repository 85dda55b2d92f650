// Command licensepolicy fails when a CycloneDX SBOM lists a Go module whose
// license is outside the policy: the [licenses] allow list of a cargo-deny
// configuration, the same one the Rust crates are checked against.
//
//	licensepolicy -policy deny.toml -clarify go-licenses.toml sbom.cdx.json...
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/seamtel/seam/supplychain/licensepolicy"
)

func main() {
	policyPath := flag.String("policy", "", "cargo-deny configuration whose [licenses] allow lists the allowed SPDX ids")
	clarifyPath := flag.String("clarify", "", "optional TOML file of [[clarify]] module/license/reason entries")
	flag.Parse()
	if *policyPath == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: licensepolicy -policy deny.toml [-clarify file] sbom.cdx.json...")
		os.Exit(2)
	}
	if err := run(*policyPath, *clarifyPath, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "licensepolicy:", err)
		os.Exit(1)
	}
}

func run(policyPath, clarifyPath string, sboms []string) error {
	policy, err := licensepolicy.Load(policyPath, clarifyPath)
	if err != nil {
		return err
	}
	failed := 0
	for _, path := range sboms {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		bom, err := licensepolicy.Decode(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if bom.Components == nil || len(*bom.Components) == 0 {
			return fmt.Errorf("%s: the SBOM lists no components", path)
		}
		violations := policy.Check(bom)
		for _, v := range violations {
			fmt.Fprintf(os.Stderr, "%s: %s\n", path, v)
		}
		failed += len(violations)
		if len(violations) == 0 {
			fmt.Printf("%s: %d components, every license allowed\n", path, len(*bom.Components))
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d components outside the license policy %s", failed, policyPath)
	}
	return nil
}
