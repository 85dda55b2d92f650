package rollout_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/isolated"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/seamtel/seam/sdk-go/rollout"
	"github.com/seamtel/seam/sdk-go/rollout/flags"
	"github.com/seamtel/seam/sdk-go/seamtest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

const op = "pricing.quote"

// harness is a real Seam pipeline read by a manual reader, and an
// OpenFeature API of the test's own serving routes from a Memory provider.
type harness struct {
	reader *sdkmetric.ManualReader
	flags  *flags.Memory
	client *openfeature.Client
	logs   *seamtest.SyncBuffer
}

func newHarness(t *testing.T, routes map[string]rollout.Route) *harness {
	t.Helper()
	_, reader := seamtest.Start(t)
	mem, err := flags.NewMemory(routes)
	if err != nil {
		t.Fatal(err)
	}
	api := isolated.NewAPI()
	if err := api.SetProviderAndWait(context.Background(), mem); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = api.Shutdown(context.Background()) })
	return &harness{reader: reader, flags: mem, client: api.NewClient(), logs: &seamtest.SyncBuffer{}}
}

// options are the rollout's options on the harness, with changes.
func options[In, Out any](h *harness, change func(*rollout.Options[In, Out])) rollout.Options[In, Out] {
	o := rollout.Options[In, Out]{Flags: h.client, Logger: optionsLogger(h)}
	if change != nil {
		change(&o)
	}
	return o
}

func start[In, Out any](t *testing.T, h *harness, baseline, candidate rollout.Func[In, Out], change func(*rollout.Options[In, Out])) *rollout.Rollout[In, Out] {
	t.Helper()
	r, err := rollout.New(op, baseline, candidate, options(h, change))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// count sums the counter name's points whose attributes include want.
func (h *harness) count(t *testing.T, name string, want ...attribute.KeyValue) int64 {
	t.Helper()
	var n int64
	for _, dp := range seamtest.Sum(t, h.reader, name) {
		if has(dp.Attributes, want) {
			n += dp.Value
		}
	}
	return n
}

// gauge returns the value of the gauge name's point with attributes want.
func (h *harness) gauge(t *testing.T, name string, want ...attribute.KeyValue) (float64, bool) {
	t.Helper()
	for _, dp := range seamtest.Gauge(t, h.reader, name) {
		if has(dp.Attributes, want) {
			return dp.Value, true
		}
	}
	return 0, false
}

// durations counts seam.operation.duration observations with attributes want.
func (h *harness) durations(t *testing.T, want ...attribute.KeyValue) uint64 {
	t.Helper()
	var n uint64
	for _, dp := range seamtest.Histogram(t, h.reader, semconv.SeamOperationDurationName) {
		if has(dp.Attributes, want) {
			n += dp.Count
		}
	}
	return n
}

func has(set attribute.Set, want []attribute.KeyValue) bool {
	for _, kv := range want {
		if v, ok := set.Value(kv.Key); !ok || v != kv.Value {
			return false
		}
	}
	return true
}

// eventually polls cond until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type memproviderFlag = memprovider.InMemoryFlag

func staticFlag(v any) memprovider.InMemoryFlag {
	return memprovider.InMemoryFlag{State: memprovider.Enabled, DefaultVariant: "v", Variants: map[string]any{"v": v}}
}

func optionsLogger(h *harness) *slog.Logger { return slog.New(slog.NewJSONHandler(h.logs, nil)) }
