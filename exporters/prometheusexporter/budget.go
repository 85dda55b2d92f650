package prometheusexporter

import "go.uber.org/zap"

// Reasons a new series is refused (droppedPointsName's reason).
const (
	// reasonMaxSeries: the exporter holds max_series series.
	reasonMaxSeries = "max_series"
	// reasonMaxSeriesPerService: the point's service holds
	// max_series_per_service series.
	reasonMaxSeriesPerService = "max_series_per_service"
)

// budget bounds the series the exporter holds, target_info included: in
// all, and per service (the job, service.namespace/service.name), not per
// resource, so a service that varies service.instance.id cannot make one
// budget per instance. A service over its share is refused new series
// without taking any from the others; updates of series it has go on.
type budget struct {
	max, perService int
	total           int
	services        map[string]int
}

func newBudget(cfg *Config) *budget {
	return &budget{max: cfg.MaxSeries, perService: cfg.MaxSeriesPerService, services: map[string]int{}}
}

// admit takes one series for service, or returns why it cannot.
func (b *budget) admit(service string) string {
	if b.services[service] >= b.perService {
		return reasonMaxSeriesPerService
	}
	if b.total >= b.max {
		return reasonMaxSeries
	}
	b.total++
	b.services[service]++
	return ""
}

// release gives back one series of service.
func (b *budget) release(service string) {
	b.total--
	if n := b.services[service] - 1; n > 0 {
		b.services[service] = n
	} else {
		delete(b.services, service)
	}
}

// refuse counts a point whose new series the budget refused, and logs it
// once per service and reason.
func (a *accumulator) refuse(service, reason string) {
	a.drops.add(service, reason, 1)
	a.warnOnce(reason+"\x00"+service, "series limit reached: new series are not exposed",
		zap.String("service", service), zap.String("limit", reason))
}
