package schemaprocessor

import (
	"context"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Canonical log field names, as findings name them.
const (
	logFieldTime  = "time"
	logFieldLevel = "level"
	logFieldMsg   = "msg"
)

func (p *schemaProcessor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	f := p.newFindings(signalLogs)
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		service := p.normalizeResource(rl.Resource(), &f)
		// The canonical line carries these resource attributes; a resource
		// without them is reported once, not once per record.
		for _, key := range p.schema.logResource {
			if !p.present(rl.Resource().Attributes(), key) {
				f.add(RuleRequiredAttributeNotPresent, service, "resource", []string{key, " is required on every log record's resource"})
			}
		}
		if p.enforce {
			rl.SetSchemaUrl(p.schema.url)
		}
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			if p.enforce {
				sl.SetSchemaUrl(p.schema.url)
			}
			p.normalizeAttributes(sl.Scope().Attributes(), nil, subject{&f, service, sl.Scope().Name()})
			records := sl.LogRecords()
			for k := 0; k < records.Len(); k++ {
				lr := records.At(k)
				// Findings name the record by its event name as it leaves.
				name := p.redactor.String(lr.EventName())
				sub := subject{&f, service, logSubject(name, sl)}
				if name != lr.EventName() {
					sub.add(RuleRedacted, "event name redacted")
					if p.enforce {
						lr.SetEventName(name)
					}
				}
				p.processLogRecord(lr, sub)
			}
		}
	}
	p.finish(ctx, &f)
	return ld, nil
}

// logSubject names where a record comes from: its event name, else its
// scope (the logger), else a generic name.
func logSubject(eventName string, sl plog.ScopeLogs) string {
	if eventName != "" {
		return eventName
	}
	if name := sl.Scope().Name(); name != "" {
		return name
	}
	return "log record"
}

func (p *schemaProcessor) processLogRecord(lr plog.LogRecord, sub subject) {
	p.normalizeAttributes(lr.Attributes(), nil, sub)
	// The body's own key is no secret; its contents may hold some.
	p.redactValue("", lr.Body(), sub)

	if lr.Timestamp() == 0 {
		if lr.ObservedTimestamp() != 0 {
			sub.add(RuleMissingLogField, logFieldTime, " missing: taken from the observed time")
			if p.enforce {
				lr.SetTimestamp(lr.ObservedTimestamp())
			}
		} else {
			sub.add(RuleMissingLogField, logFieldTime, " missing")
		}
	}
	p.checkSeverity(lr, sub)
	// Str is "" for any value but a string: a body with text is known
	// without a Type switch.
	if body := lr.Body(); body.Str() == "" && (body.Type() == pcommon.ValueTypeEmpty || body.Type() == pcommon.ValueTypeStr) {
		sub.add(RuleMissingLogField, logFieldMsg, " missing")
	}
}

// checkSeverity makes severity text one of the schema's levels and the
// severity number agree with it.
func (p *schemaProcessor) checkSeverity(lr plog.LogRecord, sub subject) {
	text, num := lr.SeverityText(), int32(lr.SeverityNumber())
	scan := sub.f.scan
	if num != 0 && num == scan.levelNumber && text == scan.level {
		return
	}
	before := sub.f.total
	p.checkLevel(lr, text, num, sub)
	// A record without a number has one set in enforce mode, finding or
	// not: only a complete severity is remembered.
	if num != 0 && sub.f.total == before {
		scan.level, scan.levelNumber = text, num
	}
}

func (p *schemaProcessor) checkLevel(lr plog.LogRecord, text string, num int32, sub subject) {
	if text == "" {
		if num <= 0 || int(num) >= len(p.schema.levelBySeverity) {
			sub.add(RuleMissingLogField, logFieldLevel, " missing")
			return
		}
		canonical := p.schema.levelBySeverity[num]
		sub.add(RuleMissingLogField, logFieldLevel, " missing: ", canonical, " from severity number ", strconv.Itoa(int(num)))
		if p.enforce {
			lr.SetSeverityText(canonical)
		}
		return
	}
	want, ok := p.schema.levels[text]
	if !ok {
		canonical, known := p.schema.levelFold[lowerASCII(text)]
		if !known {
			sub.add(RuleInvalidSeverity, logFieldLevel, " ", strconv.Quote(text), " is not a schema level")
			return
		}
		sub.add(RuleForeignSpelling, logFieldLevel, " ", strconv.Quote(text), " is spelled ", canonical, " in the schema")
		if p.enforce {
			lr.SetSeverityText(canonical)
		}
		want = p.schema.levels[canonical]
		text = canonical
	}
	if num == 0 {
		if p.enforce {
			lr.SetSeverityNumber(plog.SeverityNumber(want))
		}
		return
	}
	if int(num) >= len(p.schema.levelBySeverity) || p.schema.levelBySeverity[num] != text {
		sub.add(RuleInvalidSeverity, "severity number ", strconv.Itoa(int(num)), " does not match level ", text)
	}
}
