// Package cgotest runs the Go tests of code that links a Rust staticlib
// through cgo, as a child `go test` or `go build` after the library is built.
// go's build cache hashes neither the library nor the Rust sources behind
// it, so a cached pass or binary could hold the previous Rust code: StatInputs
// makes the sources part of the parent test's cache key, and LinkFlags puts
// the library's contents into the child's.
package cgotest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// StatInputs stats every file under paths (files or directories), so that
// go test's result cache, which records the files a test looked at, is
// invalidated when any of them changes. A path that does not exist is an
// input that is not there, not an error.
func StatInputs(tb testing.TB, paths ...string) {
	tb.Helper()
	for _, root := range paths {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				_, err = os.Stat(path)
			}
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		})
		if err != nil {
			tb.Fatalf("stat the sources under %s: %v", root, err)
		}
	}
}

// Run runs name in dir (the test's own directory when empty) with env added
// to the environment and its output on the test's stdout, and fails the test
// if it fails or would outlive the test's deadline.
func Run(tb testing.TB, dir string, env []string, name string, args ...string) {
	tb.Helper()
	ctx := context.Background()
	if d, ok := tb.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, ok := d.Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, deadline.Add(-5*time.Second))
			defer cancel()
		}
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stdout
	tb.Logf("$ %s %s", name, strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
}

// LinkEnv returns the CGO_LDFLAGS for a child go command that links lib:
// the caller's flags plus a search directory named after lib's contents,
// which the linker ignores but go's build cache key includes.
func LinkEnv(tb testing.TB, lib string) []string {
	tb.Helper()
	sum, err := fileSHA256(lib)
	if err != nil {
		tb.Fatalf("hash the staticlib: %v", err)
	}
	byContent := filepath.Join(filepath.Dir(lib), "by-content")
	dir, err := filepath.Abs(filepath.Join(byContent, sum[:16]))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		// Only the newest is kept: a flag is all they are for.
		_ = os.RemoveAll(byContent)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	return []string{"CGO_LDFLAGS=" + strings.TrimSpace(os.Getenv("CGO_LDFLAGS")+" -L"+dir)}
}

// GoTool is the go command of the toolchain running the test.
func GoTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// CopyFile copies src to dst through a temporary file, so a concurrent
// link never reads half a library.
func CopyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".staticlib-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
