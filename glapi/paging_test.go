package glapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pagedServer serves n items "i0".."i<n-1>" in pages of at most pageCap,
// with offset/count/total, or with a "next" cursor when cursor is set.
func pagedServer(n, pageCap int, cursor, withTotal bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit := pageCap
		if l, err := strconv.Atoi(q.Get("limit")); err == nil && l < limit {
			limit = l
		}
		start, _ := strconv.Atoi(q.Get("offset"))
		if cursor && q.Get("next") != "" {
			start, _ = strconv.Atoi(q.Get("next")[1:])
		}
		items := []map[string]any{}
		for i := start; i < n && len(items) < limit; i++ {
			items = append(items, map[string]any{"id": fmt.Sprintf("i%d", i), "clientSecret": "cs"})
		}
		body := map[string]any{"count": len(items), "items": items}
		if withTotal {
			body["total"] = n
		}
		if cursor {
			if end := start + len(items); end < n {
				body["next"] = fmt.Sprintf("c%d", end)
			} else {
				body["next"] = nil
			}
		} else {
			body["offset"] = start
		}
		writeJSON(w, 200, body)
	}
}

type listFn func(c *Client, opts ListOptions) ([]Object, error)

var listEndpoints = []struct {
	name     string
	path     string
	list     listFn
	defLimit string // the limit asked by default; "" means none
	cursor   bool
}{
	{"jobs", "/compute-ops-mgmt/v1/jobs", func(c *Client, o ListOptions) ([]Object, error) { return c.Jobs.List(context.Background(), o) }, "1000", false},
	{"servers", "/compute-ops-mgmt/v1/servers", func(c *Client, o ListOptions) ([]Object, error) { return c.Servers.List(context.Background(), o) }, "100", false},
	{"groups", "/compute-ops-mgmt/v1/groups", func(c *Client, o ListOptions) ([]Object, error) { return c.Groups.List(context.Background(), o) }, "1000", false},
	{"firmware-bundles", "/compute-ops-mgmt/v1/firmware-bundles", func(c *Client, o ListOptions) ([]Object, error) {
		return c.FirmwareBundles.List(context.Background(), o)
	}, "1000", false},
	{"users", "/identity/v1/users", func(c *Client, o ListOptions) ([]Object, error) { return c.Users.List(context.Background(), o) }, "600", false},
	{"credentials", "/workspaces/v1/credentials", func(c *Client, o ListOptions) ([]Object, error) {
		return c.Credentials.List(context.Background(), o)
	}, "", false},
	{"async-operations", "/compute-ops-mgmt/v1/async-operations", func(c *Client, o ListOptions) ([]Object, error) {
		return c.AsyncOps.List(context.Background(), o)
	}, "1000", true},
}

func ids(objs []Object) []string {
	out := []string{}
	for _, o := range objs {
		out = append(out, o.ID())
	}
	return out
}

// TestListReadsAllPages: every list endpoint follows its pagination past
// the first page, asking its documented maximum page size by default.
func TestListReadsAllPages(t *testing.T) {
	for _, ep := range listEndpoints {
		t.Run(ep.name, func(t *testing.T) {
			f := newFake(t, pagedServer(7, 3, ep.cursor, true))
			got, err := ep.list(testClient(t, f, newRecClock(), nil), ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"i0", "i1", "i2", "i3", "i4", "i5", "i6"}, ids(got)); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			lim := ""
			if ep.defLimit != "" {
				lim = "?limit=" + ep.defLimit
			}
			want := []string{"GET " + ep.path + lim}
			sep := "?"
			if lim != "" {
				sep = lim + "&"
			}
			if ep.cursor {
				want = append(want, "GET "+ep.path+sep+"next=c3", "GET "+ep.path+sep+"next=c6")
			} else {
				want = append(want, "GET "+ep.path+sep+"offset=3", "GET "+ep.path+sep+"offset=6")
			}
			if diff := cmp.Diff(want, f.requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestListLimitAndPageSize: Limit caps the items over all pages and asks
// no more than needed; PageSize overrides the default page size.
func TestListLimitAndPageSize(t *testing.T) {
	for _, ep := range listEndpoints {
		t.Run(ep.name, func(t *testing.T) {
			f := newFake(t, pagedServer(20, 50, ep.cursor, true))
			got, err := ep.list(testClient(t, f, newRecClock(), nil), ListOptions{Limit: 5, PageSize: 3})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"i0", "i1", "i2", "i3", "i4"}, ids(got)); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			second := "offset=3"
			if ep.cursor {
				second = "next=c3"
			}
			want := []string{"GET " + ep.path + "?limit=3", "GET " + ep.path + "?limit=2&" + second}
			if diff := cmp.Diff(want, f.requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestListWithoutTotal: an offset list without "total" ends at the first
// short page; an empty collection is an empty (non-nil) list.
func TestListWithoutTotal(t *testing.T) {
	f := newFake(t, pagedServer(5, 2, false, false))
	got, err := testClient(t, f, newRecClock(), nil).Jobs.List(context.Background(), ListOptions{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || len(f.requests()) != 3 {
		t.Errorf("got %d items in %d requests, want 5 in 3", len(got), len(f.requests()))
	}
	f = newFake(t, pagedServer(0, 2, false, true))
	got, err = testClient(t, f, newRecClock(), nil).Groups.List(context.Background(), ListOptions{})
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("empty list = %v, %v; want [], nil", got, err)
	}
}

// TestListFuncStreams: ListFunc hands over items page by page and stops
// at the first error of fn, requesting no further page.
func TestListFuncStreams(t *testing.T) {
	stop := errors.New("enough")
	f := newFake(t, pagedServer(10, 3, true, true))
	c := testClient(t, f, newRecClock(), nil)
	var seen []string
	err := c.AsyncOps.ListFunc(context.Background(), ListOptions{}, func(o Object) error {
		seen = append(seen, o.ID())
		if len(seen) == 4 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want fn's error", err)
	}
	if diff := cmp.Diff([]string{"i0", "i1", "i2", "i3"}, seen); diff != "" {
		t.Errorf("seen (-want +got):\n%s", diff)
	}
	if got := len(f.requests()); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
	seen = nil
	err = c.Jobs.ListFunc(context.Background(), ListOptions{}, func(o Object) error {
		seen = append(seen, o.ID())
		return nil
	})
	if err != nil || len(seen) != 10 {
		t.Errorf("jobs ListFunc: %d items, %v", len(seen), err)
	}
}

// TestCursorLoopStops: a server that repeats its cursor does not make the
// client loop forever; the listing fails saying so (its pages cannot be
// trusted to be complete). More hostile pages: TestHostilePagingStops.
func TestCursorLoopStops(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"count": 1, "next": "same", "items": []map[string]any{{"id": "a"}}})
	})
	var seen int
	err := testClient(t, f, newRecClock(), nil).AsyncOps.ListFunc(context.Background(), ListOptions{}, func(Object) error {
		seen++
		return nil
	})
	var pe *PagingError
	if !errors.As(err, &pe) || seen != 2 || len(f.requests()) != 2 {
		t.Errorf("got %d items in %d requests (%v), want 2 in 2 and a PagingError", seen, len(f.requests()), err)
	}
}

// TestListServerIgnoringOffset: a list without "total" from a server that
// ignores offset and limit (as the credentials API may) is read once, and
// Limit still caps it.
func TestListServerIgnoringOffset(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"count": 3, "items": []map[string]any{{"id": "a"}, {"id": "b"}, {"id": "c"}}})
	})
	c := testClient(t, f, newRecClock(), nil)
	got, err := c.Credentials.List(context.Background(), ListOptions{PageSize: 3})
	if err != nil || len(got) != 3 || len(f.requests()) != 1 {
		t.Errorf("got %d items in %d requests (%v), want 3 in 1", len(got), len(f.requests()), err)
	}
	got, err = c.Credentials.List(context.Background(), ListOptions{Limit: 2})
	if err != nil || len(got) != 2 {
		t.Errorf("Limit 2: got %d items (%v)", len(got), err)
	}
	if reqs := f.requests(); reqs[len(reqs)-1] != "GET /workspaces/v1/credentials" {
		t.Errorf("credentials sent %q, want no paging parameters", reqs[len(reqs)-1])
	}
}
