package cli

import (
	"bufio"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// `ls --json` of 10,000 secrets spent more time in encoding/json's
// reflection than in anything but walking the store, so its entries are
// written by hand, to the byte what encoding/json writes of them (fields
// in order, omitempty honoured, HTML characters escaped):
// TestLsJSONIsEncodingJSON holds the two to each other. A person at a
// terminal gets encoding/json's indented output.

// writeLsJSON prints the entries of `ls --json`.
func writeLsJSON(a *App, entries []lsEntry) error {
	if a.Terminal(a.Out) {
		return a.writeJSON(entries)
	}
	w := bufio.NewWriterSize(a.Out, 64<<10)
	b := []byte{'['}
	for i := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = entries[i].appendJSON(b); err != nil {
			return err
		}
		if len(b) > 32<<10 {
			w.Write(b)
			b = b[:0]
		}
	}
	w.Write(append(b, ']', '\n'))
	return w.Flush()
}

// appendJSON appends e as encoding/json writes it.
func (e *lsEntry) appendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"path":`...)
	b = jsonString(b, e.Path)
	b = append(b, `,"owner":`...)
	b = jsonString(b, e.Owner)
	if e.Description != "" {
		b = append(b, `,"description":`...)
		b = jsonString(b, e.Description)
	}
	b = append(b, `,"tags":`...)
	b = jsonStrings(b, e.Tags)
	b = append(b, `,"version":`...)
	b = jsonIntPtr(b, e.Version)
	b = append(b, `,"status":`...)
	b = jsonString(b, e.Status)
	b = append(b, `,"deadline":`...)
	if e.Deadline == nil {
		b = append(b, "null"...)
	} else if b, err = jsonTime(b, *e.Deadline); err != nil {
		return nil, err
	}
	if e.Every != "" {
		b = append(b, `,"every":`...)
		b = jsonString(b, e.Every)
	}
	if e.Runbook != "" {
		b = append(b, `,"runbook":`...)
		b = jsonString(b, e.Runbook)
	}
	b = append(b, `,"readers":`...)
	b = jsonStrings(b, e.Readers)
	b = append(b, `,"versions":`...)
	if b, err = appendList(b, e.Versions, (*versionEntry).appendJSON); err != nil {
		return nil, err
	}
	if len(e.Exposures) > 0 {
		b = append(b, `,"exposed":`...)
		if b, err = appendList(b, e.Exposures, (*exposureEntry).appendJSON); err != nil {
			return nil, err
		}
	}
	if len(e.Conflicts) > 0 {
		b = append(b, `,"conflicts":`...)
		b = jsonStrings(b, e.Conflicts)
	}
	if r := e.Rotating; r != nil {
		if b, err = r.appendJSON(append(b, `,"rotating":`...)); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func (v *versionEntry) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"version":`...)
	b = strconv.AppendInt(b, int64(v.Version), 10)
	if v.SealedAs != 0 {
		b = append(b, `,"sealed_as":`...)
		b = strconv.AppendInt(b, int64(v.SealedAs), 10)
	}
	b = append(b, `,"state":`...)
	b = jsonString(b, v.State)
	b = append(b, `,"created":`...)
	b, err := jsonTime(b, v.Created)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"author":`...)
	b = jsonString(b, v.Author)
	return append(b, '}'), nil
}

func (x *exposureEntry) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"member":`...)
	b = jsonString(b, x.Member)
	b = append(b, `,"at":`...)
	b, err := jsonTime(b, x.At)
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// appendList appends list as a JSON array of what add appends of each
// element; null for nil, as encoding/json writes it.
func appendList[T any](b []byte, list []T, add func(*T, []byte) ([]byte, error)) ([]byte, error) {
	if list == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i := range list {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = add(&list[i], b); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func (r *rotatingEntry) appendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"version":`...)
	b = strconv.AppendInt(b, int64(r.Version), 10)
	if r.Runbook != "" {
		b = append(b, `,"runbook":`...)
		b = jsonString(b, r.Runbook)
	}
	b = append(b, `,"started":`...)
	if b, err = jsonTime(b, r.Started); err != nil {
		return nil, err
	}
	b = append(b, `,"by":`...)
	b = jsonString(b, r.By)
	b = append(b, `,"next_step":`...)
	b = strconv.AppendInt(b, int64(r.NextStep), 10)
	if r.Approved != "" {
		b = append(b, `,"approved_by":`...)
		b = jsonString(b, r.Approved)
	}
	if r.WaitUntil != nil {
		b = append(b, `,"wait_until":`...)
		if b, err = jsonTime(b, *r.WaitUntil); err != nil {
			return nil, err
		}
	}
	if r.Last != "" {
		b = append(b, `,"last":`...)
		b = jsonString(b, r.Last)
	}
	return append(b, '}'), nil
}

// jsonString appends s quoted. Plain ASCII, by far the most of what an
// inventory holds, is copied as it is; a string with anything
// encoding/json would escape (quotes, control and HTML characters, U+2028,
// invalid UTF-8) is left to encoding/json.
func jsonString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s) // a string always encodes
			return append(b, quoted...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func jsonStrings(b []byte, list []string) []byte {
	b, _ = appendList(b, list, func(s *string, b []byte) ([]byte, error) { return jsonString(b, *s), nil })
	return b
}

func jsonIntPtr(b []byte, n *int) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*n), 10)
}

// jsonTime appends t as time.Time's MarshalJSON does. A time it would
// refuse or write otherwise (a year outside 0–9999, an offset of a day or
// more) is left to it.
func jsonTime(b []byte, t time.Time) ([]byte, error) {
	if _, offset := t.Zone(); t.Year() < 0 || t.Year() > 9999 || offset <= -24*3600 || offset >= 24*3600 {
		text, err := t.MarshalJSON()
		return append(b, text...), err
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}
