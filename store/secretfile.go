package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/inventory"
	"go.yaml.in/yaml/v3"
)

// fileSecret is the YAML form of one secret file (DESIGN.md, "One secret
// file"). Field order here is the order in the file.
type fileSecret struct {
	Cabinet     int            `yaml:"cabinet"`
	Path        string         `yaml:"path"`
	Owner       string         `yaml:"owner"`
	Description string         `yaml:"description,omitempty"`
	Rotation    *fileRotation  `yaml:"rotation,omitempty"`
	Tags        []string       `yaml:"tags,flow,omitempty"`
	Readers     []string       `yaml:"readers,flow,omitempty"`
	ReadersSum  string         `yaml:"readers_sum,omitempty"`
	Exposed     []fileExposure `yaml:"exposed,omitempty"`
	Conflicts   []string       `yaml:"conflicts,flow,omitempty"`
	Rotating    *fileRotating  `yaml:"rotating,omitempty"`
	Versions    []fileVersion  `yaml:"versions"`
}

// fileRotating is a rotation in progress.
type fileRotating struct {
	Version   int               `yaml:"version"`
	Runbook   string            `yaml:"runbook,omitempty"`
	Started   time.Time         `yaml:"started"`
	By        string            `yaml:"by"`
	Next      int               `yaml:"next"`
	Approved  string            `yaml:"approved_by,omitempty"`
	WaitUntil *time.Time        `yaml:"wait_until,omitempty"`
	Steps     []fileStepOutcome `yaml:"steps,omitempty"`
}

type fileStepOutcome struct {
	Step    int       `yaml:"step"`
	Name    string    `yaml:"name"`
	Outcome string    `yaml:"outcome"`
	At      time.Time `yaml:"at"`
	By      string    `yaml:"by"`
	Detail  string    `yaml:"detail,omitempty"`
}

type fileRotation struct {
	Every   string `yaml:"every,omitempty"`
	Runbook string `yaml:"runbook,omitempty"`
}

type fileExposure struct {
	Member string    `yaml:"member"`
	At     time.Time `yaml:"at"`
}

type fileVersion struct {
	Version  int       `yaml:"version"`
	SealedAs int       `yaml:"sealed_as,omitempty"`
	State    string    `yaml:"state"`
	Created  time.Time `yaml:"created"`
	Author   string    `yaml:"author,omitempty"`
	Value    string    `yaml:"value,omitempty"`
}

// ErrCorrupt marks a file that cannot be read as what it should be.
var ErrCorrupt = errors.New("corrupt")

// ParseSecret reads a secret file's bytes. wantPath is the path the file's
// location gives; the file must agree. The error names the field or line.
func ParseSecret(data []byte, wantPath string, environments []string) (*inventory.Secret, error) {
	var f fileSecret
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the file is empty", ErrCorrupt)
		}
		return nil, fmt.Errorf("%w: %s", ErrCorrupt, strings.TrimPrefix(oneLine(err.Error()), "yaml: "))
	}
	if f.Cabinet != inventory.FormatVersion {
		if f.Cabinet > inventory.FormatVersion {
			return nil, fmt.Errorf("%w: format version %d is newer than this cabinet understands (%d): upgrade cabinet", ErrCorrupt, f.Cabinet, inventory.FormatVersion)
		}
		return nil, fmt.Errorf("%w: cabinet: want format version %d, got %d", ErrCorrupt, inventory.FormatVersion, f.Cabinet)
	}
	if f.Path != wantPath {
		return nil, fmt.Errorf("%w: path: the file says %q but lives at %q", ErrCorrupt, f.Path, wantPath)
	}
	s, err := f.secret()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if err := s.Validate(environments); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return s, nil
}

func (f *fileSecret) secret() (*inventory.Secret, error) {
	s := &inventory.Secret{
		Path:        f.Path,
		Owner:       f.Owner,
		Description: f.Description,
		Tags:        f.Tags,
		Readers:     f.Readers,
		ReadersSum:  f.ReadersSum,
		Conflicts:   f.Conflicts,
	}
	if f.Rotation != nil {
		every, err := inventory.ParseEvery(f.Rotation.Every)
		if err != nil {
			return nil, fmt.Errorf("rotation.every: %v", err)
		}
		s.Rotation = inventory.Rotation{Every: every, Runbook: f.Rotation.Runbook}
	}
	for _, e := range f.Exposed {
		s.Exposures = append(s.Exposures, inventory.Exposure{Member: e.Member, At: e.At})
	}
	for _, v := range f.Versions {
		s.Versions = append(s.Versions, inventory.Version{
			Number: v.Version, SealedAs: v.SealedAs, State: inventory.State(v.State), Created: v.Created, Author: v.Author, Value: v.Value,
		})
	}
	if r := f.Rotating; r != nil {
		s.Rotating = &inventory.Rotating{Version: r.Version, Runbook: r.Runbook, Started: r.Started, By: r.By, Next: r.Next, Approved: r.Approved}
		if r.WaitUntil != nil {
			s.Rotating.WaitUntil = *r.WaitUntil
		}
		for _, o := range r.Steps {
			s.Rotating.Steps = append(s.Rotating.Steps, inventory.StepOutcome{Step: o.Step, Name: o.Name, Outcome: o.Outcome, At: o.At, By: o.By, Detail: o.Detail})
		}
	}
	return s, nil
}

// FormatSecret renders a secret in the file format.
func FormatSecret(s *inventory.Secret) ([]byte, error) {
	f := fileSecret{
		Cabinet:     inventory.FormatVersion,
		Path:        s.Path,
		Owner:       s.Owner,
		Description: s.Description,
		Tags:        s.Tags,
		Readers:     s.Readers,
		ReadersSum:  s.ReadersSum,
		Conflicts:   s.Conflicts,
		Versions:    []fileVersion{},
	}
	if !s.Rotation.Every.IsZero() || s.Rotation.Runbook != "" {
		f.Rotation = &fileRotation{Every: s.Rotation.Every.String(), Runbook: s.Rotation.Runbook}
	}
	for _, e := range s.Exposures {
		f.Exposed = append(f.Exposed, fileExposure{Member: e.Member, At: e.At.UTC()})
	}
	for _, v := range s.Versions {
		f.Versions = append(f.Versions, fileVersion{
			Version: v.Number, SealedAs: v.SealedAs, State: string(v.State), Created: v.Created.UTC(), Author: v.Author, Value: v.Value,
		})
	}
	if r := s.Rotating; r != nil {
		f.Rotating = &fileRotating{Version: r.Version, Runbook: r.Runbook, Started: r.Started.UTC(), By: r.By, Next: r.Next, Approved: r.Approved}
		if !r.WaitUntil.IsZero() {
			t := r.WaitUntil.UTC()
			f.Rotating.WaitUntil = &t
		}
		for _, o := range r.Steps {
			f.Rotating.Steps = append(f.Rotating.Steps, fileStepOutcome{Step: o.Step, Name: o.Name, Outcome: o.Outcome, At: o.At.UTC(), By: o.By, Detail: o.Detail})
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&f); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
