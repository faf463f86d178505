package glapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"glrun/glapi/odata"
)

// lister describes one list endpoint.
type lister struct {
	api    api
	coll   string // the collection, one of the Collection* constants
	id     string // for a list under one object, such as a group's compliance
	action string // what follows id
	// resource is the odata resource name, for filter validation.
	resource string
	// maxPage is the endpoint's largest documented page size, used by
	// default; 0 means no limit is sent unless ListOptions.PageSize asks.
	maxPage int
	// cursor selects cursor pagination ("next") instead of offset/limit.
	cursor bool
	// scim selects SCIM pagination: startIndex (from 1) and count asked,
	// Resources and totalResults answered.
	scim bool
	// checkFilter, when set, validates filters instead of the odata
	// tables (for an API whose filter grammar is not OData's).
	checkFilter func(string) error
	// fix, when set, adjusts each item after decoding (e.g. secrets).
	fix func(Object)
}

// page is the union of the list envelopes: offset/count/total/items for
// COM lists, users and credentials; count/next/total/items for async
// operations.
type page struct {
	Offset *int    `json:"offset"`
	Count  *int    `json:"count"`
	Total  *int    `json:"total"`
	Next   *string `json:"next"`
	Items  []Object
	// SCIM lists: Resources and totalResults.
	Resources    []Object `json:"Resources"`
	TotalResults *int     `json:"totalResults"`
}

// each calls fn for every item of every page, one page in memory at a
// time, until the pages end, opts.Limit items were seen, or fn fails.
func (c *Client) each(ctx context.Context, l lister, opts ListOptions, fn func(Object) error) error {
	check := func(f string) error { return checkFilter(l.resource, f) }
	if l.checkFilter != nil {
		check = l.checkFilter
	}
	if err := check(opts.Filter); err != nil {
		return err
	}
	if opts.Limit < 0 || opts.PageSize < 0 {
		return fmt.Errorf("listing %s: limit and page size must not be negative", l.resource)
	}
	size := l.maxPage
	if opts.PageSize > 0 {
		size = opts.PageSize
	}
	got, offset, next := 0, 0, ""
	seen := map[string]bool{} // cursors followed
	ep := call{method: http.MethodGet, coll: l.coll, id: l.id, action: l.action}.endpoint()
	for pages := 1; ; pages++ {
		if pages > c.maxPages {
			return &PagingError{Endpoint: ep, Reason: fmt.Sprintf(
				"the pages did not end after %d pages (Config.MaxPages); stopped", c.maxPages)}
		}
		ask := size
		if opts.Limit > 0 && ask > 0 && opts.Limit-got < ask {
			ask = opts.Limit - got
		}
		q := url.Values{}
		switch {
		case l.scim:
			if ask > 0 {
				q.Set("count", strconv.Itoa(ask))
			}
			q.Set("startIndex", strconv.Itoa(offset+1))
		case ask > 0:
			q.Set("limit", strconv.Itoa(ask))
		}
		if l.cursor && next != "" {
			q.Set("next", next)
		}
		if !l.cursor && !l.scim && offset > 0 {
			q.Set("offset", strconv.Itoa(offset))
		}
		cl := call{api: l.api, method: http.MethodGet, coll: l.coll, id: l.id, action: l.action,
			query: q, filter: strings.TrimSpace(opts.Filter)}
		var pg page
		if _, err := c.doJSON(ctx, cl, &pg); err != nil {
			return err
		}
		if l.scim {
			pg.Items, pg.Total = pg.Resources, pg.TotalResults
		}
		for _, it := range pg.Items {
			if it == nil {
				continue
			}
			if l.fix != nil {
				l.fix(it)
			}
			if err := fn(it); err != nil {
				return err
			}
			got++
			if opts.Limit > 0 && got >= opts.Limit {
				return nil
			}
		}
		n := len(pg.Items)
		if n == 0 {
			return nil
		}
		if l.cursor {
			if pg.Next == nil || *pg.Next == "" {
				return nil
			}
			if *pg.Next == next || seen[*pg.Next] {
				return &PagingError{Endpoint: ep, Reason: fmt.Sprintf(
					"the server gave the cursor %q a second time, so its pages would never end; stopped after %d pages", *pg.Next, pages)}
			}
			seen[*pg.Next] = true
			next = *pg.Next
			continue
		}
		// Without a total, go on only while the server shows it honours
		// offset (it echoes ours) and fills pages: a server that ignores
		// offset would otherwise repeat its first page forever.
		asked := offset
		offset += n
		switch {
		case pg.Total != nil:
			if offset > *pg.Total {
				return &PagingError{Endpoint: ep, Reason: fmt.Sprintf(
					"the server sent %d items up to offset %d, past the total of %d it announced; stopped", n, offset, *pg.Total)}
			}
			if offset >= *pg.Total {
				return nil
			}
		case ask == 0 || n < ask || pg.Offset == nil || *pg.Offset != asked:
			return nil
		}
	}
}

// PagingError is returned when a server's pages cannot be trusted to end
// or to add up: a cursor given twice, items past the announced total, or
// more pages than Config.MaxPages. The items before were passed on.
type PagingError struct {
	Endpoint string // such as "GET /compute-ops-mgmt/v1/jobs"
	Reason   string
}

// Error names the listing and what went wrong.
func (e *PagingError) Error() string {
	return e.Endpoint + ": " + e.Reason
}

// all returns every item (up to opts.Limit).
func (c *Client) all(ctx context.Context, l lister, opts ListOptions) ([]Object, error) {
	var out []Object
	err := c.each(ctx, l, opts, func(o Object) error {
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []Object{}
	}
	return out, nil
}

// checkFilter parses and validates filter for resource; an empty filter is
// fine.
func checkFilter(resource, filter string) error {
	if strings.TrimSpace(filter) == "" {
		return nil
	}
	e, err := odata.Parse(filter)
	if err != nil {
		return &FilterError{Resource: resource, Filter: filter, Err: err}
	}
	if err := odata.Validate(resource, e); err != nil {
		return &FilterError{Resource: resource, Filter: filter, Err: err}
	}
	return nil
}

// requireID refuses, before anything is sent, an id that is not a safe
// path segment (see checkID).
func requireID(what, id string) error {
	if err := checkID(id); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
