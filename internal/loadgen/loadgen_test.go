package loadgen

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRunSendsBasketsWithTheHTTPAndGRPCShares(t *testing.T) {
	var mu sync.Mutex
	var routed, overGRPC, total int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b Basket
		if r.URL.Path != "/quote" || json.NewDecoder(r.Body).Decode(&b) != nil || len(b.Items) == 0 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		total++
		route := r.Header.Get("X-Seam-Route")
		if strings.Contains(route, "fingerprint=http") {
			routed++
		}
		if strings.Contains(route, "quote=grpc") {
			overGRPC++
		}
		mu.Unlock()
		_, _ = io.WriteString(w, `{"total_cents":1}`)
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	stats := &Stats{}
	if err := Run(ctx, Config{URL: srv.URL, Rate: 200, HTTPShare: 0.5, GRPCShare: 0.25, Seed: 3}, stats); err != nil {
		t.Fatal(err)
	}
	if stats.Failed.Load() != 0 || stats.OK.Load() < 50 || stats.OK.Load() != stats.Sent.Load() {
		t.Fatalf("stats %s", stats)
	}
	mu.Lock()
	defer mu.Unlock()
	if share := float64(routed) / float64(total); share < 0.3 || share > 0.7 {
		t.Errorf("%d of %d requests routed over HTTP, want about half", routed, total)
	}
	if share := float64(overGRPC) / float64(total); share < 0.1 || share > 0.4 {
		t.Errorf("%d of %d requests routed over gRPC, want about a quarter", overGRPC, total)
	}
}

func TestRunRefusesANonPositiveRate(t *testing.T) {
	if err := Run(context.Background(), Config{URL: "http://127.0.0.1:1"}, &Stats{}); err == nil {
		t.Fatal("rate 0 accepted")
	}
}

func TestQuoteNamesTheFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "rust side down", http.StatusBadGateway)
	}))
	defer srv.Close()
	_, err := Quote(context.Background(), srv.Client(), srv.URL, NewBasket(rand.New(rand.NewPCG(1, 2))), "")
	if err == nil || !strings.Contains(err.Error(), "502") || !strings.Contains(err.Error(), "rust side down") {
		t.Fatalf("error %v", err)
	}
}

// Baskets are reproducible from a seed, so runs can be compared.
func TestBasketsAreReproducible(t *testing.T) {
	a, b := NewBasket(rand.New(rand.NewPCG(9, 9))), NewBasket(rand.New(rand.NewPCG(9, 9)))
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("%s != %s", ja, jb)
	}
}
