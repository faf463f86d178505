package odata

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"time"
)

// vkind is the kind of a value during evaluation.
type vkind int

const (
	vNull vkind = iota
	vBool
	vNum
	vStr
	vTime
	vDate
	vList
	vOther
)

// value is a literal or a JSON value, normalised for comparison.
type value struct {
	k     vkind
	b     bool
	isInt bool
	i     int64
	f     float64
	s     string
	t     time.Time
	list  []any
}

// litValue returns the value of a literal.
func litValue(l *Lit) value {
	switch l.Kind {
	case KindBool:
		return value{k: vBool, b: l.Bool}
	case KindInt:
		return value{k: vNum, isInt: true, i: l.Int, f: float64(l.Int)}
	case KindDecimal:
		return value{k: vNum, f: l.Float}
	case KindString:
		return value{k: vStr, s: l.Str}
	case KindDateTime:
		return value{k: vTime, t: l.Time}
	case KindDate:
		return value{k: vDate, t: l.Time}
	}
	return value{k: vNull}
}

// anyValue normalises a decoded JSON value (or a Go value of a similar
// type) for comparison.
func anyValue(x any) value {
	switch v := x.(type) {
	case nil:
		return value{k: vNull}
	case string:
		return value{k: vStr, s: v}
	case bool:
		return value{k: vBool, b: v}
	case float64:
		return floatValue(v)
	case float32:
		return floatValue(float64(v))
	case int:
		return value{k: vNum, isInt: true, i: int64(v), f: float64(v)}
	case int64:
		return value{k: vNum, isInt: true, i: v, f: float64(v)}
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return value{k: vNum, isInt: true, i: i, f: float64(i)}
		}
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			return floatValue(f)
		}
		return value{k: vOther}
	case time.Time:
		return value{k: vTime, t: v}
	case []any:
		return value{k: vList, list: v}
	case map[string]any:
		return value{k: vOther}
	}
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return value{k: vNum, isInt: true, i: rv.Int(), f: float64(rv.Int())}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return value{k: vNum, isInt: true, i: int64(u), f: float64(u)}
		}
		return value{k: vNum, f: float64(rv.Uint())}
	case reflect.String:
		return value{k: vStr, s: rv.String()}
	}
	return value{k: vOther}
}

func floatValue(f float64) value {
	if math.IsNaN(f) {
		return value{k: vOther}
	}
	return value{k: vNum, f: f}
}

// order compares a and b: c is -1, 0 or 1; ok is false when they are of
// different kinds (or cannot be compared at all); ordered is false for
// kinds that only have equality (booleans).
func order(a, b value) (c int, ok, ordered bool) {
	switch {
	case a.k == vNum && b.k == vNum:
		if a.isInt && b.isInt {
			return cmp3(a.i < b.i, a.i > b.i), true, true
		}
		return cmp3(a.f < b.f, a.f > b.f), true, true
	case a.k == vBool && b.k == vBool:
		return cmp3(!a.b && b.b, a.b && !b.b), true, false
	case a.k == vStr && b.k == vStr:
		if looksTemporal(a.s) && looksTemporal(b.s) {
			ta, da, oka := parseTimestamp(a.s)
			tb, db, okb := parseTimestamp(b.s)
			if oka && okb {
				if da || db {
					return cmpTime(utcDate(ta), utcDate(tb)), true, true
				}
				return cmpTime(ta, tb), true, true
			}
		}
		return cmpString(a.s, b.s), true, true
	case isTemporal(a) || isTemporal(b):
		ta, da, oka := temporal(a)
		tb, db, okb := temporal(b)
		if !oka || !okb {
			return 0, false, false
		}
		if da || db {
			return cmpTime(utcDate(ta), utcDate(tb)), true, true
		}
		return cmpTime(ta, tb), true, true
	}
	return 0, false, false
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

func cmpString(a, b string) int { return cmp3(a < b, a > b) }

func cmpTime(a, b time.Time) int { return cmp3(a.Before(b), a.After(b)) }

// utcDate truncates t to midnight UTC of its UTC date.
func utcDate(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func isTemporal(v value) bool { return v.k == vTime || v.k == vDate }

// temporal reads v as an instant: a date-time or date literal, a time.Time,
// or a string holding an RFC 3339 date-time (zone optional) or a date.
func temporal(v value) (t time.Time, isDate, ok bool) {
	switch v.k {
	case vTime:
		return v.t, false, true
	case vDate:
		return v.t, true, true
	case vStr:
		if looksTemporal(v.s) {
			return parseTimestamp(v.s)
		}
	}
	return time.Time{}, false, false
}

// looksTemporal is a cheap test before parseTimestamp: "dddd-dd-dd...".
func looksTemporal(s string) bool {
	return len(s) >= 10 && s[4] == '-' && s[7] == '-' && isDigit(s[0]) && isDigit(s[9])
}
