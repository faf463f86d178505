package builtins

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.starlark.net/starlark"

	"glrun/glapi"
	"glrun/glapi/wait"
)

// Kinds of the platform's async operations, the "kind" field of the
// operation records the writes return.
const (
	opKindDevices       = "devices"
	opKindSubscriptions = "subscriptions"
)

// opRecords returns the records of the operations a platform write
// started: id, kind, location, and dry_run (true when the API only
// validated the request, which then has no operation to wait for).
func opRecords(kind string, ops []glapi.Operation) *starlark.List {
	items := make([]glapi.Object, len(ops))
	for i, op := range ops {
		items[i] = glapi.Object{"id": op.ID, "kind": kind, "location": op.Location, "dry_run": op.DryRun}
		if op.DryRun {
			items[i]["status"] = glapi.OpSucceeded
		}
	}
	return recordList(items)
}

// writeError names the builtin in the error of a write and, when some
// requests were sent before it failed, what they started (so a runbook
// author can tell what to wait for or undo).
func writeError(fn string, ops []glapi.Operation, err error) error {
	if len(ops) == 0 {
		return callError(fn, err)
	}
	ids := make([]string, len(ops))
	for i, op := range ops {
		ids[i] = op.ID
	}
	return fmt.Errorf("%s: %w (operations already started: %s)", fn, err, strings.Join(ids, ", "))
}

// devicesFind is devices.find(serial): the device, or None.
func devicesFind() impl {
	return findImpl("serial", StringArg{What: "a serial number string", NonEmpty: true},
		func(ctx context.Context, _ *Env, c *glapi.Client, serial string) (glapi.Object, error) {
			return c.Devices.FindBySerial(ctx, serial)
		})
}

// devicesAdd is devices.add(devices, type="compute").
func devicesAdd(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	typ := StringArg{What: deviceTypeWant}
	if err := a.Unpack("type", &typ); err != nil {
		return nil, err
	}
	devs := DevicesAddArg{Type: deviceTypes[strings.ToLower(typ.Value)]}
	if devs.Type == "" {
		return nil, a.Error("type", typ.What)
	}
	if err := a.Unpack("devices", &devs); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	ops, err := c.Devices.Add(ctx, devs.Devices, glapi.WriteOptions{})
	if err != nil {
		return nil, writeError(a.Fn(), ops, err)
	}
	return opRecords(opKindDevices, ops), nil
}

// deviceWriteFunc sends a device write on ids: it reads its other
// arguments from a first, then gets the client with client (so an
// argument error comes before anything else).
type deviceWriteFunc func(ctx context.Context, env *Env, a *Args, ids []string, client clientFunc) ([]glapi.Operation, error)

// clientFunc returns the client of the builtin being called.
type clientFunc func() (*glapi.Client, error)

// deviceWrite is the body of a devices write on devices= (ids or
// records): do sends it.
func deviceWrite(do deviceWriteFunc) impl {
	return api(func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		devs := IDsArg{What: "device"}
		if err := a.Unpack("devices", &devs); err != nil {
			return nil, err
		}
		client := func() (*glapi.Client, error) { return apiClient(env, a.Fn()) }
		ops, err := do(ctx, env, a, devs.IDs, client)
		if err != nil {
			var argErr *ArgError
			if errors.As(err, &argErr) || strings.HasPrefix(err.Error(), a.Fn()+": ") {
				return nil, err
			}
			return nil, writeError(a.Fn(), ops, err)
		}
		return opRecords(opKindDevices, ops), nil
	})
}

// devicesWriter is a write of the devices service that takes nothing but
// the devices, such as Unassign.
type devicesWriter func(ctx context.Context, ids []string, opts glapi.WriteOptions) ([]glapi.Operation, error)

// devicesOnly is the deviceWriteFunc of a write that takes no argument
// but devices=.
func devicesOnly(write func(*glapi.Client) devicesWriter) deviceWriteFunc {
	return func(ctx context.Context, _ *Env, _ *Args, ids []string, client clientFunc) ([]glapi.Operation, error) {
		c, err := client()
		if err != nil {
			return nil, err
		}
		return write(c)(ctx, ids, glapi.WriteOptions{})
	}
}

// devicesAssign is devices.assign(devices, application, region=None).
func devicesAssign(ctx context.Context, _ *Env, a *Args, ids []string, client clientFunc) ([]glapi.Operation, error) {
	app := StringArg{What: "a service manager's name (such as \"Compute Ops Management\") or id", NonEmpty: true}
	region := StringArg{What: "a region string such as \"us-west\"", NonEmpty: true}
	if err := a.Unpack("application", &app, "region", &region); err != nil {
		return nil, err
	}
	c, err := client()
	if err != nil {
		return nil, err
	}
	if !a.Has("region") {
		region.Value = c.Region()
	}
	p, err := findProvision(ctx, c, app.Value, region.Value)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, &ArgError{Fn: a.Fn(), Param: "application",
			Want: "the name or id of a service manager the workspace has provisioned in region " + strconv.Quote(region.Value) + " (see services.list())",
			Got:  strconv.Quote(app.Value)}
	}
	return c.Devices.Assign(ctx, ids, p.String("application"), region.Value, glapi.WriteOptions{})
}

// devicesSubscribe is devices.subscribe(devices, subscription): the
// subscription (a key, an id or a record) must be in the workspace, not
// expired, with a seat for each device.
func devicesSubscribe(ctx context.Context, env *Env, a *Args, ids []string, client clientFunc) ([]glapi.Operation, error) {
	{
		sub := ValueArg{What: "a subscription key string, or a subscription record"}
		if err := a.Unpack("subscription", &sub); err != nil {
			return nil, err
		}
		c, err := client()
		if err != nil {
			return nil, err
		}
		s, err := resolveSubscription(ctx, c, a, "subscription", sub.Value)
		if err != nil {
			return nil, err
		}
		if err := checkSeats(a, "subscription", s, len(ids), clockOf(env).Now()); err != nil {
			return nil, err
		}
		return c.Devices.Subscribe(ctx, ids, s.ID(), glapi.WriteOptions{})
	}
}

// resolveSubscription finds the subscription v stands for: a record (read
// again by id, for its current seats), an id, or a key of the workspace.
// One that is not in the workspace is an argument error of param; the
// errors of the API are returned as they are, for the caller to name.
func resolveSubscription(ctx context.Context, c *glapi.Client, a *Args, param string, v starlark.Value) (glapi.Object, error) {
	want := "a subscription key of the workspace (see subscriptions.list(); add a new key with subscriptions.add)"
	key, isString := v.(starlark.String)
	if !isString {
		id, ok := IDOf(v)
		if !ok {
			return nil, a.Error(param, want)
		}
		return c.Subscriptions.Get(ctx, id)
	}
	k := strings.TrimSpace(string(key))
	if k == "" {
		return nil, a.Error(param, want)
	}
	s, err := c.Subscriptions.FindByKey(ctx, k)
	if err != nil {
		return nil, err
	}
	if s == nil && glapi.IsUUID(k) {
		if s, err = c.Subscriptions.Get(ctx, k); err != nil {
			s = nil
		}
	}
	if s == nil {
		return nil, &ArgError{Fn: a.Fn(), Param: param, Want: want, Got: fmt.Sprintf("%q, which is not in the workspace", k)}
	}
	return s, nil
}

// checkSeats refuses a subscription that has expired or has fewer than n
// seats left.
func checkSeats(a *Args, param string, s glapi.Object, n int, now time.Time) error {
	key := s.String("key")
	if end, err := time.Parse(time.RFC3339, s.String("endTime")); err == nil && !end.After(now) {
		return &ArgError{Fn: a.Fn(), Param: param, Want: "a subscription that has not expired",
			Got: fmt.Sprintf("%q, which expired at %s", key, s.String("endTime"))}
	}
	if free, ok := intField(s, "availableQuantity"); ok && free < n {
		return &ArgError{Fn: a.Fn(), Param: param, Want: fmt.Sprintf("a subscription with %d seat(s) left", n),
			Got: fmt.Sprintf("%q, which has %d seat(s) left", key, free)}
	}
	return nil
}

// intField reads an integer field the API gives as a number or a string.
func intField(o glapi.Object, key string) (int, bool) {
	switch v := o[key].(type) {
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		return n, err == nil
	case float64:
		return int(v), true
	case int:
		return v, true
	case fmt.Stringer: // json.Number
		n, err := strconv.Atoi(v.String())
		return n, err == nil
	}
	return 0, false
}

// subscriptionRecord adds to a subscription what a runbook asks of it:
// seats (the quantity), seats_available, and days_left until its endTime.
func subscriptionRecord(s glapi.Object, now time.Time) glapi.Object {
	out := glapi.Object{}
	for k, v := range s {
		out[k] = v
	}
	if n, ok := intField(s, "quantity"); ok {
		out["seats"] = n
	}
	if n, ok := intField(s, "availableQuantity"); ok {
		out["seats_available"] = n
	}
	if end, err := time.Parse(time.RFC3339, s.String("endTime")); err == nil {
		out["days_left"] = int(math.Floor(end.Sub(now).Hours() / 24))
	}
	return out
}

// subscriptionsList is subscriptions.list(filter=None, limit=None).
func subscriptionsList() impl {
	return listAllImpl(func(ctx context.Context, env *Env, c *glapi.Client, opts glapi.ListOptions) ([]glapi.Object, error) {
		subs, err := c.Subscriptions.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		now := clockOf(env).Now()
		for i, s := range subs {
			subs[i] = subscriptionRecord(s, now)
		}
		return subs, nil
	})
}

// subscriptionsGet is subscriptions.get(id).
func subscriptionsGet() impl {
	return idImpl("id", "subscription", func(ctx context.Context, env *Env, c *glapi.Client, id string) (starlark.Value, error) {
		s, err := c.Subscriptions.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		return ToStarlark(subscriptionRecord(s, clockOf(env).Now())), nil
	})
}

// subscriptionsFind is subscriptions.find(key): the subscription, or None.
func subscriptionsFind() impl {
	return findImpl("key", StringArg{What: "a subscription key string", NonEmpty: true},
		func(ctx context.Context, env *Env, c *glapi.Client, key string) (glapi.Object, error) {
			s, err := c.Subscriptions.FindByKey(ctx, key)
			if err != nil || s == nil {
				return nil, err
			}
			return subscriptionRecord(s, clockOf(env).Now()), nil
		})
}

// subscriptionsAdd is subscriptions.add(keys).
func subscriptionsAdd(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	keys := StringsArg{What: "a subscription key"}
	if err := a.Unpack("keys", &keys); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	ops, err := c.Subscriptions.Add(ctx, keys.Values, glapi.WriteOptions{})
	if err != nil {
		return nil, writeError(a.Fn(), ops, err)
	}
	return opRecords(opKindSubscriptions, ops), nil
}

// platformOpsWait is devices.wait / subscriptions.wait(op, timeout=,
// poll=, fail_on_error=True): op is one operation (record or id) or a list
// of them; an id string is an operation of defaultKind.
func platformOpsWait(defaultKind string) apiImpl {
	return func(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
		op := ValueArg{What: "an operation record (as returned by a write) or id string, or a list of them"}
		if err := a.Unpack("op", &op); err != nil {
			return nil, err
		}
		single := true
		switch op.Value.(type) {
		case *starlark.List, starlark.Tuple:
			single = false
		}
		items, err := unpackWaitItems(a, "op", "operation", single)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.String("kind") == "" {
				it["kind"] = defaultKind
			}
		}
		opts, failOnError, err := waitArgs(env, a)
		if err != nil {
			return nil, err
		}
		c, err := apiClient(env, a.Fn())
		if err != nil {
			return nil, err
		}
		kind := wait.PlatformOps(platformOpLabel, func(ctx context.Context, op glapi.Object) (glapi.Object, error) {
			if op.String("kind") == opKindSubscriptions {
				return c.Subscriptions.Operation(ctx, op.ID())
			}
			return c.Devices.Operation(ctx, op.ID())
		})
		done, err := wait.For(ctx, kind, items, opts)
		if err != nil {
			return nil, err
		}
		if failOnError {
			var errs []error
			for _, d := range done {
				if err := wait.PlatformOpFailure(platformOpLabel(d), d); err != nil {
					errs = append(errs, err)
				}
			}
			if len(errs) > 0 {
				return nil, fmt.Errorf("%s: %w", a.Fn(), errors.Join(errs...))
			}
		}
		if single {
			return ToStarlark(done[0]), nil
		}
		return recordList(done), nil
	}
}

// platformOpLabel names a platform operation for people.
func platformOpLabel(op glapi.Object) string {
	if op.String("kind") == opKindSubscriptions {
		return "subscription operation " + op.ID()
	}
	return "device operation " + op.ID()
}

// provisionRecords returns the workspace's service-manager provisions,
// each with the service manager's name and id (application) added.
func provisionRecords(ctx context.Context, c *glapi.Client, filter string) ([]glapi.Object, error) {
	sms, err := c.ServiceCatalog.ServiceManagers(ctx, glapi.ListOptions{})
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, sm := range sms {
		names[sm.ID()] = sm.String("name")
	}
	provs, err := c.ServiceCatalog.Provisions(ctx, glapi.ListOptions{Filter: filter})
	if err != nil {
		return nil, err
	}
	for _, p := range provs {
		sm, _ := p["serviceManager"].(map[string]any)
		id, _ := sm["id"].(string)
		p["application"] = id
		p["name"] = names[id]
	}
	return provs, nil
}

// findProvision returns the PROVISIONED provision in region of the
// service manager app (its name, compared ignoring case, or its id), or
// nil.
func findProvision(ctx context.Context, c *glapi.Client, app, region string) (glapi.Object, error) {
	provs, err := provisionRecords(ctx, c, "")
	if err != nil {
		return nil, err
	}
	for _, p := range provs {
		if p.String("region") != region || p.String("provisionStatus") != glapi.ProvisionProvisioned {
			continue
		}
		if p.String("application") == app || strings.EqualFold(p.String("name"), app) {
			return p, nil
		}
	}
	return nil, nil
}

// servicesList is services.list(filter=None).
func servicesList(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	var filter FilterArg
	if err := a.Unpack("filter", &filter); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	provs, err := provisionRecords(ctx, c, filter.Text)
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return recordList(provs), nil
}

// servicesManagers is services.managers().
func servicesManagers(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	sms, err := c.ServiceCatalog.ServiceManagers(ctx, glapi.ListOptions{})
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return recordList(sms), nil
}

// servicesFind is services.find(name, region=None): the provision, or None.
func servicesFind(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	name := StringArg{What: "a service manager's name (such as \"Compute Ops Management\") or id", NonEmpty: true}
	region := StringArg{What: "a region string such as \"us-west\"", NonEmpty: true}
	if err := a.Unpack("name", &name, "region", &region); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	if !a.Has("region") {
		region.Value = c.Region()
	}
	p, err := findProvision(ctx, c, name.Value, region.Value)
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	if p == nil {
		return starlark.None, nil
	}
	return ToStarlark(p), nil
}

// servicesRegion is services.region(): the region of glrun's Compute Ops
// Management.
func servicesRegion(_ context.Context, env *Env, a *Args) (starlark.Value, error) {
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	return starlark.String(c.Region()), nil
}

// groupsDevices is compute.groups.devices(group).
func groupsDevices() impl {
	return idRecordsImpl("group", "group", func(c *glapi.Client) idLister { return c.Groups.Devices })
}

// groupsAddServers is compute.groups.add_servers(group, servers): the
// async operation, as compute.async_ops.wait takes it.
func groupsAddServers(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	group := IDArg{What: "group"}
	servers := IDsArg{What: "server"}
	if err := a.Unpack("group", &group, "servers", &servers); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	id, err := c.Groups.AddDevices(ctx, group.ID, servers.IDs)
	if err != nil {
		return nil, callError(a.Fn(), err)
	}
	return ToStarlark(glapi.Object{"id": id, "resourceUri": glapi.URI(glapi.CollectionAsyncOperations, id)}), nil
}
