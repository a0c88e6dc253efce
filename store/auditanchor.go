package store

import (
	"encoding/json"
	"errors"
	"io/fs"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// A hash chain shows a line removed or changed in the middle of a log, not
// the log cut short or its last lines rewritten: whoever did that left a
// shorter chain that holds. So each clone keeps, outside the log, an
// anchor for each member's log: the hash of the last line of a change it
// wrote there, after that line was synced. audit verify then finds that
// line in the log, wherever a merge has moved it. The anchor is local
// (under .cabinet/cache, which Git ignores), out of reach of whoever can
// only push to the shared repository. A read's line is not anchored: a
// crash may lose the last read lines, and that is no tampering.

// anchorDir holds the anchors, one file per member.
const anchorDir = cacheDir + "/anchors"

// anchor is the last line of a change this clone wrote to a member's log.
type anchor struct {
	Hash   string    `json:"hash"`
	Time   time.Time `json:"time"`
	Action string    `json:"action"`
	Path   string    `json:"path,omitempty"`
}

// writeAnchor records line, just synced to member's log, as its anchor.
// Failing to is not an error: the anchor only makes verification stronger.
func (s *Store) writeAnchor(member string, line []byte, e inventory.Event) {
	data, err := json.Marshal(anchor{Hash: inventory.ChainHash(line), Time: e.Time, Action: e.Action, Path: e.Path})
	if err == nil {
		_ = s.writeFileSynced(anchorDir+"/"+auditFileName(member), data)
	}
}

// readAnchor returns member's anchor; ok is false when there is none, or
// it cannot be read (a crash while it was written: no anchor, no alarm).
func (s *Store) readAnchor(member string) (a anchor, ok bool, err error) {
	fsys, err := s.files()
	if err != nil {
		return a, false, err
	}
	data, err := fsys.readFile(anchorDir + "/" + auditFileName(member))
	if errors.Is(err, fs.ErrNotExist) {
		return a, false, nil
	}
	if err != nil {
		return a, false, err
	}
	if json.Unmarshal(data, &a) != nil || a.Hash == "" {
		return a, false, nil
	}
	return a, true, nil
}
