package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// ErrExists refuses to create a secret that is there already.
var ErrExists = errors.New("already exists")

// Create registers a secret that has no value yet (status no-value): its
// owner and policy are known, its value comes later, for example from a
// partner. edit sets its metadata.
func (s *Store) Create(path string, act Act, edit func(*inventory.Secret) error) (_ *inventory.Secret, err error) {
	done, err := s.beginWrite(path, act)
	if err != nil {
		return nil, err
	}
	defer done(&err)
	if _, err := s.Load(path); !errors.Is(err, ErrNotFound) {
		if err == nil {
			err = inventory.WithHint(fmt.Errorf("secret %s %w", path, ErrExists), "open it to edit it, or choose another path")
		}
		return nil, err
	}
	sec := &inventory.Secret{Path: path}
	if err := edit(sec); err != nil {
		return nil, err
	}
	if sec.Path != path {
		return nil, fmt.Errorf("%s: an edit cannot move a secret to %s", path, sec.Path)
	}
	// Record whom its values will be for, so that it is not taken for a
	// secret whose re-encryption was interrupted.
	readers, _, sum, err := s.scopeTarget(path)
	if err != nil {
		return nil, err
	}
	sec.Readers, sec.ReadersSum = readers, sum
	if err := s.commit(sec, act.event(inventory.ActionCreate, path, 0, inventory.OutcomeOK, "")); err != nil {
		return nil, err
	}
	return sec, nil
}

// Stage seals value as the pending version of path, the first step of a
// rotation: the current version stays in use until the pending one is
// promoted.
func (s *Store) Stage(path string, value []byte, act Act) (*inventory.Secret, inventory.Version, error) {
	return s.stage(path, value, act, func(sec *inventory.Secret, v inventory.Version) inventory.Event {
		return act.event(inventory.ActionStage, path, v.Number, inventory.OutcomeOK, "")
	})
}

// ErrRotating refuses to start a rotation while one is in progress.
var ErrRotating = errors.New("a rotation is in progress")

// StartRotation stages value as the pending version of path and records a
// rotation in progress that follows runbook ("" for a rotation in one
// step).
func (s *Store) StartRotation(path string, value []byte, runbook string, act Act) (*inventory.Secret, error) {
	sec, _, err := s.stage(path, value, act, func(sec *inventory.Secret, v inventory.Version) inventory.Event {
		sec.Rotating = &inventory.Rotating{Version: v.Number, Runbook: runbook, Started: act.Now.UTC().Truncate(time.Second), By: act.Actor}
		return act.event(inventory.ActionRotateStart, path, v.Number, inventory.OutcomeOK, runbookDetail(runbook))
	})
	return sec, err
}

func runbookDetail(runbook string) string {
	if runbook == "" {
		return "in one step (no runbook)"
	}
	return "runbook " + runbook
}

// stage seals value as a new pending version; started records what the
// staging begins and returns its audit event.
func (s *Store) stage(path string, value []byte, act Act, started func(*inventory.Secret, inventory.Version) inventory.Event) (_ *inventory.Secret, _ inventory.Version, err error) {
	if err := checkValue(path, value); err != nil {
		return nil, inventory.Version{}, err
	}
	done, err := s.beginWrite(path, act)
	if err != nil {
		return nil, inventory.Version{}, err
	}
	defer done(&err)
	sec, err := s.Load(path)
	if err != nil {
		return nil, inventory.Version{}, err
	}
	if r := sec.Rotating; r != nil {
		return nil, inventory.Version{}, inventory.WithHint(fmt.Errorf("%s: %w (v%d, started by %s on %s)", path, ErrRotating, r.Version, r.By, r.Started.Format(time.DateOnly)),
			"resume it with `cabinet rotate --resume "+path+"` or undo it with `cabinet rotate --rollback "+path+"`")
	}
	ciphertext, err := s.sealValue(sec, value, sec.NextNumber())
	if err != nil {
		return nil, inventory.Version{}, err
	}
	v, err := sec.AddPending(ciphertext, act.Actor, act.Now)
	if err != nil {
		return nil, inventory.Version{}, err
	}
	if err := s.commit(sec, started(sec, v)); err != nil {
		return nil, inventory.Version{}, fmt.Errorf("%s: %w", path, err)
	}
	return sec, v, nil
}
