// Command slorules generates alerts/slo.rules.yaml from alerts/slos.yaml.
//
//	go run ./dashboards/cmd/slorules
package main

import (
	"fmt"
	"os"

	"github.com/seamtel/seam/dashboards/internal/repo"
	"github.com/seamtel/seam/dashboards/slo"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "slorules:", err)
		os.Exit(1)
	}
}

func run() error {
	in, err := repo.Path(slo.SLOsFile)
	if err != nil {
		return err
	}
	out, err := repo.Path(slo.RulesFile)
	if err != nil {
		return err
	}
	b, err := slo.Generate(in)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", slo.RulesFile)
	return nil
}
