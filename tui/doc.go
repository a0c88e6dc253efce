// Package tui is cabinet's full-screen workbench, a bubbletea program.
//
// The root Model handles what every screen shares (size, quit, help, the
// header and footer, messages from background work) and forwards keys to
// the active screen: the inventory, or one secret's detail. Each screen
// keeps its key map beside it. Disk, keyring and decryption work runs in
// tea.Cmd closures and comes back as typed messages, so the UI never
// blocks on I/O.
package tui
