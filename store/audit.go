package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cabinethq/cabinet/inventory"
)

// Audit appends e to audit/<actor>.jsonl, chained to the file's last line by
// its SHA-256. Every command and screen that reads or changes a secret, a
// member or a scope records it here. The event must not hold a value;
// events carry paths, versions and outcomes.
//
// The line of a change is synced before Audit returns, so it is durable
// before the change is visible. A read's is not: reads are frequent (a
// pipeline resolving its references), and a sync would cost more than the
// decryption. A crash may lose the last read lines, never an earlier line:
// the next change's sync carries the reads written before it.
func (s *Store) Audit(e inventory.Event) error {
	if inventory.ValidateMemberName(e.Actor) != nil {
		e.Actor = inventory.UnknownActor // as the file is named: a log holds its member's events only
	}
	name := auditDir + "/" + auditFileName(e.Actor)
	fsys, err := s.files()
	if err != nil {
		return err
	}
	if err := fsys.mkdirAll(auditDir); err != nil {
		return auditWriteError(name, err)
	}
	f, err := fsys.openFile(name, os.O_RDWR|os.O_CREATE|os.O_APPEND, filePerm)
	if err != nil {
		return auditWriteError(name, err)
	}
	defer f.Close()
	// Two processes of the same member (a get in a pipeline while the TUI is
	// open) must not interleave or chain to the same line.
	if err := lockFileBlocking(f); err != nil {
		return fmt.Errorf("failed to lock %s: %w", name, err)
	}
	defer unlockFile(f)
	last, endsInNewline, err := lastLine(f)
	if err != nil {
		return fmt.Errorf("failed to read %s: %w", name, err)
	}
	if last != nil {
		e.Prev = inventory.ChainHash(last)
	}
	e.Time = e.Time.UTC()
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if !endsInNewline {
		buf.WriteByte('\n') // a torn last line stays a line of its own
	}
	buf.Write(line)
	buf.WriteByte('\n')
	if _, err := f.Write(buf.Bytes()); err != nil {
		return auditWriteError(name, err)
	}
	fsys.touched(name, last == nil) // an empty log may be new to Git
	fsys.recorded(e)
	if inventory.IsAccess(e.Action) {
		return nil
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("failed to sync %s: %w", name, err)
	}
	s.writeAnchor(e.Actor, line, e)
	return nil
}

// auditWriteError explains an audit line that could not be written, most
// often on a read-only store (a mount, a checkout owned by someone else).
// Every read is recorded (DESIGN.md), so the read is refused rather than
// done unrecorded; the message says why and what to do.
func auditWriteError(name string, err error) error {
	if isRefusal(err) {
		return err
	}
	return inventory.WithHint(fmt.Errorf("failed to write the audit log %s: %w", name, bareError(err)),
		"cabinet records every read and change there: make the store writable, or use a writable clone of it")
}

// auditFileName keeps a file name safe whatever the actor is called.
func auditFileName(actor string) string {
	if inventory.ValidateMemberName(actor) != nil {
		actor = inventory.UnknownActor
	}
	return actor + ".jsonl"
}

// lastLine returns the last line of f without its newline (nil for an empty
// file) and whether the file ends in a newline. It reads only the tail: 4
// KiB first, which holds a line of the log, then 64 KiB at a time. Every
// `cabinet get` appends a line, and on a VM where a page fault costs 30 µs
// the 16 pages of a 64 KiB buffer are a few per cent of the whole process.
func lastLine(f *os.File) (line []byte, endsInNewline bool, err error) {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil || size == 0 {
		return nil, true, err
	}
	chunk := int64(4 << 10)
	var tail []byte
	for off := size; off > 0; chunk = 64 << 10 {
		n := min(chunk, off)
		off -= n
		buf := make([]byte, n, int(n)+len(tail))
		if _, err := f.ReadAt(buf, off); err != nil {
			return nil, false, err
		}
		tail = append(buf, tail...)
		endsInNewline = bytes.HasSuffix(tail, []byte("\n"))
		body := bytes.TrimSuffix(tail, []byte("\n"))
		if i := bytes.LastIndexByte(body, '\n'); i >= 0 || off == 0 {
			return bytes.Clone(body[i+1:]), endsInNewline, nil
		}
	}
	return nil, true, nil
}

// AuditFiles lists the audit logs, for doctor and verification.
func (s *Store) AuditFiles() ([]string, error) {
	fsys, err := s.files()
	if err != nil {
		return nil, err
	}
	entries, err := fsys.readDir(auditDir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink != 0 {
			return nil, refuseLink(auditDir + "/" + e.Name())
		}
		if strings.HasSuffix(e.Name(), ".jsonl") {
			names = append(names, filepath.Join(auditDir, e.Name()))
		}
	}
	slices.Sort(names)
	return names, nil
}
