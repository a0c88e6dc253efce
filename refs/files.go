package refs

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// FileRef is a reference found in a file, at a line (1-based).
type FileRef struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Ref  Ref    `json:"-"`
	// Text is the reference as written, for JSON.
	Text string `json:"ref"`
}

// maxFile bounds the files looked into: configs, templates and scripts,
// not data.
const maxFile = 1 << 20

// InFiles finds the references in the text files under root: not in .git,
// not in the folders skip names (a store), not in files over 1 MiB or that
// hold a NUL byte (binaries). Links are not followed. Files are named
// relative to root, with slashes.
func InFiles(root string, skip func(dir string) bool) ([]FileRef, error) {
	var found []FileRef
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (d.Name() == ".git" || skip != nil && skip(p)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // links and devices are not followed
		}
		refs, err := inFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		for _, r := range refs {
			r.File = filepath.ToSlash(rel)
			found = append(found, r)
		}
		return nil
	})
	return found, err
}

// inFile reads one file's references, if it is a small text file.
func inFile(p string) ([]FileRef, error) {
	fi, err := os.Lstat(p)
	if err != nil || fi.Size() > maxFile {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(data[:min(len(data), 8<<10)], 0) >= 0 || !bytes.Contains(data, []byte(Scheme)) {
		return nil, nil
	}
	var out []FileRef
	for n, line := range strings.Split(string(data), "\n") {
		for _, r := range Find(line) {
			out = append(out, FileRef{Line: n + 1, Ref: r, Text: r.String()})
		}
	}
	return out, nil
}

// InFolders finds the references in folders, each file named under the
// folder's name (names[i], "" for none), the store's own folder left out.
func InFolders(storeDir string, names, dirs []string) ([]FileRef, error) {
	storeAbs, _ := filepath.Abs(storeDir)
	var all []FileRef
	for i, dir := range dirs {
		found, err := InFiles(dir, func(p string) bool {
			abs, _ := filepath.Abs(p)
			return abs == storeAbs
		})
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			if names[i] != "" {
				f.File = path.Join(filepath.ToSlash(names[i]), f.File)
			}
			all = append(all, f)
		}
	}
	return all, nil
}

// Projects are the project folders of a store (store.yaml's projects,
// relative to its folder dir or absolute), as InFolders takes them.
func Projects(dir string, projects []string) (names, dirs []string) {
	for _, p := range projects {
		d := p
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		names, dirs = append(names, p), append(dirs, filepath.Clean(d))
	}
	return names, dirs
}
