package store

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/cabinethq/cabinet/inventory"
	"go.yaml.in/yaml/v3"
)

// What Git's merge driver merges: the store's files that two clones change
// at the same time. Everything here works on the three versions' bytes,
// as Git hands them over; nothing touches the store.

// MergeResult is a merged file's content and what the merge says about it.
type MergeResult struct {
	Data []byte
	// Kind is what the file is: "secret", "recipients" or "audit".
	Kind string
	// Path is the secret's path, for a secret file.
	Path string
	// Conflict: the merged file is in conflict, for a member to settle: a
	// secret (a value of each side, or fields both changed) with `cabinet
	// resolve`, recipients.yaml (a clash recorded) with `cabinet members
	// resolve`.
	Conflict bool
	// Clashes are the clashes of recipients.yaml this merge found (see
	// inventory.MergeRecipients), recorded in the file.
	Clashes []string
}

// MergeFile merges the two sides of a store file from their common
// ancestor: base (empty when both sides added the file), ours and theirs.
// name is the file's path in the repository (Git's %P), or "" to tell the
// file by its content. A secret file merges by version
// (inventory.MergeSecret), recipients.yaml by member and scope, an audit
// log as the union of its lines. A side that cannot be read, or a file of
// another kind, is an error naming it: Git then reports a conflict, and
// leaves ours as it was.
func MergeFile(name string, base, ours, theirs []byte) (MergeResult, error) {
	kind, err := mergeKind(name, ours)
	if err != nil {
		return MergeResult{}, err
	}
	switch kind {
	case "recipients":
		return mergeRecipientsFile(base, ours, theirs)
	case "audit":
		data, err := inventory.MergeAuditLog(base, ours, theirs)
		if err != nil {
			return MergeResult{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return MergeResult{Data: data, Kind: kind}, nil
	}
	return mergeSecretFile(name, base, ours, theirs)
}

// mergeKind tells which file name is: by its place in the store (which may
// be a folder of the repository), else by its content.
func mergeKind(name string, ours []byte) (string, error) {
	name = strings.TrimPrefix(path.Clean("/"+strings.ReplaceAll(name, "\\", "/")), "/")
	dir, base := path.Split(name)
	switch {
	case name == "":
	case base == recipientsFile:
		return "recipients", nil
	case path.Base(strings.TrimSuffix(dir, "/")) == auditDir && strings.HasSuffix(base, ".jsonl"):
		return "audit", nil
	case strings.HasSuffix(base, secretExt) && (strings.HasPrefix(name, secretsDir+"/") || strings.Contains(name, "/"+secretsDir+"/")):
		return "secret", nil
	default:
		return "", fmt.Errorf("%s: cabinet merges secret files, %s and audit logs, not this file", inventory.Printable(name), recipientsFile)
	}
	text := strings.TrimLeft(string(ours), " \t\r\n")
	switch {
	case strings.HasPrefix(text, "cabinet:"):
		return "secret", nil
	case strings.HasPrefix(text, "members:"), strings.HasPrefix(text, "scopes:"):
		return "recipients", nil
	case strings.HasPrefix(text, "{"):
		return "audit", nil
	}
	return "", errors.New("cannot tell which of cabinet's files this is: give its path in the repository (%P)")
}

// mergeSecretFile merges one secret's file. Its path is what the files
// say; name, if given, must end with it (secrets/PATH.yaml).
func mergeSecretFile(name string, base, ours, theirs []byte) (MergeResult, error) {
	var head struct {
		Path string `yaml:"path"`
	}
	if err := yaml.Unmarshal(ours, &head); err != nil || head.Path == "" {
		return MergeResult{}, fmt.Errorf("ours: %w: no path: field", ErrCorrupt)
	}
	p := head.Path
	if name != "" && !strings.HasSuffix("/"+name, "/"+secretName(p)) {
		return MergeResult{}, fmt.Errorf("%s: %w: path: the file says %q", inventory.Printable(name), ErrCorrupt, inventory.Printable(p))
	}
	o, a, b, err := parseSides(base, ours, theirs, func(side string, data []byte) (*inventory.Secret, error) {
		if side == sideBase && len(bytes.TrimSpace(data)) == 0 {
			return nil, nil // added on both sides
		}
		// Any environment: the merge keeps what the files hold; the store
		// checks its own environments when it reads the result.
		sec, err := ParseSecret(data, p, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", inventory.Printable(p), side, err)
		}
		return sec, nil
	})
	if err != nil {
		return MergeResult{}, err
	}
	m := inventory.MergeSecret(o, a, b)
	if err := m.Validate(nil); err != nil {
		// MergeSecret promises a valid result; say so rather than write one.
		return MergeResult{}, fmt.Errorf("%s: the merge is not a valid secret (%v): this is a bug in cabinet", inventory.Printable(p), err)
	}
	data, err := FormatSecret(m)
	if err != nil {
		return MergeResult{}, err
	}
	return MergeResult{Data: data, Kind: "secret", Path: p, Conflict: m.InConflict()}, nil
}

// sideBase names the common ancestor in errors, beside "ours" and
// "theirs".
const sideBase = "common ancestor"

// parseSides parses the three sides of a merge with parse, which names
// the side at fault.
func parseSides[T any](base, ours, theirs []byte, parse func(side string, data []byte) (T, error)) (o, a, b T, err error) {
	if o, err = parse(sideBase, base); err != nil {
		return
	}
	if a, err = parse("ours", ours); err != nil {
		return
	}
	b, err = parse("theirs", theirs)
	return
}

// mergeRecipientsFile merges recipients.yaml; a clash is recorded in the
// merged file.
func mergeRecipientsFile(base, ours, theirs []byte) (MergeResult, error) {
	o, a, b, err := parseSides(base, ours, theirs, func(side string, data []byte) (inventory.Recipients, error) {
		var f fileRecipients
		if len(bytes.TrimSpace(data)) == 0 && side == sideBase {
			return inventory.Recipients{}, nil
		}
		if err := decodeStrict(data, &f); err != nil {
			return inventory.Recipients{}, fmt.Errorf("%s: %s: %w: %v", recipientsFile, side, ErrCorrupt, err)
		}
		r := inventory.Recipients{Members: f.Members, Scopes: f.Scopes, Conflicts: f.Conflicts}
		if err := r.Validate(); err != nil {
			return inventory.Recipients{}, fmt.Errorf("%s: %s: %w: %v", recipientsFile, side, ErrCorrupt, err)
		}
		return r, nil
	})
	if err != nil {
		return MergeResult{}, err
	}
	m, clashes := inventory.MergeRecipients(o, a, b)
	if err := m.Validate(); err != nil {
		return MergeResult{}, fmt.Errorf("%s: the merge is not valid (%v): this is a bug in cabinet", recipientsFile, err)
	}
	// A clash is recorded in the file (conflicts:), as a secret's is: the
	// merge goes through, nothing is sealed until a member of scope *
	// settles it (`cabinet members resolve`).
	data, err := encodeYAML(fileRecipients{Members: m.Members, Scopes: m.Scopes, Conflicts: m.Conflicts})
	if err != nil {
		return MergeResult{}, err
	}
	return MergeResult{Data: data, Kind: "recipients", Clashes: clashes, Conflict: len(m.Conflicts) > 0}, nil
}

// encodeYAML is a store file's YAML as the store writes it.
func encodeYAML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
