package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strconv"
	"sync"
	"time"
)

// Kind is what a Record is.
type Kind string

// The kinds of records.
const (
	// KindRead is a request that changes nothing, with its answer; it is
	// written once answered.
	KindRead Kind = "read"
	// KindIntent is a change about to be sent; it is durable before the
	// change is sent.
	KindIntent Kind = "intent"
	// KindAnswer is what came back for the intent Of: a Response, or an
	// Error when no answer came.
	KindAnswer Kind = "answer"
	// KindVoid sets aside the record Of (a read or an intent) whose
	// failure proved it had no effect, so that a resumed run asks again
	// instead of replaying the failure.
	KindVoid Kind = "void"
)

// Record is one line of a journal.
type Record struct {
	// Seq numbers the records of a journal from 1, without gaps.
	Seq int `json:"seq"`
	// Kind is what the record is.
	Kind Kind `json:"kind"`
	// Time is when the record was written, on the run's clock.
	Time time.Time `json:"time"`
	// Of is, for an answer or a void, the Seq of the record it is about.
	Of int `json:"of,omitempty"`
	// Call describes the request of a read or an intent.
	Call *Call `json:"call,omitempty"`
	// Request is the request of a read or an intent, secrets redacted.
	Request *Request `json:"request,omitempty"`
	// Response is the answer of a read, or of an intent (in its answer
	// record), secrets redacted.
	Response *Response `json:"response,omitempty"`
	// Error is, in an answer record, what came back instead of an answer.
	Error *Failure `json:"error,omitempty"`
}

// Call is the part of a glapi.Call worth keeping: what the request was
// about, for people and for the outcome checks.
type Call struct {
	// Kind is glapi.Call.Kind(), such as "POST /compute-ops-mgmt/v1/jobs".
	Kind string `json:"kind"`
	// ID is the object of the request, if any.
	ID string `json:"id,omitempty"`
	// OutcomeCheck marks the reads that look for the result of a change
	// whose outcome was unknown.
	OutcomeCheck bool `json:"outcomeCheck,omitempty"`
	// JobTemplate and JobResource are set for a job creation.
	JobTemplate string `json:"jobTemplate,omitempty"`
	JobResource string `json:"jobResource,omitempty"`
}

// Request is a request as journalled.
type Request struct {
	Method string `json:"method"`
	// URL is the path and query (the host is the run's target).
	URL         string `json:"url"`
	ContentType string `json:"contentType,omitempty"`
	Body        string `json:"body,omitempty"`
}

// Response is an answer as journalled: its status, the few headers a run
// reads (Content-Type, Location, Date, Retry-After) and its body.
type Response struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	Body   string            `json:"body,omitempty"`
}

// Failure is what came back instead of an answer.
type Failure struct {
	// Message is the error's text.
	Message string `json:"message"`
	// Unknown is true when the change may have taken effect (the error
	// wraps glapi.ErrOutcomeUnknown, or no answer was ever journalled).
	Unknown bool `json:"unknown,omitempty"`
}

// castagnoli returns the CRC-32C table of the per-line checksums, built on
// first use: building it (hardware tables on amd64) is a tenth of a
// millisecond that every command would otherwise pay at start, journal or not.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// encodeLine returns r as one journal line: the CRC-32C of the JSON text as
// eight hex digits, a space, the JSON text and a newline.
func encodeLine(r Record) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("journal: encoding record %d: %w", r.Seq, err)
	}
	js := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	line := make([]byte, 0, len(js)+10)
	line = fmt.Appendf(line, "%08x ", crc32.Checksum(js, castagnoli()))
	line = append(line, js...)
	return append(line, '\n'), nil
}

// decodeLine parses one journal line (without its newline), checking its
// checksum.
func decodeLine(line []byte) (Record, error) {
	var r Record
	if len(line) < 10 || line[8] != ' ' {
		return r, fmt.Errorf("not a journal line")
	}
	want, err := strconv.ParseUint(string(line[:8]), 16, 32)
	if err != nil {
		return r, fmt.Errorf("bad checksum field %q", line[:8])
	}
	js := line[9:]
	if got := crc32.Checksum(js, castagnoli()); uint32(want) != got {
		return r, fmt.Errorf("checksum mismatch (%08x, line says %08x)", got, want)
	}
	if err := json.Unmarshal(js, &r); err != nil {
		return r, fmt.Errorf("checksum matches but the record is not valid: %w", err)
	}
	return r, nil
}

// Journal is what reading a run's journal gives.
type Journal struct {
	// Records are the whole records, in order.
	Records []Record
	// Torn, when not nil, describes an incomplete or damaged last line,
	// which is not part of Records: the trace of a write cut short.
	Torn *TornTail
}

// TornTail is an incomplete or damaged last line of a journal.
type TornTail struct {
	// Line is its line number (from 1).
	Line int
	// Offset is where it starts in the file; Bytes is its length.
	Offset, Bytes int64
	// Why says what is wrong with it.
	Why string
}

// String describes t for a warning.
func (t *TornTail) String() string {
	return fmt.Sprintf("line %d (%d bytes at offset %d) is torn: %s; it is ignored", t.Line, t.Bytes, t.Offset, t.Why)
}

// CorruptError is a journal damaged somewhere other than its last line:
// glrun cannot tell what the run did, so it refuses to resume it.
type CorruptError struct {
	// Run is the run's id.
	Run string
	// Line is the first damaged line (from 1).
	Line int
	// Why says what is wrong with it.
	Why string
}

// Error names the run, the line and the damage.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("journal of run %s is corrupt at line %d: %s (only a torn last line can be set aside; "+
		"this run cannot be resumed safely)", e.Run, e.Line, e.Why)
}

// parseJournal splits data into records. A damaged last line (with or
// without its newline, or trailing zero bytes left by a crash) is a torn
// tail; damage anywhere else is a *CorruptError, and so is a break in the
// sequence numbers (a record lost or repeated).
func parseJournal(run string, data []byte) (Journal, error) {
	var j Journal
	var off int64
	for n := 1; len(data) > 0; n++ {
		line, rest, complete := bytes.Cut(data, []byte("\n"))
		size := int64(len(line))
		if complete {
			size++
		}
		r, err := decodeLine(line)
		last := len(bytes.Trim(rest, "\x00\n")) == 0
		switch {
		case err == nil && !complete:
			err = fmt.Errorf("no newline at the end")
		case err == nil && r.Seq != len(j.Records)+1:
			if last {
				err = fmt.Errorf("sequence number %d, want %d", r.Seq, len(j.Records)+1)
			} else {
				return j, &CorruptError{Run: run, Line: n, Why: fmt.Sprintf("sequence number %d, want %d: a record is missing or repeated", r.Seq, len(j.Records)+1)}
			}
		}
		if err != nil {
			if !last {
				return j, &CorruptError{Run: run, Line: n, Why: err.Error()}
			}
			j.Torn = &TornTail{Line: n, Offset: off, Bytes: int64(len(data)), Why: err.Error()}
			return j, nil
		}
		j.Records = append(j.Records, r)
		off += size
		data = rest
	}
	return j, nil
}
