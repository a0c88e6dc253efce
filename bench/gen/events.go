package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// The people of a large store's audit history: the store's own member
// reads and changes most, a dozen teammates read, and two of them have
// since left (member-remove events of theirs, no longer in recipients).
var teammates = []string{"ana", "ben", "chloe", "dev", "eli", "fatima", "gus", "hana", "ivan", "jo", "kai", "lena"}

const formerMembers = 2 // the last two of teammates

// writeEvents writes n audit events, spread over the 180 days before now,
// into the members' logs, chained as cabinet writes them: mostly reads of
// the secrets specs made, and some changes, rotations and refused reads.
// It writes the files directly: through Store.Audit, which locks the log
// and reads its tail for each line, 100,000 lines take a minute.
func (g *generated) writeEvents(n int, seed uint64, member string) error {
	if err := g.addTeammates(member); err != nil {
		return err
	}
	r := mrand.New(mrand.NewPCG(seed, 0x61756469)) // "audi"
	people := append([]string{member}, teammates...)
	byMember := map[string][]inventory.Event{}
	start := g.now.Add(-180 * day)
	for range n {
		who := people[r.IntN(len(people))]
		if r.IntN(3) == 0 {
			who = member
		}
		sp := &g.specs[r.IntN(len(g.specs))]
		span := 180 * day
		if slices.Contains(teammates[len(teammates)-formerMembers:], who) {
			span = 160 * day // until they left, 20 days ago
		}
		e := inventory.Event{
			Time:  start.Add(time.Duration(r.Int64N(int64(span)))),
			Actor: who, Path: sp.path, Version: 1 + r.IntN(3), Outcome: inventory.OutcomeOK,
		}
		switch k := r.IntN(100); {
		case k < 70:
			e.Action = []string{inventory.ActionRead, inventory.ActionRead, inventory.ActionReveal, inventory.ActionCopy}[r.IntN(4)]
		case k < 73:
			e.Action, e.Outcome, e.Detail = inventory.ActionRead, inventory.OutcomeDenied, "no identity of yours can open it"
		case k < 85:
			e.Action = []string{inventory.ActionSet, inventory.ActionEdit}[r.IntN(2)]
		default:
			e.Action = []string{inventory.ActionRotateStart, inventory.ActionRotateStep, inventory.ActionRotatePromote, inventory.ActionRotateFinish, inventory.ActionRotateRollback}[r.IntN(5)]
		}
		byMember[who] = append(byMember[who], e)
	}
	for _, gone := range teammates[len(teammates)-formerMembers:] {
		byMember[member] = append(byMember[member], inventory.Event{Time: g.now.Add(-20 * day), Actor: member,
			Action: inventory.ActionMemberRemove, Outcome: inventory.OutcomeOK, Detail: gone})
	}
	for who, events := range byMember {
		sort.SliceStable(events, func(i, j int) bool { return events[i].Time.Before(events[j].Time) })
		if err := appendChained(filepath.Join(g.dir, "audit", who+".jsonl"), events); err != nil {
			return err
		}
	}
	return nil
}

// appendChained appends events to a log, each chained to the line before.
func appendChained(name string, events []inventory.Event) error {
	old, err := os.ReadFile(name)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	prev := ""
	if lines := inventory.LogLines(old); len(lines) > 0 {
		prev = inventory.ChainHash(lines[len(lines)-1])
	}
	buf := bytes.NewBuffer(old)
	for i := range events {
		events[i].Prev = prev
		line, err := json.Marshal(&events[i])
		if err != nil {
			return err
		}
		buf.Write(line)
		buf.WriteByte('\n')
		prev = inventory.ChainHash(line)
	}
	if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// addTeammates makes the teammates who have not left members of the store,
// in no scope (nothing is re-encrypted), with keys made for the run.
func (g *generated) addTeammates(member string) error {
	for _, name := range teammates[:len(teammates)-formerMembers] {
		key, err := crypto.GenerateIdentity()
		if err != nil {
			return err
		}
		if _, err := g.store.AddMember(name, key.Public, nil, g.id, store.Act{Actor: member, Now: g.now}); err != nil {
			return err
		}
	}
	return nil
}
