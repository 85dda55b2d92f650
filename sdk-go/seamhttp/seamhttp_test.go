package seamhttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seamhttp"
	"github.com/seamtel/seam/sdk-go/seamtest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

func TestHandlerAndTransport(t *testing.T) {
	_, reader := seamtest.Start(t)
	seen := make(chan string, 2)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /quote/{sku}", func(w http.ResponseWriter, r *http.Request) {
		seen <- seam.CorrelationID(r.Context())
	})
	srv := httptest.NewServer(seamhttp.Handler(mux, "quote"))
	defer srv.Close()
	client := &http.Client{Transport: seamhttp.Transport(nil)}

	for _, ctx := range []context.Context{
		seam.WithCorrelationID(context.Background(), "order-42"), // carried
		context.Background(), // minted at the server
	} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/quote/A-1", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := <-seen; got != "order-42" {
		t.Errorf("server saw %q, want the client's ID", got)
	}
	if got := <-seen; len(got) != 26 {
		t.Errorf("server minted %q, want a ULID", got)
	}

	points := seamtest.Histogram(t, reader, semconv.HTTPServerRequestDurationName)
	if len(points) != 1 {
		t.Fatalf("%d series of %s, want 1", len(points), semconv.HTTPServerRequestDurationName)
	}
	seamtest.CheckPoint(t, points[0], semconv.LatencyBoundaries, map[string]string{
		"http.request.method": "GET", "http.response.status_code": "200",
		"http.route": "/quote/{sku}", "url.scheme": "http",
	})
}

// A caller's seam.role crosses HTTP in the baggage: the server's
// operations record the role the client ran under.
func TestRoleCrossesHTTP(t *testing.T) {
	seamtest.Start(t)
	seen := make(chan seam.Role, 2)
	srv := httptest.NewServer(seamhttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- seam.RoleFrom(r.Context())
	}), "role"))
	defer srv.Close()
	client := &http.Client{Transport: seamhttp.Transport(nil)}
	for _, ctx := range []context.Context{seam.WithRole(context.Background(), seam.RoleShadow), context.Background()} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := <-seen; got != seam.RoleShadow {
		t.Errorf("the server ran as %s, want the client's shadow", got)
	}
	if got := <-seen; got != seam.RoleBaseline {
		t.Errorf("without a role the server ran as %s, want baseline", got)
	}
}
