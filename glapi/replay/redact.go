package replay

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// Redacted is what a secret is replaced with in a cassette.
const Redacted = "<redacted>"

// secretHeaders are dropped from recorded requests and responses.
var secretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}

// secretFormFields are the form fields holding secrets: those of a token
// request, and those of a form-encoded token answer (oauth2 accepts answers
// in application/x-www-form-urlencoded or text/plain as well as JSON).
var secretFormFields = []string{"client_secret", "refresh_token", "assertion", "password",
	"access_token", "id_token", "code", "device_code"}

// isSecretKey reports whether a JSON field of that name holds a secret:
// clientSecret, client_secret, access_token, refresh_token, id_token,
// password, secret, apiKey and the like (case, '_' and '-' ignored).
func isSecretKey(k string) bool {
	n := normalizeName(k)
	switch n {
	case "clientsecret", "accesstoken", "refreshtoken", "idtoken", "password",
		"secret", "apikey", "token", "privatekey":
		return true
	}
	return strings.HasSuffix(n, "secret") || strings.HasSuffix(n, "password")
}

// normalizeName lowercases s and drops its '_' and '-', as isSecretKey
// compares names.
func normalizeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// secretKeyParts are what the normalized name of every key isSecretKey
// accepts contains.
var secretKeyParts = []string{"secret", "password", "token", "apikey", "privatekey"}

// mayHoldSecretKey reports whether the JSON text body could have a field
// that isSecretKey accepts, without decoding it: a key's characters stand
// together in the text, so its normalized name is part of the normalized
// text. Only a \u escape can write a key's letters otherwise; a body with
// one is decoded to be sure. A page of a thousand jobs has none, and is
// not decoded just to find nothing.
func mayHoldSecretKey(body string) bool {
	if strings.Contains(body, `\u`) {
		return true
	}
	n := normalizeASCII(body)
	if n == nil { // not ASCII: as isSecretKey normalizes, rune by rune
		n = []byte(normalizeName(body))
	}
	for _, p := range secretKeyParts {
		if bytes.Contains(n, []byte(p)) {
			return true
		}
	}
	return false
}

// normalizeASCII is normalizeName of an ASCII s, or nil when s is not
// ASCII (where unicode.ToLower may turn other letters into ASCII ones).
func normalizeASCII(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return nil
		case c == '_' || c == '-':
		case 'A' <= c && c <= 'Z':
			out = append(out, c+'a'-'A')
		default:
			out = append(out, c)
		}
	}
	return out
}

// redactInteraction removes every secret from i, in place. It first
// collects the secret values (form secrets, JSON secret fields, bearer
// tokens), then replaces the fields and scrubs any other occurrence of
// those values anywhere in the interaction.
//
// known are secrets found elsewhere (the client's glapi.Scrubber: the
// client secret and the tokens it received), scrubbed by value too, so a
// secret echoed into an error answer is caught even where no field name
// marks it.
//
// It returns the secret values it found in i, for the interactions after it.
func redactInteraction(i *cassette.Interaction, known ...string) []string {
	found := append([]string(nil), known...)
	i.Request.Body = redactBody(i.Request.Body, i.Request.Headers.Get("Content-Type"), &found)
	i.Response.Body = redactBody(i.Response.Body, i.Response.Headers.Get("Content-Type"), &found)
	for _, f := range secretFormFields {
		for _, v := range i.Request.Form[f] {
			found = append(found, v)
		}
		if _, ok := i.Request.Form[f]; ok {
			i.Request.Form[f] = []string{Redacted}
		}
	}
	for _, h := range secretHeaders {
		for _, v := range i.Request.Headers.Values(h) {
			found = append(found, tokenOf(v))
			found = append(found, basicSecret(v)...)
		}
		i.Request.Headers.Del(h)
		i.Response.Headers.Del(h)
	}
	scrub(i, found)
	i.Request.ContentLength = int64(len(i.Request.Body))
	i.Response.ContentLength = int64(len(i.Response.Body))
	if i.Response.Headers.Get("Content-Length") != "" {
		i.Response.Headers.Set("Content-Length", itoa(len(i.Response.Body)))
	}
	return found[len(known):]
}

// basicSecret returns the password of a Basic authorization value (the
// client secret, when oauth2 sends it in a header), raw and URL-decoded.
func basicSecret(v string) []string {
	r := http.Request{Header: http.Header{"Authorization": {v}}}
	_, pw, ok := r.BasicAuth()
	if !ok || pw == "" {
		return nil
	}
	out := []string{pw}
	if dec, err := url.QueryUnescape(pw); err == nil && dec != pw {
		out = append(out, dec)
	}
	return out
}

// tokenOf returns the credential of an Authorization value ("Bearer abc" -> "abc").
func tokenOf(v string) string {
	if _, tok, ok := strings.Cut(v, " "); ok {
		return strings.TrimSpace(tok)
	}
	return v
}

// scrub replaces every occurrence of the secret values in the interaction's
// bodies, URL, headers and form with Redacted. Values too short to be
// secrets (under 8 bytes) are left alone, so scrubbing cannot mangle
// ordinary text.
func scrub(i *cassette.Interaction, secrets []string) {
	var pairs []string
	for _, s := range secrets {
		if len(s) >= 8 && s != Redacted {
			pairs = append(pairs, s, Redacted)
		}
	}
	if len(pairs) == 0 {
		return
	}
	r := strings.NewReplacer(pairs...)
	i.Request.Body = r.Replace(i.Request.Body)
	i.Response.Body = r.Replace(i.Response.Body)
	i.Request.URL = r.Replace(i.Request.URL)
	for _, h := range []http.Header{i.Request.Headers, i.Response.Headers} {
		for k, vs := range h {
			for j, v := range vs {
				vs[j] = r.Replace(v)
			}
			h[k] = vs
		}
	}
	for k, vs := range i.Request.Form {
		for j, v := range vs {
			vs[j] = r.Replace(v)
		}
		i.Request.Form[k] = vs
	}
}

// redactBody redacts a JSON or form body, appending the secret values it
// replaced to found. Other bodies are returned unchanged (and scrubbed
// later by value).
func redactBody(body, contentType string, found *[]string) string {
	if body == "" {
		return body
	}
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		return redactForm(body, found)
	}
	if strings.HasPrefix(contentType, "text/plain") {
		// oauth2 reads a text/plain token answer as a form.
		if out := redactForm(body, found); out != body {
			return out
		}
	}
	if !mayHoldSecretKey(body) {
		return body // no secret field; secret values are scrubbed later
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return body
	}
	if !redactJSON(v, found) {
		return body
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return body
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// redactForm redacts the secret fields of a form body.
func redactForm(body string, found *[]string) string {
	q, err := url.ParseQuery(body)
	if err != nil {
		return body
	}
	changed := false
	for _, f := range secretFormFields {
		if vs, ok := q[f]; ok {
			*found = append(*found, vs...)
			q[f] = []string{Redacted}
			changed = true
		}
	}
	if !changed {
		return body
	}
	return q.Encode()
}

// redactJSON replaces, in place, the value of every secret field of a
// decoded JSON value; it reports whether anything changed.
func redactJSON(v any, found *[]string) bool {
	changed := false
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if isSecretKey(k) {
				if s, ok := x.(string); ok && s == Redacted {
					continue
				}
				if s, ok := x.(string); ok {
					*found = append(*found, s)
				}
				if x == nil {
					continue
				}
				v[k] = Redacted
				changed = true
				continue
			}
			if redactJSON(x, found) {
				changed = true
			}
		}
	case []any:
		for _, x := range v {
			if redactJSON(x, found) {
				changed = true
			}
		}
	}
	return changed
}

func itoa(n int) string { return strconv.Itoa(n) }
