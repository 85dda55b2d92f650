package seammsg

// HeaderCarrier adapts multi-value, case-sensitive message headers, such
// as nats.Header, to propagation.TextMapCarrier:
// seammsg.HeaderCarrier(msg.Header). Unlike propagation.HeaderCarrier it
// keeps keys as written (traceparent, baggage), since NATS clients in other
// languages look them up exactly. The map must not be nil for Set.
type HeaderCarrier map[string][]string

// Get returns the first value under key, or "".
func (c HeaderCarrier) Get(key string) string {
	if v := c[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Set replaces the values under key with value.
func (c HeaderCarrier) Set(key, value string) { c[key] = []string{value} }

// Keys lists the keys present.
func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}
