package tui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// The three forms on a secret: create one, set a new value, edit its
// metadata. Each validates as the user types and saves through the store in
// a command; the outcome comes back as a savedMsg.

// savedMsg reports a save to the form. On success the form closes, the
// inventory and the secret are read again, and a new secret opens.
type savedMsg struct {
	path string
	text string // what the footer says
	err  error
}

// Value sources of the create and set-value forms.
const (
	sourceType     = "type it"
	sourceGenerate = "generate"
	sourceLater    = "none yet" // create only: the value comes later
)

const noRunbook = "none"

// metaFields are the metadata fields that the create and edit forms share.
type metaFields struct {
	owner, description, tags, every, runbook *field
}

func addMetaFields(f *form, sec *inventory.Secret, known []string) metaFields {
	runbook := noRunbook
	if sec.Rotation.Runbook != "" {
		runbook = sec.Rotation.Runbook
	}
	runbooks := append([]string{noRunbook}, known...)
	if !slices.Contains(runbooks, runbook) {
		runbooks = append(runbooks, runbook) // missing from runbooks/: keep it visible
	}
	every := sec.Rotation.Every.String()
	return metaFields{
		owner:       f.text("Owner", sec.Owner, "e.g. data-platform", "the team or person who answers for it", checkOwner),
		description: f.text("Description", sec.Description, "(optional) what it is for", "one line that tells a teammate what breaks without it", checkDescription),
		tags:        f.text("Tags", strings.Join(sec.Tags, ", "), "(optional) e.g. warehouse, etl", "comma-separated; the filter finds them", checkTags),
		every:       f.text("Rotate every", every, "(no policy)", "a period like 90d, 2w or 12h; empty: no rotation policy", checkEvery),
		runbook:     f.choose("Runbook", "the guided rotation in runbooks/; ←/→ to choose", runbooks, runbook),
	}
}

func checkOwner(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("an owner is required: every secret has exactly one team or person who answers for it")
	}
	return inventory.ValidateText("owner", s)
}

// Metadata is plain text (inventory.ValidateText): a pasted escape or line
// break is refused as it is typed.
func checkDescription(s string) error { return inventory.ValidateText("description", s) }

func checkTags(s string) error {
	for _, t := range strings.Split(s, ",") {
		if err := inventory.ValidateText("tag", strings.TrimSpace(t)); err != nil {
			return err
		}
	}
	return nil
}

func checkEvery(s string) error {
	_, err := inventory.ParseEvery(strings.TrimSpace(s))
	return err
}

// metaValues are the metadata a form was saved with, taken on the UI
// goroutine so that the command that saves reads no field.
type metaValues struct {
	owner, description, runbook string
	tags                        []string
	every                       inventory.Every
}

// values reads the fields, which are valid.
func (mf metaFields) values() metaValues {
	mv := metaValues{
		owner:       strings.TrimSpace(mf.owner.value()),
		description: strings.TrimSpace(mf.description.value()),
	}
	mv.tags = inventory.SplitTags(mf.tags.value())
	mv.every, _ = inventory.ParseEvery(strings.TrimSpace(mf.every.value()))
	if rb := mf.runbook.value(); rb != noRunbook {
		mv.runbook = rb
	}
	return mv
}

// apply sets every field of the form, by inventory's rules.
func (mv metaValues) apply(sec *inventory.Secret) error {
	tags := slices.Clone(mv.tags)
	return inventory.MetadataChange{Owner: &mv.owner, Description: &mv.description, Tags: &tags, Every: &mv.every, Runbook: &mv.runbook}.Apply(sec)
}

// valueFields are the fields that give a new value: typed, or generated.
type valueFields struct {
	source, value, length, charset *field
}

func addValueFields(f *form, sources []string) valueFields {
	var vf valueFields
	vf.source = f.choose("Value", "type the value, or have a random one generated; ←/→ to choose", sources, sources[0])
	typed := func() bool { return vf.source.value() == sourceType }
	generated := func() bool { return vf.source.value() == sourceGenerate }
	vf.value = f.secret("Secret value", "shown masked; nothing is saved until you save the form", checkValue)
	vf.value.shown = typed
	def := inventory.DefaultGenerate()
	vf.length = f.text("Length", strconv.Itoa(def.Length), strconv.Itoa(def.Length),
		fmt.Sprintf("%d to %d characters", inventory.MinGeneratedLength, inventory.MaxGeneratedLength), checkLength)
	vf.length.shown = generated
	vf.charset = f.choose("Characters", "←/→ to choose", crypto.CharsetNames(), def.Charset)
	vf.charset.shown = generated
	return vf
}

func checkValue(s string) error {
	switch {
	case s == "":
		return errors.New("the value is empty: type it, or choose generate")
	case len(s) > crypto.MaxValueSize:
		return fmt.Errorf("the value is %d bytes; at most %d fit", len(s), crypto.MaxValueSize)
	}
	return nil
}

func checkLength(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("length must be a whole number from %d to %d", inventory.MinGeneratedLength, inventory.MaxGeneratedLength)
	}
	return inventory.CheckGeneratedLength(n)
}

// take returns the new value, read on the UI goroutine when the form is
// saved. A typed value stays in its masked field until the form closes, so
// that a save that fails can be retried without typing it again.
func (vf valueFields) take() (value func() ([]byte, error), none bool) {
	switch vf.source.value() {
	case sourceGenerate:
		n, _ := strconv.Atoi(strings.TrimSpace(vf.length.value()))
		charset := vf.charset.value()
		return func() ([]byte, error) { return crypto.Generate(n, charset) }, false
	case sourceType:
		typed := []byte(vf.value.value())
		return func() ([]byte, error) { return typed, nil }, false
	}
	return nil, true
}

// withActor saves in a command as the operator; without an identity the
// save fails with the reason.
func (d *deps) withActor(do func(store.Act) tea.Msg) tea.Cmd {
	if err := d.who.missing(); err != nil {
		return func() tea.Msg { return savedMsg{err: err} }
	}
	d.busy.start("saving")
	act := d.act()
	return func() tea.Msg { return do(act) }
}

// newSecretForm creates a secret, with or without a first value, and
// opens it.
func newSecretForm(d *deps, inv *inventoryScreen, width int) *form {
	f := newForm(d, "New secret", width)
	f.opens = func(path string) tea.Cmd { return openDetail(d, path, nil, nil) }
	s := d.store
	envs := strings.Join(s.Settings().Environments, ", ")
	path := f.text("Path", "", "e.g. prod/db/password", "env/…/name, lower case; env is one of "+envs, func(p string) error {
		if err := s.ValidatePath(p); err != nil {
			return err
		}
		if inv.has(p) {
			return fmt.Errorf("%s exists already: open it from the inventory to change it", p)
		}
		return nil
	})
	meta := addMetaFields(f, &inventory.Secret{Rotation: inventory.Rotation{Every: inventory.Every{N: 90, Unit: 'd'}}}, inv.runbooks)
	val := addValueFields(f, []string{sourceGenerate, sourceType, sourceLater})
	f.save = func() tea.Cmd {
		p, mv := path.value(), meta.values()
		value, none := val.take()
		return d.withActor(func(act store.Act) tea.Msg {
			if none {
				_, err := s.Create(p, act, mv.apply)
				return savedMsg{path: p, text: "created " + p + " without a value (v sets one)", err: err}
			}
			v, err := value()
			if err != nil {
				return savedMsg{err: err}
			}
			_, ver, err := s.SetValue(p, v, act, func(sec *inventory.Secret, created bool) error {
				if !created {
					return fmt.Errorf("%s was created meanwhile: %w", p, store.ErrExists)
				}
				return mv.apply(sec)
			})
			clear(v)
			return savedMsg{path: p, text: fmt.Sprintf("created %s, v%d is current", p, ver.Number), err: err}
		})
	}
	return f
}

// setValueForm sets a new current value: a rotation in one step.
func setValueForm(d *deps, sec *inventory.Secret, width int) *form {
	f := newForm(d, "New value for "+sec.Path, width)
	if rb := sec.Rotation.Runbook; rb != "" {
		f.notice = fmt.Sprintf("%s rotates with the runbook %s: a value set here becomes current at once and no runbook step runs. To rotate with the runbook, esc, then R.", sec.Path, rb)
	}
	val := addValueFields(f, []string{sourceGenerate, sourceType})
	s, p := d.store, sec.Path
	f.save = func() tea.Cmd {
		value, _ := val.take()
		return d.withActor(func(act store.Act) tea.Msg {
			v, err := value()
			if err != nil {
				return savedMsg{err: err}
			}
			_, ver, err := s.SetValue(p, v, act, nil)
			clear(v)
			return savedMsg{path: p, text: fmt.Sprintf("%s: v%d is current, the old value is kept as previous", p, ver.Number), err: err}
		})
	}
	return f
}

// editForm changes a secret's owner, description, tags and policy.
func editForm(d *deps, sec *inventory.Secret, runbooks []string, width int) *form {
	f := newForm(d, "Edit "+sec.Path, width)
	meta := addMetaFields(f, sec, runbooks)
	s, p := d.store, sec.Path
	f.save = func() tea.Cmd {
		mv := meta.values()
		return d.withActor(func(act store.Act) tea.Msg {
			_, err := s.Edit(p, act, mv.apply)
			return savedMsg{path: p, text: "saved " + p, err: err}
		})
	}
	return f
}
