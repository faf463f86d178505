package builtins

import (
	"fmt"
	"sort"
	"strings"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// IDsArg accepts one item or several: an id string or a record with an id,
// or a list or tuple of them.
type IDsArg struct {
	// What names the kind of item, such as "device".
	What string
	// IDs are the ids, in order, without duplicates.
	IDs []string
}

// Want says an id, a record, or a list of them.
func (k *IDsArg) Want() string {
	return fmt.Sprintf("a %s id string or record, or a list of them", k.What)
}

// Unpack takes one id (see IDOf) or a non-empty list of them.
func (k *IDsArg) Unpack(v starlark.Value) error {
	items, single, err := oneOrList(v, k.Want())
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	k.IDs = nil
	for i, it := range items {
		id, ok := IDOf(it)
		if !ok {
			if single {
				return &BadArg{}
			}
			return &BadArg{Param: fmt.Sprintf("[%d]", i), Value: it, Want: fmt.Sprintf("a %s id string or a %s record with an id", k.What, k.What)}
		}
		if !seen[id] {
			seen[id] = true
			k.IDs = append(k.IDs, id)
		}
	}
	return nil
}

// oneOrList returns the items of an argument that takes one item or a
// list of them: the list's items, or v alone (single). An empty list is
// refused, saying want.
func oneOrList(v starlark.Value, want string) (items []starlark.Value, single bool, err error) {
	var list ListArg
	if err := list.Unpack(v); err != nil {
		return []starlark.Value{v}, true, nil
	}
	if len(list.Items) == 0 {
		return nil, false, &BadArg{Want: want + " (not an empty list)"}
	}
	return list.Items, false, nil
}

// StringsArg accepts one string or a list or tuple of strings, none empty.
type StringsArg struct {
	// What says what one string is, such as "a subscription key".
	What string
	// Values are the strings, in order.
	Values []string
}

// Want says a string or a list of strings.
func (k *StringsArg) Want() string { return k.What + " string, or a list of them" }

// Unpack takes a string or a non-empty list of strings.
func (k *StringsArg) Unpack(v starlark.Value) error {
	if s, ok := v.(starlark.String); ok {
		if strings.TrimSpace(string(s)) == "" {
			return &BadArg{}
		}
		k.Values = []string{string(s)}
		return nil
	}
	var list ListArg
	if err := list.Unpack(v); err != nil || len(list.Items) == 0 {
		return &BadArg{}
	}
	k.Values = nil
	for i, it := range list.Items {
		s, ok := it.(starlark.String)
		if !ok || strings.TrimSpace(string(s)) == "" {
			return &BadArg{Param: fmt.Sprintf("[%d]", i), Value: it, Want: k.What + " string"}
		}
		k.Values = append(k.Values, string(s))
	}
	return nil
}

// deviceTypes maps the type= spellings of devices.add to the API's.
var deviceTypes = map[string]string{
	"compute": glapi.DeviceCompute,
	"network": glapi.DeviceNetwork,
	"storage": glapi.DeviceStorage,
}

// deviceTypeWant is what a device type expects.
const deviceTypeWant = `"compute", "network" or "storage"`

// DevicesAddArg accepts the devices of devices.add: a dict (or record) or a
// list of them, each with serial and part (compute and storage) or mac
// (network), and optionally type and tags. Type is the default type.
type DevicesAddArg struct {
	// Type is the API's type of entries that do not say theirs.
	Type string
	// Devices are the devices, checked.
	Devices []glapi.DeviceAdd
}

// Want describes a device entry.
func (k *DevicesAddArg) Want() string {
	return `a dict such as {"serial": "CZ2401ONB1", "part": "P52534-B21"} (network devices: "mac" instead of "part"; optional "type" and "tags"), or a list of them`
}

// Unpack takes one entry or a non-empty list of entries.
func (k *DevicesAddArg) Unpack(v starlark.Value) error {
	items, single, err := oneOrList(v, k.Want())
	if err != nil {
		return err
	}
	k.Devices = nil
	for i, it := range items {
		d, field, want := k.entry(it)
		if want != "" {
			param := ""
			if !single {
				param = fmt.Sprintf("[%d]", i)
			}
			if field != "" {
				param += "." + field
			}
			return &BadArg{Param: param, Value: it, Want: want}
		}
		k.Devices = append(k.Devices, d)
	}
	return nil
}

// entry converts one device entry, or says which field is wrong and what
// it wants.
func (k *DevicesAddArg) entry(v starlark.Value) (d glapi.DeviceAdd, field, want string) {
	m, err := FromStarlark(v)
	obj, ok := m.(map[string]any)
	if err != nil || !ok {
		return d, "", k.Want()
	}
	str := func(keys ...string) (string, string, bool) {
		for _, key := range keys {
			if x, present := obj[key]; present && x != nil {
				s, isStr := x.(string)
				return strings.TrimSpace(s), key, isStr
			}
		}
		return "", keys[0], true
	}
	known := map[string]bool{"serial": true, "serialNumber": true, "part": true, "partNumber": true,
		"mac": true, "macAddress": true, "type": true, "tags": true}
	var unknown []string
	for key := range obj {
		if !known[key] {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return d, unknown[0], `only the keys "serial", "part", "mac", "type" and "tags"`
	}
	d.Type = k.Type
	if t, key, ok := str("type"); t != "" || !ok {
		if d.Type = deviceTypes[strings.ToLower(t)]; d.Type == "" {
			return d, key, deviceTypeWant
		}
	}
	var sok, pok, mok bool
	var key string
	if d.SerialNumber, key, sok = str("serial", "serialNumber"); !sok || d.SerialNumber == "" {
		return d, key, "a serial number string"
	}
	if d.PartNumber, key, pok = str("part", "partNumber"); !pok {
		return d, key, "a part number string"
	}
	if d.MACAddress, key, mok = str("mac", "macAddress"); !mok {
		return d, key, "a MAC address string"
	}
	switch {
	case d.Type == glapi.DeviceNetwork && d.MACAddress == "":
		return d, "mac", "a MAC address string (required for a network device)"
	case d.Type != glapi.DeviceNetwork && d.PartNumber == "":
		return d, "part", "a part number string (required for a compute or storage device)"
	}
	if tags, present := obj["tags"]; present && tags != nil {
		tm, ok := tags.(map[string]any)
		if !ok {
			return d, "tags", "a dict of string tags"
		}
		d.Tags = map[string]string{}
		for tk, tv := range tm {
			s, ok := tv.(string)
			if !ok || strings.TrimSpace(tk) == "" {
				return d, "tags", "a dict of string tags with non-empty keys"
			}
			d.Tags[tk] = s
		}
	}
	return d, "", ""
}

// TagsArg accepts the tags of devices.tag: a dict of string keys to
// string values, a value None deleting that tag.
type TagsArg struct {
	// Tags are the tags, nil for a deletion.
	Tags map[string]*string
}

// Want describes the dict.
func (k *TagsArg) Want() string {
	return `a non-empty dict of tags such as {"site": "lab"} (a value None deletes that tag)`
}

// Unpack takes a non-empty dict.
func (k *TagsArg) Unpack(v starlark.Value) error {
	d, ok := v.(*starlark.Dict)
	if !ok || d.Len() == 0 {
		return &BadArg{}
	}
	k.Tags = map[string]*string{}
	for _, it := range d.Items() {
		key, ok := it[0].(starlark.String)
		if !ok || strings.TrimSpace(string(key)) == "" {
			return &BadArg{Param: "[" + it[0].String() + "]", Value: it[0], Want: "a non-empty string key"}
		}
		switch val := it[1].(type) {
		case starlark.NoneType:
			k.Tags[string(key)] = nil
		case starlark.String:
			s := string(val)
			k.Tags[string(key)] = &s
		default:
			return &BadArg{Param: "[" + key.String() + "]", Value: it[1], Want: "a string value, or None to delete the tag"}
		}
	}
	return nil
}

// fieldArgError turns glapi's refusal of a value before sending into the
// argument error of the parameter that carried it (params maps the API's
// field names to parameter names); any other error is returned as it is.
func fieldArgError(a *Args, err error, params map[string]string) error {
	fe, ok := asFieldError(err)
	if !ok {
		return err
	}
	param := params[fe.Field]
	if param == "" {
		param = fe.Field
	}
	return &ArgError{Fn: a.Fn(), Param: param, Want: fe.Reason, Got: fmt.Sprintf("%q", fe.Value)}
}
