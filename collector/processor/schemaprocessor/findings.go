package schemaprocessor

import (
	"context"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Finding rules. Where Weaver live-check has the same check, the id is
// Weaver's.
const (
	// RuleMissingAttribute: an attribute the registry does not define for
	// this metric (Weaver: not in the registry).
	RuleMissingAttribute = "missing_attribute"
	// RuleRequiredAttributeNotPresent: a required attribute is absent.
	RuleRequiredAttributeNotPresent = "required_attribute_not_present"
	RuleMissingMetric               = "missing_metric"
	RuleTypeMismatch                = "type_mismatch"
	RuleUnitMismatch                = "unit_mismatch"
	RuleUndefinedEnumVariant        = "undefined_enum_variant"
	RuleDeprecated                  = "deprecated"
	// Seam's own rules.
	RuleForeignSpelling     = "foreign_spelling"
	RuleBucketMismatch      = "bucket_mismatch"
	RuleCardinalityOverflow = "cardinality_overflow"
	RuleSeriesOverflow      = "series_overflow"
	RuleRedacted            = "redacted"
	RuleMissingLogField     = "missing_log_field"
	RuleInvalidSeverity     = "invalid_severity"
)

// Signal names, as the registry's seam.telemetry.signal members spell them.
const (
	signalTraces  = "traces"
	signalMetrics = "metrics"
	signalLogs    = "logs"
)

// maxServiceLabels bounds the service.name values the findings counter
// carries; services past it are counted under overflowService.
const (
	maxServiceLabels = 1000
	overflowService  = "_other"
)

// maxLoggedKeys bounds the memory spent remembering which findings were
// logged recently.
const maxLoggedKeys = 10000

// finding is one problem found in one item.
type finding struct {
	rule    string
	service string
	// subject is what the finding is about: a metric, span, or attribute name.
	subject string
	detail  string
}

// findingCount is how often one rule fired for one service in a batch.
type findingCount struct {
	rule, service string
	n             int64
}

// findings collects one batch's findings for one signal: counts per rule
// and service, and each finding's detail only when findings are logged.
type findings struct {
	signal   string
	detailed bool
	counts   []findingCount
	list     []finding
	// total counts every finding added, so a check can tell that it
	// found nothing.
	total int
	// scan is the batch's scanCache: findings already go wherever the
	// batch's attributes are checked.
	scan *scanCache
}

func (f *findings) add(rule, service, subject string, detail []string) {
	f.total++
	counted := false
	for i := range f.counts {
		if c := &f.counts[i]; c.rule == rule && c.service == service {
			c.n++
			counted = true
			break
		}
	}
	if !counted {
		f.counts = append(f.counts, findingCount{rule: rule, service: service, n: 1})
	}
	if f.detailed {
		f.list = append(f.list, finding{rule: rule, service: service, subject: subject, detail: strings.Join(detail, "")})
	}
}

type counterKey struct{ rule, signal, service string }

type logKey struct {
	counterKey
	subject string
}

// reporter turns findings into the seam.collector.schema.findings counter
// and, if enabled, log records naming the service and the subject.
type reporter struct {
	counter     metric.Int64Counter
	logger      *zap.Logger
	logEnabled  bool
	logInterval time.Duration

	mu       sync.Mutex
	sets     map[counterKey]metric.AddOption
	services map[string]struct{}
	logged   map[logKey]time.Time
}

func newReporter(meter metric.Meter, logger *zap.Logger, cfg FindingsConfig) (*reporter, error) {
	counter, err := semconv.NewSeamCollectorSchemaFindings(meter)
	if err != nil {
		return nil, err
	}
	return &reporter{
		counter:     counter,
		logger:      logger,
		logEnabled:  cfg.Log,
		logInterval: cfg.LogInterval,
		sets:        map[counterKey]metric.AddOption{},
		services:    map[string]struct{}{},
		logged:      map[logKey]time.Time{},
	}, nil
}

// report records a batch's findings.
func (r *reporter) report(ctx context.Context, f *findings) {
	if len(f.counts) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range f.counts {
		key := counterKey{rule: c.rule, signal: f.signal, service: r.serviceLabel(c.service)}
		r.counter.Add(ctx, c.n, r.addOption(key))
	}
	if len(f.list) > 0 {
		now := time.Now()
		for i := range f.list {
			fd := &f.list[i]
			key := counterKey{rule: fd.rule, signal: f.signal, service: r.serviceLabel(fd.service)}
			r.log(now, key, fd)
		}
	}
}

func (r *reporter) serviceLabel(service string) string {
	if _, ok := r.services[service]; ok {
		return service
	}
	if len(r.services) >= maxServiceLabels {
		return overflowService
	}
	r.services[service] = struct{}{}
	return service
}

// addOption caches the attribute set per key: building it allocates.
func (r *reporter) addOption(key counterKey) metric.AddOption {
	if opt, ok := r.sets[key]; ok {
		return opt
	}
	opt := metric.WithAttributeSet(attribute.NewSet(
		semconv.SeamFindingRuleKey.String(key.rule),
		semconv.SeamTelemetrySignalKey.String(key.signal),
		semconv.ServiceNameKey.String(key.service),
	))
	r.sets[key] = opt
	return opt
}

// log writes a finding once per interval per (rule, signal, service,
// subject), so a misbehaving service is named without flooding the log.
func (r *reporter) log(now time.Time, key counterKey, fd *finding) {
	lk := logKey{counterKey: key, subject: fd.subject}
	if last, ok := r.logged[lk]; ok && now.Sub(last) < r.logInterval {
		return
	}
	if len(r.logged) >= maxLoggedKeys {
		for k, t := range r.logged {
			if now.Sub(t) >= r.logInterval {
				delete(r.logged, k)
			}
		}
		if len(r.logged) >= maxLoggedKeys {
			return
		}
	}
	r.logged[lk] = now
	r.logger.Warn("schema finding",
		zap.String(string(semconv.SeamFindingRuleKey), key.rule),
		zap.String(string(semconv.SeamTelemetrySignalKey), key.signal),
		zap.String(string(semconv.ServiceNameKey), fd.service),
		zap.String("subject", fd.subject),
		zap.String("detail", fd.detail),
	)
}
