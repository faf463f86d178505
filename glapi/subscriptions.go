package glapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"glrun/glapi/odata"
)

// SubscriptionsService is /subscriptions/v1/subscriptions: the
// subscription keys of the workspace. Adding keys is asynchronous: it
// answers 202 with the operation to poll with Operation.
type SubscriptionsService struct{ c *Client }

const (
	// subscriptionsAddMax is the most keys one POST adds.
	subscriptionsAddMax = 5
	// subscriptionsPageMax is the largest limit GET /subscriptions accepts.
	subscriptionsPageMax = 200
)

func (s *SubscriptionsService) lister() lister {
	return lister{api: apiGlobal, coll: CollectionSubscriptions, resource: odata.ResourceSubscriptions, maxPage: subscriptionsPageMax}
}

// List returns the subscriptions matching opts, reading every page unless
// opts.Limit caps them.
func (s *SubscriptionsService) List(ctx context.Context, opts ListOptions) ([]Object, error) {
	return s.c.all(ctx, s.lister(), opts)
}

// ListFunc calls fn for each subscription matching opts, a page at a time.
func (s *SubscriptionsService) ListFunc(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	return s.c.each(ctx, s.lister(), opts, fn)
}

// Get returns the subscription id.
func (s *SubscriptionsService) Get(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a subscription", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiGlobal, CollectionSubscriptions, id)
}

// FindByKey returns the subscription whose key is key, or nil, nil.
func (s *SubscriptionsService) FindByKey(ctx context.Context, key string) (Object, error) {
	if strings.TrimSpace(key) == "" {
		return nil, fmt.Errorf("finding a subscription: key must not be empty")
	}
	var found Object
	err := s.ListFunc(ctx, ListOptions{Filter: "key eq " + quoteLit(key)}, func(o Object) error {
		if found == nil && o.String("key") == key {
			found = o
		}
		return nil
	})
	return found, err
}

// subscriptionKey is one key of POST /subscriptions/v1/subscriptions.
type subscriptionKey struct {
	Key string `json:"key"`
}

// Add adds subscription keys to the workspace, in requests of at most 5
// keys (the API's limit), and returns one operation per request. When a
// request fails, the operations of those sent before it are returned with
// the error.
func (s *SubscriptionsService) Add(ctx context.Context, keys []string, opts WriteOptions) ([]Operation, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("adding subscriptions: no keys given")
	}
	for i, k := range keys {
		if strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("adding subscriptions: key %d must not be empty", i+1)
		}
	}
	var ops []Operation
	for lo := 0; lo < len(keys); lo += subscriptionsAddMax {
		var body struct {
			Subscriptions []subscriptionKey `json:"subscriptions"`
		}
		for _, k := range keys[lo:min(lo+subscriptionsAddMax, len(keys))] {
			body.Subscriptions = append(body.Subscriptions, subscriptionKey{k})
		}
		op, err := s.c.write(ctx, call{api: apiGlobal, method: http.MethodPost, coll: CollectionSubscriptions, body: body}, opts)
		if err != nil {
			return ops, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// Operation returns the async operation id of a subscription write.
func (s *SubscriptionsService) Operation(ctx context.Context, id string) (Object, error) {
	if err := requireID("getting a subscription operation", id); err != nil {
		return nil, err
	}
	return s.c.getObject(ctx, apiGlobal, CollectionSubscriptionOperations, id)
}
