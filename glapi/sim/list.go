package sim

import (
	"net/http"
	"strconv"

	"glrun/glapi/odata"
)

// paging is an endpoint's documented limit range and default.
type paging struct{ def, min, max int }

// Documented page sizes of the list endpoints (docs/api.md, "Paging").
var (
	pageJobs     = paging{100, 0, 1000}
	pageServers  = paging{100, 0, 100}
	pageGroups   = paging{100, 0, 1000}
	pageBundles  = paging{10, 0, 1000}
	pageAsyncOps = paging{100, 0, 1000}
	pageUsers    = paging{300, 1, 600}
)

// intParam reads an integer query parameter within [lo, hi], or def when
// absent; ok is false (with a 400 answer) when it is malformed or out of range.
func (s *Sim) intParam(r *request, name string, def, lo, hi int) (int, response, bool) {
	v := r.query.Get(name)
	if v == "" {
		return def, response{}, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || (hi >= 0 && n > hi) {
		rng := strconv.Itoa(lo) + ".." + strconv.Itoa(hi)
		if hi < 0 {
			rng = ">= " + strconv.Itoa(lo)
		}
		return 0, s.apiError(r.fam, http.StatusBadRequest,
			"Invalid query parameter "+name+"="+strconv.Quote(v)+": want an integer in "+rng,
			issue{"query.parameter", name}), false
	}
	return n, response{}, true
}

// offsetLimit reads offset and limit for an offset-paginated endpoint.
func (s *Sim) offsetLimit(r *request, p paging) (offset, limit int, resp response, ok bool) {
	if offset, resp, ok = s.intParam(r, "offset", 0, 0, -1); !ok {
		return
	}
	limit, resp, ok = s.intParam(r, "limit", p.def, p.min, p.max)
	return
}

// filter keeps the items matching the request's filter query parameter,
// parsed and validated for resource. view, when not nil, gives the form
// an item is evaluated on.
func (s *Sim) filter(r *request, resource string, items []obj, view func(obj) obj) ([]obj, response, bool) {
	text := r.query.Get("filter")
	if text == "" {
		return items, response{}, true
	}
	e, err := odata.Parse(text)
	if err != nil {
		return nil, s.apiError(r.fam, http.StatusBadRequest, "Invalid filter: "+err.Error(), issue{"query.parameter", "filter"}), false
	}
	if err := odata.Validate(resource, e); err != nil {
		return nil, s.apiError(r.fam, http.StatusBadRequest, "Invalid filter: "+err.Error(), issue{"query.parameter", "filter"}), false
	}
	var out []obj
	for _, it := range items {
		v := it
		if view != nil {
			v = view(it)
		}
		if odata.Eval(e, v) {
			out = append(out, it)
		}
	}
	return out, response{}, true
}

// page returns the offset/limit envelope of items: offset, count, total, items.
func page(items []obj, offset, limit int) obj {
	total := len(items)
	lo := min(offset, total)
	hi := min(lo+limit, total)
	l := make([]any, 0, hi-lo)
	for _, it := range items[lo:hi] {
		l = append(l, copyObj(it))
	}
	return obj{"offset": offset, "count": len(l), "total": total, "items": l}
}

// listOffset answers an offset-paginated, filtered list request.
func (s *Sim) listOffset(r *request, p paging, resource string, items []obj) response {
	offset, limit, resp, ok := s.offsetLimit(r, p)
	if !ok {
		return resp
	}
	items, resp, ok = s.filter(r, resource, items, nil)
	if !ok {
		return resp
	}
	return jsonResp(http.StatusOK, page(items, offset, limit))
}

// getOne answers a GET of one item by id (the path's first parameter) from
// c: a copy of it, or 404 "<kind> <id> not found".
func (s *Sim) getOne(r *request, c *coll, kind string) response {
	o, ok := c.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, kind+" "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, copyObj(o))
}
