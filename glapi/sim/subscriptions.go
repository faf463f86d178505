package sim

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"glrun/glapi"
	"glrun/glapi/odata"
)

// showSeats sets the quantity fields the API shows (strings) from the
// subscription's seats and the seats in use.
func (sub *subscription) showSeats() {
	sub.Quantity = strconv.Itoa(sub.quantity)
	sub.AvailableQuantity = strconv.Itoa(sub.quantity - sub.used)
}

// sync shows a subscription's seats in use at t.
func (sub *subscription) sync(t time.Time) {
	sub.showSeats()
	sub.UpdatedAt = ts(t)
}

// subViews renders the subscriptions of the workspace.
func (p *platform) subViews() []obj {
	var l []*subscription
	for _, sub := range p.subs.list() {
		if sub.inWorkspace {
			sub.showSeats()
			l = append(l, sub)
		}
	}
	return views(l)
}

func (s *Sim) listSubscriptions(r *request) response {
	return s.listOffset(r, pageSubscriptions, odata.ResourceSubscriptions, s.st.plat.subViews())
}

func (s *Sim) getSubscription(r *request) response {
	sub, ok := s.st.plat.subs.get(r.params[0])
	if !ok || !sub.inWorkspace {
		return s.apiError(r.fam, http.StatusNotFound, "Subscription "+r.params[0]+" not found")
	}
	sub.showSeats()
	return jsonResp(http.StatusOK, render(sub))
}

func (s *Sim) addSubscriptions(r *request) response {
	var in struct {
		Subscriptions *[]struct {
			Key  *string           `json:"key"`
			Tags map[string]string `json:"tags"`
		} `json:"subscriptions"`
	}
	dry, resp, ok := s.platformWrite(r, &in)
	if !ok {
		return resp
	}
	if in.Subscriptions == nil || len(*in.Subscriptions) == 0 {
		return s.apiError(r.fam, http.StatusBadRequest, "subscriptions: must not be empty", issue{"body", "subscriptions"})
	}
	if n := len(*in.Subscriptions); n > subscriptionsAdd {
		return s.apiError(r.fam, http.StatusBadRequest, "At most 5 subscriptions may be added per request, got "+strconv.Itoa(n), issue{"body", "subscriptions"})
	}
	var keys []string
	for i, e := range *in.Subscriptions {
		if e.Key == nil || strings.TrimSpace(*e.Key) == "" {
			subject := "subscriptions[" + strconv.Itoa(i) + "].key"
			return s.apiError(r.fam, http.StatusBadRequest, subject+": must not be blank", issue{"body", subject})
		}
		keys = append(keys, *e.Key)
	}
	if dry {
		return accepted(nil, "")
	}
	p := s.st.plat
	op := s.st.newPlatformOp(p.subOps, "postSubscriptionsResponse", r.now, func(t time.Time) (string, any) {
		var failed []any
		for _, k := range keys {
			var found *subscription
			for _, sub := range p.subs.list() {
				if sub.Key == k {
					found = sub
				}
			}
			if found == nil || found.inWorkspace {
				failed = append(failed, k)
				continue
			}
			found.inWorkspace = true
			found.sync(t)
			s.audit(catSubscriptions, "Subscription "+k+" added to the workspace", t, false)
		}
		return opOutcome(len(failed), len(keys), obj{"failedSubscriptionKeys": failed})
	})
	return accepted(op, glapi.CollectionSubscriptionOperations)
}

func (s *Sim) getSubscriptionOp(r *request) response { return s.getPlatformOp(r, s.st.plat.subOps) }

func (s *Sim) listServiceManagers(r *request) response {
	if r.query.Get("filter") != "" {
		return s.apiError(r.fam, http.StatusBadRequest, "The service managers list has no filter", issue{"query.parameter", "filter"})
	}
	offset, limit, resp, ok := s.offsetLimit(r, pageCatalog)
	if !ok {
		return resp
	}
	return jsonResp(http.StatusOK, page(views(s.st.plat.managers.list()), offset, limit))
}

func (s *Sim) getServiceManager(r *request) response {
	sm, ok := s.st.plat.managers.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Service manager "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, render(sm))
}

func (s *Sim) listProvisions(r *request) response {
	return s.listOffset(r, pageCatalog, odata.ResourceProvisions, views(s.st.plat.provs.list()))
}

func (s *Sim) getProvision(r *request) response {
	pr, ok := s.st.plat.provs.get(r.params[0])
	if !ok {
		return s.apiError(r.fam, http.StatusNotFound, "Service manager provision "+r.params[0]+" not found")
	}
	return jsonResp(http.StatusOK, render(pr))
}
