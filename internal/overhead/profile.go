package overhead

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// profile fetches a Go CPU profile of d from the orchestrator's pprof
// server at addr into path, in the background; the channel gets the
// outcome.
func profile(ctx context.Context, addr string, d time.Duration, path string) <-chan error {
	done := make(chan error, 1)
	go func() { done <- fetchProfile(ctx, addr, d, path) }()
	return done
}

func fetchProfile(ctx context.Context, addr string, d time.Duration, path string) error {
	secs := max(int(d.Round(time.Second)/time.Second), 1)
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("CPU profile from %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("CPU profile from %s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("CPU profile to %s: %w", path, err)
	}
	return f.Close()
}
