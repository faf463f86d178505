package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"sync"

	"glrun/glapi"
	"glrun/internal/httpbody"
)

// isRead reports whether method only reads.
func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// callOf returns glapi's description of req. A request that glapi did not
// describe (not made by a glapi.Client) is described by its method only:
// it belongs to no known collection.
func callOf(req *http.Request) glapi.Call {
	if c, ok := glapi.CallOf(req); ok {
		return c
	}
	return glapi.Call{Method: req.Method, Collection: req.URL.Path, Mutates: !isRead(req.Method)}
}

// decode decodes JSON keeping numbers as json.Number; nil for no bytes.
func decode(b []byte) (any, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// requestOf returns the comparable request of a mutation, its body
// redacted.
func requestOf(req *http.Request) (Request, error) {
	b, err := httpbody.Request(req)
	if err != nil {
		return Request{}, err
	}
	body, err := decode(b)
	if err != nil {
		return Request{}, fmt.Errorf("%s %s: the request body is not JSON: %w", req.Method, req.URL.Path, err)
	}
	return Request{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Body: redact(body)}, nil
}

// secretKey matches the names of fields that hold secrets.
// It is compiled on first use, not at the start of every command.
var secretKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)secret|password|token`) })

// redactedValue is what a secret is replaced by.
const redactedValue = "<redacted>"

// redact replaces the values of secret-looking fields, at any depth.
func redact(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if secretKey().MatchString(k) {
				out[k] = redactedValue
				continue
			}
			out[k] = redact(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = redact(x)
		}
		return out
	}
	return v
}

// actionOf returns the action a mutation stands for.
func actionOf(c glapi.Call) string {
	switch {
	case c.Method == http.MethodDelete:
		return ActionDelete
	case c.Method == http.MethodPost && c.ID == "":
		return ActionCreate
	default:
		return ActionUpdate
	}
}

// jsonResponse makes a synthesized answer to req.
func jsonResponse(req *http.Request, status int, v any, header http.Header) *http.Response {
	var b []byte
	if v != nil {
		b, _ = json.Marshal(v)
	}
	h := http.Header{}
	for k, vs := range header {
		h[k] = vs
	}
	if b != nil {
		h.Set("Content-Type", "application/json")
	}
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(b)),
		ContentLength: int64(len(b)),
		Request:       req,
	}
}

// replaceBody gives resp a new body.
func replaceBody(resp *http.Response, b []byte) {
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
}

// plannedID matches the ids a plan makes up, such as plan-job-0001.
// It is compiled on first use, not at the start of every command.
var plannedID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`plan-[a-z]+(?:-[a-z]+)*-[0-9]{4,}`) })

// pendingIDs lists the planned ids that occur in a request, sorted and
// without duplicates.
func pendingIDs(r Request) []string {
	b, _ := json.Marshal(r)
	seen := map[string]bool{}
	var out []string
	for _, id := range plannedID().FindAllString(string(b), -1) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
