package inventory

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Event is one line of the audit log. It never holds a value.
type Event struct {
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Path    string    `json:"path"`    // "" for a change of members or scopes
	Version int       `json:"version"` // 0 when no one version is concerned
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail,omitempty"`
	Prev    string    `json:"prev"` // SHA-256 of the previous line of the same file, hex
}

// Audit actions written by the foundation; later features add their own.
const (
	ActionRead   = "read"
	ActionReveal = "reveal" // shown on screen in the TUI
	ActionCopy   = "copy"   // copied to the clipboard from the TUI
	ActionSet    = "set"
	ActionCreate = "create" // a secret registered without a value
	ActionStage  = "stage"  // a new value staged as pending
	ActionEdit   = "edit"
	// A guided rotation: its start, each step, the approval, the promote,
	// its end and its rollback.
	ActionRotateStart    = "rotate-start"
	ActionRotateStep     = "rotate-step"
	ActionRotateApprove  = "rotate-approve"
	ActionRotatePromote  = "rotate-promote"
	ActionRotateFinish   = "rotate-finish"
	ActionRotateRollback = "rotate-rollback"
	ActionRemove         = "remove"
	ActionMemberAdd      = "member-add"
	ActionMemberRemove   = "member-remove"
	ActionScopeSet       = "scope-set"
	ActionMembersResolve = "members-resolve" // the clashes a merge recorded in recipients.yaml, settled
	ActionReencrypt      = "reencrypt"
	// A job's references resolved by cabinet run, a file's by cabinet
	// render: one line each, whose Detail lists every value read.
	ActionRun    = "run"
	ActionRender = "render"
	// A scan for copies of the values in files: one line for every value
	// it read, which no report counts as a use of them.
	ActionScan = "scan"
)

// UnknownActor is the actor of an event by an identity that is no member's
// (a read refused to an outsider, the workbench of a non-member): never a
// member, so never a former one.
const UnknownActor = "unknown"

// Outcomes.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied"
	OutcomeFailed = "failed"
)

// ChainHash is the value the next line's Prev holds: the SHA-256 of a line's
// bytes without its newline. The first line of a file has Prev "".
func ChainHash(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// ReadDetail is the Detail of a run or render event: what read the values
// (the command's name, the file's), then each value read as PATH#N.
func ReadDetail(what string, paths []string, versions []int) string {
	var b strings.Builder
	b.WriteString(what)
	b.WriteString(":")
	for i, p := range paths {
		b.WriteString(" " + p + "#" + strconv.Itoa(versions[i]))
	}
	return b.String()
}

// Paths are the secrets an event concerns: the values a run or a render
// read (from its Detail), else its Path, if any.
func (e *Event) Paths() []string {
	if e.Action != ActionRun && e.Action != ActionRender {
		if e.Path == "" {
			return nil
		}
		return []string{e.Path}
	}
	_, list, _ := strings.Cut(e.Detail, ": ")
	var paths []string
	for _, ref := range strings.Fields(list) {
		if p, _, err := ParseRef(ref); err == nil && p != "" {
			paths = append(paths, p)
		}
	}
	return paths
}
