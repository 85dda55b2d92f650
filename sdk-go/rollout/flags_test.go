package rollout_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/isolated"

	"github.com/seamtel/seam/sdk-go/rollout"
	"github.com/seamtel/seam/sdk-go/rollout/flags"
)

// A change to the in-memory provider applies at once, through its change
// event, without rebuilding the rollout (the poll is an hour away).
func TestFlagChangeAppliesWithoutRestart(t *testing.T) {
	h := newHarness(t, nil)
	r := start(t, h, armFunc("go"), armFunc("rust"), func(o *rollout.Options[string, string]) { o.Refresh = time.Hour })
	if got, _ := r.Do(context.Background(), ""); got != "go" {
		t.Fatalf("without flags: served by %s, want go", got)
	}
	if err := h.flags.Set(op, rollout.Route{Mode: rollout.Candidate, Percent: 100}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "the candidate serves", func() bool {
		got, _ := r.Do(context.Background(), "")
		return got == "rust"
	})
	if err := h.flags.Set(op, rollout.Route{Mode: rollout.Baseline}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "back on the baseline", func() bool {
		got, _ := r.Do(context.Background(), "")
		return got == "go"
	})
}

// The environment/file provider follows the file as it is rewritten, and
// keeps the routes last read when it stops parsing.
func TestEnvFileProviderFollowsTheFile(t *testing.T) {
	h := newHarness(t, nil)
	path := filepath.Join(t.TempDir(), "rollout")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("# the demo's routes\npricing.quote=candidate\n")
	env := map[string]string{flags.EnvRoutes: "pricing.quote=shadow,pricing.fingerprint=canary:5", flags.EnvFile: path}
	p, err := flags.FromEnv(flags.EnvOptions{Poll: 10 * time.Millisecond, Getenv: func(k string) string { return env[k] }, Logger: optionsLogger(h)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got := p.Routes(); got["pricing.quote"].Mode != rollout.Candidate || got["pricing.fingerprint"] != (rollout.Route{Mode: rollout.Canary, Percent: 5}) {
		t.Fatalf("routes %v: want the file's quote over the environment's, and the environment's fingerprint", got)
	}
	api := isolated.NewAPI()
	if err := api.SetProviderAndWait(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = api.Shutdown(context.Background()) }()
	r, err := rollout.New(op, armFunc("go"), armFunc("rust"), rollout.Options[string, string]{Flags: api.NewClient(), Refresh: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, _ := r.Do(context.Background(), ""); got != "rust" {
		t.Fatalf("served by %s, want rust", got)
	}

	write("pricing.quote=baseline\n")
	eventually(t, 2*time.Second, "the rewritten file applies", func() bool {
		got, _ := r.Do(context.Background(), "")
		return got == "go"
	})
	write("pricing.quote=sideways\n")
	eventually(t, 2*time.Second, "the bad file is reported", func() bool {
		return strings.Contains(h.logs.String(), "sideways")
	})
	if route, _ := r.Route(); route.Mode != rollout.Baseline {
		t.Errorf("a file that does not parse changed the route to %v", route)
	}
}

// A spec that does not parse is refused at start, naming the variable.
func TestEnvProviderRefusesABadSpec(t *testing.T) {
	_, err := flags.FromEnv(flags.EnvOptions{Getenv: func(k string) string {
		if k == flags.EnvRoutes {
			return "pricing.quote=primary"
		}
		return ""
	}})
	if err == nil || !strings.Contains(err.Error(), flags.EnvRoutes) || !strings.Contains(err.Error(), "primary") {
		t.Fatalf("err %v; want one naming %s and the bad value", err, flags.EnvRoutes)
	}
}

// A flag with a value that is not valid keeps the operation on its
// baseline and is logged once.
func TestInvalidFlagValueMeansBaseline(t *testing.T) {
	h := newHarness(t, nil)
	h.flags.UpdateFlags(map[string]memproviderFlag{rollout.ModeFlag(op): staticFlag("primary")})
	r := start(t, h, armFunc("go"), armFunc("rust"), nil)
	r.Refresh(context.Background())
	if route, _ := r.Route(); route.Mode != rollout.Baseline {
		t.Errorf("route %v for mode flag \"primary\"", route)
	}
	if n := strings.Count(h.logs.String(), "rollout flag not valid"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, h.logs.String())
	}
}

var _ openfeature.FeatureProvider = (*flags.Env)(nil)
