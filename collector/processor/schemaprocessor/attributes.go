package schemaprocessor

import (
	"math"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// subject names what a batch of attributes belongs to, for findings.
type subject struct {
	f       *findings
	service string
	name    string
}

// add records a finding; detail is concatenated only if findings are
// logged, so an unlogged finding costs no allocation.
func (s subject) add(rule string, detail ...string) { s.f.add(rule, s.service, s.name, detail) }

// maxRenamesInPlace is how many renames one map collects before it needs a
// second pass; maps with more deprecated keys than this are rare.
const maxRenamesInPlace = 8

// pointKeys is what normalizeAttributes learns of a metric's data point
// while it checks the point's attributes, so that the point's limits need
// no lookups of their own: the sum of its key-value hashes as
// hashAttributes has it, which required attributes it has (a bit per
// index in metric.required), and the values of its limited attributes
// (by index in metric.limited, the first of a key as Map.Get has it).
// They describe the attributes as they were read: right when the check
// added no finding, since only a finding changes the point.
type pointKeys struct {
	metric     *metricSpec
	sum        uint64
	required   uint64
	limitedSet uint8
	limited    [maxLimitedInPlace]pcommon.Value
}

// maxRequiredInPlace and maxLimitedInPlace are how many required and
// limited attributes a pointKeys holds; a metric with more has its points
// looked up.
const (
	maxRequiredInPlace = 64
	maxLimitedInPlace  = 8
)

// fits reports whether pt can hold what its metric's points carry.
func (pt *pointKeys) fits() bool {
	return len(pt.metric.required) <= maxRequiredInPlace && len(pt.metric.limited) <= maxLimitedInPlace
}

// normalizeAttributes renames deprecated and foreign spellings, redacts
// sensitive values and checks types and enum values of m. For a metric's
// point (pt not nil) it reports whether m holds a key outside the metric's
// attributes, and fills pt.
func (p *schemaProcessor) normalizeAttributes(m pcommon.Map, pt *pointKeys, sub subject) (extra bool) {
	var metric *metricSpec
	if pt != nil {
		metric = pt.metric
	}
	for {
		var renames [maxRenamesInPlace]string
		n, more, pos := 0, false, 0
		for k, v := range m.All() {
			slot := sub.f.scan.slot(p.schema, pos, k)
			pos++
			if slot.rule.renameTo != "" {
				if n < len(renames) {
					renames[n] = k
					n++
				} else {
					more = true
				}
				continue
			}
			vh := p.checkValue(k, v, slot.rule.spec, slot, sub, pt != nil)
			if pt != nil {
				role := slot.roleIn(metric)
				if !role.allowed {
					extra = true
				}
				if role.required >= 0 {
					pt.required |= 1 << role.required
				}
				if role.limited >= 0 && pt.limitedSet&(1<<role.limited) == 0 {
					pt.limited[role.limited] = v
					pt.limitedSet |= 1 << role.limited
				}
				pt.sum += mix(slot.keyHash, vh)
			}
		}
		for _, from := range renames[:n] {
			rule := p.schema.keys[from]
			sub.add(rule.renameRule, from, " is spelled ", rule.renameTo, " in the schema")
			v, _ := m.Get(from)
			if p.enforce {
				v = renameKey(m, from, rule.renameTo)
				if v == (pcommon.Value{}) {
					continue
				}
			}
			// The value is judged by the name it will have.
			target := p.schema.keys[rule.renameTo]
			p.checkValue(rule.renameTo, v, target.spec, nil, sub, false)
			if metric != nil {
				if _, ok := metric.allowed[rule.renameTo]; !ok {
					extra = true
				}
			}
		}
		// In report mode nothing moved, so a second pass would see the same
		// keys again.
		if !more || !p.enforce {
			return extra
		}
	}
}

// renameKey moves m[from] to m[to]. When both exist the canonical key wins
// and the old one is dropped. It returns the value now under to, or the
// zero Value if nothing moved.
func renameKey(m pcommon.Map, from, to string) pcommon.Value {
	old, ok := m.Get(from)
	if !ok {
		return pcommon.Value{}
	}
	if _, exists := m.Get(to); exists {
		m.Remove(from)
		return pcommon.Value{}
	}
	tmp := pcommon.NewValueEmpty()
	old.CopyTo(tmp)
	m.Remove(from)
	dst := m.PutEmpty(to)
	tmp.MoveTo(dst)
	return dst
}

// checkValue redacts v and checks it against spec (nil for keys the
// registry does not define). slot, when not nil, remembers the string
// values under key that were found conformant: the same value again is.
// hash is set for a metric's points: then the key's recent set is
// consulted too, and checkValue returns v's hash as hashValue has it,
// unless the check added a finding.
func (p *schemaProcessor) checkValue(key string, v pcommon.Value, spec *attrSpec, slot *scanSlot, sub subject, hash bool) uint64 {
	if spec == nil {
		p.redactValue(key, v, sub)
		if hash {
			return hashValue(v)
		}
		return 0
	}
	// Str is "" for any value but a string: one type check, where Type
	// is a switch over all of them.
	s := v.Str()
	if !slot.isLast(s) {
		if typ := v.Type(); typ != pcommon.ValueTypeStr {
			if typ != spec.scalar || spec.sensitive {
				p.checkSpecValue(key, v, spec, sub)
			}
			if hash {
				return hashValue(v)
			}
			return 0
		}
		if !(hash && slot.isRecent(s)) {
			before := sub.f.total
			p.checkSpecValue(key, v, spec, sub)
			if sub.f.total != before {
				// Found and maybe changed: the caller hashes the point again.
				return 0
			}
			slot.remember(s, hash)
		}
	}
	switch {
	case !hash:
		return 0
	case slot == nil:
		return hashValue(v)
	}
	return slot.cleanHashOf(s)
}

// checkSpecValue redacts v and checks it against spec.
func (p *schemaProcessor) checkSpecValue(key string, v pcommon.Value, spec *attrSpec, sub subject) {
	switch {
	case spec.sensitive:
		p.redactValue(key, v, sub)
	case v.Type() == pcommon.ValueTypeStr:
		s := v.Str()
		if spec.typ == typeEnum {
			// A member of the schema's enum is neither a secret nor wrong.
			if _, ok := spec.enum[s]; ok {
				return
			}
		}
		// A schema key that is not sensitive: only the value patterns apply.
		if red := p.redactor.String(s); red != s {
			sub.add(RuleRedacted, "value of ", key, " redacted")
			if p.enforce {
				v.SetStr(red)
			}
		}
	case v.Type() == pcommon.ValueTypeMap || v.Type() == pcommon.ValueTypeSlice:
		p.redactValue(key, v, sub)
	}
	// Other scalars under a key that is not sensitive hold nothing to redact.
	switch spec.typ {
	case typeString:
		if v.Type() != pcommon.ValueTypeStr {
			sub.add(RuleTypeMismatch, key, " must be a string, got ", v.Type().String())
			if p.enforce && isScalar(v) {
				v.SetStr(v.AsString())
			}
		}
	case typeInt:
		p.checkInt(key, v, sub)
	case typeDouble:
		if v.Type() != pcommon.ValueTypeDouble {
			sub.add(RuleTypeMismatch, key, " must be a double, got ", v.Type().String())
			if p.enforce && v.Type() == pcommon.ValueTypeInt {
				v.SetDouble(float64(v.Int()))
			}
		}
	case typeBool:
		if v.Type() != pcommon.ValueTypeBool {
			sub.add(RuleTypeMismatch, key, " must be a boolean, got ", v.Type().String())
			if b, err := strconv.ParseBool(v.AsString()); p.enforce && err == nil && v.Type() == pcommon.ValueTypeStr {
				v.SetBool(b)
			}
		}
	case typeEnum:
		p.checkEnum(key, v, spec, sub)
	}
}

func isScalar(v pcommon.Value) bool {
	switch v.Type() {
	case pcommon.ValueTypeInt, pcommon.ValueTypeDouble, pcommon.ValueTypeBool:
		return true
	}
	return false
}

func (p *schemaProcessor) checkInt(key string, v pcommon.Value, sub subject) {
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return
	case pcommon.ValueTypeStr:
		sub.add(RuleTypeMismatch, key, " must be an int, got a string")
		if n, err := strconv.ParseInt(v.Str(), 10, 64); p.enforce && err == nil {
			v.SetInt(n)
		}
	case pcommon.ValueTypeDouble:
		sub.add(RuleTypeMismatch, key, " must be an int, got a double")
		if d := v.Double(); p.enforce && d == math.Trunc(d) && math.Abs(d) < 1<<53 {
			v.SetInt(int64(d))
		}
	default:
		sub.add(RuleTypeMismatch, key, " must be an int, got ", v.Type().String())
	}
}

func (p *schemaProcessor) checkEnum(key string, v pcommon.Value, spec *attrSpec, sub subject) {
	if v.Type() != pcommon.ValueTypeStr {
		sub.add(RuleTypeMismatch, key, " must be a string enum, got ", v.Type().String())
		return
	}
	s := v.Str()
	if _, ok := spec.enum[s]; ok {
		return
	}
	// A member in another case is an unambiguous foreign spelling.
	if canonical, ok := spec.enumFold[lowerASCII(s)]; ok {
		sub.add(RuleForeignSpelling, key, "=", s, " is spelled ", canonical, " in the schema")
		if p.enforce {
			v.SetStr(canonical)
		}
		return
	}
	sub.add(RuleUndefinedEnumVariant, key, "=", s, " is not a member of the enum")
}

// redactValue replaces a sensitive key's value whole and scrubs secret
// shapes out of strings, inside maps and slices too.
func (p *schemaProcessor) redactValue(key string, v pcommon.Value, sub subject) {
	// Str is "" for any value but a string: text, the common case, is
	// known without a Type switch.
	if s := v.Str(); s != "" {
		p.redactString(key, s, v, sub)
		return
	}
	switch v.Type() {
	case pcommon.ValueTypeStr:
		p.redactString(key, "", v, sub)
	case pcommon.ValueTypeMap:
		if p.redactor.Key(key) {
			sub.add(RuleRedacted, "value of ", key, " redacted")
			if p.enforce {
				v.SetStr(p.redactor.Replacement())
			}
			return
		}
		for k, nested := range v.Map().All() {
			p.redactValue(k, nested, sub)
		}
	case pcommon.ValueTypeSlice:
		if p.redactor.Key(key) {
			sub.add(RuleRedacted, "value of ", key, " redacted")
			if p.enforce {
				v.SetStr(p.redactor.Replacement())
			}
			return
		}
		sl := v.Slice()
		for i := 0; i < sl.Len(); i++ {
			p.redactValue(key, sl.At(i), sub)
		}
	case pcommon.ValueTypeEmpty:
	default:
		if p.redactor.Key(key) {
			sub.add(RuleRedacted, "value of ", key, " redacted")
			if p.enforce {
				v.SetStr(p.redactor.Replacement())
			}
		}
	}
}

// redactString redacts s, the string value v holds, under key.
func (p *schemaProcessor) redactString(key, s string, v pcommon.Value, sub subject) {
	if red, changed := p.redactor.Value(key, s); changed {
		sub.add(RuleRedacted, "value of ", key, " redacted")
		if p.enforce {
			v.SetStr(red)
		}
	}
}

// lowerASCII lower-cases ASCII letters, allocating only when s has upper
// case.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
