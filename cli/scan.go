package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/scan"
	"github.com/cabinethq/cabinet/store"
	"github.com/spf13/cobra"
)

type scanOptions struct {
	history  bool
	revs     string // --range: the commits --history reads; all when empty
	staged   bool
	allow    string
	json     bool
	noValues bool
}

// maxScanSize: a larger file is data, a build output or a dump, not a
// config a secret is pasted into; it is skipped and counted.
const maxScanSize = 1 << 20

// allowFileName is the allow-list read from the top of the repository (or
// the current folder) when --allow names none.
const allowFileName = ".cabinetignore"

func newScanCmd(a *App) *cobra.Command {
	var o scanOptions
	c := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Find plaintext secrets in files and Git history",
		Long: `Look for plaintext secrets in files (a folder is walked; - reads stdin):
well-known formats (AWS, GitHub, GitLab, Slack, Stripe and Google keys,
private key blocks and age identities, passwords in DSNs, JWTs), random
strings of high entropy, and copies of this inventory's own values, also
inside longer strings. Each finding names file:line:column and the rule; a
copy of a value names the secret it is a copy of. No value is ever printed.

Values are looked for when a store is found: the current and previous value
of every secret your identity may read are decrypted once, kept in memory,
and each read is recorded in the audit log. Values shorter than 8 bytes are
not looked for (they would match everywhere). --no-values looks for the
formats alone and needs no identity.

Skipped: .git, binary files, files over 1 MiB, and the store's own files
(secrets/, audit/, .cabinet/). Lock files and go.sum are not checked for
high entropy (they are full of digests).

--history scans every commit of PATH's repository (git log -p --all), or
those of --range (a pull request's: origin/main..HEAD): the lines each
commit added, named COMMIT:FILE:LINE:COLUMN. --staged scans what is staged
for the next commit (the pre-commit hook runs it).

False positives go in an allow-list, --allow FILE or else .cabinetignore at
the top of the repository: one entry a line, GLOB, GLOB:RULE or
GLOB:RULE:LINE (what --json calls a finding's fingerprint); GLOB matches the
file's path from the list's folder, or its name; RULE is a rule's name or a
kind (known-value, high-entropy, token, private-key, password).

Exit 1 when anything is found, 0 when nothing is.`,
		Example: `  cabinet scan
  cabinet scan config/ deploy.yaml
  kubectl get configmap etl -o yaml | cabinet scan -
  cabinet scan --history --no-values
  cabinet scan --history --range origin/main..HEAD --no-values   # a pull request in CI
  cabinet scan --json | jq -r '.[].fingerprint' >> .cabinetignore`,
		RunE: func(c *cobra.Command, args []string) error {
			return runScan(a, args, o)
		},
	}
	c.Flags().BoolVar(&o.history, "history", false, "scan the lines every commit of the repository added")
	c.Flags().StringVar(&o.revs, "range", "", "with --history, only these commits (a Git range: origin/main..HEAD)")
	c.Flags().BoolVar(&o.staged, "staged", false, "scan the files staged for the next commit")
	c.Flags().StringVar(&o.allow, "allow", "", "an allow-list file (default: "+allowFileName+" at the top of the repository)")
	c.Flags().BoolVar(&o.json, "json", false, "print JSON for scripts")
	c.Flags().BoolVar(&o.noValues, "no-values", false, "do not look for this inventory's values (no identity needed)")
	c.MarkFlagsMutuallyExclusive("history", "staged")
	_ = c.MarkFlagFilename("allow")
	return c
}

// scanFinding is one finding as printed: where, and which rule.
type scanFinding struct {
	Commit string `json:"commit,omitempty"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Kind   string `json:"kind"`
	Rule   string `json:"rule"`
	Secret string `json:"secret,omitempty"`
	// Fingerprint is the allow-list entry that accepts this finding alone.
	Fingerprint string `json:"fingerprint"`
}

// scanRun is one scan: what is looked for and what was seen.
type scanRun struct {
	a        *App
	scanner  *scan.Scanner
	storeDir string // absolute; its files are skipped
	allow    *allowList
	files    int
	skipped  int
}

func runScan(a *App, args []string, o scanOptions) error {
	if o.staged && len(args) > 0 {
		return usagef("--staged scans the staged files of the current repository: give no PATH")
	}
	if o.revs != "" && (!o.history || strings.HasPrefix(o.revs, "-")) {
		return usagef("--range takes a Git range (origin/main..HEAD) and goes with --history")
	}
	if slices.Contains(args, "-") && (o.history || len(args) > 1) {
		return usagef("- (stdin) is scanned alone, without --history")
	}
	r := &scanRun{a: a}
	var err error
	if r.allow, err = loadAllowList(a, o.allow); err != nil {
		return err
	}
	if dir, err := a.storeDirectory(); err == nil {
		r.storeDir, _ = filepath.Abs(dir)
	}
	known, err := r.loadKnown(o.noValues)
	if err != nil {
		return err
	}
	defer known.Clear()
	r.scanner = scan.New(known)
	if len(args) == 0 {
		args = []string{"."}
	}
	var found []scanFinding
	switch {
	case o.staged:
		found, err = r.scanStaged()
	case o.history:
		found, err = r.scanHistory(args, o.revs)
	case args[0] == "-":
		found, err = r.scanStdin()
	default:
		found, err = r.scanPaths(args)
	}
	if err != nil {
		return err
	}
	found = slices.DeleteFunc(found, r.allow.allows)
	return r.report(found, o.json)
}

// loadKnown decrypts the values to look for. No store means none; an
// identity that fails is a warning: the formats are still looked for, and
// a pre-commit hook on a machine without the key still runs.
func (r *scanRun) loadKnown(noValues bool) (*scan.Known, error) {
	known := scan.NewKnown()
	if noValues {
		return known, nil
	}
	a := r.a
	s, err := a.openStore()
	if errors.Is(err, store.ErrNoStore) {
		fmt.Fprintln(a.Err, "cabinet: note: no store found: only well-known formats and random strings are looked for")
		return known, nil
	}
	if err != nil {
		return nil, err
	}
	id, err := a.identity()
	if err != nil {
		printLine(a.Err, "cabinet: warning: %s: this inventory's values are not looked for (--no-values silences this)", inventory.OneLine(err))
		return known, nil
	}
	values, unread, err := readValues(s, id, a.act(s, id))
	if err != nil {
		return nil, err
	}
	for _, v := range values {
		known.Add(v.path, v.value)
		clear(v.value)
	}
	if unread > 0 {
		fmt.Fprintf(a.Err, "cabinet: warning: %s could not be decrypted and are not looked for\n", plural(unread, "value"))
	}
	if known.Short() > 0 {
		fmt.Fprintf(a.Err, "cabinet: note: %s shorter than %d bytes not looked for\n", plural(known.Short(), "value"), scan.MinKnownLength)
	}
	return known, nil
}

type knownValue struct {
	path  string
	value []byte
}

// readValues decrypts the current and previous value of every secret the
// identity's scopes let it read, on every core, as one audit line (and one
// for each value that could not be read). unread counts those.
func readValues(s *store.Store, id *crypto.Identity, act store.Act) (values []knownValue, unread int, err error) {
	secrets, _, err := s.List()
	if err != nil {
		return nil, 0, err
	}
	var reqs []store.ReadRequest
	for _, sec := range secrets {
		// Only what the identity's scopes allow: a read outside them would
		// fail anyway, and write a denied line in the audit log.
		if !slices.Contains(s.Recipients.ReadersOf(sec.Path), act.Actor) {
			continue
		}
		for _, v := range sec.Versions { // states only: a list holds no values
			if v.State == inventory.Current || v.State == inventory.Previous {
				reqs = append(reqs, store.ReadRequest{Path: sec.Path, Sel: inventory.Selector{Number: v.Number}})
			}
		}
	}
	// The reads' warnings (a value not bound yet) come from every worker.
	if warn := s.Warn; warn != nil {
		var mu sync.Mutex
		s.SetWarn(func(msg string) { mu.Lock(); defer mu.Unlock(); warn(msg) })
		defer s.SetWarn(warn)
	}
	read, errs, err := s.ReadEach(inventory.ActionScan, "scan", reqs, id, act)
	if err != nil {
		return nil, 0, err
	}
	values = make([]knownValue, len(reqs))
	for i, r := range reqs {
		values[i] = knownValue{r.Path, read[i]}
		// A retired value was dropped: there is nothing to read.
		if errs[i] != nil && !errors.Is(errs[i], store.ErrNotFound) {
			unread++
		}
	}
	return values, unread, nil
}

// report prints the findings and fails when there are any.
func (r *scanRun) report(found []scanFinding, asJSON bool) error {
	if asJSON {
		if found == nil {
			found = []scanFinding{}
		}
		if err := r.a.writeJSON(found); err != nil {
			return err
		}
	} else {
		for _, f := range found {
			where := f.File
			if f.Commit != "" {
				where = f.Commit[:min(len(f.Commit), 12)] + ":" + where
			}
			secret := ""
			if f.Secret != "" {
				secret = " of " + f.Secret
			}
			printLine(r.a.Out, "%s:%d:%d: %s%s", where, f.Line, f.Column, f.Rule, secret)
		}
	}
	if r.skipped > 0 {
		fmt.Fprintf(r.a.Err, "cabinet: note: %s skipped (binary or over 1 MiB)\n", plural(r.skipped, "file"))
	}
	if len(found) == 0 {
		return nil
	}
	files := map[string]bool{}
	for _, f := range found {
		files[f.Commit+":"+f.File] = true
	}
	return inventory.WithHint(fmt.Errorf("%s of a plaintext secret in %s", plural(len(found), "finding"), plural(len(files), "file")),
		"move each value into the store and write its secret://PATH instead; a false positive goes in "+allowFileName+" as FILE:RULE")
}

// findingsOf turns what the scanner found in one file into printed
// findings.
func findingsOf(commit, file string, found []scan.Finding) []scanFinding {
	out := make([]scanFinding, 0, len(found))
	for _, f := range found {
		out = append(out, scanFinding{Commit: commit, File: file, Line: f.Line, Column: f.Column, Kind: string(f.Kind), Rule: f.Rule,
			Secret: f.Secret, Fingerprint: file + ":" + f.Rule + ":" + strconv.Itoa(f.Line)})
	}
	return out
}

// optionsFor says how to read a file: a lock file is all digests.
func optionsFor(name string) scan.Options {
	base := path.Base(filepath.ToSlash(name))
	switch base {
	case "go.sum", "go.work.sum", "package-lock.json", "pnpm-lock.yaml", "npm-shrinkwrap.json":
		return scan.Options{NoEntropy: true}
	}
	return scan.Options{NoEntropy: strings.HasSuffix(base, ".lock")}
}

// isBinary looks for a NUL byte where Git does: in the first 8000 bytes.
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}

func (r *scanRun) scanStdin() ([]scanFinding, error) {
	data, err := io.ReadAll(io.LimitReader(r.a.In, maxScanSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxScanSize {
		return nil, usagef("stdin is over 1 MiB: scan it as a file")
	}
	r.files++
	return findingsOf("", "-", r.scanner.Scan(data, scan.Options{})), nil
}

// scanPaths walks files and folders, then scans the files on every core.
func (r *scanRun) scanPaths(args []string) ([]scanFinding, error) {
	var files []string
	for _, arg := range args {
		found, err := r.walk(arg)
		if err != nil {
			return nil, err
		}
		files = append(files, found...)
	}
	results := make([][]scanFinding, len(files))
	skipped := make([]bool, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				results[i], skipped[i] = r.scanFile(files[i])
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	var found []scanFinding
	for i := range files {
		found = append(found, results[i]...)
		if skipped[i] {
			r.skipped++
		}
	}
	r.files = len(files)
	return found, nil
}

// walk lists the files under arg, leaving out .git and the store's own
// files. Symbolic links are not followed.
func (r *scanRun) walk(arg string) ([]string, error) {
	info, err := os.Lstat(arg)
	if err != nil {
		return nil, usagef("scan %s: %v", arg, errors.Unwrap(err))
	}
	if !info.IsDir() {
		return []string{arg}, nil
	}
	var files []string
	err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" || r.isStoreFile(p) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && !r.isStoreFile(p) {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// isStoreFile reports whether p is one of the store's own files: the
// sealed values, the audit log, the settings.
func (r *scanRun) isStoreFile(p string) bool {
	if r.storeDir == "" {
		return false
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(r.storeDir, abs)
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	return first == "secrets" || first == "audit" || first == ".cabinet"
}

// scanFile scans one file; skipped says it was binary or too large.
func (r *scanRun) scanFile(name string) (found []scanFinding, skipped bool) {
	f, err := os.Open(name)
	if err != nil {
		printLine(r.a.Err, "cabinet: warning: %v", err)
		return nil, true
	}
	defer f.Close()
	// One read of the size fstat gives: io.ReadAll's growing buffer
	// costs several reads a file, a third of the time over 10,000 files.
	info, err := f.Stat()
	if err != nil || info.Size() > maxScanSize {
		return nil, true
	}
	data := make([]byte, info.Size()+1)
	n, err := io.ReadFull(f, data)
	data = data[:n]
	if (err != nil && err != io.ErrUnexpectedEOF && err != io.EOF) || len(data) > maxScanSize || isBinary(data) {
		return nil, true
	}
	return findingsOf("", filepath.ToSlash(name), r.scanner.Scan(data, optionsFor(name))), false
}

// git runs git in dir and returns its output.
func (r *scanRun) git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "core.quotePath=false"}, args...)...)
	cmd.Env = r.a.environ()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %s", args[0], strings.TrimSpace(errb.String()))
	}
	return out, nil
}

// scanStaged scans the staged content of every staged file: what the
// commit will hold, not what the work tree holds.
func (r *scanRun) scanStaged() ([]scanFinding, error) {
	names, err := r.git(".", "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR", "--ignore-submodules")
	if err != nil {
		return nil, err
	}
	top, err := r.git(".", "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	root := strings.TrimSpace(string(top))
	var found []scanFinding
	for name := range strings.SplitSeq(strings.TrimSuffix(string(names), "\x00"), "\x00") {
		if name == "" || r.isStoreFile(filepath.Join(root, name)) {
			continue
		}
		data, err := r.git(root, "show", ":"+name)
		if err != nil {
			return nil, err
		}
		r.files++
		if len(data) > maxScanSize || isBinary(data) {
			r.skipped++
			continue
		}
		found = append(found, findingsOf("", name, r.scanner.Scan(data, optionsFor(name)))...)
	}
	return found, nil
}

// scanHistory scans the lines every commit of each PATH's repository
// added: a removed line was added by an earlier commit, where it is found.
func (r *scanRun) scanHistory(args []string, revs string) ([]scanFinding, error) {
	var found []scanFinding
	seen := map[string]bool{}
	for _, arg := range args {
		top, err := r.git(arg, "rev-parse", "--show-toplevel")
		if err != nil {
			return nil, usagef("--history: %s is not in a Git repository", arg)
		}
		root := strings.TrimSpace(string(top))
		if seen[root] {
			continue
		}
		seen[root] = true
		f, err := r.scanLog(root, revs)
		if err != nil {
			return nil, err
		}
		found = append(found, f...)
	}
	return found, nil
}

// scanLog reads `git log -p` of the repository at root as it comes: of
// revs, or of every branch and tag.
func (r *scanRun) scanLog(root, revs string) ([]scanFinding, error) {
	which := "--all"
	if revs != "" {
		which = revs
	}
	cmd := exec.Command("git", "-C", root, "-c", "core.quotePath=false", "log", "-p", "-U0",
		"--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--format=commit %H", which, "--")
	cmd.Env = r.a.environ()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git log: %w", err)
	}
	p := &logParser{r: r, root: root}
	readErr := p.read(bufio.NewReaderSize(out, 1<<16))
	if err := cmd.Wait(); err != nil {
		if strings.Contains(errb.String(), "does not have any commits") {
			return nil, nil
		}
		return nil, fmt.Errorf("git log: %s", strings.TrimSpace(errb.String()))
	}
	return p.found, readErr
}

// logParser follows git log -p: commit lines, each file's diff header,
// then hunks whose + lines are gathered per file and scanned together.
type logParser struct {
	r      *scanRun
	root   string
	commit string
	file   string
	header bool // between "diff --git" and the first hunk
	next   int  // the new file's line number of the next + line
	text   []byte
	lines  []int // the file line of each gathered line
	found  []scanFinding
}

func (p *logParser) read(in *bufio.Reader) error {
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 {
			p.line(bytes.TrimSuffix(line, []byte("\n")))
		}
		if err == io.EOF {
			p.flush()
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (p *logParser) line(l []byte) {
	switch {
	case bytes.HasPrefix(l, []byte("commit ")):
		p.flush()
		p.commit, p.file, p.header = string(l[len("commit "):]), "", false
	case bytes.HasPrefix(l, []byte("diff --git ")):
		p.flush()
		p.file, p.header = "", true
	case p.header && bytes.HasPrefix(l, []byte("+++ ")):
		p.file = diffPath(string(l[len("+++ "):]))
	case bytes.HasPrefix(l, []byte("@@ ")):
		p.header = false
		p.next = hunkStart(string(l))
	case !p.header && p.file != "" && len(l) > 0 && l[0] == '+':
		if len(p.text) <= maxScanSize { // past it, the file is skipped
			p.text = append(append(p.text, l[1:]...), '\n')
			p.lines = append(p.lines, p.next)
		}
		p.next++
	case !p.header && len(l) > 0 && l[0] == ' ':
		p.next++
	}
}

// flush scans what the current file gained in the current commit.
func (p *logParser) flush() {
	defer func() { p.text, p.lines = p.text[:0], p.lines[:0] }()
	if len(p.text) == 0 || p.r.isStoreFile(filepath.Join(p.root, p.file)) {
		return
	}
	p.r.files++
	if len(p.text) > maxScanSize || isBinary(p.text) {
		p.r.skipped++
		return
	}
	found := p.r.scanner.Scan(p.text, optionsFor(p.file))
	for i := range found {
		found[i].Line = p.lines[found[i].Line-1]
	}
	p.found = append(p.found, findingsOf(p.commit, p.file, found)...)
}

// diffPath is the file a "+++ b/PATH" line names; "" for /dev/null.
func diffPath(s string) string {
	if strings.HasPrefix(s, `"`) {
		if u, err := strconv.Unquote(s); err == nil {
			s = u
		}
	}
	if s == "/dev/null" {
		return ""
	}
	return strings.TrimPrefix(s, "b/")
}

// hunkStart reads c from "@@ -a,b +c,d @@".
func hunkStart(h string) int {
	_, rest, _ := strings.Cut(h, " +")
	num, _, _ := strings.Cut(rest, ",")
	num, _, _ = strings.Cut(num, " ")
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// allowList is the accepted findings: GLOB, GLOB:RULE or GLOB:RULE:LINE.
type allowList struct {
	base    string // the list's folder, absolute: globs match paths from it
	entries []allowEntry
}

type allowEntry struct {
	glob, rule string
	line       int
}

// loadAllowList reads --allow, or else .cabinetignore at the top of the
// repository or in the current folder when there is one.
func loadAllowList(a *App, name string) (*allowList, error) {
	explicit := name != ""
	if !explicit {
		dir := "."
		cmd := exec.Command("git", "rev-parse", "--show-toplevel")
		cmd.Env = a.environ()
		if out, err := cmd.Output(); err == nil {
			dir = strings.TrimSpace(string(out))
		}
		name = filepath.Join(dir, allowFileName)
	}
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return &allowList{}, nil
	}
	if err != nil {
		return nil, usagef("--allow: %v", err)
	}
	base, err := filepath.Abs(filepath.Dir(name))
	if err != nil {
		return nil, err
	}
	l := &allowList{base: base}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := parseAllowEntry(line)
		if err != nil {
			return nil, usagef("%s:%d: %v", name, i+1, err)
		}
		l.entries = append(l.entries, e)
	}
	return l, nil
}

func parseAllowEntry(line string) (allowEntry, error) {
	parts := strings.Split(line, ":")
	e := allowEntry{glob: parts[0]}
	if len(parts) > 3 {
		return e, fmt.Errorf("%q: want GLOB, GLOB:RULE or GLOB:RULE:LINE", line)
	}
	if _, err := path.Match(e.glob, ""); err != nil {
		return e, fmt.Errorf("%q: %v", line, err)
	}
	if len(parts) > 1 {
		e.rule = parts[1]
	}
	if len(parts) > 2 {
		n, err := strconv.Atoi(parts[2])
		if err != nil || n < 1 {
			return e, fmt.Errorf("%q: %q is no line number", line, parts[2])
		}
		e.line = n
	}
	return e, nil
}

// allows reports whether an entry accepts f.
func (l *allowList) allows(f scanFinding) bool {
	if len(l.entries) == 0 {
		return false
	}
	name := l.relative(f)
	for _, e := range l.entries {
		if e.rule != "" && e.rule != f.Rule && e.rule != f.Kind {
			continue
		}
		if e.line != 0 && e.line != f.Line {
			continue
		}
		if globMatches(e.glob, name) || globMatches(e.glob, f.File) {
			return true
		}
	}
	return false
}

// relative is f's file as a path from the list's folder. A file of the
// history or the staged files is already relative to the repository.
func (l *allowList) relative(f scanFinding) string {
	if f.Commit != "" || f.File == "-" {
		return f.File
	}
	abs, err := filepath.Abs(filepath.FromSlash(f.File))
	if err != nil {
		return f.File
	}
	rel, err := filepath.Rel(l.base, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return f.File
	}
	return filepath.ToSlash(rel)
}

// globMatches: the glob matches the whole path, its name (a glob without a
// slash), or a folder it is in ("testdata/" or "testdata").
func globMatches(glob, name string) bool {
	name = strings.TrimPrefix(name, "./")
	glob = strings.TrimPrefix(glob, "./")
	if ok, _ := path.Match(glob, name); ok {
		return true
	}
	if !strings.Contains(strings.TrimSuffix(glob, "/"), "/") {
		if ok, _ := path.Match(glob, path.Base(name)); ok {
			return true
		}
	}
	dir := strings.TrimSuffix(glob, "/")
	for d := path.Dir(name); d != "." && d != "/"; d = path.Dir(d) {
		if ok, _ := path.Match(dir, d); ok {
			return true
		}
		if !strings.Contains(dir, "/") {
			if ok, _ := path.Match(dir, path.Base(d)); ok {
				return true
			}
		}
	}
	return false
}
