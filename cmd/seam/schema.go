package main

import (
	"github.com/seamtel/seam/schema"

	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/seamtel/seam/internal/codegen"
	"github.com/seamtel/seam/internal/registry"
)

func schemaCommand(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"schema: want check, generate or diff"}
	}
	switch args[0] {
	case "check":
		return schemaCheck(args[1:], stdout, stderr)
	case "generate":
		return schemaGenerate(args[1:], stdout, stderr)
	case "diff":
		return schemaDiff(args[1:], stdout, stderr)
	}
	return usageError{fmt.Sprintf("schema: unknown subcommand %q", args[0])}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// loadValid loads, checks and resolves dir, printing findings to stderr.
func loadValid(dir string, stderr io.Writer) (*schema.Registry, error) {
	r, findings, err := registry.LoadResolved(dir)
	if err != nil {
		return nil, err
	}
	if len(findings) > 0 {
		for _, f := range findings {
			fmt.Fprintln(stderr, f)
		}
		fmt.Fprintf(stderr, "%s: %d finding(s)\n", dir, len(findings))
		return nil, errFailed
	}
	return r, nil
}

func schemaCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("schema check", stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 1 {
		return usageError{"schema check takes at most one directory"}
	}
	dir := "schema"
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	r, err := loadValid(dir, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: ok (%d attributes, %d metrics, schema %s)\n", dir, len(r.Attributes), len(r.Metrics), r.SchemaURL)
	return nil
}

func schemaGenerateFlags(fs *flag.FlagSet) (check *bool, schemaDir *string) {
	return fs.Bool("check", false, "verify the generated files are up to date instead of writing them"),
		fs.String("schema", "", "schema directory (default: schema/ at the repository root)")
}

func schemaGenerate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("schema generate", stderr)
	check, schemaDir := schemaGenerateFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"schema generate takes no arguments"}
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if *schemaDir == "" {
		*schemaDir = filepath.Join(root, "schema")
	}
	r, err := loadValid(*schemaDir, stderr)
	if err != nil {
		return err
	}
	files, err := codegen.Outputs(r)
	if err != nil {
		return err
	}
	if *check {
		if stale := codegen.Drift(root, files); len(stale) > 0 {
			return codegen.DriftError(stale)
		}
		fmt.Fprintf(stdout, "generated files are up to date (%d files)\n", len(files))
		return nil
	}
	if err := codegen.Write(root, files); err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "wrote %s\n", f.Path)
	}
	return nil
}

// repoRoot is the nearest directory upwards holding go.work: generated files
// land at fixed places in the repository wherever the command is run from.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.work found above %s: run seam schema generate inside the Seam repository", dir)
		}
	}
}

func schemaDiffFlags(fs *flag.FlagSet) (allow *bool) {
	return fs.Bool("allow-breaking", false, "exit 0 even when the change is breaking")
}

func schemaDiff(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("schema diff", stderr)
	allow := schemaDiffFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 2 {
		return usageError{"schema diff takes two directories: OLD NEW"}
	}
	oldR, err := loadValid(fs.Arg(0), stderr)
	if err != nil {
		return err
	}
	newR, err := loadValid(fs.Arg(1), stderr)
	if err != nil {
		return err
	}
	changes := registry.Diff(oldR, newR)
	for _, c := range changes {
		fmt.Fprintln(stdout, c)
	}
	breaking := changes.Breaking()
	fmt.Fprintf(stdout, "%d change(s), %d breaking\n", len(changes), breaking)
	if breaking > 0 && !*allow {
		fmt.Fprintln(stderr, "seam: breaking changes; pass --allow-breaking to accept them")
		return errFailed
	}
	return nil
}
