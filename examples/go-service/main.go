// Command go-service is an HTTP service instrumented with Seam: traces,
// metrics and logs that match the schema, correlation IDs on every log
// line, and the Go runtime metrics, from the few lines in run.
//
//	OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 go run ./go-service -addr 127.0.0.1:8080
//	curl http://127.0.0.1:8080/quote/A-1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seamhttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to serve on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if err := run(ctx, ln); err != nil {
		log.Fatal(err)
	}
}

// run serves on ln until ctx ends.
func run(ctx context.Context, ln net.Listener) error {
	tel, err := seam.Start(ctx, seam.Config{ServiceName: "go-service", ServiceVersion: "1.0.0"})
	if err != nil {
		return err
	}
	defer tel.Shutdown(context.Background())
	logger := tel.Logger()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /quote/{sku}", func(w http.ResponseWriter, r *http.Request) {
		err := seam.Measure(r.Context(), "checkout.price", func(ctx context.Context) error {
			cents, err := price(r.PathValue("sku"))
			if err != nil {
				return err
			}
			logger.InfoContext(ctx, "quote computed", "sku", r.PathValue("sku"), "cents", cents)
			_, err = fmt.Fprintf(w, "%d\n", cents)
			return err
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
		}
	})
	srv := &http.Server{Handler: seamhttp.Handler(mux, "go-service"), ReadHeaderTimeout: 5 * time.Second}

	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	logger.InfoContext(ctx, "serving", "addr", ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// price is the business logic: a SKU's price in cents.
func price(sku string) (int, error) {
	if len(sku) > 32 {
		return 0, errors.New("unknown sku")
	}
	cents := 0
	for _, c := range sku {
		cents = cents*31 + int(c)
	}
	return 100 + cents%10000, nil
}
