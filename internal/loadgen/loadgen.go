// Package loadgen drives the pricing example with a steady, configurable
// stream of quotes: the traffic behind the demo, the conformance run and the
// Prometheus integration test.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config shapes the traffic.
type Config struct {
	URL       string  // the orchestrator, http://127.0.0.1:PORT
	Rate      float64 // requests per second
	HTTPShare float64 // fraction of requests whose fingerprint goes to the Rust service over HTTP
	GRPCShare float64 // fraction of requests whose quote goes to the Rust service over gRPC
	Seed      uint64  // baskets are reproducible for a seed
	// MaxInFlight bounds concurrent requests, so a slow service slows the
	// generator instead of piling up goroutines. 32 when zero.
	MaxInFlight int
}

// Stats counts what was sent; safe to read while Run runs.
type Stats struct {
	Sent, OK, Failed atomic.Int64
}

func (s *Stats) String() string {
	return fmt.Sprintf("%d sent, %d ok, %d failed", s.Sent.Load(), s.OK.Load(), s.Failed.Load())
}

// Item is one basket line, as the orchestrator's API takes it.
type Item struct {
	SKU       string `json:"sku"`
	Qty       int    `json:"qty"`
	UnitCents int64  `json:"unit_cents"`
}

// Basket is the body of POST /quote.
type Basket struct {
	Region string `json:"region"`
	Items  []Item `json:"items"`
}

var (
	regions = []string{"eu", "us", "uk"}
	skus    = []string{"A1", "B7", "C3", "D9", "E2", "F5", "G8", "H4"}
)

// NewBasket makes a random basket from r.
func NewBasket(r *rand.Rand) Basket {
	b := Basket{Region: regions[r.IntN(len(regions))]}
	for range 1 + r.IntN(5) {
		b.Items = append(b.Items, Item{SKU: skus[r.IntN(len(skus))], Qty: 1 + r.IntN(10), UnitCents: int64(99 + r.IntN(9900))})
	}
	return b
}

// Run sends requests until ctx ends.
func Run(ctx context.Context, cfg Config, stats *Stats) error {
	if cfg.Rate <= 0 {
		return fmt.Errorf("loadgen: rate must be positive, got %v", cfg.Rate)
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = 32
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5ea))
	client := &http.Client{Timeout: 10 * time.Second}
	slots := make(chan struct{}, cfg.MaxInFlight)
	tick := time.NewTicker(time.Duration(float64(time.Second) / cfg.Rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		basket := NewBasket(r)
		var routes []string
		if r.Float64() < cfg.HTTPShare {
			routes = append(routes, "fingerprint=http")
		}
		if r.Float64() < cfg.GRPCShare {
			routes = append(routes, "quote=grpc")
		}
		route := strings.Join(routes, ",")
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		stats.Sent.Add(1)
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			if _, err := Quote(ctx, client, cfg.URL, basket, route); err != nil {
				if ctx.Err() != nil {
					stats.Sent.Add(-1) // cut off by the end of the run, not a failure
					return
				}
				stats.Failed.Add(1)
				return
			}
			stats.OK.Add(1)
		}()
	}
}

// Quote sends one POST /quote, with an optional X-Seam-Route override, and
// returns the response body.
func Quote(ctx context.Context, client *http.Client, url string, b Basket, route string) ([]byte, error) {
	body, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/quote", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if route != "" {
		req.Header.Set("X-Seam-Route", route)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return out, fmt.Errorf("POST /quote: %s: %s", resp.Status, bytes.TrimSpace(out))
	}
	return out, nil
}
