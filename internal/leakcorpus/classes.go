package leakcorpus

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

type gen struct{ r *rand.Rand }

const (
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hexDigits  = "0123456789abcdef"
	b64Chars   = alnum + "+/"
	crockford  = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	// passwordChars are what people put in passwords and a value can hold
	// unquoted: no white space, quotes, & , or ;.
	passwordChars = alnum + "!#$%*-_.~^"
	urlPassChars  = alnum + "-_.~!$*"
)

func (g *gen) str(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

func (g *gen) intn(n int) int { return g.r.IntN(n) }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// password starts with a letter, so no password reads as a number.
func (g *gen) password() string {
	return g.str("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 1) + g.str(passwordChars, 9+g.intn(12))
}

func (g *gen) user() string {
	return pick(g, []string{"alice", "bob", "svc_checkout", "admin", "app", "deploy", "jdoe", "m.garcia"}) + g.str(lowerAlnum, 2)
}

func (g *gen) host() string {
	return pick(g, []string{"db", "pg-primary", "cache", "mq", "orders-db", "cluster0"}) + "-" + g.str(lowerAlnum, 4) + pick(g, []string{".internal", ".svc.cluster.local", ".example.net", ""})
}

func (g *gen) email() string {
	local := pick(g, []string{"alice", "bob.smith", "j.doe", "billing", "m_garcia", "ops+alerts"}) + g.str(lowerAlnum, 5)
	return local + "@" + pick(g, []string{"example.com", "mail.example.co.uk", "corp.io", "shop.example.org"})
}

func (g *gen) jwt() (token string, secret []string) {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(
		`{"sub":"%s","name":"%s","iat":%d}`, g.str(lowerAlnum, 12), g.user(), 1700000000+g.intn(90000000))))
	sig := g.str(alnum+"-_", 43)
	return header + "." + payload + "." + sig, []string{payload, sig}
}

// card returns a Luhn-valid card number of a real network's shape, its
// digit groups, and their layout (4-4-4-4, or 4-6-5 for 15 digits).
func (g *gen) card() (digits string, groups []int) {
	prefix, length := pick(g, []struct {
		p string
		n int
	}{{"4", 16}, {"51", 16}, {"55", 16}, {"2221", 16}, {"2720", 16}, {"6011", 16}, {"34", 15}, {"37", 15}}).p, 0
	switch prefix {
	case "34", "37":
		length = 15
	default:
		length = 16
	}
	body := prefix + g.str("0123456789", length-len(prefix)-1)
	digits = body + string(rune('0'+luhnCheck(body)))
	if length == 15 {
		return digits, []int{4, 6, 5}
	}
	return digits, []int{4, 4, 4, 4}
}

// luhnCheck is the digit that makes body+digit pass the Luhn check.
func luhnCheck(body string) int {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

func layout(digits string, groups []int, sep string) string {
	var parts []string
	for _, n := range groups {
		parts = append(parts, digits[:n])
		digits = digits[n:]
	}
	return strings.Join(parts, sep)
}

func (g *gen) pemBody() (lines []string) {
	for i := 0; i < 2+g.intn(3); i++ {
		lines = append(lines, g.str(b64Chars, 64))
	}
	return append(lines, g.str(b64Chars, 20+g.intn(20)))
}

// secretClass makes one secret case's text for a place; key is set for
// the attribute places.
type secretClass struct {
	name string
	make func(g *gen, place Place) (text, key string, secrets []string)
}

// benignKeys carry a whole line whose secret only a value pattern finds.
var benignKeys = []string{"error.message", "exception.message", "message", "db.query.text", "url.full", "app.note", "err"}

func isAttribute(p Place) bool {
	return p == LogAttribute || p == SpanAttribute || p == MetricAttribute
}

// inLine puts a line under a benign key at the attribute places.
func inLine(line string, secrets ...string) func(g *gen, place Place) (string, string, []string) {
	return func(g *gen, place Place) (string, string, []string) {
		key := ""
		if isAttribute(place) {
			key = pick(g, benignKeys)
		}
		return line, key, secrets
	}
}

var secretClasses = []secretClass{
	{"password_assignment", func(g *gen, p Place) (string, string, []string) {
		pw, u := g.password(), g.user()
		line := pick(g, []string{
			"login failed for %[1]s: password=%[2]s",
			"retrying connection with passwd: %[2]s",
			`{"user":"%[1]s","password":"%[2]s","remember":true}`,
			"UPDATE users SET password = '%[2]s' WHERE name = '%[1]s'",
			"POST /login?username=%[1]s&password=%[2]s&remember=1",
			"Server=db;User Id=%[1]s;Password=%[2]s;Database=shop",
			"oauth: client_secret=%[2]s&grant_type=client_credentials",
			"config loaded: db_password = %[2]s, pool=10",
			"PASSWORD=%[2]s exported for %[1]s",
			`{"passphrase": "%[2]s"}`,
			"pwd=%[2]s user=%[1]s",
		})
		return inLine(fmt.Sprintf(line, u, pw), pw)(g, p)
	}},
	{"bearer_jwt", func(g *gen, p Place) (string, string, []string) {
		jwt, secrets := g.jwt()
		if isAttribute(p) && g.intn(2) == 0 {
			return "Bearer " + jwt, "http.request.header.authorization", secrets
		}
		line := pick(g, []string{
			"upstream 401 with Authorization: Bearer %s",
			"calling billing with bearer %s",
			"token %s expired at login",
			`{"access":"%s"}`,
		})
		return inLine(fmt.Sprintf(line, jwt), secrets...)(g, p)
	}},
	{"bearer_opaque", func(g *gen, p Place) (string, string, []string) {
		tok := g.str(alnum+"-._~", 32)
		return inLine(fmt.Sprintf(pick(g, []string{"Authorization: Bearer %s", "retry with BEARER %s", "auth header=Bearer %s"}), tok), tok)(g, p)
	}},
	{"aws_key", func(g *gen, p Place) (string, string, []string) {
		id := pick(g, []string{"AKIA", "ASIA"}) + g.str(upperAlnum, 16)
		secret := g.str(alnum+"/+", 40)
		line := pick(g, []string{
			"using AWS access key %[1]s for s3 upload",
			"aws_access_key_id=%[1]s aws_secret_access_key=%[2]s",
			"credentials %[1]s rejected by sts",
		})
		secrets := []string{id}
		if strings.Contains(line, "%[2]s") {
			secrets = append(secrets, secret)
		}
		return inLine(fmt.Sprintf(line, id, secret), secrets...)(g, p)
	}},
	{"card", func(g *gen, p Place) (string, string, []string) {
		digits, groups := g.card()
		written := pick(g, []string{layout(digits, groups, " "), layout(digits, groups, "-"), digits})
		tail := pick(g, []string{"", " " + g.str("0123456789", 3), " " + fmt.Sprintf("%02d/%02d", 1+g.intn(12), 26+g.intn(6))})
		line := pick(g, []string{
			"charging card %[1]s for order ORD-%[2]d",
			"payment declined: pan=%[1]s",
			"card %[1]s declined by issuer",
			`{"card_number":"%[1]s","amount":4200}`,
		})
		secrets := []string{written}
		if written != digits {
			secrets = append(secrets, digits)
		}
		return inLine(fmt.Sprintf(strings.Replace(line, "%[1]s", "%[1]s"+tail, 1), written, 100000+g.intn(900000)), secrets...)(g, p)
	}},
	{"db_url", func(g *gen, p Place) (string, string, []string) {
		pw, u, h := g.password()[:1]+g.str(urlPassChars, 11+g.intn(8)), g.user(), g.host()
		line := pick(g, []string{
			"connecting to postgres://%[1]s:%[2]s@%[3]s:5432/app?sslmode=require",
			"mysql://%[1]s:%[2]s@%[3]s/shop unreachable",
			"cache redis://:%[2]s@%[3]s:6379/0 timed out",
			"dsn=mongodb+srv://%[1]s:%[2]s@%[3]s/db?retryWrites=true",
			"amqp://%[1]s:%[2]s@%[3]s:5672/ closed the channel",
			`{"dsn":"postgres://%[1]s:%[2]s@%[3]s:5432/app"}`,
		})
		return inLine(fmt.Sprintf(line, u, pw, h), pw)(g, p)
	}},
	{"email", func(g *gen, p Place) (string, string, []string) {
		e := g.email()
		if isAttribute(p) && g.intn(2) == 0 {
			return e, "user.email", []string{e}
		}
		line := pick(g, []string{
			"password reset mail sent to %s",
			"no account for %s",
			"user %s signed in from 10.1.2.3",
			`{"email":"%s","plan":"pro"}`,
		})
		return inLine(fmt.Sprintf(line, e), e)(g, p)
	}},
	{"pem_key", func(g *gen, p Place) (string, string, []string) {
		kind := pick(g, []string{"RSA ", "EC ", "OPENSSH ", ""})
		body := g.pemBody()
		nl := pick(g, []string{"\n", `\n`})
		block := "-----BEGIN " + kind + "PRIVATE KEY-----" + nl + strings.Join(body, nl) + nl + "-----END " + kind + "PRIVATE KEY-----"
		if isAttribute(p) && g.intn(2) == 0 {
			return block, "tls.server.private_key", body
		}
		return inLine(pick(g, []string{"loaded signing key: ", "bad key in config: ", ""})+block, body...)(g, p)
	}},
	{"api_key_header", func(g *gen, p Place) (string, string, []string) {
		key := pick(g, []string{"sk_live_" + g.str(alnum, 24), g.str(hexDigits, 32), "pk_" + g.str(alnum, 28)})
		if isAttribute(p) && g.intn(2) == 0 {
			return key, pick(g, []string{"http.request.header.x-api-key", "http.request.header.api-key", "http.request.header.x-auth-token"}), []string{key}
		}
		line := pick(g, []string{
			"request headers X-Api-Key: %s",
			"curl -H 'X-API-Key: %s' https://api.example.com/v1/items",
			"apikey=%s rejected",
			`{"api_key": "%s"}`,
		})
		return inLine(fmt.Sprintf(line, key), key)(g, p)
	}},
	{"cookie", func(g *gen, p Place) (string, string, []string) {
		sid := g.str(alnum, 32)
		if isAttribute(p) && g.intn(2) == 0 {
			return pick(g, []string{"session=" + sid + "; theme=dark", "sid=" + sid + "; Path=/; HttpOnly; Secure"}),
				pick(g, []string{"http.request.header.cookie", "http.response.header.set-cookie"}), []string{sid}
		}
		line := pick(g, []string{
			"request headers Cookie: sessionid=%s; csrftoken=x1",
			"set-cookie: JSESSIONID=%s; Path=/; HttpOnly",
			`{"cookie":"sid=%s; theme=dark"}`,
			"replayed cookie csrf_token=%s",
		})
		return inLine(fmt.Sprintf(line, sid), sid)(g, p)
	}},
	{"vendor_token", func(g *gen, p Place) (string, string, []string) {
		tok := pick(g, []string{"ghp_" + g.str(alnum, 36), "gho_" + g.str(alnum, 36), "xoxb-" + g.str("0123456789", 12) + "-" + g.str(alnum, 24)})
		return inLine(fmt.Sprintf(pick(g, []string{"git push with %s failed", "slack notify using %s", "token leaked: %s"}), tok), tok)(g, p)
	}},
	{"basic_auth", func(g *gen, p Place) (string, string, []string) {
		cred := base64.StdEncoding.EncodeToString([]byte(g.user() + ":" + g.password()))
		secret := strings.TrimRight(cred, "=")
		return inLine(fmt.Sprintf(pick(g, []string{"Authorization: Basic %s", "proxy auth basic %s refused"}), cred), secret)(g, p)
	}},
	{"token_assignment", func(g *gen, p Place) (string, string, []string) {
		tok := g.str(alnum, 8) + "." + g.str(alnum+"-_", 24)
		line := pick(g, []string{
			"GET /callback?code=%[2]s&access_token=%[1]s&state=xyz",
			`{"refresh_token": "%[1]s", "expires_in": 3600}`,
			"session_token: %[1]s",
			"secret=%[1]s",
		})
		return inLine(fmt.Sprintf(line, tok, g.str(lowerAlnum, 8)), tok)(g, p)
	}},
}

// cleanKeys carry clean values at the attribute places.
var cleanKeys = []string{"message", "app.order.id", "app.request.id", "app.note", "error.message"}

type cleanClass struct {
	name string
	make func(g *gen) (text string, tokens []string)
}

func (g *gen) traceID() string { return g.str(hexDigits, 32) }
func (g *gen) spanID() string  { return g.str(hexDigits, 16) }

func (g *gen) uuid() string {
	h := g.str(hexDigits, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string("89ab"[g.intn(4)]) + h[17:20] + "-" + h[20:]
}

func (g *gen) ulid() string { return g.str("01234567", 1) + g.str(crockford, 25) }

func (g *gen) timestamp() time.Time {
	return time.Unix(1700000000+int64(g.intn(90000000)), int64(g.intn(1e9))).UTC()
}

func (g *gen) rfc3339() string {
	t := g.timestamp()
	switch g.intn(3) {
	case 0:
		return t.Format(time.RFC3339Nano)
	case 1:
		return t.In(time.FixedZone("", (g.intn(25)-12)*3600)).Format(time.RFC3339)
	default:
		return t.Format("2006-01-02T15:04:05.000Z07:00")
	}
}

var cleanClasses = []cleanClass{
	{"trace_ids", func(g *gen) (string, []string) {
		tid, sid := g.traceID(), g.spanID()
		if g.intn(2) == 0 {
			tp := "00-" + tid + "-" + sid + "-01"
			return "propagating traceparent " + tp, []string{tp}
		}
		return fmt.Sprintf("trace_id=%s span_id=%s sampled", tid, sid), []string{tid, sid}
	}},
	{"uuids", func(g *gen) (string, []string) {
		u := g.uuid()
		if g.intn(2) == 0 {
			u = strings.ToUpper(u)
		}
		return fmt.Sprintf(pick(g, []string{"request %s completed", "tenant=%s quota ok", "idempotency key %s reused"}), u), []string{u}
	}},
	{"ulids", func(g *gen) (string, []string) {
		u := g.ulid()
		return fmt.Sprintf(pick(g, []string{"order %s shipped", "event_id=%s", "job %s queued"}), u), []string{u}
	}},
	{"hashes", func(g *gen) (string, []string) {
		h := pick(g, []string{g.str(hexDigits, 40), g.str(hexDigits, 64), g.str(hexDigits, 32)})
		return fmt.Sprintf(pick(g, []string{"commit %s deployed", "digest sha256:%s verified", "etag %s unchanged", "blob %s cached"}), h), []string{h}
	}},
	{"timestamps", func(g *gen) (string, []string) {
		ts := g.rfc3339()
		ns := fmt.Sprint(g.timestamp().UnixNano())
		ms := fmt.Sprint(g.timestamp().UnixMilli())
		return fmt.Sprintf("batch closed at %s took %s ns since %s", ts, ns[len(ns)-7:], ms), []string{ts, ms}
	}},
	{"order_numbers", func(g *gen) (string, []string) {
		o := pick(g, []string{
			fmt.Sprintf("ORD-%d-%06d", 2024+g.intn(3), g.intn(1000000)),
			fmt.Sprintf("INV-%08d", g.intn(100000000)),
			fmt.Sprintf("#%d", 100000000+g.intn(900000000)),
			fmt.Sprint(1000000000 + g.intn(999999999)),
		})
		return fmt.Sprintf(pick(g, []string{"order %s total=42.50 EUR", "refund for %s issued", "order_id=%s status=paid"}), o), []string{o}
	}},
	{"mixed_words", func(g *gen) (string, []string) {
		tid, u := g.traceID(), g.uuid()
		line := fmt.Sprintf(pick(g, []string{
			"password reset requested for account %[2]s trace %[1]s",
			"token bucket refilled, max_tokens=1024 request %[2]s trace %[1]s",
			"the secret sauce for %[2]s is butter (%[1]s)",
			"notify @oncall: request %[2]s, trace %[1]s",
		}), tid, u)
		return line, []string{tid, u}
	}},
}
