package prometheusexporter

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Describe sends nothing: the series are only known at scrape time, which
// makes this an unchecked collector.
func (a *accumulator) Describe(chan<- *prometheus.Desc) {}

// Collect exposes every series updated within the expiration and forgets
// the others.
func (a *accumulator) Collect(ch chan<- prometheus.Metric) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expireLocked(time.Now())
	for _, s := range a.series {
		m, err := a.metricOf(s)
		if err != nil {
			a.conflict(s.name, err.Error())
			continue
		}
		ch <- m
	}
	for _, t := range a.targets {
		desc := prometheus.NewDesc(targetInfoName, targetInfoHelp, t.labelNames, nil)
		m, err := prometheus.NewConstMetric(desc, prometheus.GaugeValue, 1, t.labelValues...)
		if err != nil {
			a.conflict(targetInfoName, err.Error())
			continue
		}
		ch <- m
	}
}

// expire forgets the series and targets not updated within the
// expiration, which gives their place in the series budget back. The
// exporter runs it on a timer: expiring only at a scrape kept every series
// (and its memory and budget) for as long as nobody scraped.
func (a *accumulator) expire(now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expireLocked(now)
}

func (a *accumulator) expireLocked(now time.Time) {
	for key, s := range a.series {
		if now.Sub(s.updated) > a.expiration {
			a.removeSeries(key, s)
		}
	}
	for key, t := range a.targets {
		if now.Sub(t.updated) > a.expiration {
			delete(a.targets, key)
			a.budget.release(t.service)
		}
	}
}

// expiryInterval is how often the exporter expires series: a quarter of the
// expiration, between 10 ms and 30 s.
func expiryInterval(expiration time.Duration) time.Duration {
	return min(max(expiration/4, 10*time.Millisecond), 30*time.Second)
}

func (a *accumulator) metricOf(s *series) (prometheus.Metric, error) {
	desc := prometheus.NewDesc(s.name, a.families[s.name].help, s.labelNames, nil)
	var (
		m   prometheus.Metric
		err error
	)
	switch s.kind {
	case kindCounter:
		m, err = prometheus.NewConstMetric(desc, prometheus.CounterValue, s.value, s.labelValues...)
	case kindGauge:
		m, err = prometheus.NewConstMetric(desc, prometheus.GaugeValue, s.value, s.labelValues...)
	case kindHistogram:
		m, err = prometheus.NewConstHistogram(desc, s.count, s.sum, cumulativeBuckets(s), s.labelValues...)
	}
	if err != nil || len(s.exemplars) == 0 {
		return m, err
	}
	// An exemplar the library refuses costs the exemplar, not the series.
	if withExemplars, err := prometheus.NewMetricWithExemplars(m, s.exemplars...); err == nil {
		return withExemplars, nil
	}
	return m, nil
}

// cumulativeBuckets turns per-bucket counts into Prometheus' cumulative
// "le" buckets; the +Inf bucket is the total count, added by the library.
func cumulativeBuckets(s *series) map[float64]uint64 {
	out := make(map[float64]uint64, len(s.bounds))
	var running uint64
	for i, bound := range s.bounds {
		running += s.buckets[i]
		out[bound] = running
	}
	return out
}
