// Package tui is cabinet's full-screen workbench, a bubbletea program.
//
// The root Model keeps a stack of screens (screen.go): the inventory at
// the bottom, then a secret's detail, a form or the rotation wizard. It
// handles only what every screen shares (size, quit, help, the header and
// the footer's messages) and opening and closing screens; keys go to the
// top screen, and what commands report goes to every screen, each taking
// its own. A screen is one file: it is built with the deps every screen
// shares (store, identity, clock, clipboard), does its disk, keyring and
// decryption work in its own tea.Cmd closures and handles the typed
// messages they return, so the UI never blocks on I/O.
package tui
