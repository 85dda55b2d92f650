package stack

import (
	"os"
	"strings"
	"testing"
)

// The README shows the migration queries exactly as the demo and the
// Prometheus test run them (that test runs them in a real Prometheus).
func TestREADMEShowsTheMigrationQueries(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range MigrationQueries {
		if !strings.Contains(string(readme), q+"\n") {
			t.Errorf("README.md does not show migration query %d as it runs:\n%s", i+1, q)
		}
	}
}
