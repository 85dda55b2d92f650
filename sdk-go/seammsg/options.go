package seammsg

import (
	"errors"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Options configures NewProducer and NewConsumer.
type Options struct {
	// TracerProvider starts the spans. Nil means otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// MeterProvider records the messaging metrics. Nil means
	// otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
}

// scopeName is the instrumentation scope of the spans and instruments.
const scopeName = "github.com/seamtel/seam/sdk-go/seammsg"

func (o Options) tracer() trace.Tracer {
	tp := o.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return tp.Tracer(scopeName)
}

func (o Options) meter() metric.Meter {
	mp := o.MeterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	return mp.Meter(scopeName)
}

// validate names the first empty one of the names a producer or consumer
// is bound to.
func validate(fields ...[2]string) error {
	for _, f := range fields {
		if f[1] == "" {
			return errors.New("seammsg: " + f[0] + " is empty")
		}
	}
	return nil
}
