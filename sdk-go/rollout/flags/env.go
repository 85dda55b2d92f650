package flags

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"sync"
	"time"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/seamtel/seam/sdk-go/rollout"
)

// The variables Env reads, the same in both SDKs.
const (
	// EnvRoutes holds a rollout spec (see rollout.ParseSpec).
	EnvRoutes = "SEAM_ROLLOUT"
	// EnvFile names a file holding a spec, one entry per line or
	// comma-separated; its entries override EnvRoutes' per operation, and
	// it is read again when it changes.
	EnvFile = "SEAM_ROLLOUT_FILE"
)

// EnvOptions configures FromEnv.
type EnvOptions struct {
	// Poll is how often the file is checked for changes; default one second.
	Poll time.Duration
	// Logger reports a file that cannot be used; nil means slog.Default().
	Logger *slog.Logger
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

// Env serves the routes of SEAM_ROLLOUT and SEAM_ROLLOUT_FILE, following
// the file as it changes. Close it to stop.
type Env struct {
	*Memory

	path string
	env  map[string]rollout.Route
	log  *slog.Logger

	last []byte // the file's content the routes come from
	// seen is a content read once and not yet applied: a change applies
	// when two polls in a row read it, so a file caught half-written (a
	// truncate before the write) is never taken for its new content.
	seen []byte
	bad  string // the last error logged, to log each once
	stop chan struct{}
	done sync.WaitGroup
}

// FromEnv reads the routes from the environment. A spec that does not
// parse is an error naming the variable or the file; so is a file that
// exists and cannot be read. A file that does not exist yet serves no
// routes until it does. Later, a file that cannot be read or parsed
// keeps the routes last read and is logged.
func FromEnv(opts EnvOptions) (*Env, error) {
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	env, err := rollout.ParseSpec(opts.Getenv(EnvRoutes))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvRoutes, err)
	}
	mem, err := NewMemory(env)
	if err != nil {
		return nil, err
	}
	e := &Env{Memory: mem, path: opts.Getenv(EnvFile), env: env, log: opts.Logger, stop: make(chan struct{})}
	if e.path == "" {
		return e, nil
	}
	if err := e.reload(false); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	e.done.Add(1)
	go e.watch(opts.Poll)
	return e, nil
}

// Metadata names the provider.
func (e *Env) Metadata() openfeature.Metadata { return openfeature.Metadata{Name: "seam-rollout-env"} }

// Close stops following the file.
func (e *Env) Close() {
	select {
	case <-e.stop:
	default:
		close(e.stop)
	}
	e.done.Wait()
}

func (e *Env) watch(every time.Duration) {
	defer e.done.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			if err := e.reload(true); err != nil && err.Error() != e.bad {
				e.bad = err.Error()
				e.log.Warn("seam: rollout file not used; the routes last read stay", "error", err.Error())
			}
		}
	}
}

// reload serves the file's routes over the environment's when the file
// changed, once the change has settled (read the same twice) when settle
// is set; only watch (or FromEnv, before it starts) calls it.
func (e *Env) reload(settle bool) error {
	raw, err := os.ReadFile(e.path)
	if err != nil {
		e.seen = nil
		return fmt.Errorf("%s=%s: %w", EnvFile, e.path, err)
	}
	if e.last != nil && bytes.Equal(raw, e.last) {
		e.seen = nil
		return nil
	}
	if settle && (e.seen == nil || !bytes.Equal(raw, e.seen)) {
		e.seen = raw
		return nil
	}
	e.seen = nil
	fromFile, err := rollout.ParseSpec(string(raw))
	if err != nil {
		return fmt.Errorf("%s=%s: %w", EnvFile, e.path, err)
	}
	routes := maps.Clone(e.env)
	maps.Copy(routes, fromFile)
	if err := e.Replace(routes); err != nil {
		return fmt.Errorf("%s=%s: %w", EnvFile, e.path, err)
	}
	e.last, e.bad = raw, ""
	return nil
}
