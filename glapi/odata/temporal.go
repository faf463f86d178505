package odata

import (
	"strings"
	"time"
)

// digitsAt reports whether s[i:i+n] are n ASCII digits, and their value.
func digitsAt(s string, i, n int) (int, bool) {
	if i < 0 || i+n > len(s) {
		return 0, false
	}
	v := 0
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return 0, false
		}
		v = v*10 + int(s[k]-'0')
	}
	return v, true
}

// scanTemporal reads a date (2024-01-01) or date-time
// (2024-07-01T17:44:30.5Z) literal at s[i:]. It returns a nil literal and no
// error when s[i:] does not start like a date. A date-time without a zone is
// an error unless allowNoZone, when it is taken as UTC.
func scanTemporal(s string, i int, allowNoZone bool) (*Lit, int, *lexError) {
	year, ok1 := digitsAt(s, i, 4)
	month, ok2 := digitsAt(s, i+5, 2)
	day, ok3 := digitsAt(s, i+8, 2)
	if !ok1 || !ok2 || !ok3 || s[i+4] != '-' || s[i+7] != '-' {
		return nil, 0, nil
	}
	date := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || date.Day() != day {
		return nil, 0, &lexError{pos: i, msg: "invalid date " + s[i:i+10]}
	}
	end := i + 10
	if end >= len(s) || (s[end] != 'T' && s[end] != 't') {
		return &Lit{Kind: KindDate, Str: s[i:end], Time: date}, end, nil
	}
	j := end + 1
	hour, okH := digitsAt(s, j, 2)
	if !okH || j+2 >= len(s) || s[j+2] != ':' {
		return nil, 0, &lexError{pos: j, msg: "expected a time hh:mm after T"}
	}
	minute, okM := digitsAt(s, j+3, 2)
	if !okM {
		return nil, 0, &lexError{pos: j + 3, msg: "expected the minutes (two digits)"}
	}
	j += 5
	second, nanos := 0, 0
	if j < len(s) && s[j] == ':' {
		var ok bool
		if second, ok = digitsAt(s, j+1, 2); !ok {
			return nil, 0, &lexError{pos: j + 1, msg: "expected the seconds (two digits)"}
		}
		j += 3
		if j < len(s) && s[j] == '.' {
			k := j + 1
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			n := k - j - 1
			if n == 0 || n > 12 {
				return nil, 0, &lexError{pos: j + 1, msg: "expected 1 to 12 digits of fractional seconds"}
			}
			frac := (s[j+1:k] + "000000000")[:9]
			nanos, _ = digitsAt(frac, 0, 9)
			j = k
		}
	}
	if hour > 23 || minute > 59 || second > 59 {
		return nil, 0, &lexError{pos: end + 1, msg: "invalid time " + s[end+1:j]}
	}
	loc := time.UTC
	switch {
	case j < len(s) && (s[j] == 'Z' || s[j] == 'z'):
		j++
	case j < len(s) && (s[j] == '+' || s[j] == '-'):
		oh, ok1 := digitsAt(s, j+1, 2)
		om, ok2 := digitsAt(s, j+4, 2)
		if !ok1 || !ok2 || s[j+3] != ':' || oh > 23 || om > 59 {
			return nil, 0, &lexError{pos: j, msg: "expected a zone offset +hh:mm or -hh:mm"}
		}
		off := oh*3600 + om*60
		if s[j] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
		j += 6
	default:
		if !allowNoZone {
			return nil, 0, &lexError{pos: j, msg: "a date-time literal needs a time zone (Z or +hh:mm)",
				hint: "add Z for UTC, e.g. 2024-07-01T17:44:30Z"}
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, nanos, loc)
	text := strings.Map(func(r rune) rune {
		switch r {
		case 't':
			return 'T'
		case 'z':
			return 'Z'
		}
		return r
	}, s[i:j])
	return &Lit{Kind: KindDateTime, Str: text, Time: t}, j, nil
}

// parseTimestamp reads a whole string as a date-time (a missing zone means
// UTC, as GreenLake identity writes them) or a date (midnight UTC). isDate
// reports the second case.
func parseTimestamp(s string) (t time.Time, isDate, ok bool) {
	if len(s) < 10 || s[4] != '-' {
		return time.Time{}, false, false
	}
	lit, end, err := scanTemporal(s, 0, true)
	if err != nil || lit == nil || end != len(s) {
		return time.Time{}, false, false
	}
	return lit.Time, lit.Kind == KindDate, true
}
