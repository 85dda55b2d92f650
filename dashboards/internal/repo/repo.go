// Package repo finds the checkout the generators read from and write to.
package repo

import (
	"errors"
	"os"
	"path/filepath"
)

// Root is the directory holding go.work, found from the working directory
// up, so that the generators and tests run from the checkout's root or from
// anywhere under it.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.work in the working directory or above it")
		}
		dir = parent
	}
}

// Path joins elements onto the checkout's root.
func Path(elem ...string) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{root}, elem...)...), nil
}
