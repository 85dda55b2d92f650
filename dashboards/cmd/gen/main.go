// Command gen writes Seam's Grafana dashboards, dashboards/*.json.
//
//	go run ./dashboards/cmd/gen
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/seamtel/seam/dashboards/board"
	"github.com/seamtel/seam/dashboards/internal/repo"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	dir, err := repo.Path(board.Dir)
	if err != nil {
		return err
	}
	files, err := board.Generate()
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.JSON, 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", filepath.Join(board.Dir, f.Name))
	}
	return nil
}
