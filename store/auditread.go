package store

import (
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/cabinethq/cabinet/inventory"
)

// AuditLog is one member's log as it is on disk, and what its chain says.
type AuditLog struct {
	// Member is whose log it is, from the file's name.
	Member string
	// Name is the file, relative to the store (audit/alice.jsonl).
	Name string
	// Events are the lines that are events, in the file's order.
	Events []inventory.Event
	Check  inventory.LogCheck
	raw    []byte // the file's bytes, for the anchor
}

// AuditLogs reads every member's log and checks its chain, the logs on
// every core. A log that cannot be read (a link, a folder) is an error.
func (s *Store) AuditLogs() ([]AuditLog, error) {
	fsys, err := s.files()
	if err != nil {
		return nil, err
	}
	names, err := s.AuditFiles()
	if err != nil {
		return nil, err
	}
	logs := make([]AuditLog, len(names))
	errs := make([]error, len(names))
	next := make(chan int, len(names))
	for i := range names {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(names)) {
		wg.Go(func() {
			for i := range next {
				logs[i], errs[i] = readAuditLog(fsys, names[i])
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return logs, nil
}

func readAuditLog(fsys *storeFS, name string) (AuditLog, error) {
	name = path.Clean(strings.ReplaceAll(name, "\\", "/"))
	data, err := fsys.readFile(name)
	if err != nil {
		return AuditLog{}, err
	}
	member := strings.TrimSuffix(path.Base(name), ".jsonl")
	events, check := inventory.CheckLog(member, data)
	return AuditLog{Member: member, Name: name, Events: events, Check: check, raw: data}, nil
}

// Events are the events of every log that f picks, newest first (then by
// member, then in the order of the file, for the same time).
func (s *Store) Events(f inventory.Filter) ([]inventory.Event, error) {
	logs, err := s.AuditLogs()
	if err != nil {
		return nil, err
	}
	return Picked(logs, f), nil
}

// Picked are the events of logs that f picks, newest first.
func Picked(logs []AuditLog, f inventory.Filter) []inventory.Event {
	var out []inventory.Event
	for _, l := range logs {
		if f.Member != "" && l.Member != f.Member {
			continue
		}
		for i := len(l.Events) - 1; i >= 0; i-- {
			if e := &l.Events[i]; e.Action != inventory.ActionJoin && f.Match(e) {
				out = append(out, *e)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.After(out[j].Time)
		}
		return out[i].Actor < out[j].Actor
	})
	return out
}
