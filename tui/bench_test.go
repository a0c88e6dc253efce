package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/cabinethq/cabinet/themes"
)

// syntheticSecrets makes n secrets shaped like bench/gen's (env/teamNN/
// systemNN/name, owners, tags, one to three versions), in memory: the
// benchmarks below measure the workbench, not the disk.
func syntheticSecrets(n int) []inventory.Secret {
	envs := []string{"dev", "stg", "prod"}
	names := []string{"db-password", "api-token", "access-key", "secret-key", "webhook-secret", "sasl-password"}
	secrets := make([]inventory.Secret, n)
	for i := range secrets {
		every := inventory.Every{N: []int{30, 90, 180, 0}[i%4], Unit: 'd'}
		if every.N == 0 {
			every = inventory.Every{}
		}
		var versions []inventory.Version
		for v := 1 + i%3; v >= 1; v-- {
			state := inventory.Retired
			switch {
			case v == 1+i%3:
				state = inventory.Current
			case v == i%3:
				state = inventory.Previous
			}
			versions = append(versions, inventory.Version{Number: v, State: state, Created: testNow.AddDate(0, 0, -(i%200)-30*(1+i%3-v)), Author: "bench"})
		}
		secrets[i] = inventory.Secret{
			Path:     fmt.Sprintf("%s/team%02d/system%03d/%s-%d", envs[i%3], i%40, i%700, names[i%len(names)], i),
			Owner:    fmt.Sprintf("team%02d", i%40),
			Tags:     []string{names[i%len(names)], envs[i%3]},
			Rotation: inventory.Rotation{Every: every},
			Versions: versions,
		}
	}
	return secrets
}

// benchModel is the workbench at 120×40 with n secrets loaded.
func benchModel(b *testing.B, n int) *Model {
	b.Helper()
	s := &memStore{settings: store.Config{Environments: inventory.DefaultEnvironments, Warning: inventory.DefaultWarning}}
	m := New(Options{Store: s, Name: "bench", Now: func() time.Time { return testNow }, Styles: themes.Plain()})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(inventoryLoadedMsg{listing: newListing(syntheticSecrets(n), testNow, inventory.DefaultWarning, sortOrder{})})
	m.Update(identityMsg{err: fmt.Errorf("none")})
	return m
}

// BenchmarkFilterKeystroke100k is the first key of a query typed into the
// filter of a 100,000-secret inventory, and the screen drawn again: the
// worst case, which ranks every row that holds a p and highlights the
// rows on screen. One op is one key and one View; clearing the filter
// between keys is not timed.
func BenchmarkFilterKeystroke100k(b *testing.B) {
	m := benchModel(b, 100_000)
	m.Update(runeKey('/'))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(runeKey('p'))
		_ = m.View()
		b.StopTimer()
		m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
		b.StartTimer()
	}
}

// BenchmarkFilterTyping100k types "prodsasl" into the filter of 100,000
// secrets, drawing the screen after each key, and clears it; ns/op is per
// key. After the first key each key narrows the rows already shown.
func BenchmarkFilterTyping100k(b *testing.B) {
	m := benchModel(b, 100_000)
	m.Update(runeKey('/'))
	const query = "prodsasl"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range query {
			m.Update(runeKey(r))
			_ = m.View()
		}
		m.inv.filter.SetValue("")
		m.inv.refilter(true)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(query)), "ns/key")
}

// BenchmarkLoad100k builds the inventory's rows from 100,000 listed
// secrets (in the load command) and hands them to the workbench, and
// reports the heap the loaded workbench keeps.
func BenchmarkLoad100k(b *testing.B) {
	secrets := syntheticSecrets(100_000)
	b.ResetTimer()
	var m *Model
	for i := 0; i < b.N; i++ {
		m = benchModel(b, 0)
		m.Update(inventoryLoadedMsg{listing: newListing(secrets, testNow, inventory.DefaultWarning, sortOrder{})})
	}
	b.StopTimer()
	secrets = nil
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MB-heap")
	runtime.KeepAlive(m)
}

// BenchmarkReload100kUpdate is what a reload of 100,000 secrets costs the
// UI goroutine: the root's Update with a loaded listing.
func BenchmarkReload100kUpdate(b *testing.B) {
	m := benchModel(b, 0)
	l := newListing(syntheticSecrets(100_000), testNow, inventory.DefaultWarning, sortOrder{})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(inventoryLoadedMsg{listing: l})
	}
}

// BenchmarkReload10kUpdate is what a live reload of 10,000 secrets costs
// the UI goroutine: the root's Update with the listing that the reload's
// command read and sorted, the selection kept.
func BenchmarkReload10kUpdate(b *testing.B) {
	m := benchModel(b, 10_000)
	m.Update(runeKey('j'))
	msg := inventoryLoadedMsg{listing: newListing(syntheticSecrets(10_000), testNow, inventory.DefaultWarning, sortOrder{})}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(msg)
	}
}

// BenchmarkLiveLook10k is one look for changes on a store of 10,000
// secrets shaped like bench/gen's (4,200 folders), nothing changed: what
// the watch costs every half second, in a command, off the UI goroutine.
func BenchmarkLiveLook10k(b *testing.B) {
	dir := b.TempDir()
	for _, s := range syntheticSecrets(10_000) {
		if err := os.MkdirAll(filepath.Join(dir, "secrets", filepath.Dir(s.Path)), 0o700); err != nil {
			b.Fatal(err)
		}
	}
	w := newStoreWatch(dir)
	w.clock = func() time.Time { return time.Now().Add(time.Hour) } // every stamp is trusted
	w.changed()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if w.changed() {
			b.Fatal("changed")
		}
	}
}
